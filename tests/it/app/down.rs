//! The gateway is down. A real till in the Payment Page flow (its default) starts with the
//! banner up, yet a sale still shows its QR code at once (the till signs the link itself);
//! history stays usable; when the gateway comes back, the banner goes by itself and the
//! customer who opens the link pays that same sale. In the Gate flow (Settings warn that its
//! link cannot come without a reachable listener) a sale that cannot reach the gateway fails in
//! words, with nothing charged.

use ecommpay::Secret;
use ecommpay_sandbox::{Sandbox, SandboxConfig};
use fantoccini::key::Key;

use super::{pay, real_till, App};

const SECRET: &str = "down-test-secret";

/// An address nothing listens on (yet).
fn dead_address() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

async fn sign_in(app: &App, name: &str, pin: &str) {
    app.select("[data-testid=signin-user]", name).await;
    app.type_into("[data-testid=signin-pin]", pin).await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_gateway_is_down_a_payment_page_sale_still_starts_and_ends_when_it_is_back() {
    let addr = dead_address();
    let url = format!("http://{addr}");
    let app = App::start_until(
        "gateway-down",
        |dir| real_till(dir, &url, SECRET, &[]),
        "[data-testid=signin]",
    )
    .await;
    app.wait_css("[data-testid=banner-gateway]").await;
    assert_eq!(app.count("[data-testid=demo-badge]").await, 0);
    sign_in(&app, "Lola", "1234").await;

    // The sale needs no gateway to start: its QR code is on screen at once.
    app.keys(&format!("5000{}", char::from(Key::Enter))).await;
    let link = app.qr_link().await;
    assert!(link.starts_with(&format!("{url}/payment?")), "{link}");
    let banner = app.text("[data-testid=banner-gateway]").await;
    assert!(
        banner.contains("No connection to the bank") && banner.contains("can still scan"),
        "{banner}"
    );
    app.shot("gateway-down").await;
    // History works without the gateway and shows the open sale.
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 1).await;
    let row = app.text("[data-testid=history-row]").await;
    assert!(row.contains("5 000 so'm"), "{row}");
    app.wait_css("[data-testid=banner-gateway]").await;
    app.click("[data-testid=tab-sale]").await;
    assert_eq!(app.qr_link().await, link, "the same sale, still waiting");

    // The gateway comes back: the banner goes by itself; the customer opens the link and pays.
    let gateway = Sandbox::start(
        SandboxConfig {
            project_id: 4242,
            secret: Secret::new(SECRET),
            ..Default::default()
        },
        addr,
    )
    .await
    .expect("the gateway starts on its old address");
    app.wait_count("[data-testid=banner-gateway]", 0).await;
    pay(&link, "uzcard-ok").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    app.shot("gateway-back-paid").await;
    app.next_sale().await;
    app.sale("7000", "uzcard-ok").await;
    let mut amounts: Vec<u64> = gateway
        .control()
        .payments()
        .iter()
        .map(|p| p.amount)
        .collect();
    amounts.sort_unstable();
    assert_eq!(amounts, [500_000, 700_000], "each sale once");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_sale_that_cannot_reach_the_gateway_fails_in_words() {
    let url = format!("http://{}", dead_address());
    let app = App::start_until(
        "gateway-down-gate",
        |dir| real_till(dir, &url, SECRET, &[("sale.flow", "gate")]),
        "[data-testid=signin]",
    )
    .await;
    app.wait_css("[data-testid=banner-gateway]").await;
    sign_in(&app, "Bobur", "567800").await;
    let banner = app.text("[data-testid=banner-gateway]").await;
    assert!(banner.contains("New sales cannot start"), "{banner}");
    // Settings warn the manager: with no listener the gateway can reach, no link would come.
    app.click("[data-testid=tab-settings]").await;
    let warning = app
        .wait_text("[data-testid=flow-warning]", |t| !t.is_empty())
        .await;
    assert!(warning.contains("never arrives"), "{warning}");
    app.scroll_to("[data-testid=flow]").await;
    app.shot("settings-gate-warning").await;
    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("5000{}", char::from(Key::Enter))).await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| {
        p == "declined"
    })
    .await;
    let shown = app.text("[data-testid=sale-state]").await;
    assert!(shown.contains("did not reach the bank"), "{shown}");
    app.shot("gateway-down-gate").await;
    app.next_sale().await;
    app.stop().await;
}
