//! The baseline of the start-up and memory benchmark (`scripts/bench-app.sh`): one Tauri 2
//! window with a static page, built with the same tauri as the app. Its page calls `ready` once
//! the DOM is loaded, and that prints the start-up marker on stdout, the way the app prints
//! `cashier-app: sale screen ready` once its amount field has focus.
//!
//! `MINIMAL_LOG=1` prints the same start-up marks as the app's `CASHIER_LOG=startup=info`
//! (ms since the process started) on stderr, to compare the two phase by phase.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

fn mark(phase: &str) {
    if std::env::var_os("MINIMAL_LOG").is_some() {
        let ms = START.get().map_or(0, |s| s.elapsed().as_millis());
        eprintln!("minimal-tauri: {ms:>5} ms {phase}");
    }
}

#[tauri::command]
fn ready() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        mark("page ready");
        println!("minimal-tauri: page ready");
    });
}

fn main() {
    START.get_or_init(Instant::now);
    mark("main");
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .on_page_load(|_, payload| {
            mark(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page: load started",
                tauri::webview::PageLoadEvent::Finished => "page: loaded",
            })
        })
        .setup(|_| {
            mark("tauri: set up (the window is being made)");
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("minimal-tauri: failed to run: {error}");
        std::process::exit(1);
    }
}
