//! Backups in the app: a manager sets up Settings > Backup and backs up now; a fresh app (a new
//! data folder, the demo on its first start) restores that file from the sign-in screen (a
//! wrong passphrase first, said in words), then the old users sign in. And a real till whose
//! keys are not in the keyring: a page that says so in the user's language (never the demo),
//! restored over itself from there.

use ecommpay::Secret;
use ecommpay_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use till::keystore::{names, KeyStore, OsKeyring};

use super::{cashier, real_till, App};

const SECRET: &str = "backup-e2e-secret";
const PASSPHRASE: &str = "shop backup passphrase";

async fn gateway() -> RunningSandbox {
    Sandbox::start(
        SandboxConfig {
            project_id: 4242,
            secret: Secret::new(SECRET),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("a gateway starts")
}

async fn sign_in(app: &App, name: &str, pin: &str) {
    app.select("[data-testid=signin-user]", name).await;
    app.type_into("[data-testid=signin-pin]", pin).await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;
}

async fn restore(app: &App, file: &str, passphrase: &str) {
    app.type_into("[data-testid=restore-file]", file).await;
    app.type_into("[data-testid=restore-pass]", passphrase)
        .await;
    app.click("[data-testid=restore-submit]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_backs_up_from_settings_and_a_new_app_restores_it_at_first_start() {
    let gw = gateway().await;
    let url = gw.base_url().to_owned();
    let folder = tempfile::tempdir().unwrap();
    let app = App::start_until(
        "backup-settings",
        |dir| real_till(dir, &url, SECRET, &[]),
        "[data-testid=signin]",
    )
    .await;
    sign_in(&app, "Bobur", "567800").await;
    app.click("[data-testid=tab-settings]").await;
    app.wait_text("[data-testid=backup-last]", |t| t.contains("No backup"))
        .await;
    // Backing up needs a folder and a passphrase: said in words until both are there.
    app.scroll_to("[data-testid=backup-now]").await;
    app.click("[data-testid=backup-now]").await;
    app.wait_text("[data-testid=backup-msg]", |t| t.contains("not set up"))
        .await;
    app.type_into(
        "[data-testid=backup-folder]",
        folder.path().to_str().unwrap(),
    )
    .await;
    app.type_into("[data-testid=backup-keep]", "3").await;
    app.click("[data-testid=backup-save]").await;
    app.wait_text("[data-testid=backup-msg]", |t| t == "Saved.")
        .await;
    app.type_into("[data-testid=backup-pass]", "short").await;
    app.type_into("[data-testid=backup-pass2]", "short").await;
    app.click("[data-testid=backup-pass-save]").await;
    app.wait_text("[data-testid=backup-msg]", |t| t.contains("at least 8"))
        .await;
    app.type_into("[data-testid=backup-pass]", PASSPHRASE).await;
    app.type_into("[data-testid=backup-pass2]", PASSPHRASE)
        .await;
    app.click("[data-testid=backup-pass-save]").await;
    app.wait_text("[data-testid=backup-msg]", |t| t.contains("keyring"))
        .await;
    app.click("[data-testid=backup-now]").await;
    let done = app
        .wait_text("[data-testid=backup-msg]", |t| {
            t.starts_with("Backup written")
        })
        .await;
    app.wait_text("[data-testid=backup-last]", |t| {
        t.starts_with("Last backup")
    })
    .await;
    app.shot("backup-settings").await;
    let files: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = files[0].clone();
    assert!(done.contains(file.to_str().unwrap()), "{done}");
    assert!(std::fs::read(&file)
        .unwrap()
        .starts_with(b"age-encryption.org/v1\n"));
    app.stop().await;

    // A new computer's first start: the demo (its cashier signed in), and "Restore from a
    // backup" under the sign-in (and in the demo's Settings, beside "Connect to ECommPay").
    let app = App::start("backup-restore").await;
    app.click("[data-testid=sign-out]").await;
    // The sign-in screen whole first (its code and its tiles arrive after the link below it is
    // drawn): a click on the link while they push it down lands beside it (CI, under load).
    app.wait_css("[data-testid=user-tile][data-user=Kassir]")
        .await;
    app.click("[data-testid=restore-open]").await;
    app.wait_css("[data-testid=restore-form]").await;
    app.shot("backup-restore-form").await;
    restore(&app, file.to_str().unwrap(), "not the passphrase").await;
    app.wait_attr("[data-testid=restore-error]", "data-code", |c| {
        c == "backup_wrong_passphrase"
    })
    .await;
    let said = app.text("[data-testid=restore-error]").await;
    assert!(
        said.contains("Wrong passphrase") || said.contains("noto'g'ri"),
        "{said}"
    );
    app.shot("backup-restore-wrong-passphrase").await;
    assert!(
        !app.data.path().join("config.toml").exists(),
        "nothing written"
    );
    restore(&app, file.to_str().unwrap(), PASSPHRASE).await;
    // The restored till replaces the demo: its own users sign in with their PINs.
    app.wait_css("[data-testid=signin-user] option[value=Bobur]")
        .await;
    assert_eq!(app.count("[data-testid=demo-badge]").await, 0);
    sign_in(&app, "Bobur", "567800").await;
    app.shot("backup-restored-signed-in").await;
    assert!(app.data.path().join("config.toml").exists());
    app.stop().await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_till_whose_keys_are_missing_says_so_and_is_restored_over_itself() {
    let gw = gateway().await;
    let url = gw.base_url().to_owned();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("till.age");
    let file_text = file.to_str().unwrap().to_owned();
    let app = App::start_until(
        "keys-missing",
        |dir| {
            real_till(dir, &url, SECRET, &[]);
            cashier(
                dir,
                &["backup", "create", "--to", &file_text, "--user", "Bobur"],
                &format!("567800\n{PASSPHRASE}\n"),
            );
            // The keyring loses this till's keys (another OS user, a reinstall).
            let keys = OsKeyring::for_data_dir(dir);
            for name in names::ALL {
                keys.delete(name).unwrap();
            }
        },
        "[data-testid=keys-missing]",
    )
    .await;
    assert_eq!(
        app.count("[data-testid=demo-badge]").await,
        0,
        "never the demo"
    );
    let list = app.text("[data-testid=keys-missing-list]").await;
    assert!(
        list.contains("the card key")
            && list.contains("the PIN key")
            && list.contains("the audit key")
            && list.contains("API")
            && !list.contains("audit-key"),
        "{list}"
    );
    assert_eq!(
        app.text("[data-testid=keys-data-dir]").await,
        app.data.path().display().to_string()
    );
    app.shot("keys-missing-en").await;
    for (lang, word) in [("uz", "kalitlari"), ("ru", "Ключей")] {
        app.click(&format!("[data-testid=lang-{lang}]")).await;
        app.wait_text("[data-testid=keys-missing] h1", |t| t.contains(word))
            .await;
        app.shot(&format!("keys-missing-{lang}")).await;
    }
    app.click("[data-testid=lang-en]").await;
    restore(&app, &file_text, PASSPHRASE).await;
    app.wait_css("[data-testid=signin-user] option[value=Bobur]")
        .await;
    sign_in(&app, "Bobur", "567800").await;
    app.shot("keys-missing-restored").await;
    app.stop().await;
    gw.shutdown().await;
}
