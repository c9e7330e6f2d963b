//! Settings > users: a manager resets a cashier's PIN (the new one signs in, the old one no
//! longer does) and deactivates a manager (who then cannot sign in), each with their own PIN.

use super::App;

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
    sign_in(&app, "Menejer", "2222", true).await;
    app.click("[data-testid=tab-settings]").await;
    let kassir = "[data-testid=user-row][data-user=Kassir]";
    app.wait_css(kassir).await;

    // Reset Kassir's PIN: a wrong manager PIN is refused, the right one works.
    app.click(&format!("{kassir} [data-testid=user-reset]"))
        .await;
    app.type_into("[data-testid=user-new-pin]", "5678").await;
    app.type_into("[data-testid=user-manager-pin]", "9999")
        .await;
    app.click("[data-testid=user-confirm]").await;
    app.wait_text("[data-testid=user-error]", |t| t == "Wrong PIN.")
        .await;
    app.type_into("[data-testid=user-manager-pin]", "2222")
        .await;
    app.click("[data-testid=user-confirm]").await;
    app.wait_text("[data-testid=user-msg]", |t| t.contains("Kassir"))
        .await;
    assert_eq!(app.count("[data-testid=user-form]").await, 0);

    // Deactivate Direktor: shown as such.
    let direktor = "[data-testid=user-row][data-user=Direktor]";
    app.click(&format!("{direktor} [data-testid=user-active]"))
        .await;
    app.type_into("[data-testid=user-manager-pin]", "2222")
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

    // Kassir's old PIN fails, the new one signs in; Direktor cannot sign in.
    sign_in(&app, "Kassir", "1111", false).await;
    sign_in(&app, "Direktor", "3333", false).await;
    app.wait_text("[data-testid=signin-error]", |t| {
        t == "This user is deactivated."
    })
    .await;
    sign_in(&app, "Kassir", "5678", true).await;
    app.stop().await;
}
