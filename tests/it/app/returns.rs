//! Returns start from the sale: the result screen and the sale's detail offer "Return money"
//! with what is left; the form names the sale and is gone once sent (no leftover form for a
//! second, unlinked return); the queue names the sale; a sale returned in full says "returned
//! X of X" and offers nothing more. Screenshots in uz, ru and en.

use super::App;

/// Switches the language with a click that reaches the header even under a dialog, and waits
/// until it holds (the shell echoes each switch to every window: an earlier switch's echo may
/// arrive late, so it is checked again after a moment).
pub async fn lang(app: &App, l: &str) {
    let active = format!("[data-testid=lang-{l}].active");
    for _ in 0..5 {
        if app.count(&active).await == 0 {
            app.client
                .execute(
                    "document.querySelector(arguments[0]).click()",
                    vec![serde_json::json!(format!("[data-testid=lang-{l}]"))],
                )
                .await
                .expect("a language button");
        }
        app.wait_css(&active).await;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        if app.count(&active).await == 1 {
            return;
        }
    }
    panic!("the language did not stay {l}");
}

/// Waits until `name` is the signed-in user (read from the DOM: the header may cut the name
/// with an ellipsis, which WebDriver's visible text leaves out).
pub async fn wait_who(app: &App, name: &str) {
    let deadline = std::time::Instant::now() + super::WAIT;
    loop {
        let who = app
            .client
            .execute(
                "return document.querySelector('[data-testid=who]')?.textContent ?? ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if who.starts_with(name) {
            return;
        }
        if std::time::Instant::now() > deadline {
            app.shot("who-FAILED").await;
            panic!("{name} is not signed in: {who:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_returned_in_full_offers_no_second_return() {
    let app = App::start("returns").await;
    app.sale("15000", "uzcard-ok").await;
    // The result screen offers the whole sale back.
    let offer = app
        .wait_text("[data-testid=sale-return]", |t| t.contains("15 000"))
        .await;
    assert!(offer.contains("Pulni qaytarish"), "{offer}");
    app.shot("returns-result-uz").await;
    app.next_sale().await;

    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    let sale = app
        .wait_attr("[data-testid=history-row]", "data-payment", |p| {
            !p.is_empty()
        })
        .await;
    app.click("[data-testid=history-row]").await;
    app.wait_text("[data-testid=detail-return]", |t| t.contains("15 000 so'm"))
        .await;
    for l in ["ru", "en", "uz"] {
        lang(&app, l).await;
        app.wait_css("[data-testid=detail-return]").await;
        app.shot(&format!("returns-detail-offer-{l}")).await;
    }

    // The form names the sale and starts from what is left.
    app.click("[data-testid=detail-return]").await;
    let for_sale = app
        .wait_text("[data-testid=return-for]", |t| t.contains("15 000"))
        .await;
    assert!(for_sale.contains(&sale), "{for_sale}");
    let amount = app
        .wait_attr("[data-testid=payout-amount]", "value", |_| true)
        .await;
    assert_eq!(amount, "15000");
    app.type_into("[data-testid=payout-reason]", "Tovar qaytarildi")
        .await;
    app.click("[data-testid=payout-submit]").await;
    app.wait_css("[data-testid=payout-sent]").await;
    // Cleared: nothing is left over to send again, and a cashier has no free payout.
    app.wait_count("[data-testid=return-form]", 0).await;
    assert_eq!(app.count("[data-testid=payout-amount]").await, 0);
    assert_eq!(app.count("[data-testid=payout-submit]").await, 0);
    assert_eq!(app.count("[data-testid=free-open]").await, 0);
    app.wait_css("[data-testid=return-how]").await;

    // The queue says which sale the request is for.
    let req = format!("[data-testid=payout-request][data-sale=\"{sale}\"]");
    app.wait_attr(&req, "data-status", |s| s == "requested")
        .await;
    let line = app
        .wait_text(&format!("{req} [data-testid=payout-sale]"), |t| {
            t.contains(&sale)
        })
        .await;
    assert!(line.contains("15 000 so'm"), "{line}");
    // The words sent follow a language switch (never left in the old language).
    for (l, said) in [
        ("ru", "Запрос на возврат"),
        ("en", "Return request"),
        ("uz", "qaytarish so'rovi"),
    ] {
        lang(&app, l).await;
        app.wait_text("[data-testid=payout-sent]", |t| t.contains(said))
            .await;
        app.shot(&format!("returns-queue-{l}")).await;
    }

    // A manager approves; the money goes back.
    app.click("[data-testid=approve]").await;
    app.select("[data-testid=approve-manager]", "Menejer").await;
    app.type_into("[data-testid=approve-pin]", "222222").await;
    app.click("[data-testid=approve-confirm]").await;
    app.wait_attr(&req, "data-payment-state", |s| s == "success")
        .await;
    assert_eq!(app.count("[data-testid=payout-request]").await, 1);

    // The sale now says it is returned in full, and offers nothing more.
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 2).await;
    let payout_row = app
        .wait_text("[data-testid=history-row][data-pstate=returned]", |t| {
            t.contains("\u{2212}15 000 so'm")
        })
        .await;
    assert!(payout_row.contains("Qaytarish"), "{payout_row}");
    app.click(&format!(
        "[data-testid=history-row][data-payment=\"{sale}\"]"
    ))
    .await;
    app.wait_text("[data-testid=detail-returned]", |t| {
        t == "15 000 so'm dan 15 000 qaytarildi"
    })
    .await;
    assert_eq!(app.count("[data-testid=detail-return]").await, 0);
    app.shot("returns-detail-full-uz").await;
    lang(&app, "ru").await;
    app.wait_text("[data-testid=detail-returned]", |t| {
        t == "Возвращено 15 000 из 15 000 сум" || t == "Возвращено 15 000 из 15 000 so'm"
    })
    .await;
    app.shot("returns-detail-full-ru").await;
    lang(&app, "en").await;
    app.wait_text("[data-testid=detail-returned]", |t| {
        t == "Returned 15 000 of 15 000 so'm"
    })
    .await;
    app.shot("returns-detail-full-en").await;
    app.click("[data-testid=detail-close]").await;

    // The payout's own detail names the sale it returned.
    app.click("[data-testid=history-row][data-pstate=returned]")
        .await;
    let of = app
        .wait_text("[data-testid=detail-returns-sale]", |t| t.contains(&sale))
        .await;
    assert!(of.contains("15 000"), "{of}");
    app.click("[data-testid=detail-close]").await;

    // A manager has a separate, named action for money to a saved card without a sale.
    app.click("[data-testid=sign-out]").await;
    app.select("[data-testid=signin-user]", "Menejer").await;
    app.type_into("[data-testid=signin-pin]", "222222").await;
    app.click("[data-testid=signin-submit]").await;
    wait_who(&app, "Menejer").await;
    app.click("[data-testid=tab-payouts]").await;
    app.click("[data-testid=free-open]").await;
    app.wait_css("[data-testid=free-form]").await;
    app.shot("returns-free-en").await;
    app.stop().await;
}
