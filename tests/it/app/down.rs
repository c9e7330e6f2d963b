//! The gateway is down: a real till whose gateway does not answer starts with the banner up,
//! a sale fails in words with nothing sent twice, history stays usable; when the gateway comes
//! back, the banner goes by itself and the next sale is paid.

use ecommpay::Secret;
use ecommpay_sandbox::{Sandbox, SandboxConfig};
use fantoccini::key::Key;

use super::{real_till, App};

const SECRET: &str = "down-test-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_banner_shows_while_the_gateway_is_down_and_history_stays_usable() {
    // A port nothing listens on (yet): the gateway is down.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{addr}");
    let app = App::start_until(
        "gateway-down",
        |dir| real_till(dir, &url, SECRET, &[]),
        "[data-testid=signin]",
    )
    .await;
    app.wait_css("[data-testid=banner-gateway]").await;
    assert_eq!(app.count("[data-testid=demo-badge]").await, 0);
    app.select("[data-testid=signin-user]", "Lola").await;
    app.type_into("[data-testid=signin-pin]", "1234").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;

    // A sale cannot reach the gateway: said in words (nothing was charged), then a new sale.
    app.keys(&format!("5000{}", char::from(Key::Enter))).await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| {
        p == "declined"
    })
    .await;
    let shown = app.text("[data-testid=sale-state]").await;
    assert!(shown.contains("did not reach the bank"), "{shown}");
    let banner = app.text("[data-testid=banner-gateway]").await;
    assert!(banner.contains("No connection to the bank"), "{banner}");
    app.shot("gateway-down").await;
    app.next_sale().await;
    // History works without the gateway and shows the failed attempt.
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    let row = app.text("[data-testid=history-row]").await;
    assert!(row.contains("5 000 so'm"), "{row}");
    app.wait_css("[data-testid=banner-gateway]").await;

    // The gateway comes back: the banner goes by itself, and a sale is paid.
    let gateway = Sandbox::start(
        SandboxConfig {
            project_id: 4242,
            secret: Secret::new(SECRET),
            status_redirect_data: true,
            ..Default::default()
        },
        addr,
    )
    .await
    .expect("the gateway starts on its old address");
    app.wait_count("[data-testid=banner-gateway]", 0).await;
    app.click("[data-testid=tab-sale]").await;
    app.sale("7000", "uzcard-ok").await;
    let payments = gateway.control().payments();
    assert_eq!(
        payments.len(),
        1,
        "only the sale sent after the gateway came back"
    );
    assert_eq!(payments[0].amount, 700_000);
    app.stop().await;
}
