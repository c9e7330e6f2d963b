// Prevents an additional console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(error) =
        tauri::Builder::default().run(tauri::generate_context!("../tauri.conf.json"))
    {
        eprintln!("cashier-app: failed to run: {error}");
        std::process::exit(1);
    }
}
