//! An abandoned sale paid later, a payout asked, approved with a PIN and completed, another
//! rejected (no money moves), and switching languages (errors included).

use fantoccini::key::Key;

use super::{origin, pay, App};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_sale_that_later_succeeds_is_raised_loudly() {
    let app = App::start("sale-abandoned-late-success").await;
    app.keys(&format!("70000{}", char::from(Key::Enter))).await;
    let url = app.qr_link().await;
    // The cashier gives up waiting (Esc, and Enter to confirm): back to a new sale at once.
    app.keys(&char::from(Key::Escape).to_string()).await;
    app.wait_css("[data-testid=stop-dialog]").await;
    app.keys(&char::from(Key::Enter).to_string()).await;
    app.wait_focus("amount").await;
    // ... and the customer pays after all.
    pay(&url, "humo-ok").await;
    let notice = app
        .wait_text("[data-testid=notice-late_success]", |t| {
            t.contains("70 000 so'm")
        })
        .await;
    assert!(!notice.is_empty());
    app.shot("sale-abandoned-late-success").await;
    // History shows it as a success that was abandoned.
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    let row = app.text("[data-testid=history-row]").await;
    assert!(row.contains("70 000 so'm"), "{row}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payout_is_requested_approved_with_a_pin_and_completed() {
    let app = App::start("payout-approved").await;
    let link = app.sale("120000", "uzcard-ok").await;
    app.next_sale().await;

    // "Return money" from the sale's detail.
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    app.click("[data-testid=history-row]").await;
    // The whole detail first (its receipt part comes a moment later).
    app.wait_css("[data-testid=receipt-show]").await;
    app.click("[data-testid=detail-return]").await;
    app.wait_css("[data-testid=return-for]").await;
    app.type_into("[data-testid=payout-amount]", "20000").await;
    app.type_into("[data-testid=payout-reason]", "Returned goods")
        .await;
    app.click("[data-testid=payout-submit]").await;
    app.wait_css("[data-testid=payout-sent]").await;
    app.wait_attr("[data-testid=payout-request]", "data-status", |s| {
        s == "requested"
    })
    .await;

    // A wrong PIN is refused, in words.
    app.click("[data-testid=approve]").await;
    app.type_into("[data-testid=approve-pin]", "9999").await;
    app.click("[data-testid=approve-confirm]").await;
    app.wait_text("[data-testid=approve-error]", |t| !t.is_empty())
        .await;
    // The manager's PIN approves it; the payout goes through (the demo gateway pays out after
    // a few seconds) and the queue follows it live.
    app.select("[data-testid=approve-manager]", "Menejer").await;
    app.type_into("[data-testid=approve-pin]", "222222").await;
    app.click("[data-testid=approve-confirm]").await;
    app.wait_attr("[data-testid=payout-request]", "data-status", |s| {
        s == "approved"
    })
    .await;
    app.wait_attr("[data-testid=payout-request]", "data-payment-state", |s| {
        s == "success"
    })
    .await;
    app.shot("payout-approved").await;

    // A second return of the same sale (the form is gone once sent: it starts from the sale
    // again), which a manager rejects (PIN and a reason): no money moves.
    app.click("[data-testid=tab-history]").await;
    app.click("[data-testid=history-row][data-pstate=paid]")
        .await;
    // The detail has loaded what was returned so far before its button is pressed (pressed
    // while the detail was still loading, under load, it once went nowhere).
    app.wait_text("[data-testid=detail-returned-so-far]", |t| {
        t.contains("20 000")
    })
    .await;
    app.wait_css("[data-testid=receipt-show]").await;
    app.click("[data-testid=detail-return]").await;
    app.wait_css("[data-testid=return-for]").await;
    app.type_into("[data-testid=payout-amount]", "5000").await;
    app.type_into("[data-testid=payout-reason]", "Wrong card")
        .await;
    app.click("[data-testid=payout-submit]").await;
    let pending = "[data-testid=payout-request][data-status=requested]";
    app.wait_count(pending, 1).await;
    app.click(&format!("{pending} [data-testid=reject]")).await;
    // A wrong PIN is refused here too.
    app.type_into("[data-testid=reject-pin]", "9999").await;
    app.click("[data-testid=reject-confirm]").await;
    app.wait_text("[data-testid=reject-error]", |t| !t.is_empty())
        .await;
    app.select("[data-testid=reject-manager]", "Direktor").await;
    app.type_into("[data-testid=reject-pin]", "333333").await;
    app.type_into("[data-testid=reject-reason]", "Customer changed mind")
        .await;
    app.click("[data-testid=reject-confirm]").await;
    let rejected = "[data-testid=payout-request][data-status=rejected]";
    app.wait_count(rejected, 1).await;
    app.wait_count(pending, 0).await;
    app.wait_count("[data-testid=payout-request]", 2).await;
    let row = app.text(rejected).await;
    assert!(row.contains("Customer changed mind"), "{row}");
    assert!(row.contains("5 000 so'm"), "{row}");
    assert_eq!(
        app.wait_attr(rejected, "data-payment-state", |_| true)
            .await,
        "",
        "a rejected request has no payment"
    );
    app.wait_count("[data-testid=payout-request][data-status=approved]", 1)
        .await;
    app.shot("payout-rejected").await;

    // The sandbox saw the sale and the approved payout only: nothing for the rejected one.
    let base = origin(&link);
    let payments: Vec<serde_json::Value> = reqwest::get(format!("{base}/_sandbox/payments"))
        .await
        .expect("the sandbox's control API")
        .json()
        .await
        .expect("a JSON list of payments");
    assert_eq!(payments.len(), 2, "{payments:#?}");
    assert!(
        payments
            .iter()
            .all(|p| p["amount"] != serde_json::json!(500_000)),
        "the rejected 5 000 so'm reached the gateway: {payments:#?}"
    );
    // ... and so does the app's history.
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 2).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switches_live_errors_included() {
    let app = App::start("language").await;
    app.click("[data-testid=lang-en]").await;
    app.wait_text("[data-testid=tab-sale]", |t| t == "Sale")
        .await;
    app.click("[data-testid=lang-ru]").await;
    app.wait_text("[data-testid=tab-sale]", |t| t == "Продажа")
        .await;
    app.wait_text("[data-testid=tab-history]", |t| t == "История")
        .await;

    // An error in Russian: a wrong PIN at sign-in.
    app.click("[data-testid=sign-out]").await;
    app.wait_css("[data-testid=signin]").await;
    app.type_into("[data-testid=signin-pin]", "0000").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=signin-error]", |t| t == "Неверный PIN.")
        .await;
    app.click("[data-testid=lang-uz]").await;
    app.wait_text("[data-testid=signin-error]", |t| t == "PIN noto'g'ri.")
        .await;
    app.shot("language-uz-error").await;
    app.click("[data-testid=lang-en]").await;
    app.wait_text("[data-testid=signin-error]", |t| t == "Wrong PIN.")
        .await;

    // The right PIN signs in again, onto the sale screen.
    app.select("[data-testid=signin-user]", "Kassir").await;
    app.type_into("[data-testid=signin-pin]", "1111").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;
    app.shot("language-en").await;
    app.stop().await;
}
