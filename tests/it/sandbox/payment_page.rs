//! The Payment Page (`GET /payment?...`): a signed link creates the sale when the customer opens
//! it and sends the browser to the bot page; opening it again changes nothing. Links are built
//! with the protocol crate's `payment_page_url` (PHP `http_build_query` encoding, signature over
//! the raw values), never with the till.

use std::time::Duration;

use ecommpay::payment_page::payment_page_url;
use ecommpay_sandbox::payment_page::{error_code, finished_status};
use ecommpay_sandbox::{ConfigPatch, Interface, SandboxConfig};
use serde_json::{json, Map, Value};

use super::{assert_all_signed, config, secret, Harness, PROJECT};

/// What the Payment Page answered, redirects not followed.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub html: String,
}

/// The parameters a till sends for a card partner sale (as `CardPartnerPage::params`).
pub fn params(payment_id: &str, customer: &str, amount: u64) -> Map<String, Value> {
    let v = json!({
        "project_id": PROJECT,
        "payment_id": payment_id,
        "payment_amount": amount,
        "payment_currency": "UZS",
        "customer_id": customer,
        "payment_extra_param": "uzcard",
        "payment_description": "Qaytarish / выплата & co",
        "language_code": "uz",
        "best_before": "2099-12-31T23:59:59+05:00",
        "force_payment_method": "card-partner",
    });
    v.as_object().unwrap().clone()
}

impl Harness {
    /// The signed link for `params`.
    pub fn page_link(&self, params: &Map<String, Value>) -> String {
        payment_page_url(&self.url("/payment"), params, &secret()).unwrap()
    }

    /// Opens `url` without following the redirect.
    pub async fn open_page(&self, url: &str) -> Page {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = client.get(url).send().await.expect("the page answers");
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with("text/html"), "{ct}");
        let html = res.text().await.unwrap();
        Page {
            status,
            location,
            html,
        }
    }

    /// Opens a good link and returns the bot page it redirects to.
    pub async fn open_ok(&self, url: &str) -> String {
        let p = self.open_page(url).await;
        assert_eq!(p.status, 302, "{}", p.html);
        let bot = p.location.expect("Location");
        assert!(bot.starts_with(&self.url("/bot/")), "{bot}");
        bot
    }

    /// Sends callbacks to the receiver (the Payment Page link carries no callback URL).
    pub fn callbacks_to_receiver(&self) {
        self.sb.control().configure(&ConfigPatch {
            callback_url: Some(self.rx.url.clone()),
            ..Default::default()
        });
    }
}

