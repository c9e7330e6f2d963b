// The app's own commands, one list shared with src/commands/mod.rs: each gets an
// `allow-<command>` permission, and capabilities/ grant each window only what it uses.
include!("src/commands/names.rs");

fn main() {
    // tauri.conf.json lives at the repository root; paths inside it are relative to it.
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(NAMES));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
