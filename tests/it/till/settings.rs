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
