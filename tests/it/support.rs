//! Helpers shared by the integration tests: where the workspace's binaries are, and the
//! Node.js cross-check environment. Missing pieces fail loudly: a test never skips itself.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A binary built from this workspace (`cargo build --workspace --bins` builds them all; the
/// test script does that before running the tests).
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/it-<hash>  ->  target/<profile>/<name>
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    let path = profile_dir.join(name);
    assert!(
        path.exists(),
        "binary {} is not built; run `cargo build --workspace --bins` first (scripts/test.sh does)",
        path.display()
    );
    path
}

/// `node` with `tests/js/node_modules` installed; panics with the fix when missing.
pub fn node() -> Command {
    let js = workspace_root().join("tests/js");
    assert!(
        js.join("node_modules/ecommpay").exists(),
        "the npm package `ecommpay` is not installed; run `npm ci --prefix tests/js` (scripts/test.sh does)"
    );
    let probe = Command::new("node").arg("--version").output();
    assert!(
        probe.map(|o| o.status.success()).unwrap_or(false),
        "node is not on PATH; install Node.js 18+ (scripts/test.sh checks this)"
    );
    let mut cmd = Command::new("node");
    cmd.current_dir(js);
    cmd
}
