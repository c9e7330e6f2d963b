//! Reconciliation in the app: a manager reconciles today in Settings > Reconciliation (the
//! Data API's token set with `cashier data-api set`, shown only as "set"); the sale the till
//! recorded as declined that ECommPay reports paid is listed loudly, another till's sale is
//! listed as such, and every window's banner says so. Shots in en, ru and uz.

use ecommpay::Secret;
use ecommpay_sandbox::{DataApiAccess, Sandbox, SandboxConfig};
use serde_json::json;

use super::tills::cashier;
use super::{real_till, App};

const SECRET: &str = "reconcile-app-secret";
const TOKEN: &str = "AppRc5tokenZ8yX2wV7uT4sR1qP3o";
const DATA_SECRET: &str = "reconcile-app-data-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_reconciles_today_and_a_missed_success_is_raised() {
    let sb = Sandbox::start(
        SandboxConfig {
            project_id: 4242,
            secret: Secret::new(SECRET),
            data_api: Some(DataApiAccess {
                token: TOKEN.into(),
                secret: Secret::new(DATA_SECRET),
            }),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("a gateway starts");
    let url = sb.base_url().to_owned();
    let data_api = format!("{url}/v1");
    let app = App::start_until(
        "reconcile",
        |dir| {
            // The computer's day is the till's: the date field starts at today.
            real_till(
                dir,
                &url,
                SECRET,
                &[("data_api_url", data_api.as_str()), ("time_zone", "UTC")],
            );
            cashier(
                dir,
                &["data-api", "set", "--user", "Bobur"],
                &format!("567800\n{TOKEN}\n{DATA_SECRET}\n"),
            );
        },
        "[data-testid=signin]",
    )
    .await;
    app.select("[data-testid=signin-user]", "Bobur").await;
    app.type_into("[data-testid=signin-pin]", "567800").await;
    app.click("[data-testid=signin-submit]").await;
    // A sale the bank declines; the gateway will report it paid. Another till sold too.
    app.sale("4000", "uzcard-nofunds").await;
    let c = sb.control();
    let declined = c.payments()[0].payment_id.clone();
    c.report_status(&declined, Some("success")).unwrap();
    c.plant_payment(
        &serde_json::from_value(json!({"payment_id": "T2-S1", "amount": 700_000})).unwrap(),
    )
    .unwrap();
    app.next_sale().await;

    app.click("[data-testid=tab-settings]").await;
    app.wait_css("[data-testid=reconcile]").await;
    // Only "set" reaches the window (once the status has loaded).
    app.wait_text("[data-testid=data-api-state]", |t| t == "Set")
        .await;
    app.scroll_to("[data-testid=reconcile-run]").await;
    app.click("[data-testid=reconcile-run]").await;
    let summary = app
        .wait_text("[data-testid=reconcile-summary]", |t| !t.is_empty())
        .await;
    assert!(
        summary.contains("this till's payments: 1") && summary.contains("differences: 1"),
        "{summary}"
    );
    assert_eq!(
        app.count("[data-testid=reconcile-item-missed_success]")
            .await,
        1
    );
    assert_eq!(
        app.count("[data-testid=reconcile-item-other_till]").await,
        1
    );
    let loud = app
        .text("[data-testid=reconcile-item-missed_success]")
        .await;
    assert!(
        loud.contains(&declined) && loud.contains("give the goods"),
        "{loud}"
    );
    let banner = app
        .wait_text("[data-testid=banner-reconcile]", |t| t.contains(&declined))
        .await;
    assert!(banner.contains("recorded as not paid"), "{banner}");
    assert!(
        loud.contains("Till: not paid") && loud.contains("ECommPay: paid"),
        "{loud}"
    );
    app.scroll_to("[data-testid=reconcile]").await;
    app.shot("reconcile-en").await;
    for (lang, word) in [("ru", "Оплачен"), ("uz", "To'langan")] {
        app.click(&format!("[data-testid=lang-{lang}]")).await;
        app.wait_text("[data-testid=reconcile-item-missed_success]", |t| {
            t.contains(word)
        })
        .await;
        app.scroll_to("[data-testid=reconcile]").await;
        app.shot(&format!("reconcile-{lang}")).await;
    }
    app.stop().await;
    sb.shutdown().await;
}
