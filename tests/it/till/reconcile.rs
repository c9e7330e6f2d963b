//! Reconciliation (issue 13 item 2): a real till's day against the sandbox's Data API, with
//! differences planted at the gateway through its control API, through the core and through
//! `cashier reconcile --date` (exit 0 nothing differs, 1 differences, 2 error). The Data API's
//! token and secret live in the keyring only.

use std::collections::BTreeSet;

use ::till::reconcile::zone::Zone;
use ::till::reconcile::ItemKind;
use ::till::State;
use ecommpay::Tiyin;
use ecommpay_sandbox::DataApiAccess;
use serde_json::json;

use super::cli::{run, setup};
use super::{pay, sandbox, TestTill};

const TOKEN: &str = "RcN7tokenQ2xW9vB4mK8pL3sD6fG1h";
const DATA_SECRET: &str = "reconcile-data-api-secret-7Yq";

async fn data_api_sandbox() -> ecommpay_sandbox::RunningSandbox {
    sandbox(|c| {
        c.data_api = Some(DataApiAccess {
            token: TOKEN.into(),
            secret: ecommpay::Secret::new(DATA_SECRET),
        })
    })
    .await
}

fn tashkent() -> Zone {
    Zone::new("Asia/Tashkent").unwrap()
}

fn today() -> ::till::time::NaiveDate {
    tashkent().date_of(::till::db::now_ms())
}

/// A sale the customer pays with `card` (`uzcard-ok` pays, `uzcard-nofunds` declines).
async fn sale(t: &TestTill, amount: i64, card: &str) -> (String, State) {
    let (h, link) = super::sale_with_link(t, Tiyin::new(amount), None).await;
    let pid = h.payment_id.clone();
    pay(&link, card).await;
    (pid, h.wait().await.unwrap().state)
}

