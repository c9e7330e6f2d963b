//! The independent check: a short Node script with the official JS SDK (npm `ecommpay`)
//! drives a whole sale and payout against the sandbox and verifies every callback with the
//! SDK's own `Callback` class.

use ecommpay_sandbox::{RedirectKey, SandboxConfig, SignaturePlacement};

use super::{config, Harness, PROJECT, SECRET};
use crate::support::node;

async fn run_js_client(cfg: SandboxConfig) {
    let h = Harness::with(cfg).await;
    let mut cmd = tokio::process::Command::from(node());
    cmd.arg("sandbox-client.js")
        .env("SANDBOX_URL", h.sb.base_url())
        .env("ECOMMPAY_SECRET", SECRET)
        .env("PROJECT_ID", PROJECT.to_string())
        .kill_on_drop(true);
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("the JS client finishes within 60 s")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "sandbox-client.js failed ({:?})\nstdout: {stdout}\nstderr: {stderr}",
        out.status
    );
    assert!(stdout.contains("sandbox-client: OK"), "{stdout}");
    let records = h.sb.control().payments();
    assert_eq!(records.len(), 2, "one sale and one payout: {records:?}");
    assert!(records
        .iter()
        .all(|r| r.status == "success" && r.money_moved == 1));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_drives_a_sale_and_payout() {
    run_js_client(config()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_js_sdk_with_the_other_callback_layout() {
    run_js_client(SandboxConfig {
        signature_placement: SignaturePlacement::General,
        redirect_key: RedirectKey::Camel,
        status_redirect_data: true,
        ..config()
    })
    .await;
}
