//! Settings > callback listener on a real till: switched on in the app with a public address,
//! it listens at once (no restart), the till turns to the Gate flow by itself (Settings say
//! why), and the sale's link and result arrive by the gateway's callbacks, long before the
//! first status poll; switched off, the port closes and the till is back on the Payment Page.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use ecommpay::Secret;
use ecommpay_sandbox::{Sandbox, SandboxConfig};
use fantoccini::key::Key;
use fantoccini::Locator;

use super::{pay, real_till, App, WAIT};

const SECRET: &str = "callback-test-secret";

/// Waits until something listens on `addr` (or nothing does, with `open` false).
async fn wait_port(addr: std::net::SocketAddr, open: bool) {
    let deadline = Instant::now() + WAIT;
    while TcpStream::connect(addr).is_ok() != open {
        assert!(
            Instant::now() < deadline,
            "{addr} still {}",
            if open { "closed" } else { "open" }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Turns an on/off setting on or off (its checkbox saves at once).
async fn toggle(app: &App, key: &str, on: bool) {
    let css = format!("[data-testid='setting-{key}']");
    let checked = app.wait_css(&css).await.prop("checked").await.unwrap();
    assert_eq!(
        checked.as_deref() == Some("true"),
        !on,
        "{key} already {on}"
    );
    app.click(&css).await;
    app.wait_text(&format!("[data-testid='setting-msg-{key}']"), |t| {
        t == "Saved."
    })
    .await;
    // The row is re-created once the saved settings are read again: ask until it settles.
    let deadline = Instant::now() + WAIT;
    loop {
        let shown = match app.client.find(Locator::Css(&css)).await {
            Ok(e) => e.prop("checked").await.ok().flatten(),
            Err(_) => None,
        };
        if shown.as_deref() == Some(if on { "true" } else { "false" }) {
            break;
        }
        assert!(Instant::now() < deadline, "{key} shown as saved: {shown:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Saves one setting from the Settings screen (Enter in its field).
async fn set(app: &App, key: &str, value: &str) {
    let field = format!("[data-testid='setting-{key}']");
    app.type_into(&field, value).await;
    app.keys(&char::from(Key::Enter).to_string()).await;
    app.wait_text(&format!("[data-testid='setting-msg-{key}']"), |t| {
        t == "Saved."
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callback_listener_is_switched_on_and_off_without_a_restart() {
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let gateway = Sandbox::start(
        SandboxConfig {
            project_id: 4242,
            secret: Secret::new(SECRET),
            callback_url: Some(format!("http://{listen}/ecommpay/callback")),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("the gateway starts");
    // The first status poll only after a minute: within the test, only callbacks can tell.
    let slow = [("timing.first_poll_ms", "60000")];
    let url = gateway.base_url().to_owned();
    let app = App::start_until(
        "callbacks",
        |dir| real_till(dir, &url, SECRET, &slow),
        "[data-testid=signin]",
    )
    .await;
    app.select("[data-testid=signin-user]", "Bobur").await;
    app.type_into("[data-testid=signin-pin]", "567800").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=who]", |t| t.starts_with("Bobur"))
        .await;
    assert!(TcpStream::connect(listen).is_err(), "off by default");

    app.click("[data-testid=tab-settings]").await;
    let in_use = "[data-testid=flow-in-use]";
    app.wait_attr(in_use, "data-reason", |r| r == "no_inbound")
        .await;
    set(&app, "callback.listen", &listen.to_string()).await;
    // (A tunnel's or router's address in a shop; here the listener's own.)
    let public = format!("http://{listen}/ecommpay/callback");
    set(&app, "callback.public_url", &public).await;
    toggle(&app, "callback.enabled", true).await;
    app.wait_attr(in_use, "data-reason", |r| r == "listener_public")
        .await;
    assert_eq!(app.wait_attr(in_use, "data-flow", |_| true).await, "gate");
    let words = app.text(in_use).await;
    assert!(words.contains("public address"), "{words}");
    app.scroll_to("[data-testid=flow]").await;
    app.shot("settings-real").await;
    wait_port(listen, true).await;

    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    let started = Instant::now();
    app.keys(&format!("3000{}", char::from(Key::Enter))).await;
    let bot = app.qr_link().await;
    assert!(
        bot.starts_with(&format!("{url}/bot/")),
        "the gateway's link: {bot}"
    );
    assert_eq!(
        app.wait_attr("[data-testid=qr]", "data-flow", |_| true)
            .await,
        "gate"
    );
    pay(&bot, "uzcard-ok").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(55),
        "the result came by callback, before the first poll"
    );
    app.shot("callbacks").await;

    app.click("[data-testid=tab-settings]").await;
    toggle(&app, "callback.enabled", false).await;
    wait_port(listen, false).await;
    app.wait_attr(in_use, "data-flow", |f| f == "payment_page")
        .await;
    app.stop().await;
}
