//! TEST HOOK, in debug builds only (the ones the tests run; a release build, the one a shop
//! installs, has none and ignores the variable): the crash tests must kill the real binary at
//! exact points of a sale or payout. When the environment variable
//! `CASHIER_TEST_HOLD_AT` lists a point (comma-separated: `before_send`, `after_answer`,
//! `while_polling`), the engine prints `till-test-hook: holding at <point>` on stderr and
//! stops there for good, so that the test can SIGKILL the process at that point. Unset (as
//! in any real use) it costs one environment lookup.

use std::time::Duration;

pub const ENV: &str = "CASHIER_TEST_HOLD_AT";

pub(crate) async fn hold(point: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    let Ok(points) = std::env::var(ENV) else {
        return;
    };
    if points.split(',').any(|p| p.trim() == point) {
        eprintln!("till-test-hook: holding at {point}");
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }
}
