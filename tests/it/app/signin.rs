//! Sign-in and sign-out: user tiles and the PIN keypad; sign-out while a customer is paying
//! asks first (staying keeps the sale), and the customer display then shows its neutral page,
//! not the QR; a user locked out after wrong PINs is told until when and who can unlock, and
//! the demo started again never signs them in by itself. Screenshots in uz, ru and en.

use fantoccini::key::Key;

use super::returns::{lang, wait_who};
use super::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_during_a_sale_asks_and_the_customer_display_goes_neutral() {
    let app = App::start("signout").await;
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
    app.client.switch_to_window(main.clone()).await.unwrap();
    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("15000{}", char::from(Key::Enter))).await;
    let url = app.qr_link().await;

    // Asked; staying keeps the sale and the user.
    for l in ["uz", "ru", "en"] {
        lang(&app, l).await;
        app.click("[data-testid=sign-out]").await;
        let q = app
            .wait_text("[data-testid=signout-confirm]", |t| t.contains("15 000"))
            .await;
        assert!(!q.is_empty());
        app.shot(&format!("signout-confirm-{l}")).await;
        app.click("[data-testid=signout-stay]").await;
        app.wait_count("[data-testid=signout-confirm]", 0).await;
        assert_eq!(app.qr_link().await, url, "the sale stays on screen");
        assert_eq!(app.count("[data-testid=who]").await, 1);
    }
    // Esc is "stay" too.
    app.click("[data-testid=sign-out]").await;
    app.wait_css("[data-testid=signout-confirm]").await;
    app.keys(&char::from(Key::Escape).to_string()).await;
    app.wait_count("[data-testid=signout-confirm]", 0).await;
    assert_eq!(app.qr_link().await, url);

    // Signing out anyway: the sign-in screen, and the customer's screen is neutral.
    app.client.switch_to_window(customer.clone()).await.unwrap();
    app.wait_attr("[data-testid=qr]", "data-url", |u| u == url)
        .await;
    app.client.switch_to_window(main.clone()).await.unwrap();
    app.click("[data-testid=sign-out]").await;
    app.click("[data-testid=signout-yes]").await;
    app.wait_css("[data-testid=signin]").await;
    app.client.switch_to_window(customer.clone()).await.unwrap();
    app.wait_text("[data-testid=customer-display]", |t| t == "Welcome")
        .await;
    assert_eq!(app.count("[data-testid=qr]").await, 0, "the QR is gone");
    app.shot("signout-customer-neutral-en").await;
    app.client.switch_to_window(main).await.unwrap();

    // The sign-in screen: tiles and the keypad, in the three languages; the user who just
    // signed out is pre-selected.
    app.wait_count("[data-testid=user-tile]", 3).await;
    app.wait_attr(
        "[data-testid=user-tile][data-user=Kassir]",
        "aria-checked",
        |v| v == "true",
    )
    .await;
    for l in ["uz", "ru", "en"] {
        lang(&app, l).await;
        app.shot(&format!("signin-tiles-{l}")).await;
    }
    // A tile, then the PIN on the keypad.
    app.click("[data-testid=user-tile][data-user=Menejer]")
        .await;
    app.wait_attr(
        "[data-testid=user-tile][data-user=Menejer]",
        "aria-checked",
        |v| v == "true",
    )
    .await;
    app.click("[data-testid=user-tile][data-user=Kassir]").await;
    for _ in 0..4 {
        app.click("[data-testid=pin-key-1]").await;
    }
    app.click("[data-testid=signin-submit]").await;
    wait_who(&app, "Kassir").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_user_is_told_until_when_and_the_demo_never_signs_them_in() {
    let app = App::start("signin-locked").await;
    app.click("[data-testid=sign-out]").await;
    app.wait_css("[data-testid=user-tiles]").await;
    // Direktor signs in with a PIN: remembered as the last user.
    app.click("[data-testid=user-tile][data-user=Direktor]")
        .await;
    app.type_into("[data-testid=signin-pin]", "333333").await;
    app.click("[data-testid=signin-submit]").await;
    wait_who(&app, "Direktor").await;
    app.click("[data-testid=sign-out]").await;
    app.wait_attr(
        "[data-testid=user-tile][data-user=Direktor]",
        "aria-checked",
        |v| v == "true",
    )
    .await;

    // Five wrong PINs lock Kassir out: until when, and who can unlock.
    app.click("[data-testid=user-tile][data-user=Kassir]").await;
    for _ in 0..5 {
        app.type_into("[data-testid=signin-pin]", "0000").await;
        app.click("[data-testid=signin-submit]").await;
        app.wait_text("[data-testid=signin-error]", |t| !t.is_empty())
            .await;
    }
    let msg = app
        .wait_text("[data-testid=signin-error]", |t| t.contains("qulflangan"))
        .await;
    assert!(
        msg.contains("Kassir") && msg.contains("Qulfdan chiqarish"),
        "{msg}"
    );
    assert!(
        msg.chars().filter(|c| *c == ':').count() >= 1,
        "a time in the message: {msg}"
    );
    app.wait_attr(
        "[data-testid=user-tile][data-user=Kassir]",
        "data-locked",
        |v| v == "true",
    )
    .await;
    app.shot("signin-locked-uz").await;
    lang(&app, "ru").await;
    app.wait_text("[data-testid=signin-error]", |t| {
        t.contains("Разблокировать")
    })
    .await;
    app.shot("signin-locked-ru").await;
    lang(&app, "en").await;
    app.wait_text("[data-testid=signin-error]", |t| t.contains("Unlock"))
        .await;
    app.shot("signin-locked-en").await;

    // The demo starts again: nobody is signed in by itself (Kassir, its only cashier, is
    // locked), and the lock shows on the tile.
    let data = app.stop_keeping_data().await;
    let app = App::restart("signin-locked-restart", data, "[data-testid=signin]").await;
    app.wait_attr(
        "[data-testid=user-tile][data-user=Kassir]",
        "data-locked",
        |v| v == "true",
    )
    .await;
    assert_eq!(
        app.count("[data-testid=who]").await,
        0,
        "someone was signed in"
    );
    assert_eq!(app.count("[data-testid=amount]").await, 0);
    // The last user is pre-selected.
    app.wait_attr(
        "[data-testid=user-tile][data-user=Direktor]",
        "aria-checked",
        |v| v == "true",
    )
    .await;
    app.shot("signin-after-restart").await;
    app.stop().await;
}
