//! The keyboard at the till: the amount field is home. Digits typed the moment a result is on
//! screen (no pause after Enter) start the next sale of exactly that amount; after any header
//! button (languages, the customer display, opened twice) the keyboard is back in the amount
//! field; the amount survives F2 then F1; letters never enter it; Enter on nothing or 0 says
//! why nothing happened; "15.000" is fifteen thousand.

use std::path::Path;

use fantoccini::key::Key;
use serde_json::Value;

use super::{cashier, pay, App};

fn enter() -> String {
    char::from(Key::Enter).to_string()
}

/// The amounts (tiyin) of the demo till's sales, newest first, read by the `cashier` CLI.
fn sale_amounts(data: &Path) -> Vec<i64> {
    cashier(&data.join("demo"), &["--json", "history"], "")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .filter(|v| v["kind"] == "sale")
        .map(|v| v["amount"].as_i64().expect("an amount"))
        .collect()
}

/// The link's `payment_amount` (tiyin): what the customer will be charged.
fn link_amount(url: &str) -> i64 {
    let u = reqwest::Url::parse(url).unwrap();
    let v = u
        .query_pairs()
        .find(|(k, _)| k == "payment_amount")
        .map(|(_, v)| v.into_owned())
        .expect("a payment_amount in the link");
    v.parse().unwrap()
}

fn xdotool(args: &[&str]) {
    let ok = std::process::Command::new("xdotool")
        .args(args)
        .status()
        .expect("xdotool runs (apt-get install xdotool; scripts/setup.sh does)");
    assert!(ok.success(), "xdotool {args:?}");
}

async fn js_bool(app: &App, script: &str) -> Option<bool> {
    app.client.execute(script, vec![]).await.ok()?.as_bool()
}

async fn amount_value(app: &App) -> String {
    app.client
        .execute(
            "return document.querySelector('[data-testid=amount]').value",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digits_typed_at_once_after_enter_on_a_result_start_a_sale_of_exactly_that_amount() {
    let app = App::start("keyboard-next-amount").await;

    // 1. A paid sale on screen; Enter and the next amount and Enter in one burst of keys.
    app.sale("25000", "uzcard-ok").await;
    app.keys(&format!("{}15000{}", enter(), enter())).await;
    let url = app.qr_link().await;
    assert_eq!(link_amount(&url), 1_500_000, "{url}");
    app.wait_text("[data-testid=sale-amount]", |t| t == "15 000 so'm")
        .await;
    pay(&url, "uzcard-ok").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;

    // 2. Digits typed on the result itself (no Enter first) start the next amount.
    app.keys(&format!("15000{}", enter())).await;
    let url = app.qr_link().await;
    assert_eq!(link_amount(&url), 1_500_000, "{url}");
    pay(&url, "uzcard-nofunds").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| {
        p == "declined"
    })
    .await;

    // 3. After a decline: Esc, then fifteen thousand written with a dot.
    app.keys(&format!("{}15.000{}", char::from(Key::Escape), enter()))
        .await;
    let url = app.qr_link().await;
    assert_eq!(link_amount(&url), 1_500_000, "{url}");
    app.wait_text("[data-testid=sale-amount]", |t| t == "15 000 so'm")
        .await;
    app.shot("keyboard-next-amount").await;

    assert_eq!(
        sale_amounts(app.data.path()),
        vec![1_500_000, 1_500_000, 1_500_000, 2_500_000],
        "every sale of exactly the amount typed (newest first)"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_comes_back_to_the_amount_after_every_header_button() {
    let app = App::start("keyboard-focus").await;
    let main = app.client.window().await.unwrap();
    app.wait_focus("amount").await;
    // Xvfb has no window manager: the X keyboard focus follows the pointer. It rests on the
    // till's window (1200x800 at 0,0), beside where the customer display opens (800x800 at 0,0),
    // so only a window that asks for the focus can take it.
    xdotool(&["mousemove", "1150", "780"]);
    let deadline = std::time::Instant::now() + super::WAIT;
    while js_bool(&app, "return document.hasFocus()").await != Some(true) {
        assert!(
            std::time::Instant::now() < deadline,
            "the till's window never had the keyboard"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let header = [
        "lang-ru",
        "lang-en",
        "lang-uz",
        "tab-sale",
        "open-customer",
        "open-customer",
        "lang-en",
    ];
    for (i, button) in header.iter().enumerate() {
        app.click(&format!("[data-testid={button}]")).await;
        if *button == "open-customer" {
            // The display's window appears (or is shown again) without taking the keyboard.
            let deadline = std::time::Instant::now() + super::WAIT;
            while app.client.windows().await.unwrap().len() < 2 {
                assert!(std::time::Instant::now() < deadline, "no customer window");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
            app.client.switch_to_window(main.clone()).await.unwrap();
        }
        // At once, not after a while: the focus never leaves for good.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(
            app.focused_testid().await.as_deref(),
            Some("amount"),
            "after {button} (#{i}) the keyboard is in the amount field"
        );
        assert_eq!(
            js_bool(&app, "return document.hasFocus()").await,
            Some(true),
            "after {button} (#{i}) the till's window has the keyboard, not the customer display"
        );
        app.keys(&(i + 1).to_string()).await;
    }
    assert_eq!(amount_value(&app).await, "1234567", "every digit went in");

    // The amount survives F2 (history) then F1 (sale).
    app.keys(&char::from(Key::F2).to_string()).await;
    app.wait_css("[data-testid=tab-history][aria-selected=true]")
        .await;
    app.keys(&char::from(Key::F1).to_string()).await;
    app.wait_focus("amount").await;
    assert_eq!(amount_value(&app).await, "1234567");
    app.wait_text("[data-testid=amount-preview]", |t| t == "1 234 567 so'm")
        .await;

    // Letters never enter the field (typed or pasted).
    app.type_into("[data-testid=amount]", "12abc").await;
    assert_eq!(amount_value(&app).await, "12");
    app.wait_text("[data-testid=amount-preview]", |t| t == "12 so'm")
        .await;

    // Enter on nothing, then on 0: the screen says why nothing started.
    app.type_into("[data-testid=amount]", "").await;
    app.keys(&enter()).await;
    app.wait_attr("[data-testid=sale-hint]", "data-why", |w| w == "sale.empty")
        .await;
    app.type_into("[data-testid=amount]", "0").await;
    app.keys(&enter()).await;
    app.wait_attr("[data-testid=sale-hint]", "data-why", |w| w == "sale.zero")
        .await;
    let said = app.text("[data-testid=sale-hint]").await;
    assert!(said.contains('0'), "{said}");
    assert_eq!(app.count("[data-testid=qr]").await, 0, "no sale started");

    // "15.000" is fifteen thousand so'm, "15.50" fifteen and a half.
    app.type_into("[data-testid=amount]", "15.000").await;
    app.wait_text("[data-testid=amount-preview]", |t| t == "15 000 so'm")
        .await;
    app.type_into("[data-testid=amount]", "15.50").await;
    app.wait_text("[data-testid=amount-preview]", |t| t == "15,50 so'm")
        .await;
    app.shot("keyboard-focus").await;
    app.stop().await;
}