fn till_with_data_api(sb: &ecommpay_sandbox::RunningSandbox) -> TestTill {
    let url = format!("{}/v1", sb.base_url());
    let t = TestTill::new(sb.base_url(), &[("data_api_url", url.as_str())]);
    t.till
        .set_data_api(&crate::till::authority(&t.till), TOKEN, DATA_SECRET)
        .unwrap();
    assert!(t.till.data_api_configured().unwrap());
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_finds_each_planted_difference_and_nothing_else() {
    let sb = data_api_sandbox().await;
    let t = till_with_data_api(&sb);
    let c = sb.control();
    let (lost, s) = sale(&t, 1_500_000, "uzcard-ok").await;
    assert_eq!(s, State::Success);
    let (differs, _) = sale(&t, 250_000, "uzcard-ok").await;
    let (agrees, _) = sale(&t, 990_000, "uzcard-ok").await;
    let (declined, s) = sale(&t, 400_000, "uzcard-nofunds").await;
    assert_eq!(s, State::Failed);

    // Planted: another till's sale, a sale the gateway lost, a paid sale the gateway reports
    // declined, and a declined one it reports paid (the till "thought it failed").
    c.plant_payment(
        &serde_json::from_value(json!({"payment_id": "T2-S1", "amount": 700_000,
            "masked_card": "860012******3456"}))
        .unwrap(),
    )
    .unwrap();
    c.lose_payment(&lost).unwrap();
    c.report_status(&differs, Some("decline")).unwrap();
    c.report_status(&declined, Some("success")).unwrap();

    let day = today();
    let r = t.till.reconcile_day(day, "test").await.unwrap();
    let found: BTreeSet<(ItemKind, String)> = r
        .items
        .iter()
        .map(|i| (i.kind, i.payment_id.clone()))
        .collect();
    assert_eq!(
        found,
        BTreeSet::from([
            (ItemKind::OtherTill, "T2-S1".to_owned()),
            (ItemKind::MissingAtGateway, lost.clone()),
            (ItemKind::StatusDiffers, differs.clone()),
            (ItemKind::MissedSuccess, declined.clone()),
        ]),
        "{:#?}",
        r.items
    );
    assert_eq!(r.items.len(), 4, "each once: {:#?}", r.items);
    assert_eq!((r.differences, r.other_tills), (3, 1));
    assert_eq!((r.till_payments, r.matched), (4, 1), "only {agrees} agrees");
    assert_eq!(r.missed_successes, vec![declined.clone()]);
    assert_eq!(r.operations_fetched, 4, "the lost one is not listed");
    for i in &r.items {
        assert_eq!(i.loud, i.kind == ItemKind::MissedSuccess, "{i:?}");
        assert!(!i.action.is_empty());
    }
    let other = r.items.iter().find(|i| i.payment_id == "T2-S1").unwrap();
    assert_eq!(other.gateway_amount, Some(Tiyin::new(700_000)));
    assert_eq!(other.till_state, None);
    let st = r.items.iter().find(|i| i.payment_id == differs).unwrap();
    assert_eq!(
        (st.till_state.as_deref(), st.gateway_status.as_deref()),
        (Some("success"), Some("decline"))
    );
    // The banner's flag: the newest run's missed successes.
    let last = t.till.last_reconciliation().unwrap().unwrap();
    assert_eq!(last.missed_successes, vec![declined.clone()]);
    assert_eq!(last.date, day.format("%Y-%m-%d").to_string());

    // The same through the CLI: one line per item, the summary last, exit 1.
    let date = day.format("%Y-%m-%d").to_string();
    let (code, lines, err) = run(t.path(), &["reconcile", "--date", &date], None).await;
    assert_eq!(code, 1, "{lines:?} {err}");
    assert_eq!(lines.len(), 5, "{lines:?}");
    let items: BTreeSet<(String, String)> = lines[..4]
        .iter()
        .map(|l| {
            assert_eq!(l["event"], "reconcile_item", "{l}");
            (
                l["kind"].as_str().unwrap().to_owned(),
                l["payment_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        items,
        BTreeSet::from([
            ("other_till".to_owned(), "T2-S1".to_owned()),
            ("missing_at_gateway".to_owned(), lost.clone()),
            ("status_differs".to_owned(), differs.clone()),
            ("missed_success".to_owned(), declined.clone()),
        ])
    );
    let summary = &lines[4];
    assert_eq!(summary["event"], "reconciled");
    assert_eq!(summary["differences"], 3);
    assert_eq!(summary["other_tills"], 1);
    assert!(err.contains(&declined), "said loudly on stderr: {err}");
    assert!(!err.contains(TOKEN) && !err.contains(DATA_SECRET));

    // Undone at the gateway, only the other till's sale and the lost one remain.
    c.report_status(&differs, None).unwrap();
    c.report_status(&declined, None).unwrap();
    let r = t.till.reconcile_day(day, "test").await.unwrap();
    assert_eq!((r.differences, r.other_tills, r.matched), (1, 1, 3));
    // A day without payments anywhere: nothing differs, exit 0, the summary only.
    let (code, lines, err) = run(t.path(), &["reconcile", "--date", "2026-01-05"], None).await;
    assert_eq!((code, lines.len()), (0, 1), "{lines:?} {err}");
    assert_eq!(lines[0]["event"], "reconciled");
    assert_eq!(lines[0]["till_payments"], 0);
    // Not a date: exit 2.
    let (code, lines, _) = run(t.path(), &["reconcile", "--date", "2026-13-01"], None).await;
    assert_eq!((code, lines[0]["event"].as_str()), (2, Some("error")));

    // The token and its secret are nowhere in the data folder (database, WAL, config).
    for needle in [TOKEN, DATA_SECRET] {
        super::assert_not_in_files(t.path(), needle);
    }

    // A backup with the secrets carries them (the restored till reconciles); one without
    // carries neither.
    let backups = tempfile::tempdir().unwrap();
    for (with, name) in [(true, "with.age"), (false, "without.age")] {
        let file = backups.path().join(name);
        t.till
            .create_backup(&file, "passphrase-123", with, "test")
            .unwrap();
        let into = tempfile::tempdir().unwrap();
        let (restored, _) =
            ::till::Till::restore_backup(&file, "passphrase-123", into.path(), false).unwrap();
        assert_eq!(restored.data_api_configured().unwrap(), with, "{name}");
        if with {
            let again = restored.reconcile_day(day, "test").await.unwrap();
            assert_eq!(again.till_payments, 4);
        }
        for needle in [TOKEN, DATA_SECRET] {
            super::assert_not_in_files(into.path(), needle);
        }
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_2600_operations_pages_each_once_and_the_margins_stay_out() {
    let sb = data_api_sandbox().await;
    let t = till_with_data_api(&sb);
    let c = sb.control();
    let (mine, _) = sale(&t, 1_500_000, "uzcard-ok").await;
    let day = today();
    let date = day.format("%Y-%m-%d").to_string();
    let yesterday = day.pred_opt().unwrap().format("%Y-%m-%d").to_string();
    let bulk = |prefix: &str, count: u32, at: &str| {
        serde_json::from_value(json!({"prefix": prefix, "count": count,
            "amount": 10_000, "created_at": at}))
        .unwrap()
    };
    // Another till of the project: 2,600 sales that day, one a second from 01:00 Tashkent;
    // 5 more the evening before (inside the fetch margin: fetched, but that day's).
    c.plant_bulk(&bulk("T3", 2_600, &format!("{date}T01:00:00+05:00")))
        .unwrap();
    c.plant_bulk(&bulk("T4", 5, &format!("{yesterday}T23:30:00+05:00")))
        .unwrap();
    let before = c.data_api_requests();

    let r = t.till.reconcile_day(day, "test").await.unwrap();
    assert_eq!(c.data_api_requests() - before, 3, "1000 + 1000 + 606");
    assert_eq!(r.pages, 3);
    assert_eq!(r.operations_fetched, 2_606);
    assert_eq!((r.till_payments, r.matched, r.differences), (1, 1, 0));
    assert_eq!(r.other_tills, 2_600);
    let ids: BTreeSet<&str> = r.items.iter().map(|i| i.payment_id.as_str()).collect();
    assert_eq!(ids.len(), 2_600, "every operation once");
    assert!(ids.contains("T3-000001") && ids.contains("T3-002600"));
    assert!(!ids.iter().any(|i| i.starts_with("T4-")), "the day before");
    assert!(!ids.contains(mine.as_str()));
    assert!(r.items.iter().all(|i| i.kind == ItemKind::OtherTill));

    // Other tills' payments are no difference of this till's: exit 0.
    let (code, lines, err) = run(t.path(), &["reconcile", "--date", &date], None).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines.len(), 2_601);
    assert_eq!(lines.last().unwrap()["other_tills"], 2_600);

    // The automatic run: due once past midnight plus the margin, then audited as done.
    let z = tashkent();
    let start = z.day_start_ms(day);
    assert_eq!(t.till.reconcile_due(start + 30 * 60_000).unwrap(), None);
    let prev = day.pred_opt().unwrap();
    assert_eq!(
        t.till.reconcile_due(start + 2 * 3_600_000).unwrap(),
        Some(prev)
    );
    let r = t.till.reconcile_day(prev, "auto").await.unwrap();
    assert_eq!(r.by, "auto");
    assert_eq!(r.other_tills, 5, "the evening's 5 belong to that day");
    assert_eq!(t.till.reconcile_due(start + 2 * 3_600_000).unwrap(), None);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_api_token_is_set_by_a_manager_and_kept_only_in_the_keyring() {
    let sb = data_api_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = format!("{}/v1", sb.base_url());
    setup(d, sb.base_url(), &[("data_api_url", url.as_str())]).await;
    let date = today().format("%Y-%m-%d").to_string();

    let (code, lines, _) = run(d, &["reconcile", "--date", &date], None).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("data_api_missing"))
    );
    // Once a manager exists, nobody else sets it.
    let input = format!("{TOKEN}\n{DATA_SECRET}\n");
    let (code, lines, _) = run(d, &["data-api", "set"], Some(&input)).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("manager_required"))
    );
    let (code, lines, _) = run(
        d,
        &["data-api", "set", "--user", "anna"],
        Some(&format!("1111\n{input}")),
    )
    .await;
    assert_eq!(code, 2, "a cashier is not a manager: {lines:?}");
    let (code, lines, err) = run(
        d,
        &["data-api", "set", "--user", "boss"],
        Some(&format!("222222\n{input}")),
    )
    .await;
    assert_eq!(
        (code, lines[0]["event"].as_str()),
        (0, Some("data_api_set")),
        "{err}"
    );
    let (code, lines, err) = run(d, &["reconcile", "--date", &date], None).await;
    assert_eq!(code, 0, "{lines:?} {err}");
    assert_eq!(lines.last().unwrap()["event"], "reconciled");
    // A wrong secret: the gateway refuses it, exit 2 saying so.
    let (code, _, _) = run(
        d,
        &["data-api", "set", "--user", "boss"],
        Some(&format!("222222\n{TOKEN}\nnot-the-secret\n")),
    )
    .await;
    assert_eq!(code, 0);
    let (code, lines, err) = run(d, &["reconcile", "--date", &date], None).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("data_api_refused")),
        "{err}"
    );
    // `config show` says nothing of it beyond the URL.
    let (_, lines, _) = run(d, &["config", "show"], None).await;
    assert!(!format!("{lines:?}").contains(TOKEN));
    for needle in [TOKEN, DATA_SECRET] {
        super::assert_not_in_files(d, needle);
    }
    sb.shutdown().await;
}
