//! History: filters over SQL and CSV export with its progress.

use super::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_filters_and_exports() {
    let app = App::start("history").await;
    app.sale("150000", "uzcard-ok").await;
    app.next_sale().await;
    app.sale("25000", "uzcard-nofunds").await;
    app.next_sale().await;

    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 2).await;

    // Status.
    app.select("[data-testid=f-state]", "not_paid").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    assert!(app
        .text("[data-testid=history-row]")
        .await
        .contains("25 000 so'm"));
    app.select("[data-testid=f-state]", "").await;
    app.wait_count("[data-testid=history-row]", 2).await;

    // Amount (so'm).
    app.type_into("[data-testid=f-min]", "100000").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    assert!(app
        .text("[data-testid=history-row]")
        .await
        .contains("150 000 so'm"));

    // Text: the card's last four digits.
    let row = app.text("[data-testid=history-row]").await;
    let stars = row.find("******").expect("the masked card in the row");
    let masked = row[stars - 6..stars + 10].to_owned();
    assert!(
        masked.chars().filter(char::is_ascii_digit).count() == 10,
        "{masked}"
    );
    app.type_into("[data-testid=f-min]", "").await;
    app.type_into("[data-testid=f-text]", &masked[masked.len() - 4..])
        .await;
    app.wait_count("[data-testid=history-row]", 1).await;
    app.type_into("[data-testid=f-text]", "NOPE-").await;
    app.wait_css("[data-testid=history-empty]").await;
    app.type_into("[data-testid=f-text]", "").await;

    // Kind: no payouts yet.
    app.select("[data-testid=f-kind]", "payout").await;
    app.wait_css("[data-testid=history-empty]").await;
    app.select("[data-testid=f-kind]", "sale").await;
    app.wait_count("[data-testid=history-row]", 2).await;

    // Detail with the timeline of gateway messages.
    app.click("[data-testid=history-row]").await;
    app.wait_css("[data-testid=timeline] li").await;
    app.click("[data-testid=detail-close]").await;

    // Export: the file has the header (in the user's language: Uzbek here, `;` between
    // fields) and both rows, and never a full card number.
    app.click("[data-testid=export]").await;
    let done = app
        .wait_text("[data-testid=export-done]", |t| t.contains(".csv"))
        .await;
    app.shot("history-export").await;
    let file = std::fs::read_dir(app.exports.path())
        .unwrap()
        .next()
        .expect("an exported file")
        .unwrap()
        .path();
    assert!(done.contains(&file.display().to_string()), "{done}");
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("Vaqt;To'lov;"), "{csv}");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains(&masked), "{csv}");

    // The `cashier` CLI reads the app's history from the same data folder.
    let out = std::process::Command::new(crate::support::bin("cashier"))
        .args(["history", "--json"])
        .env("CASHIER_DATA_DIR", app.data.path().join("demo"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout);
    assert_eq!(lines.lines().count(), 2, "{lines}");
    app.stop().await;
}
