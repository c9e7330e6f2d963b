// Prevents an additional console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod backup;
#[cfg(test)]
mod bindings;
mod boot;
mod commands;
mod convert;
mod demo;
mod dto;
mod error;
mod events;
mod health;
mod qr;
mod resync;
mod state;

use tauri::Manager;
use tracing_subscriber::EnvFilter;

fn main() {
    state::PROCESS_START.get_or_init(std::time::Instant::now);
    software_rendering();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("CASHIER_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    // The till starts (in demo mode: the sandbox, the keyring, the demo users) on its own thread
    // while GTK and WebKit start; commands that need it wait for it (AppState::finish_boot).
    // That thread gives way to the window's (boot::yield_to_window); a thread inherits its
    // priority from the one that makes it, so the async runtime's threads are made here first.
    drop(tauri::async_runtime::handle());
    let starting = std::thread::Builder::new()
        .name("till-start".into())
        .spawn(|| {
            boot::yield_to_window();
            tauri::async_runtime::block_on(boot::start())
        })
        .expect("a thread for the till's start-up");
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::starting())
        .invoke_handler(all_commands!())
        .on_page_load(|webview, payload| {
            if webview.label() == "main" {
                let phase = match payload.event() {
                    tauri::webview::PageLoadEvent::Started => "page: load started",
                    tauri::webview::PageLoadEvent::Finished => "page: loaded",
                };
                state::mark(phase);
            }
        })
        .setup(move |app| {
            state::mark("tauri: set up (the window is being made)");
            let app = app.handle().clone();
            std::thread::spawn(move || {
                let Ok(started) = starting.join() else {
                    // As before start-up moved to its own thread: a panic there ends the app.
                    eprintln!("cashier-app: the till's start-up panicked");
                    std::process::exit(1);
                };
                let (boot, user, rx) = match started {
                    Ok(s) => (Ok(s.booted), s.user, s.events),
                    Err(e) => {
                        tracing::error!(code = ?e.code, "the till could not start: {}", e.message);
                        (Err(e), None, None)
                    }
                };
                let till = boot.as_ref().ok().map(|b| b.till.clone());
                let state = app.state::<state::AppState>();
                state.finish_boot(boot, user);
                if let Some(till) = till {
                    match rx {
                        Some(rx) => events::forward_from(app.clone(), till.clone(), 0, rx),
                        None => events::forward(app.clone(), till.clone(), 0),
                    }
                    backup::start_daily(app.clone());
                    health::start_probe(app.clone());
                }
            });
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        eprintln!("cashier-app: failed to run: {error}");
        std::process::exit(1);
    }
}

/// The till's pages are flat 2D (text, buttons, one QR image): WebKitGTK paints them in the web
/// process without its accelerated compositing, which on a till PC without a usable GPU (and under
/// Xvfb) runs OpenGL in software (llvmpipe): about 80 MiB more for the web process, and the GL
/// start-up on every launch (measured with `scripts/bench-app.sh`, which gives its minimal window
/// the same setting). `CASHIER_GPU_COMPOSITING=1` keeps WebKit's own choice; a
/// `WEBKIT_DISABLE_COMPOSITING_MODE` set outside is left as it is. Set before GTK or any other
/// thread starts (the web processes inherit it).
fn software_rendering() {
    const WEBKIT: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    let gpu = std::env::var_os("CASHIER_GPU_COMPOSITING").is_some_and(|v| v == "1");
    if !gpu && std::env::var_os(WEBKIT).is_none() {
        std::env::set_var(WEBKIT, "1");
    }
}
