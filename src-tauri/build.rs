fn main() {
    // tauri.conf.json lives at the repository root; paths inside it are
    // relative to the config file.
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
