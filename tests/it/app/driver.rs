//! tauri-driver: found, started on free ports by [`super::App`], and stopped with SIGTERM (only
//! then does it stop its WebKitWebDriver child).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn tauri_driver() -> PathBuf {
    let candidates = [
        std::env::var_os("TAURI_DRIVER").map(PathBuf::from),
        std::env::var_os("CARGO_HOME").map(|h| PathBuf::from(h).join("bin/tauri-driver")),
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver")),
        Some(PathBuf::from("/root/.cargo/bin/tauri-driver")),
    ];
    for c in candidates.into_iter().flatten() {
        if c.exists() {
            return c;
        }
    }
    if let Ok(o) = Command::new("sh")
        .args(["-c", "command -v tauri-driver"])
        .output()
    {
        let p = String::from_utf8_lossy(&o.stdout).trim().to_owned();
        if !p.is_empty() {
            return PathBuf::from(p);
        }
    }
    panic!("tauri-driver is not installed: `cargo install tauri-driver --locked --version ^2` (scripts/setup.sh does)")
}

/// tauri-driver, stopped when dropped (also when a test fails before its `App` exists).
pub struct Driver(pub Child);

impl Drop for Driver {
    fn drop(&mut self) {
        terminate(&mut self.0);
    }
}

pub fn terminate(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}
