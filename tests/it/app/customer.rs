//! The customer display: a second window that mirrors the sale on screen (the same QR code, the
//! amount, the live state, then the result with the masked card) and welcomes the next customer.

use fantoccini::key::Key;

use super::{pay, App};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_display_mirrors_the_sale() {
    let app = App::start("customer-display").await;
    app.click("[data-testid=lang-en]").await;
    let main = app.client.window().await.unwrap();
    app.click("[data-testid=open-customer]").await;
    let deadline = std::time::Instant::now() + super::WAIT;
    let customer = loop {
        let all = app.client.windows().await.unwrap();
        if let Some(w) = all.into_iter().find(|w| *w != main) {
            break w;
        }
        assert!(std::time::Instant::now() < deadline, "no customer window");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    app.client.switch_to_window(customer.clone()).await.unwrap();
    app.wait_text("[data-testid=customer-display]", |t| t == "Welcome")
        .await;

    app.client.switch_to_window(main.clone()).await.unwrap();
    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("25000{}", char::from(Key::Enter))).await;
    let url = app.qr_link().await;

    app.client.switch_to_window(customer.clone()).await.unwrap();
    app.wait_attr("[data-testid=qr]", "data-url", |u| u == url)
        .await;
    let shown = app.text("[data-testid=customer-display]").await;
    assert!(shown.contains("25 000 so'm"), "{shown}");
    // The QR code on the customer's screen scans to the same link.
    assert_eq!(app.wait_qr("customer-display-qr").await, url);
    pay(&url, "humo-ok").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    let shown = app.text("[data-testid=customer-display]").await;
    assert!(shown.contains("******"), "the masked card: {shown}");
    app.shot("customer-display-paid").await;

    // The cashier starts the next sale: the display welcomes the next customer.
    app.client.switch_to_window(main.clone()).await.unwrap();
    app.next_sale().await;
    app.client.switch_to_window(customer.clone()).await.unwrap();
    app.wait_text("[data-testid=customer-display]", |t| t == "Welcome")
        .await;

    // The cashier switches to Russian: the customer's screen follows.
    app.client.switch_to_window(main).await.unwrap();
    app.click("[data-testid=lang-ru]").await;
    app.client.switch_to_window(customer).await.unwrap();
    app.wait_text("[data-testid=customer-display]", |t| {
        t == "Добро пожаловать"
    })
    .await;
    app.stop().await;
}
