//! The Payment Page flow, the demo's default: the till signs the link itself, so the QR code is
//! on screen at once and nothing reaches the gateway until the customer opens it. A phone
//! opening the link is redirected to the gateway's bot page and pays there; a link nobody
//! opens ends the sale "not paid: the customer did not open the link in time".

use std::collections::HashMap;

use fantoccini::key::Key;
use serde_json::Value;

use super::{demo_config, demo_gateway, open_link, App};

/// The sandbox's records of every payment.
async fn gateway_payments(base: &str) -> Vec<Value> {
    reqwest::get(format!("{base}/_sandbox/payments"))
        .await
        .expect("the sandbox's control API")
        .json()
        .await
        .expect("a JSON list")
}

/// Switches the window's language (the header's buttons).
async fn lang(app: &App, l: &str) {
    app.click(&format!("[data-testid=lang-{l}]")).await;
    app.wait_attr(&format!("[data-testid=lang-{l}]"), "class", |c| {
        c.contains("active")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_page_link_is_opened_like_a_phone_and_paid_on_the_bot_page() {
    let app = App::start("page-sale").await;
    let gateway = demo_gateway(app.data.path());
    app.keys(&format!("150000{}", char::from(Key::Enter))).await;
    let link = app.qr_link().await;
    assert_eq!(
        app.wait_attr("[data-testid=qr]", "data-flow", |_| true)
            .await,
        "payment_page"
    );
    // What a phone's camera reads, in every language the screen can be in.
    for l in ["uz", "ru", "en"] {
        lang(&app, l).await;
        let shown = app.wait_qr(&format!("page-qr-{l}")).await;
        assert_eq!(shown, link, "the QR code encodes the link ({l})");
    }

    // A Payment Page link to the demo gateway, signed, for exactly the typed amount.
    let url = reqwest::Url::parse(&link).unwrap();
    assert_eq!(url.origin().ascii_serialization(), gateway, "{link}");
    assert_eq!(url.path(), "/payment", "{link}");
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert!(q.get("signature").is_some_and(|s| !s.is_empty()), "{q:?}");
    assert_eq!(
        q.get("payment_amount").map(String::as_str),
        Some("15000000"),
        "150 000 so'm in tiyin"
    );
    assert_eq!(q.get("payment_currency").map(String::as_str), Some("UZS"));
    assert_eq!(q.get("project_id").map(String::as_str), Some("1001"));
    assert!(
        q.get("payment_id").is_some_and(|id| id.starts_with("DEMO")),
        "{q:?}"
    );
    // The till made the link without a word to the gateway: it learns of the sale only when
    // the customer opens it.
    assert!(gateway_payments(&gateway).await.is_empty());

    // The phone opens the link: a redirect to the bot page, which shows the amount.
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = no_follow.get(&link).send().await.unwrap();
    assert!(
        matches!(res.status().as_u16(), 302 | 303),
        "the Payment Page redirects: {res:?}"
    );
    let bot = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(bot.starts_with(&format!("{gateway}/bot/")), "{bot}");
    let (landed, html) = open_link(&bot).await;
    assert_eq!(landed.as_str(), bot);
    assert!(html.contains("150 000 so'm"), "{html}");
    assert!(html.contains("/pay\""), "the bot page's pay form: {html}");

    // The customer pays there; the window shows the result with the masked card.
    let res = reqwest::Client::new()
        .post(format!("{bot}/pay"))
        .form(&[("card", "uzcard-ok")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    let card = app.text("[data-testid=masked-card]").await;
    assert!(
        card.contains("******") && card.chars().filter(char::is_ascii_digit).count() >= 8,
        "masked card shown: {card:?}"
    );
    app.shot("page-paid-en").await;
    let payments = gateway_payments(&gateway).await;
    assert_eq!(payments.len(), 1, "{payments:#?}");
    assert_eq!(payments[0]["payment_id"], q["payment_id"].as_str());
    assert_eq!(payments[0]["interface"], "payment_page");
    assert_eq!(payments[0]["money_moved"], 1);
    app.next_sale().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_nobody_opens_ends_the_sale_link_expired_in_words() {
    // Links live 3 s here (15 minutes by default), plus half a second for clocks.
    let app = App::start_with("page-expired", |dir| {
        demo_config(
            dir,
            &[
                ("timing.sale_payable_ms", "3000"),
                ("timing.link_expiry_margin_ms", "500"),
            ],
        )
    })
    .await;
    let gateway = demo_gateway(app.data.path());
    app.keys(&format!("9000{}", char::from(Key::Enter))).await;
    let link = app.qr_link().await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| {
        p == "declined"
    })
    .await;
    assert_eq!(app.count("[data-testid=qr]").await, 0, "no QR left to scan");
    for (l, title, words, amount) in [
        (
            "uz",
            "To'lanmadi",
            "havolani o'z vaqtida ochmadi",
            "9 000 so'm",
        ),
        ("ru", "Не оплачено", "не открыл ссылку вовремя", "9 000 сум"),
        (
            "en",
            "Not paid",
            "did not open the link in time",
            "9 000 so'm",
        ),
    ] {
        lang(&app, l).await;
        let reason = app
            .wait_text("[data-testid=decline-reason]", |t| t.contains(words))
            .await;
        let state = app.text("[data-testid=sale-state]").await;
        assert!(state.contains(title), "{l}: {state}");
        assert!(state.contains(amount), "{l}: {state}");
        assert!(!reason.contains("declined"), "{l}: not the bank's decline");
        app.shot(&format!("page-expired-{l}")).await;
    }
    // Nothing was paid, and the expired link pays nothing now either.
    assert!(gateway_payments(&gateway).await.is_empty());
    let res = reqwest::get(&link).await.unwrap();
    assert!(res.status().is_client_error(), "an expired link: {res:?}");
    assert!(gateway_payments(&gateway).await.is_empty());
    app.next_sale().await;
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    let row = app.text("[data-testid=history-row]").await;
    assert!(
        // The plain state for people (the technical one, link_expired, is in the detail).
        row.contains("9 000 so'm") && row.contains("Not paid"),
        "{row}"
    );
    app.stop().await;
}
