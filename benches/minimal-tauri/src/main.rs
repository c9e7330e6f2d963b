//! The baseline of the start-up and memory benchmark (`scripts/bench-app.sh`): one Tauri 2
//! window with a static page, built with the same tauri as the app. Its page calls `ready` once
//! the DOM is loaded, and that prints the start-up marker on stdout, the way the app prints
//! `cashier-app: sale screen ready` once its amount field has focus.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[tauri::command]
fn ready() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| println!("minimal-tauri: page ready"));
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("minimal-tauri: failed to run: {error}");
        std::process::exit(1);
    }
}
