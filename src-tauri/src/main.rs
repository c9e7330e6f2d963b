// Prevents an additional console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

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
mod state;

use tracing_subscriber::EnvFilter;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("CASHIER_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let (boot, user) = match tauri::async_runtime::block_on(boot::start()) {
        Ok(s) => (Ok(s.booted), s.user),
        Err(e) => {
            tracing::error!(code = ?e.code, "the till could not start: {}", e.message);
            (Err(e), None)
        }
    };
    let till = boot.as_ref().ok().map(|b| b.till.clone());
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::new(boot, user))
        .invoke_handler(all_commands!())
        .setup(move |app| {
            if let Some(till) = till {
                events::forward(app.handle().clone(), till);
                health::start_probe(app.handle().clone());
            }
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        eprintln!("cashier-app: failed to run: {error}");
        std::process::exit(1);
    }
}
