//! A real till moved to another project and gateway from Settings: a plain edit of the gateway
//! is not offered; the probed form refuses wrong credentials in words and changes nothing, then
//! moves the till with right ones and says how many payments stay followed at the old gateway;
//! the next sale goes to the new gateway.

use ecommpay::Secret;
use ecommpay_sandbox::{RunningSandbox, Sandbox, SandboxConfig};

use super::{real_till, App};

const SECRET: &str = "first-gateway-secret";
const NEW_SECRET: &str = "second-gateway-secret";

async fn gateway(project_id: u64, secret: &str) -> RunningSandbox {
    Sandbox::start(
        SandboxConfig {
            project_id,
            secret: Secret::new(secret),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("a gateway starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_moves_a_real_till_to_another_gateway_through_the_probe() {
    let first = gateway(4242, SECRET).await;
    let second = gateway(5151, NEW_SECRET).await;
    let url = first.base_url().to_owned();
    let app = App::start_until(
        "reconnect",
        |dir| real_till(dir, &url, SECRET, &[]),
        "[data-testid=signin]",
    )
    .await;
    app.select("[data-testid=signin-user]", "Bobur").await;
    app.type_into("[data-testid=signin-pin]", "567800").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;
    app.click("[data-testid=tab-settings]").await;
    app.wait_css("[data-testid=reconnect-form]").await;
    // The project and the gateway are not plain settings of a real till any more.
    assert_eq!(app.count("[data-testid=setting-gateway_url]").await, 0);

    let fill = |project: &'static str, gw: String, secret: &'static str| {
        let app = &app;
        async move {
            for (id, v) in [
                ("reconnect-project-id", project.to_owned()),
                ("reconnect-gateway-url", gw.clone()),
                ("reconnect-payment-page-url", format!("{gw}/payment")),
                ("reconnect-secret", secret.to_owned()),
            ] {
                let css = format!("[data-testid={id}]");
                app.client
                    .find(fantoccini::Locator::Css(&css))
                    .await
                    .unwrap()
                    .clear()
                    .await
                    .unwrap();
                app.type_into(&css, &v).await;
            }
            app.scroll_to("[data-testid=reconnect-submit]").await;
            app.click("[data-testid=reconnect-submit]").await;
        }
    };
    // Wrong secret: refused in words, nothing changes.
    fill("5151", second.base_url().to_owned(), "not-the-secret").await;
    let err = app
        .wait_text("[data-testid=reconnect-error]", |t| !t.is_empty())
        .await;
    assert!(err.contains("refused"), "{err}");
    app.shot("reconnect-refused-en").await;
    // Right ones: moved, and it says how many payments stay at the first gateway.
    fill("5151", second.base_url().to_owned(), NEW_SECRET).await;
    let done = app
        .wait_text("[data-testid=reconnect-done]", |t| !t.is_empty())
        .await;
    assert!(done.contains("0 open payments"), "{done}");
    app.shot("reconnect-done-en").await;

    // The next sale is the second gateway's.
    app.click("[data-testid=tab-sale]").await;
    let link = app.sale("2500", "uzcard-ok").await;
    assert!(
        link.starts_with(&format!("{}/payment?", second.base_url())),
        "{link}"
    );
    assert_eq!(second.control().payments().len(), 1);
    assert!(first.control().payments().is_empty());
    app.stop().await;
    first.shutdown().await;
    second.shutdown().await;
}
