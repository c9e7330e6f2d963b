//! CSV export through the native GTK save dialog (no `CASHIER_EXPORT_DIR`): the dialog offers a
//! dated file name, a person types a path and presses Enter (xdotool, as a keyboard would), and
//! the file is written there; Escape closes the dialog and nothing is written.

use std::process::Command;
use std::time::{Duration, Instant};

use super::{App, WAIT};

fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool runs (apt-get install xdotool; scripts/setup.sh does)");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The save dialog's window, waiting for it to be shown.
async fn dialog_window() -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let found = xdotool(&["search", "--onlyvisible", "--name", "Save the history"]);
        if let Some(id) = found.lines().next() {
            return id.to_owned();
        }
        assert!(Instant::now() < deadline, "no save dialog within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_asks_where_to_save_with_the_native_dialog() {
    let app = App::start_with_dialogs("export-dialog").await;
    app.click("[data-testid=lang-en]").await;
    app.click("[data-testid=tab-sale]").await;
    app.sale("42000", "uzcard-ok").await;
    app.next_sale().await;
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 1).await;

    // Escape: nothing is written, the screen says so quietly.
    app.click("[data-testid=export]").await;
    let win = dialog_window().await;
    // The dialog says what it is for, in the user's language, and fits the 800 px tall screen
    // (its Save button is on screen).
    let title = xdotool(&["getwindowname", &win]);
    assert_eq!(title, "Save the history as CSV");
    // Fitted a moment after it shows.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let geometry = xdotool(&["getwindowgeometry", "--shell", &win]);
        let field = |k: &str| -> i64 {
            geometry
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no {k} in {geometry}"))
        };
        if field("Y") >= 0 && field("Y") + field("HEIGHT") <= 800 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the save dialog does not fit an 800 px screen: {geometry}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    std::process::Command::new("import")
        .args(["-window", "root", "artifacts/e2e/export-dialog-open-en.png"])
        .current_dir(crate::support::workspace_root())
        .status()
        .ok();
    xdotool(&["windowfocus", "--sync", &win]);
    xdotool(&["key", "--clearmodifiers", "Escape"]);
    let deadline = Instant::now() + WAIT;
    while !xdotool(&["search", "--onlyvisible", "--name", "Save"]).is_empty() {
        assert!(Instant::now() < deadline, "the dialog did not close");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.count("[data-testid=export-done]").await, 0);

    // A path typed into the dialog, Enter: the file is there.
    let target = app.exports.path().join("till-report.csv");
    app.click("[data-testid=export]").await;
    let win = dialog_window().await;
    xdotool(&["windowfocus", "--sync", &win]);
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(&["type", "--delay", "20", &target.display().to_string()]);
    xdotool(&["key", "--clearmodifiers", "Return"]);
    let done = app
        .wait_text("[data-testid=export-done]", |t| {
            t.contains("till-report.csv")
        })
        .await;
    assert!(done.contains("1"), "{done}");
    let csv = std::fs::read_to_string(&target).expect("the chosen file was written");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains(",Sale,42000.00,UZS,Paid,success,"), "{csv}");
    app.shot("export-dialog").await;
    app.stop().await;
}
