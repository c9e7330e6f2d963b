//! The sale: accepted → `awaiting redirect result` with the bot link → the customer acts →
//! `success` / `decline` 20105 / 20301, or 20602 when nobody acts in time.

use std::time::Duration;

use ecommpay_sandbox::{ConfigPatch, SandboxConfig};
use serde_json::json;

use super::{assert_all_signed, config, Harness};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sale_paid_on_the_bot_page_succeeds_once() {
    let h = Harness::start().await;
    let balance0 = h.sb.control().balance();
    let accepted = h.sale("s-ok", "cust-1", 15_000_000).await;

    let waiting = h.rx.wait("s-ok", "awaiting redirect result").await;
    assert_eq!(waiting["project_id"], super::PROJECT);
    assert_eq!(waiting["payment"]["type"], "purchase");
    assert_eq!(waiting["payment"]["method"], "Card partner");
    assert_eq!(
        waiting["payment"]["sum"],
        json!({"amount": 15_000_000, "currency": "UZS"})
    );
    assert_eq!(waiting["operation"]["type"], "sale");
    assert_eq!(
        waiting["operation"]["request_id"],
        accepted.json["request_id"]
    );
    assert_eq!(waiting["redirect_data"]["method"], "GET");
    assert_eq!(waiting["redirect_data"]["body"], json!({}));
    let url = waiting["redirect_data"]["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/bot/", h.sb.base_url())),
        "{url}"
    );
    assert!(waiting.get("account").is_none(), "no card before payment");

    // The bot page, as a person sees it.
    let page = h.http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for needle in [
        "150 000 so'm",
        "Test do&#39;koni",
        "name=\"viewport\"",
        "/pay\"",
        "/decline\"",
        "uzcard-nofunds",
        "860003******7890",
    ] {
        assert!(html.contains(needle), "bot page lacks {needle}");
    }
    assert!(
        !html.contains("<link") && !html.contains("src=") && !html.contains("url("),
        "no external resources"
    );

    assert_eq!(h.bot(&url, "pay", None).await, 200);
    let success = h.rx.wait("s-ok", "success").await;
    let card = h.sb.control().cards()[0].clone();
    assert_eq!(success["account"]["number"], card.account_number);
    assert_eq!(
        success["provider_extra_fields"]["masked_card"],
        card.masked_card
    );
    assert_eq!(success["operation"]["code"], "0");
    assert_eq!(success["operation"]["status"], "success");
    assert!(success.get("redirect_data").is_none());

    // Paying again changes nothing.
    assert_eq!(h.bot(&url, "pay", None).await, 409);
    assert_eq!(h.bot(&url, "decline", None).await, 409);
    let st = h.status("s-ok").await;
    assert_eq!(st.json["payment"]["status"], "success");
    assert_eq!(st.json["account"]["number"], card.account_number);

    let r = h.record("s-ok").await;
    assert_eq!(r.status, "success");
    assert_eq!(r.money_moved, 1);
    assert_eq!(r.amount, 15_000_000);
    assert_eq!(
        r.account_number.as_deref(),
        Some(card.account_number.as_str())
    );
    assert_eq!(h.sb.control().balance(), balance0 + 15_000_000);
    let cbs = h.rx.for_payment("s-ok");
    assert_eq!(cbs.len(), 2, "{cbs:?}");
    assert_all_signed(&cbs);
    let r = h
        .wait_record("s-ok", "both delivered", |r| r.callbacks_delivered == 2)
        .await;
    assert_eq!(r.callbacks_sent, 2);

    // The same card gives the same identifier in another sale.
    let again = h.paid_sale("s-ok-2", "cust-2", 100).await;
    assert_eq!(again, card.account_number);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insufficient_funds_declines_20105() {
    let h = Harness::start().await;
    let balance0 = h.sb.control().balance();
    h.sale("s-nofunds", "c1", 500_000).await;
    let url = h.bot_url("s-nofunds").await;
    assert_eq!(h.bot(&url, "pay", Some("uzcard-nofunds")).await, 200);
    let d = h.rx.wait("s-nofunds", "decline").await;
    assert_eq!(d["operation"]["code"], "20105");
    assert_eq!(
        d["operation"]["message"],
        "Insufficient funds on customer account"
    );
    assert_eq!(
        d["provider_extra_fields"]["masked_card"],
        "860003******3210"
    );
    let r = h.record("s-nofunds").await;
    assert_eq!(
        (r.status.as_str(), r.code, r.money_moved),
        ("decline", 20105, 0)
    );
    assert_eq!(h.sb.control().balance(), balance0);
    // An unknown card is refused and changes nothing.
    h.sale("s-badcard", "c1", 500_000).await;
    let url = h.bot_url("s-badcard").await;
    assert_eq!(h.bot(&url, "pay", Some("visa-gold")).await, 400);
    assert_eq!(
        h.record("s-badcard").await.status,
        "awaiting redirect result"
    );
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_declines_20301() {
    let h = Harness::start().await;
    h.sale("s-cancel", "c1", 500_000).await;
    let url = h.bot_url("s-cancel").await;
    assert_eq!(h.bot(&url, "decline", None).await, 200);
    let d = h.rx.wait("s-cancel", "decline").await;
    assert_eq!(d["operation"]["code"], "20301");
    assert!(d.get("account").is_none());
    assert_eq!(h.bot(&url, "pay", None).await, 409);
    let r = h.record("s-cancel").await;
    assert_eq!((r.code, r.money_moved), (20301, 0));
    let page = h.http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("20301"), "the page shows the result");
    assert_eq!(
        h.http
            .post(format!("{}/bot/nope/pay", h.sb.base_url()))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_nobody_pays_expires() {
    let h = Harness::with(SandboxConfig {
        // 200 s of gateway time at factor 0.001 = 200 ms.
        sale_expiry: Duration::from_secs(200),
        ..config()
    })
    .await;
    h.sale("s-exp", "c1", 500_000).await;
    let url = h.bot_url("s-exp").await;
    let d = h.rx.wait("s-exp", "decline").await;
    assert_eq!(d["operation"]["code"], "20602");
    assert_eq!(h.bot(&url, "pay", None).await, 409);
    let r = h.record("s-exp").await;
    assert_eq!((r.status.as_str(), r.money_moved), ("decline", 0));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_carries_redirect_data_only_when_switched_on() {
    let h = Harness::start().await;
    h.sale("s-st", "c1", 500_000).await;
    let url = h.bot_url("s-st").await;
    let st = h.status("s-st").await;
    assert_eq!(st.status, 200);
    assert_eq!(st.json["payment"]["status"], "awaiting redirect result");
    assert!(
        st.json.get("redirect_data").is_none(),
        "off by default: {}",
        st.text
    );

    h.control("/_sandbox/config", json!({"status_redirect_data": true}))
        .await;
    let st = h.status("s-st").await;
    assert_eq!(st.json["redirect_data"]["url"], url);

    h.sb.control().configure(&ConfigPatch {
        redirect_key: Some(ecommpay_sandbox::RedirectKey::Camel),
        ..Default::default()
    });
    let st = h.status("s-st").await;
    assert_eq!(st.json["redirectData"]["url"], url);
    assert!(st.json.get("redirect_data").is_none());

    // Once paid, no redirect data any more.
    assert_eq!(h.bot(&url, "pay", None).await, 200);
    h.rx.wait("s-st", "success").await;
    let st = h.status("s-st").await;
    assert!(st.json.get("redirectData").is_none());
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_data_can_name_post_with_a_form_body() {
    let h = Harness::start().await;
    h.control(
        "/_sandbox/config",
        json!({"status_redirect_data": true, "redirect_method": "POST"}),
    )
    .await;
    h.sale("s-post", "c1", 100_000).await;
    let st = h.status("s-post").await;
    let rd = &st.json["redirect_data"];
    assert_eq!(rd["method"], "POST", "{}", st.text);
    assert!(rd["url"].as_str().unwrap().contains("/bot/"), "{}", st.text);
    assert_eq!(rd["body"]["payment_id"], "s-post", "{}", st.text);
    h.control("/_sandbox/config", json!({"redirect_method": "GET"}))
        .await;
    let st = h.status("s-post").await;
    assert_eq!(st.json["redirect_data"]["method"], "GET");
    assert_eq!(st.json["redirect_data"]["body"], json!({}));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_url_goes_into_the_bot_link() {
    let h = Harness::with(SandboxConfig {
        public_url: Some("http://192.0.2.10:8080/".into()),
        ..config()
    })
    .await;
    h.sale("s-pub", "c1", 100).await;
    let url = h.bot_url("s-pub").await;
    assert!(url.starts_with("http://192.0.2.10:8080/bot/"), "{url}");
    h.sb.shutdown().await;
}
