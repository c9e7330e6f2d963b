//! Demo mode > Settings > "Connect to ECommPay": wrong credentials are refused by the gateway
//! and nothing is written; right ones swap the demo till for the real one in place (no restart):
//! the window starts afresh without the DEMO badge, the first manager is created, and a sale
//! (a Payment Page link to the real gateway, the flow the manager chose) is paid there and
//! lands in the real till's history (not the demo's). The gateway keeps its defaults: no
//! callback reaches the till, and status answers carry no link.

use std::path::Path;

use ecommpay::Secret;
use ecommpay_sandbox::{Sandbox, SandboxConfig};
use fantoccini::key::Key;
use serde_json::Value;

use super::{cashier, demo_gateway, pay, App};

const PROJECT: &str = "4242";
const SECRET: &str = "real-secret-for-e2e";

/// `cashier --json history` lines.
fn history(dir: &Path) -> Vec<Value> {
    cashier(dir, &["--json", "history"], "")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_connects_the_demo_till_to_the_real_gateway() {
    let gateway = Sandbox::start(
        SandboxConfig {
            project_id: PROJECT.parse().unwrap(),
            secret: Secret::new(SECRET),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("the real gateway starts");
    let url = gateway.base_url().to_owned();
    let page = format!("{url}/payment");

    // The data folder was set up with `cashier init` (no secret yet), with quick polls so the
    // test need not wait the gateway's 10 s: the app starts in demo mode, and connecting keeps
    // these settings.
    let app = App::start_with("connect", |dir| {
        cashier(
            dir,
            &[
                "init",
                "--project-id",
                "1",
                "--gateway-url",
                "https://gateway.invalid",
                "--till-code",
                "OLD",
            ],
            "",
        );
        for (k, v) in [
            ("timing.first_poll_ms", "300"),
            ("timing.sale_poll_max_ms", "500"),
        ] {
            cashier(dir, &["config", "set", k, v], "");
        }
    })
    .await;
    let dir = app.data.path().to_owned();
    app.wait_css("[data-testid=demo-badge]").await;
    // Where the in-app demo gateway listens (the demo till's config names it).
    let demo_gateway: std::net::SocketAddr = demo_gateway(&dir)
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .unwrap();
    assert!(std::net::TcpStream::connect(demo_gateway).is_ok());
    app.click("[data-testid=lang-en]").await;

    // A cashier sees no connect form; a manager does.
    app.click("[data-testid=tab-settings]").await;
    app.wait_css("[data-testid=settings-denied]").await;
    assert_eq!(app.count("[data-testid=connect-form]").await, 0);
    app.click("[data-testid=sign-out]").await;
    app.select("[data-testid=signin-user]", "Menejer").await;
    app.type_into("[data-testid=signin-pin]", "222222").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=who]", |t| t.starts_with("Menejer"))
        .await;
    app.click("[data-testid=tab-settings]").await;
    app.wait_css("[data-testid=connect-form]").await;
    // The demo's own gateway, project and secret are not offered: only the connect form.
    for hidden in ["setting-gateway_url", "setting-project_id", "secret"] {
        assert_eq!(
            app.count(&format!("[data-testid={hidden}]")).await,
            0,
            "{hidden}"
        );
    }
    app.wait_css("[data-testid='setting-limits.sale_max_tiyin']")
        .await;

    // ECommPay's production Payment Page is offered, and the automatic flow.
    assert_eq!(
        app.wait_attr("[data-testid=connect-payment-page-url]", "value", |_| true)
            .await,
        "https://paymentpage.ecommpay.com/payment"
    );
    for l in ["uz", "ru", "en"] {
        app.click(&format!("[data-testid=lang-{l}]")).await;
        app.wait_css(&format!("[data-testid=lang-{l}].active"))
            .await;
        app.shot(&format!("connect-form-{l}")).await;
    }
    // A wrong secret: the gateway refuses it; nothing is written, the till stays the demo.
    app.type_into("[data-testid=connect-project-id]", PROJECT)
        .await;
    app.type_into("[data-testid=connect-gateway-url]", &url)
        .await;
    app.type_into("[data-testid=connect-payment-page-url]", &page)
        .await;
    app.type_into("[data-testid=connect-till-code]", "T9").await;
    app.type_into("[data-testid=connect-secret]", "not-the-secret")
        .await;
    app.click("[data-testid=connect-submit]").await;
    app.wait_attr("[data-testid=connect-error]", "data-code", |c| {
        c == "credentials_refused"
    })
    .await;
    let text = app.text("[data-testid=connect-error]").await;
    assert!(text.contains("ECommPay refused"), "{text}");
    assert_eq!(
        app.text("[data-testid=connect-secret]").await,
        "",
        "the refused secret is cleared from the form"
    );
    let config = cashier(&dir, &["--json", "config", "show"], "");
    assert!(
        config.contains("OLD") && !config.contains(&url),
        "a refused connection wrote nothing: {config}"
    );
    app.wait_css("[data-testid=demo-badge]").await;

    // A bad till code: refused before anything is sent.
    app.type_into("[data-testid=connect-secret]", SECRET).await;
    app.type_into("[data-testid=connect-till-code]", "t 9")
        .await;
    app.click("[data-testid=connect-submit]").await;
    app.wait_attr("[data-testid=connect-error]", "data-code", |c| {
        c == "config_invalid"
    })
    .await;
    assert!(gateway.control().payments().is_empty());

    // The right credentials, and the Payment Page flow chosen outright: the window starts
    // afresh on the real till.
    app.type_into("[data-testid=connect-secret]", SECRET).await;
    app.type_into("[data-testid=connect-till-code]", "T9").await;
    app.click("[data-testid=connect-flow-payment_page]").await;
    app.click("[data-testid=connect-submit]").await;
    app.wait_css("[data-testid=signin-first]").await;
    assert_eq!(
        app.count("[data-testid=demo-badge]").await,
        0,
        "no DEMO badge on the real till"
    );
    app.shot("connect-first-manager").await;
    // The demo had no open payment: its gateway stops (no stray server left on the LAN).
    let deadline = std::time::Instant::now() + super::WAIT;
    while std::net::TcpStream::connect(demo_gateway).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the demo gateway still listens on {demo_gateway}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let config = cashier(&dir, &["--json", "config", "show"], "");
    for want in [
        url.as_str(),
        page.as_str(),
        "T9",
        PROJECT,
        "\"300\"",
        "payment_page",
    ] {
        assert!(config.contains(want), "{want} not in {config}");
    }

    // The first manager of the real till, then a sale to the real gateway.
    app.type_into("[data-testid=signin-name]", "Owner").await;
    app.type_into("[data-testid=signin-pin]", "567800").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=who]", |t| t.starts_with("Owner"))
        .await;
    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("1500{}", char::from(Key::Enter))).await;
    let link = app.qr_link().await;
    assert!(
        link.starts_with(&format!("{page}?")),
        "the QR is the real gateway's Payment Page: {link}"
    );
    let bot = pay(&link, "uzcard-ok").await;
    assert!(bot.starts_with(&format!("{url}/bot/")), "{bot}");
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    app.shot("connect-real-sale").await;
    // Settings say which flow the real till uses, and why.
    app.next_sale().await;
    app.click("[data-testid=tab-settings]").await;
    let in_use = "[data-testid=flow-in-use]";
    app.wait_attr(in_use, "data-reason", |r| r == "configured")
        .await;
    assert_eq!(
        app.wait_attr(in_use, "data-flow", |_| true).await,
        "payment_page"
    );
    app.shot("connect-real-settings").await;

    let payments = gateway.control().payments();
    assert_eq!(payments.len(), 1, "{payments:?}");
    assert!(payments[0].payment_id.starts_with("T9"), "{payments:?}");
    assert_eq!(payments[0].amount, 150_000);
    let real = history(&dir);
    assert_eq!(real.len(), 1, "{real:?}");
    assert_eq!(real[0]["payment_id"], payments[0].payment_id.as_str());
    assert_eq!(real[0]["state"], "success");
    assert!(
        history(&dir.join("demo")).is_empty(),
        "demo history untouched"
    );
    app.stop().await;
}
