//! Settings changed at the same moment: the cashier's language while a manager saves a
//! setting, or two quick language switches. Each change reads what the other wrote (one lock
//! over read, change, save): none is lost, in memory or in config.toml.

use super::TestTill;

#[test]
fn settings_changed_at_once_are_all_kept() {
    let t = TestTill::new("http://127.0.0.1:9", &[]);
    // Each thread writes its own key again and again; the last value of each must survive.
    let keys: &[(&str, &[&str])] = &[
        (
            "timing.first_poll_ms",
            &["300", "301", "302", "303", "304", "305"],
        ),
        (
            "timing.sale_poll_max_ms",
            &["500", "501", "502", "503", "504", "505"],
        ),
        (
            "timing.payout_poll_max_ms",
            &["600", "601", "602", "603", "604", "605"],
        ),
        (
            "timing.http_connect_ms",
            &["1100", "1101", "1102", "1103", "1104", "1105"],
        ),
        (
            "timing.http_read_ms",
            &["1600", "1601", "1602", "1603", "1604", "1605"],
        ),
        ("language", &["en", "uz", "en", "uz", "en", "ru"]),
    ];
    std::thread::scope(|s| {
        for (key, values) in keys {
            let till = t.till.clone();
            s.spawn(move || {
                for v in values.iter() {
                    crate::till::set_setting(&till, key, v).unwrap();
                }
            });
        }
    });
    let expect = |cfg: &::till::Config, how: &str| {
        let got = [
            cfg.timing.first_poll_ms.to_string(),
            cfg.timing.sale_poll_max_ms.to_string(),
            cfg.timing.payout_poll_max_ms.to_string(),
            cfg.timing.http_connect_ms.to_string(),
            cfg.timing.http_read_ms.to_string(),
            cfg.language.clone(),
        ];
        let want: Vec<String> = keys
            .iter()
            .map(|(_, v)| v.last().unwrap().to_string())
            .collect();
        assert_eq!(got.to_vec(), want, "{how}: a change was lost");
    };
    expect(&t.till.config(), "the running config");
    let path = t.path().to_owned();
    drop(t.till);
    expect(&::till::Till::open(&path).unwrap().config(), "config.toml");
}

#[test]
fn several_settings_save_once_audit_what_changed_and_refuse_together() {
    let t = TestTill::new("http://127.0.0.1:9", &[]);
    let auth = super::authority(&t.till);
    let changes_of = |till: &::till::Till| -> Vec<(String, String)> {
        let db = ::till::db::Db::open(&t.path().join("till.sqlite3")).unwrap();
        let mut rows: Vec<_> = ::till::db::audit::recent(db.connection(), 500)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "setting_changed")
            .map(|e| {
                (
                    e.subject,
                    e.detail["value"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        rows.reverse();
        till.verify_audit().unwrap();
        rows
    };
    let before = changes_of(&t.till).len();
    let wanted = [
        ("timing.first_poll_ms", "250"),
        ("timing.http_read_ms", "1500"), // already so (FAST): not a change
        ("language", "ru"),
    ];
    t.till.set_settings(&auth, &wanted).unwrap();
    let cfg = t.till.config();
    assert_eq!(
        (cfg.timing.first_poll_ms, cfg.language.as_str()),
        (250, "ru")
    );
    assert_eq!(
        changes_of(&t.till)[before..].to_vec(),
        vec![
            ("timing.first_poll_ms".to_owned(), "250".to_owned()),
            ("language".to_owned(), "ru".to_owned())
        ],
        "one row for each that changed"
    );
    // Again, unchanged: nothing written, nothing audited.
    let saved = std::fs::metadata(t.path().join("config.toml"))
        .unwrap()
        .modified()
        .unwrap();
    t.till.set_settings(&auth, &wanted).unwrap();
    assert_eq!(changes_of(&t.till).len(), before + 2);
    assert_eq!(
        std::fs::metadata(t.path().join("config.toml"))
            .unwrap()
            .modified()
            .unwrap(),
        saved
    );
    // One bad value: none of them applies.
    let err = t
        .till
        .set_settings(
            &auth,
            &[
                ("timing.first_poll_ms", "400"),
                ("timing.http_read_ms", "soon"),
            ],
        )
        .unwrap_err();
    assert!(!err.to_string().is_empty());
    let path = t.path().to_owned();
    assert_eq!(t.till.config().timing.first_poll_ms, 250);
    assert_eq!(
        ::till::Till::open(&path)
            .unwrap()
            .config()
            .timing
            .first_poll_ms,
        250
    );
    assert_eq!(changes_of(&t.till).len(), before + 2);
}
