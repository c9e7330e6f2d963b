//! Settings > users: a manager resets a cashier's PIN (the new one signs in, the old one no
//! longer does) and deactivates a manager (who is then not offered at sign-in), each with their
//! own PIN; a cashier changes their own PIN; limits are entered in so'm.

use fantoccini::key::Key;

use super::App;
use crate::support::bin;

/// Signs out and back in as `name` with `pin`; `ok` says whether the sign-in should succeed.
async fn sign_in(app: &App, name: &str, pin: &str, ok: bool) {
    if app.count("[data-testid=signin]").await == 0 {
        app.click("[data-testid=sign-out]").await;
        app.wait_css("[data-testid=signin]").await;
    }
    app.select("[data-testid=signin-user]", name).await;
    app.type_into("[data-testid=signin-pin]", pin).await;
    app.click("[data-testid=signin-submit]").await;
    if ok {
        app.wait_text("[data-testid=who]", |t| t.starts_with(name))
            .await;
    } else {
        app.wait_text("[data-testid=signin-error]", |t| !t.is_empty())
            .await;
        assert_eq!(app.count("[data-testid=who]").await, 0, "{name} signed in");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_resets_a_pin_and_deactivates_a_user() {
    let app = App::start("users").await;
    app.click("[data-testid=lang-en]").await;
    sign_in(&app, "Menejer", "222222", true).await;
    app.click("[data-testid=tab-settings]").await;
    let kassir = "[data-testid=user-row][data-user=Kassir]";
    app.wait_css(kassir).await;

    // Reset Kassir's PIN: a wrong manager PIN is refused, the right one works.
    app.click(&format!("{kassir} [data-testid=user-reset]"))
        .await;
    app.type_into("[data-testid=user-new-pin]", "567800").await;
    app.type_into("[data-testid=user-manager-pin]", "9999")
        .await;
    app.click("[data-testid=user-confirm]").await;
    app.wait_text("[data-testid=user-error]", |t| t == "Wrong PIN.")
        .await;
    app.type_into("[data-testid=user-manager-pin]", "222222")
        .await;
    app.click("[data-testid=user-confirm]").await;
    app.wait_text("[data-testid=user-msg]", |t| t.contains("Kassir"))
        .await;
    assert_eq!(app.count("[data-testid=user-form]").await, 0);

    // Deactivate Direktor: shown as such.
    let direktor = "[data-testid=user-row][data-user=Direktor]";
    app.click(&format!("{direktor} [data-testid=user-active]"))
        .await;
    app.type_into("[data-testid=user-manager-pin]", "222222")
        .await;
    app.click("[data-testid=user-confirm]").await;
    app.wait_attr(direktor, "data-active", |a| a == "false")
        .await;
    app.wait_css(&format!("{direktor} [data-testid=user-inactive]"))
        .await;
    app.wait_text(&format!("{direktor} [data-testid=user-active]"), |t| {
        t == "Activate"
    })
    .await;
    app.shot("users").await;

    // Kassir's old PIN fails, the new one signs in; Direktor is not offered any more.
    sign_in(&app, "Kassir", "1111", false).await;
    assert_eq!(
        app.count("[data-testid=signin-user] option[value=Direktor]")
            .await,
        0,
        "a deactivated user is not offered at sign-in"
    );
    assert_eq!(
        app.count("[data-testid=signin-user] option[value=Menejer]")
            .await,
        1
    );
    sign_in(&app, "Kassir", "567800", true).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cashier_changes_their_own_pin_and_limits_are_in_som() {
    let app = App::start("own-pin").await;
    app.click("[data-testid=lang-en]").await;
    // The demo starts signed in as the cashier: Settings offers only "My PIN".
    app.click("[data-testid=tab-settings]").await;
    app.wait_css("[data-testid=settings-denied] [data-testid=mypin]")
        .await;
    let change = |old: &'static str, new: &'static str, again: &'static str| {
        let app = &app;
        async move {
            app.type_into("[data-testid=mypin-old]", old).await;
            app.type_into("[data-testid=mypin-pin]", new).await;
            app.type_into("[data-testid=mypin-pin2]", again).await;
            app.click("[data-testid=mypin-submit]").await;
        }
    };
    change("1111", "2468", "2469").await;
    app.wait_attr("[data-testid=mypin-msg]", "data-code", |c| {
        c == "pin_mismatch"
    })
    .await;
    change("9999", "2468", "2468").await;
    app.wait_attr("[data-testid=mypin-msg]", "data-code", |c| c == "wrong_pin")
        .await;
    change("1111", "12", "12").await;
    app.wait_attr("[data-testid=mypin-msg]", "data-code", |c| c == "bad_pin")
        .await;
    change("1111", "2468", "2468").await;
    app.wait_text("[data-testid=mypin-msg]", |t| t == "Your PIN is changed.")
        .await;
    app.shot("own-pin").await;
    sign_in(&app, "Kassir", "1111", false).await;
    sign_in(&app, "Kassir", "2468", true).await;

    // A manager sets the largest sale in so'm; it is stored in tiyin.
    sign_in(&app, "Menejer", "222222", true).await;
    app.click("[data-testid=tab-settings]").await;
    let field = "[data-testid='setting-limits.sale_max_tiyin']";
    app.wait_attr(field, "value", |v| v == "100 000 000").await;
    // Unclear (one tiyin digit: 12,50 or a typo?): refused, never guessed.
    app.type_into(field, "12,5").await;
    app.keys(&char::from(Key::Enter).to_string()).await;
    app.wait_text("[data-testid='setting-msg-limits.sale_max_tiyin']", |t| {
        t.starts_with("Enter an amount in so'm")
    })
    .await;
    app.type_into(field, "1 000").await;
    app.keys(&char::from(Key::Enter).to_string()).await;
    app.wait_attr(field, "value", |v| v == "1 000").await;
    let out = std::process::Command::new(bin("cashier"))
        .arg("--data-dir")
        .arg(app.data.path().join("demo"))
        .args(["config", "show"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown
            .lines()
            .any(|l| l.trim() == "limits.sale_max_tiyin = 100000"),
        "{shown}"
    );
    // The sale screen knows the new limit at once: a sale above it is refused, in words.
    app.click("[data-testid=tab-sale]").await;
    app.wait_focus("amount").await;
    app.keys(&format!("1500{}", char::from(Key::Enter))).await;
    app.wait_text("[data-testid=sale-hint]", |t| {
        t == "Above the sale limit of 1 000 so'm"
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.count("[data-testid=qr]").await, 0, "no sale started");
    let out = std::process::Command::new(bin("cashier"))
        .arg("--data-dir")
        .arg(app.data.path().join("demo"))
        .args(["--json", "history"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "nothing was written: {out:?}");
    app.stop().await;
}
