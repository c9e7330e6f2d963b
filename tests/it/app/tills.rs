//! Tills for the app to start on, set up with the `cashier` CLI before it starts: a real one
//! for a given gateway, or settings for the demo till.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::bin;

/// `cashier --data-dir <dir> <args>` with `stdin` (PINs, the secret), asserting success; stdout.
pub fn cashier(dir: &Path, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(bin("cashier"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cashier runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "cashier {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A real (not demo) till in `dir` for `gateway_url` (a sandbox; its Payment Page is
/// `<gateway_url>/payment`), set up with the `cashier` CLI: project 4242, `secret`, the
/// cashier Lola (PIN 1234) and the manager Bobur (PIN 5678), quick polls (the gateway's 10 s
/// rule is unit-tested), English, and `extra` settings. The flow is the default one.
pub fn real_till(dir: &Path, gateway_url: &str, secret: &str, extra: &[(&str, &str)]) {
    let page = format!("{gateway_url}/payment");
    let init = [
        "init",
        "--project-id",
        "4242",
        "--gateway-url",
        gateway_url,
        "--payment-page-url",
        &page,
        "--till-code",
        "RT",
    ];
    cashier(dir, &init, "");
    cashier(dir, &["secret", "set"], secret);
    let quick = [
        ("timing.first_poll_ms", "300"),
        ("timing.sale_poll_max_ms", "500"),
        ("timing.http_connect_ms", "1000"),
        ("language", "en"),
    ];
    // Settings before the users: once a manager exists, each change needs one.
    for (k, v) in quick.iter().chain(extra) {
        cashier(dir, &["config", "set", k, v], "");
    }
    for (name, role, pin) in [
        ("Lola", "cashier", "1234\n"),
        ("Bobur", "manager", "567800\n"),
    ] {
        cashier(dir, &["user", "add", "--name", name, "--role", role], pin);
    }
}

/// Settings for the demo till of data folder `data_dir`, written before the app starts (the
/// demo keeps what its folder says, but for its own gateway, secret and poll timings).
pub fn demo_config(data_dir: &Path, settings: &[(&str, &str)]) {
    let demo = data_dir.join("demo");
    let init = [
        "init",
        "--project-id",
        "1001",
        "--gateway-url",
        "http://127.0.0.1:9",
        "--till-code",
        "DEMO",
    ];
    cashier(&demo, &init, "");
    for (k, v) in settings {
        cashier(&demo, &["config", "set", k, v], "");
    }
}

/// Where the demo's in-app gateway listens (`http://127.0.0.1:PORT` in tests): the demo till's
/// config in `<data dir>/demo` names it.
pub fn demo_gateway(data_dir: &Path) -> String {
    let config = std::fs::read_to_string(data_dir.join("demo/config.toml")).unwrap();
    config
        .lines()
        .find_map(|l| l.strip_prefix("gateway_url = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the demo gateway's URL")
        .to_owned()
}
