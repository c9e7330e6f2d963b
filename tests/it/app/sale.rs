//! The sale screen: typed on the keyboard, shown as a QR code that decodes to the link a phone
//! opens, paid on the bot page it leads to; the double-Enter guard; a decline in plain words; a
//! Gate link that must be POSTed, explained.

use fantoccini::key::Key;

use super::{demo_config, demo_gateway, origin, pay, App};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_typed_on_the_keyboard_is_paid_from_the_bot_page() {
    let app = App::start("sale-paid").await;
    assert_eq!(
        app.focused_testid().await.as_deref(),
        Some("amount"),
        "the amount field has focus at start"
    );
    assert!(
        app.count("[data-testid=demo-badge]").await == 1,
        "DEMO badge"
    );

    // Digits, then Enter twice in a row: one sale only.
    app.keys("150000").await;
    app.wait_text("[data-testid=amount-preview]", |t| t == "150 000 so'm")
        .await;
    app.keys(&format!(
        "{}{}",
        char::from(Key::Enter),
        char::from(Key::Enter)
    ))
    .await;
    let url = app.qr_link().await;
    app.wait_text("[data-testid=sale-state]", |t| !t.is_empty())
        .await;
    let state = app
        .wait_attr("[data-testid=sale-state]", "data-phase", |p| {
            p == "waiting_customer"
        })
        .await;
    assert_eq!(state, "waiting_customer");
    assert_eq!(app.text("[data-testid=sale-amount]").await, "150 000 so'm");
    app.keys(&char::from(Key::Enter).to_string()).await; // a stray Enter while waiting

    // The QR on screen encodes the link.
    assert_eq!(
        app.wait_qr("sale-qr").await,
        url,
        "the QR code on screen encodes the link"
    );

    pay(&url, "uzcard-ok").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    let card = app.text("[data-testid=masked-card]").await;
    assert!(
        card.contains("******") && card.chars().filter(char::is_ascii_digit).count() >= 8,
        "masked card shown: {card:?}"
    );
    app.shot("sale-paid").await;

    // Exactly one sale was started despite three Enters.
    let sales = sandbox_sales(&url).await;
    assert_eq!(sales, 1, "one sale at the gateway");

    // Enter goes back to a new sale with focus in the amount field.
    app.keys(&char::from(Key::Enter).to_string()).await;
    app.wait_focus("amount").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_sale_says_why_in_plain_words() {
    let app = App::start("sale-declined").await;
    app.keys(&format!("25000{}", char::from(Key::Enter))).await;
    let url = app.qr_link().await;
    pay(&url, "uzcard-nofunds").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| {
        p == "declined"
    })
    .await;
    let reason = app.text("[data-testid=decline-reason]").await;
    assert!(
        reason.contains("not enough money")
            || reason.contains("yetarli emas")
            || reason.contains("недостаточно"),
        "{reason:?}"
    );
    app.shot("sale-declined").await;
    // Esc returns to a new sale.
    app.keys(&char::from(Key::Escape).to_string()).await;
    app.wait_focus("amount").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_link_is_explained_not_shown_as_a_qr() {
    // The Gate flow (the gateway makes the link); it answers this project's sales with a form
    // post (doc section 3: `method` may be POST), which no QR code can carry.
    let app = App::start_with("sale-post-link", |dir| {
        demo_config(dir, &[("sale.flow", "gate")])
    })
    .await;
    let res = reqwest::Client::new()
        .post(format!("{}/_sandbox/config", demo_gateway(app.data.path())))
        .json(&serde_json::json!({"redirect_method": "POST"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{res:?}");
    app.click("[data-testid=lang-en]").await;
    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("9000{}", char::from(Key::Enter))).await;
    let text = app
        .wait_text("[data-testid=post-link]", |t| t.contains("POST"))
        .await;
    assert!(text.contains("pay another way"), "{text}");
    assert_eq!(
        app.count("[data-testid=qr]").await,
        0,
        "no QR for a POST link"
    );
    // (The artifact only: let the page paint what the DOM already says.)
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.shot("sale-post-link").await;
    // Esc stops waiting (Enter confirms): back to a new sale.
    app.keys(&char::from(Key::Escape).to_string()).await;
    app.wait_css("[data-testid=stop-dialog]").await;
    app.keys(&char::from(Key::Enter).to_string()).await;
    app.wait_focus("amount").await;
    app.stop().await;
}

/// How many sales the sandbox behind `link` has seen.
pub async fn sandbox_sales(link: &str) -> usize {
    let base = origin(link);
    let v: serde_json::Value = reqwest::get(format!("{base}/_sandbox/payments"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v.as_array()
        .expect("a list")
        .iter()
        .filter(|p| p["type"] == "sale" || p["kind"] == "sale")
        .count()
}
