//! The app killed while a customer pays: the sale on screen is gone with it, the customer pays
//! anyway, and the app started again says so at once (the late-payment banner), even though
//! its followers told it before the window was listening.

use ecommpay::Secret;
use ecommpay_sandbox::{Sandbox, SandboxConfig};
use fantoccini::key::Key;

use super::{pay, real_till, App};

const SECRET: &str = "crash-test-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_paid_while_the_app_was_dead_is_raised_when_it_starts_again() {
    let gateway = Sandbox::start(
        SandboxConfig {
            project_id: 4242,
            secret: Secret::new(SECRET),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("the gateway starts");
    let url = gateway.base_url().to_owned();
    let app = App::start_until(
        "crash",
        |dir| real_till(dir, &url, SECRET, &[]),
        "[data-testid=signin]",
    )
    .await;
    app.select("[data-testid=signin-user]", "Lola").await;
    app.type_into("[data-testid=signin-pin]", "1234").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("8000{}", char::from(Key::Enter))).await;
    let link = app.qr_link().await;
    let data = app.crash().await;

    // The customer pays while no till runs.
    pay(&link, "uzcard-ok").await;

    let app = App::restart("crash-restarted", data, "[data-testid=signin]").await;
    let banner = app
        .wait_text("[data-testid=notice-late_success]", |t| t.contains("8 000"))
        .await;
    assert!(banner.contains("8 000 so'm"), "{banner}");
    app.shot("crash-late-success-en").await;
    // Read and dismissed: a window that opens later does not show it again.
    app.click("[data-testid=notice-late_success] button").await;
    assert_eq!(app.count("[data-testid=notice-late_success]").await, 0);
    app.stop().await;
    gateway.shutdown().await;
}
