//! `Till::connect` (the app's "Connect to ECommPay") against the sandbox over HTTP: refused or
//! unreachable credentials write nothing (no config, no secret in the real keyring); accepted
//! ones set the till up, keep an existing till's users and settings, and a sale goes through.

use std::path::Path;

use ::till::keystore::{names, KeyStore, OsKeyring};
use ::till::{InitOptions, Role, Till, TillError};

use super::{free_addr, pay, require_keyring, sandbox, wait_event, PROJECT, SECRET};

fn opts(url: &str, project_id: u64, till_code: &str) -> InitOptions {
    InitOptions {
        project_id,
        gateway_url: url.to_owned(),
        till_code: till_code.to_owned(),
        payment_page_url: Some(format!("{url}/payment")),
        flow: None,
    }
}

/// Whether the data folder has a config file or a secret in the real keyring.
fn written(dir: &Path) -> (bool, bool) {
    let config = dir.join("config.toml").exists();
    let secret = OsKeyring::for_data_dir(dir)
        .get(names::API_SECRET)
        .expect("the keyring answers")
        .is_some();
    (config, secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_or_unreachable_credentials_write_nothing() {
    require_keyring();
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = sb.base_url();

    let cases: Vec<(InitOptions, &str, &str)> = vec![
        (
            opts(url, PROJECT, "C1"),
            "wrong-secret",
            "credentials_refused",
        ),
        (opts(url, PROJECT + 1, "C1"), SECRET, "credentials_refused"),
        (
            opts(&format!("http://{}", free_addr()), PROJECT, "C1"),
            SECRET,
            "gateway_unreachable",
        ),
        (opts(url, PROJECT, "c 1"), SECRET, "config_invalid"),
        (opts("ftp://x", PROJECT, "C1"), SECRET, "config_invalid"),
        (opts(url, PROJECT, "C1"), "\n", "secret_empty"),
    ];
    for (o, secret, code) in cases {
        let err = Till::connect(d, &o, secret, None)
            .await
            .err()
            .unwrap_or_else(|| panic!("{o:?} with {secret:?} was accepted"));
        assert_eq!(err.code(), code, "{o:?}: {err}");
        assert_eq!(written(d), (false, false), "{o:?} wrote something");
    }
    assert!(
        sb.control().payments().is_empty(),
        "the probe creates nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_credentials_set_up_the_till_and_keep_what_was_there() {
    require_keyring();
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Set up earlier with `cashier init` (wrong gateway, no secret) and a user.
    let before = Till::init(d, &opts("https://gateway.invalid", 1, "OLD")).unwrap();
    crate::till::add_user(&before, "Aziza", Role::Manager, "432100").unwrap();
    crate::till::set_setting(&before, "timing.first_poll_ms", "200").unwrap();
    drop(before);

    // The folder's till has a manager: without her, nothing (not even the probe).
    let err = Till::connect(d, &opts(sb.base_url(), PROJECT, "C2"), SECRET, None)
        .await
        .err()
        .expect("a manager is needed");
    assert_eq!(err.code(), "manager_required");
    let aziza = Some(("Aziza", "432100"));
    let err = Till::connect(d, &opts(sb.base_url(), PROJECT, "C2"), "nope", aziza)
        .await
        .err()
        .expect("a wrong secret is refused");
    assert!(matches!(err, TillError::CredentialsRefused(_)), "{err}");
    assert_eq!(Till::open(d).unwrap().config().till_code, "OLD");

    let till = Till::connect(d, &opts(sb.base_url(), PROJECT, "C2"), SECRET, aziza)
        .await
        .expect("connects");
    assert!(till.secret_configured().unwrap());
    let cfg = till.config();
    assert_eq!(
        (
            cfg.project_id,
            cfg.till_code.as_str(),
            cfg.gateway_url.as_str()
        ),
        (PROJECT, "C2", sb.base_url().trim_end_matches('/'))
    );
    assert_eq!(cfg.timing.first_poll_ms, 200, "earlier settings are kept");
    assert_eq!(till.users().unwrap()[0].name, "Aziza", "users are kept");
    assert!(till.doctor().await.iter().all(|c| c.ok));

    // A sale through the connected till.
    let mut rx = till.subscribe();
    let handle = till
        .start_sale(ecommpay::Tiyin::new(250_000), Some("Aziza"))
        .await
        .unwrap();
    let link = wait_event(&mut rx, 20, |e| matches!(e, ::till::TillEvent::Link { .. })).await;
    let ::till::TillEvent::Link { url, .. } = link else {
        unreachable!()
    };
    pay(&url, "humo-ok").await;
    let paid = handle.wait().await.unwrap();
    assert_eq!(paid.state, ::till::State::Success);
    assert!(paid.payment_id.starts_with("C2"));
}
