//! Settings > "How sales start": a manager sees the flow in use and why, in their language,
//! and switches the demo till to the Gate flow. There the link comes by the gateway's callback;
//! when it does not come, the sale screen says so in words (what is wrong, what a manager
//! should check) instead of spinning, and the sale is still followed to its result.

use fantoccini::key::Key;
use serde_json::Value;

use super::{demo_config, demo_gateway, pay, App};

async fn lang(app: &App, l: &str) {
    app.click(&format!("[data-testid=lang-{l}]")).await;
    app.wait_attr(&format!("[data-testid=lang-{l}]"), "class", |c| {
        c.contains("active")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_sale_whose_link_never_comes_says_why_and_is_still_followed() {
    let app = App::start_with("link-missing", |dir| {
        demo_config(dir, &[("timing.gate_link_wait_ms", "1500")])
    })
    .await;
    let gateway = demo_gateway(app.data.path());
    app.click("[data-testid=sign-out]").await;
    app.select("[data-testid=signin-user]", "Menejer").await;
    app.type_into("[data-testid=signin-pin]", "222222").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=who]", |t| t.starts_with("Menejer"))
        .await;

    // The demo starts on the Payment Page, chosen automatically, said in each language.
    app.click("[data-testid=tab-settings]").await;
    let in_use = "[data-testid=flow-in-use]";
    assert_eq!(
        app.wait_attr(in_use, "data-flow", |_| true).await,
        "payment_page"
    );
    assert_eq!(
        app.wait_attr(in_use, "data-reason", |_| true).await,
        "no_inbound"
    );
    assert!(app
        .wait_css("[data-testid=flow-choice-auto]")
        .await
        .prop("checked")
        .await
        .unwrap()
        .is_some_and(|c| c == "true"));
    for (l, words) in [
        ("uz", "Avtomatik tanlandi"),
        ("ru", "Выбрано автоматически"),
        ("en", "Chosen automatically"),
    ] {
        lang(&app, l).await;
        app.wait_text(in_use, |t| t.contains(words)).await;
        app.scroll_to("[data-testid=flow]").await;
        app.shot(&format!("settings-flow-{l}")).await;
    }

    // The manager picks the Gate flow: saved at once, and said so.
    app.click("[data-testid=flow-choice-gate]").await;
    app.wait_text("[data-testid=flow-msg]", |t| t == "Saved.")
        .await;
    app.wait_attr(in_use, "data-reason", |r| r == "configured")
        .await;
    assert_eq!(app.wait_attr(in_use, "data-flow", |_| true).await, "gate");
    assert_eq!(
        app.count("[data-testid=flow-warning]").await,
        0,
        "the demo's gateway reaches its till on loopback"
    );
    app.shot("settings-flow-gate-en").await;

    // The gateway's notification with the link is lost on the way to the till.
    let res = reqwest::Client::new()
        .post(format!("{gateway}/_sandbox/callbacks"))
        .json(&serde_json::json!({"mode": "drop", "count": 1}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{res:?}");
    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("4000{}", char::from(Key::Enter))).await;
    for (l, words) in [
        ("uz", "bank xabarlari bu kassaga yetib kelmayapti"),
        ("ru", "сообщения банка не доходят до этой кассы"),
        ("en", "the bank's messages are not reaching this till"),
    ] {
        lang(&app, l).await;
        app.wait_text("[data-testid=link-missing]", |t| t.contains(words))
            .await;
        app.shot(&format!("link-missing-{l}")).await;
    }
    let text = app.text("[data-testid=link-missing]").await;
    assert!(
        text.contains("Settings") && text.contains("Payment Page"),
        "what a manager should check: {text}"
    );
    assert_eq!(app.count("[data-testid=qr]").await, 0);
    assert_eq!(
        app.wait_attr("[data-testid=sale-state]", "data-phase", |_| true)
            .await,
        "starting"
    );

    // Still followed: a customer who reaches the bot page another way pays, and the result
    // shows.
    let payments: Vec<Value> = reqwest::get(format!("{gateway}/_sandbox/payments"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(payments.len(), 1, "{payments:#?}");
    assert_eq!(payments[0]["interface"], "gate");
    let bot = payments[0]["redirect_url"].as_str().expect("a bot page");
    pay(bot, "uzcard-ok").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    assert_eq!(app.count("[data-testid=link-missing]").await, 0);
    app.shot("link-missing-paid").await;
    app.stop().await;
}
