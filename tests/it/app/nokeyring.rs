//! A desktop with no Secret Service (here: no D-Bus session bus at all): the demo starts
//! anyway, its throwaway keys in a file of its own folder (mode 0600), says in the user's
//! language that a real till needs a keyring and how to get one, and takes a sale. A real till
//! there cannot start: the fatal page says why in the user's language, shows the data folder,
//! and starts the demo in its place (the real till's folder gets no key file).

use super::{real_till, App};

/// A session bus address that leads nowhere: no D-Bus, so no Secret Service.
const NO_BUS: &str = "unix:path=/nonexistent/cashier-no-session-bus";
const ENV: &[(&str, &str)] = &[("DBUS_SESSION_BUS_ADDRESS", NO_BUS)];

async fn lang(app: &App, l: &str) {
    app.click(&format!("[data-testid=lang-{l}]")).await;
    app.wait_attr(&format!("[data-testid=lang-{l}]"), "class", |c| {
        c.contains("active")
    })
    .await;
}

/// The banner in each language (screenshots `<prefix>-<lang>.png`).
async fn banner_in_each_language(app: &App, prefix: &str) {
    for (l, word) in [
        ("uz", "kalitlar ombori"),
        ("ru", "хранилища ключей"),
        ("en", "system keyring"),
    ] {
        lang(app, l).await;
        let text = app
            .wait_text("[data-testid=banner-no-keyring]", |t| t.contains(word))
            .await;
        assert!(
            text.contains("sudo apt install gnome-keyring") && text.contains("KWallet"),
            "{l}: the banner says how to get a keyring: {text}"
        );
        app.shot(&format!("{prefix}-{l}")).await;
    }
}

fn assert_private_key_file(demo_dir: &std::path::Path) {
    let file = demo_dir.join(till::keystore::DEMO_KEY_FILE);
    let meta = std::fs::metadata(&file)
        .unwrap_or_else(|e| panic!("the demo's key file {} exists: {e}", file.display()));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o600,
        "only the owner reads it"
    );
    let keys: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    use till::keystore::names;
    for name in [
        names::API_SECRET,
        names::DATA_KEY,
        names::PIN_PEPPER,
        names::AUDIT_KEY,
    ] {
        assert!(keys.get(name).is_some(), "the demo's {name} is in its file");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_starts_in_a_session_with_no_secret_service() {
    let app = App::start_in_env("nokeyring", |_| {}, "[data-testid=amount]", ENV).await;
    assert_eq!(
        app.count("[data-testid=demo-badge]").await,
        1,
        "the demo runs"
    );
    assert_private_key_file(&app.data.path().join("demo"));
    banner_in_each_language(&app, "nokeyring-banner").await;

    // A demo sale, paid from the bot page, as on any desktop.
    app.click("[data-testid=tab-sale]").await;
    app.sale("15000", "uzcard-ok").await;
    app.shot("nokeyring-sale-paid").await;
    assert_eq!(app.text("[data-testid=sale-amount]").await, "15 000 so'm");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_till_without_a_secret_service_gets_the_fatal_page_and_can_start_the_demo() {
    // Set up with the keyring (this session has one), then started where there is none.
    let app = App::start_in_env(
        "nokeyring-fatal",
        |dir| real_till(dir, "http://127.0.0.1:9", "real-secret-Ab3", &[]),
        "[data-testid=fatal]",
        ENV,
    )
    .await;
    assert_eq!(
        app.wait_attr("[data-testid=fatal]", "data-code", |_| true)
            .await,
        "keyring_unavailable"
    );
    for (l, title) in [
        ("uz", "Kassa ishga tushmadi"),
        ("ru", "Касса не смогла запуститься"),
        ("en", "The till could not start"),
    ] {
        lang(&app, l).await;
        app.wait_text("[data-testid=fatal] h1", |t| t == title)
            .await;
        let how = app.text("[data-testid=fatal-keyring-how]").await;
        assert!(how.contains("sudo apt install gnome-keyring"), "{l}: {how}");
        assert!(
            app.count("[data-testid=restore-form]").await == 1,
            "{l}: restore from a backup is offered"
        );
        app.shot(&format!("nokeyring-fatal-{l}")).await;
    }

    // The data folder: its path is shown (a file manager opens it where there is one).
    app.click("[data-testid=fatal-folder]").await;
    let data = app.data.path().display().to_string();
    app.wait_text("[data-testid=fatal-folder-path]", |t| t.contains(&data))
        .await;

    // The demo in its place: the window starts afresh on the sale screen, with the banner.
    app.click("[data-testid=fatal-demo]").await;
    app.wait_css("[data-testid=amount]").await;
    app.wait_css("[data-testid=banner-no-keyring]").await;
    assert_eq!(app.count("[data-testid=demo-badge]").await, 1);
    assert_private_key_file(&app.data.path().join("demo"));
    assert!(
        !app.data.path().join(till::keystore::DEMO_KEY_FILE).exists(),
        "the real till's folder never gets a key file"
    );
    app.sale("20000", "uzcard-ok").await;
    app.shot("nokeyring-fatal-demo-sale").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_whose_keys_were_in_a_keyring_that_is_gone_starts_afresh() {
    // The demo folder set up with the keyring (its database holds the keys' check values);
    // then the keyring is gone (locked, uninstalled, another session).
    let app = App::start_in_env(
        "nokeyring-afresh",
        |dir| super::demo_config(dir, &[]),
        "[data-testid=amount]",
        ENV,
    )
    .await;
    app.wait_css("[data-testid=banner-no-keyring]").await;
    assert_private_key_file(&app.data.path().join("demo"));
    let aside: Vec<_> = std::fs::read_dir(app.data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("demo.old-"))
        .collect();
    assert_eq!(
        aside.len(),
        1,
        "the old demo folder is kept aside: {aside:?}"
    );
    app.sale("5000", "uzcard-ok").await;
    app.stop().await;
}
