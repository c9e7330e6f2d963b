//! A REAL till on a computer with no Secret Service (here: no D-Bus session bus at all) is
//! refused with `keyring_unavailable` and words on how to get one; the demo's key file
//! (`demo-keys.json`, the demo's fallback) never stands in for it, not even when such a file is
//! in the real till's folder.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use super::cli::cashier;

/// A session bus address that leads nowhere: no D-Bus, so no Secret Service.
pub const NO_BUS: &str = "unix:path=/nonexistent/cashier-no-session-bus";

async fn run_without_keyring(dir: &Path, args: &[&str], stdin: &str) -> (i32, Vec<Value>, String) {
    let mut c = cashier(dir);
    c.args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("cashier starts");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("cashier {args:?} did not finish"))
        .unwrap();
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn code(lines: &[Value]) -> Option<&str> {
    lines.iter().find_map(|l| l["code"].as_str())
}

const INIT: [&str; 9] = [
    "init",
    "--project-id",
    "4242",
    "--gateway-url",
    "http://127.0.0.1:9",
    "--payment-page-url",
    "http://127.0.0.1:9/payment",
    "--till-code",
    "NK",
];

#[tokio::test]
async fn a_real_till_without_a_secret_service_is_refused_and_never_uses_a_key_file() {
    super::require_keyring();
    let key_file = till::keystore::DEMO_KEY_FILE;

    // Setting a real till up: refused, with how to get a keyring; no key file anywhere.
    let dir = tempfile::tempdir().unwrap();
    let (status, lines, stderr) = run_without_keyring(dir.path(), &INIT, "").await;
    assert_ne!(
        status, 0,
        "init without a keyring must fail: {lines:?} {stderr}"
    );
    assert_eq!(
        code(&lines),
        Some("keyring_unavailable"),
        "{lines:?} {stderr}"
    );
    let said = format!("{lines:?}{stderr}");
    assert!(
        said.contains("GNOME Keyring") && said.contains("never stored in a plain file"),
        "the refusal says what to install and that there is no file fallback: {said}"
    );
    assert!(
        !dir.path().join(key_file).exists(),
        "no key file for a real till"
    );

    // A real till set up with the keyring, whose folder then holds a demo key file (copied in
    // by hand): without the keyring it is still refused, and the file is neither read nor
    // written (its fake secret never signs anything, the real secret never lands in it).
    let real = tempfile::tempdir().unwrap();
    let (status, lines, stderr) = super::cli::run(real.path(), &INIT, None).await;
    assert_eq!(status, 0, "init with the keyring: {lines:?} {stderr}");
    let planted =
        r#"{"api-secret":"planted","data-key":"AAAA","pin-pepper":"AAAA","audit-key":"AAAA"}"#;
    std::fs::write(real.path().join(key_file), planted).unwrap();
    for args in [&["secret", "set"][..], &["sale", "--amount", "1000"][..]] {
        let (status, lines, stderr) =
            run_without_keyring(real.path(), args, "real-secret-Xy9\n").await;
        assert_ne!(status, 0, "{args:?} without a keyring: {lines:?} {stderr}");
        let said = format!("{lines:?}{stderr}");
        assert!(
            said.contains("keyring_unavailable") || said.contains("keyring is not available"),
            "{args:?} says the keyring is missing: {said}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(real.path().join(key_file)).unwrap(),
        planted,
        "the real till never wrote to a key file"
    );
    // With the keyring back the till works as before (the planted file changed nothing).
    let (status, lines, stderr) =
        super::cli::run(real.path(), &["secret", "set"], Some("real-secret-Xy9\n")).await;
    assert_eq!(status, 0, "secret set with the keyring: {lines:?} {stderr}");
    assert!(
        !std::fs::read_to_string(real.path().join(key_file))
            .unwrap()
            .contains("real-secret"),
        "the real secret is not in the file"
    );
}
