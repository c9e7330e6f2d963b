//! History as a till's report: the totals bar's figures equal the database's sums for each
//! filter (read back with the `cashier` CLI from the app's data folder), "Today" and "This
//! shift", returns negative, plain states; the export in the user's language. Screenshots in
//! uz, ru and en.

use super::returns::lang;
use super::App;
use crate::support::bin;

/// The rows of the demo till's history as the CLI reads them from the database.
fn db_rows(app: &App, args: &[&str]) -> Vec<serde_json::Value> {
    let out = std::process::Command::new(bin("cashier"))
        .args(["history", "--json"])
        .args(args)
        .env("CASHIER_DATA_DIR", app.data.path().join("demo"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `150 000 so'm` from tiyin, as the UI writes it.
fn som(tiyin: i64) -> String {
    let digits = (tiyin.abs() / 100).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{}{out} so'm", if tiyin < 0 { "\u{2212}" } else { "" })
}

/// The totals the database gives: (paid count, paid sum, not paid count, returned sum).
fn sums(rows: &[serde_json::Value]) -> (usize, i64, usize, i64) {
    let amount = |r: &serde_json::Value| {
        r["amount"]
            .as_i64()
            .or_else(|| r["amount"].as_str().and_then(|s| s.parse().ok()))
            .expect("an amount in tiyin")
    };
    let is = |r: &serde_json::Value, k: &str, s: &str| r["kind"] == k && r["state"] == s;
    let paid: Vec<_> = rows.iter().filter(|r| is(r, "sale", "success")).collect();
    let unpaid = rows.iter().filter(|r| is(r, "sale", "failed")).count();
    let returned: i64 = rows
        .iter()
        .filter(|r| is(r, "payout", "success"))
        .map(amount)
        .sum();
    (
        paid.len(),
        paid.iter().map(|r| amount(r)).sum(),
        unpaid,
        returned,
    )
}

async fn check_totals(app: &App, rows: &[serde_json::Value]) {
    let (paid_n, paid, unpaid_n, returned) = sums(rows);
    app.wait_text("[data-testid=totals-paid]", |t| {
        t == format!("To'landi: {paid_n} · {}", som(paid))
    })
    .await;
    app.wait_text("[data-testid=totals-unpaid]", |t| {
        t == format!("To'lanmadi: {unpaid_n}")
    })
    .await;
    app.wait_text("[data-testid=totals-returned]", |t| {
        t == format!("Qaytarildi: {}", som(-returned))
    })
    .await;
    app.wait_text("[data-testid=totals-net]", |t| {
        t == format!("Sof: {}", som(paid - returned))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_totals_bar_shows_the_databases_sums_for_the_filter() {
    let app = App::start("report").await;
    app.sale("40000", "uzcard-ok").await;
    app.next_sale().await;
    app.sale("25000", "uzcard-nofunds").await;
    app.next_sale().await;
    app.sale("15000", "humo-ok").await;
    // A part of the first sale goes back (asked from its detail, approved by a manager).
    app.next_sale().await;
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 3).await;
    app.click("[data-testid=history-row][data-pstate=paid]:last-child")
        .await;
    let first = app
        .wait_attr(
            "[data-testid=history-row]:last-child",
            "data-payment",
            |p| !p.is_empty(),
        )
        .await;
    app.client
        .execute(
            "document.querySelector('[data-testid=detail-close]')?.click()",
            vec![],
        )
        .await
        .unwrap();
    app.click(&format!(
        "[data-testid=history-row][data-payment=\"{first}\"]"
    ))
    .await;
    app.click("[data-testid=detail-return]").await;
    app.type_into("[data-testid=payout-amount]", "5000").await;
    app.type_into("[data-testid=payout-reason]", "Qisman qaytarish")
        .await;
    app.click("[data-testid=payout-submit]").await;
    app.wait_css("[data-testid=payout-sent]").await;
    app.click("[data-testid=approve]").await;
    app.select("[data-testid=approve-manager]", "Menejer").await;
    app.type_into("[data-testid=approve-pin]", "222222").await;
    app.click("[data-testid=approve-confirm]").await;
    app.wait_attr("[data-testid=payout-request]", "data-payment-state", |s| {
        s == "success"
    })
    .await;

    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 4).await;
    let all = db_rows(&app, &[]);
    assert_eq!(all.len(), 4);
    assert_eq!(sums(&all), (2, 5_500_000, 1, 500_000), "{all:#?}");
    check_totals(&app, &all).await;
    // Returns read as money going out.
    app.wait_text("[data-testid=history-row][data-pstate=returned]", |t| {
        t.contains("\u{2212}5 000 so'm")
    })
    .await;
    // Today and this shift (the demo's own sign-in: since today's start) show the same.
    app.click("[data-testid=f-today]").await;
    check_totals(&app, &all).await;
    app.click("[data-testid=f-shift]").await;
    check_totals(&app, &all).await;
    app.click("[data-testid=f-all]").await;

    // Narrowed: sales only, not paid only, an amount range.
    app.select("[data-testid=f-kind]", "sale").await;
    app.wait_count("[data-testid=history-row]", 3).await;
    check_totals(&app, &db_rows(&app, &["--type", "sale"])).await;
    app.select("[data-testid=f-kind]", "").await;
    app.select("[data-testid=f-state]", "not_paid").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    check_totals(&app, &db_rows(&app, &["--status", "failed"])).await;
    app.select("[data-testid=f-state]", "").await;
    app.type_into("[data-testid=f-min]", "10000").await;
    app.wait_count("[data-testid=history-row]", 3).await;
    check_totals(&app, &db_rows(&app, &["--min-amount", "10000"])).await;
    app.type_into("[data-testid=f-min]", "").await;
    app.wait_count("[data-testid=history-row]", 4).await;

    for l in ["uz", "ru", "en"] {
        lang(&app, l).await;
        app.wait_count("[data-testid=history-row]", 4).await;
        app.shot(&format!("report-history-{l}")).await;
    }
    // A not-paid sale's detail: the plain state, the reason, the technical state apart, the
    // timeline in words.
    app.click("[data-testid=history-row][data-pstate=not_paid]")
        .await;
    let state = app
        .wait_text("[data-testid=detail-state]", |t| t.starts_with("Not paid"))
        .await;
    assert!(!state.contains("(0 Success)"), "{state}");
    app.wait_text("[data-testid=detail-technical]", |t| {
        t.starts_with("Failed")
    })
    .await;
    let timeline = app
        .wait_text("[data-testid=timeline]", |t| !t.is_empty())
        .await;
    assert!(
        !timeline.contains("· absent") && !timeline.contains(" answer "),
        "{timeline}"
    );
    app.shot("report-detail-declined-en").await;
    app.click("[data-testid=detail-close]").await;

    // The export: in the user's language, local time, `,` in English and `;` in Uzbek.
    app.click("[data-testid=export]").await;
    app.wait_text("[data-testid=export-done]", |t| t.contains(".csv"))
        .await;
    let file = std::fs::read_dir(app.exports.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("Time,Payment,Type,Amount,"), "{csv}");
    assert!(
        csv.contains(",Return,-5000.00,UZS,Returned,success,"),
        "{csv}"
    );
    std::fs::remove_file(&file).unwrap();
    lang(&app, "uz").await;
    app.click("[data-testid=export]").await;
    app.wait_text("[data-testid=export-done]", |t| t.contains(".csv"))
        .await;
    let file = std::fs::read_dir(app.exports.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("Vaqt;To'lov;Turi;Summa;"), "{csv}");
    assert!(
        csv.contains(";Qaytarish;-5000,00;UZS;Qaytarildi;success;"),
        "{csv}"
    );
    assert!(
        !csv.contains('T') || !csv.contains("Z;"),
        "local time, not UTC: {csv}"
    );
    app.stop().await;
}