/// Asserts an error page with `code`, and that nothing was created for `payment_id`.
pub async fn assert_page_error(h: &Harness, page: &Page, code: u32, payment_id: &str) {
    let http = if code == 3261 || code == 3262 {
        401
    } else {
        400
    };
    assert_eq!(page.status, http, "{code}: {}", page.html);
    assert_eq!(page.location, None);
    assert_eq!(error_code(&page.html), Some(code), "{}", page.html);
    assert!(page.html.contains("id=\"error-message\""));
    if h.sb.control().payment(payment_id).is_none() {
        let st = h.status(payment_id).await;
        assert_eq!((st.status, st.json["code"].as_str()), (404, Some("3061")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_link_creates_the_sale_when_opened_and_pays_on_the_bot_page() {
    let h = Harness::start().await;
    h.callbacks_to_receiver();
    let link = h.page_link(&params("pp-1", "cust-7", 15_000_000));
    assert!(
        link.contains("payment_description=Qaytarish+%2F+"),
        "{link}"
    );

    // Not opened yet: the gateway knows nothing of it.
    let st = h.status("pp-1").await;
    assert_eq!((st.status, st.json["code"].as_str()), (404, Some("3061")));
    assert!(h.sb.control().payments().is_empty());

    let bot = h.open_ok(&link).await;
    let st = h.status("pp-1").await;
    assert_eq!(st.status, 200, "{}", st.text);
    assert_eq!(st.json["payment"]["status"], "awaiting redirect result");
    assert_eq!(st.json["payment"]["type"], "purchase");
    assert_eq!(
        st.json["payment"]["description"],
        "Qaytarish / выплата & co"
    );
    assert_eq!(st.json["operations"][0]["type"], "sale");
    let r = h.record("pp-1").await;
    assert_eq!(r.interface, Interface::PaymentPage);
    assert_eq!(r.best_before.as_deref(), Some("2099-12-31T23:59:59+05:00"));
    assert_eq!((r.amount, r.customer_id.as_str()), (15_000_000, "cust-7"));
    assert_eq!(r.redirect_url.as_deref(), Some(bot.as_str()));

    let waiting = h.rx.wait("pp-1", "awaiting redirect result").await;
    assert_eq!(waiting["redirect_data"]["url"], bot.as_str());
    assert_eq!(waiting["operation"]["request_id"], r.request_id.as_str());
    assert!(
        waiting.get("operations").is_none(),
        "callbacks carry one operation"
    );

    assert_eq!(h.bot(&bot, "pay", Some("humo-ok")).await, 200);
    let card = h.sb.control().cards()[1].clone();
    let done = h.rx.wait("pp-1", "success").await;
    assert_eq!(done["account"]["number"], card.account_number);
    assert_eq!(
        done["provider_extra_fields"]["masked_card"],
        card.masked_card
    );
    assert_eq!(done["operation"]["code"], "0");
    let st = h.status("pp-1").await;
    assert_eq!(st.json["payment"]["status"], "success");
    assert_eq!(st.json["account"]["number"], card.account_number);
    assert_eq!(
        st.json["provider_extra_fields"]["masked_card"],
        card.masked_card
    );
    let r = h.record("pp-1").await;
    assert_eq!((r.status.as_str(), r.money_moved), ("success", 1));
    assert_all_signed(&h.rx.for_payment("pp-1"));
    // The request behind it is known to /v2/payment/status/request too.
    let mut ask = json!({"project_id": PROJECT, "request_id": r.request_id});
    ask["signature"] = json!(ecommpay::sign::sign(&ask, &secret()));
    let a = h.post_raw("/v2/payment/status/request", &ask).await;
    assert_eq!(
        (a.json["status"].as_str(), a.json["payment_id"].as_str()),
        (Some("success"), Some("pp-1"))
    );
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_twice_is_one_payment_and_after_the_end_a_finished_page() {
    let h = Harness::start().await;
    h.callbacks_to_receiver();
    let link = h.page_link(&params("pp-twice", "c1", 500_000));
    let bot = h.open_ok(&link).await;
    h.rx.wait("pp-twice", "awaiting redirect result").await;
    // A second scan of the same QR, and the same payment from a link with other optional
    // parameters (still the same payment_id, amount and customer).
    assert_eq!(h.open_ok(&link).await, bot);
    let mut other = params("pp-twice", "c1", 500_000);
    other.remove("best_before");
    other.insert("language_code".into(), json!("ru"));
    assert_eq!(h.open_ok(&h.page_link(&other)).await, bot);
    assert_eq!(h.sb.control().payments().len(), 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(h.rx.for_payment("pp-twice").len(), 1, "no second callback");

    assert_eq!(h.bot(&bot, "pay", None).await, 200);
    h.rx.wait("pp-twice", "success").await;
    let page = h.open_page(&link).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_eq!(page.location, None);
    assert_eq!(finished_status(&page.html).as_deref(), Some("success"));
    assert_eq!(error_code(&page.html), None);
    assert!(page.html.contains("5 000 so'm"), "{}", page.html);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let r = h.record("pp-twice").await;
    assert_eq!((r.status.as_str(), r.money_moved), ("success", 1));
    assert_eq!(r.callbacks.len(), 2, "{r:?}");
    assert_eq!(h.sb.control().payments().len(), 1);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_following_the_redirect_lands_on_the_bot_page() {
    let h = Harness::start().await;
    let link = h.page_link(&params("pp-phone", "c1", 15_000_000));
    // reqwest follows redirects by default, like a phone's browser.
    let res = reqwest::Client::new()
        .get(&link)
        .header("User-Agent", "Mozilla/5.0 (Linux; Android 14) Mobile")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.url().path().starts_with("/bot/"), "{}", res.url());
    let html = res.text().await.unwrap();
    for needle in [
        "150 000 so'm",
        "pp-phone",
        "/pay\"",
        "/decline\"",
        "uzcard-ok",
    ] {
        assert!(html.contains(needle), "bot page lacks {needle}: {html}");
    }
    assert_eq!(
        h.record("pp-phone").await.status,
        "awaiting redirect result"
    );
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merchant_callback_url_in_the_link_gets_the_callbacks() {
    let h = Harness::start().await;
    let mut p = params("pp-cb", "c1", 100_000);
    p.insert("merchant_callback_url".into(), json!(h.rx.url));
    h.open_ok(&h.page_link(&p)).await;
    let c = h.rx.wait("pp-cb", "awaiting redirect result").await;
    assert_all_signed(&[c]);
    // Without a URL anywhere, the payment still happens; its callback had nowhere to go.
    h.open_ok(&h.page_link(&params("pp-nocb", "c1", 100_000)))
        .await;
    let r = h.record("pp-nocb").await;
    assert_eq!(r.callbacks[0].fault.as_deref(), Some("no_callback_url"));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpaid_payment_page_sale_expires_like_a_gate_sale() {
    let h = Harness::with(SandboxConfig {
        // 200 s of gateway time at factor 0.001 = 200 ms.
        sale_expiry: Duration::from_secs(200),
        ..config()
    })
    .await;
    h.callbacks_to_receiver();
    let link = h.page_link(&params("pp-exp", "c1", 100_000));
    let bot = h.open_ok(&link).await;
    let d = h.rx.wait("pp-exp", "decline").await;
    assert_eq!(d["operation"]["code"], "20602");
    assert_eq!(h.bot(&bot, "pay", None).await, 409);
    let page = h.open_page(&link).await;
    assert_eq!(finished_status(&page.html).as_deref(), Some("decline"));
    assert!(page.html.contains("20602"), "{}", page.html);
    assert_eq!(h.record("pp-exp").await.money_moved, 0);
    h.sb.shutdown().await;
}
