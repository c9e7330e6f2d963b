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

/// The longest one app may run in a test: a WebDriver command that never answers (seen once:
/// WebKitWebDriver's screenshot of a page that never repaints) would otherwise hold the suite
/// until CI's time runs out. Past it the driver and everything it started are killed, so the
/// command waiting on them fails and the test with it, saying why.
pub const APP_AT_MOST: Duration = Duration::from_secs(300);

/// Kills tauri-driver's process tree once [`APP_AT_MOST`] has passed, unless dropped first.
pub struct Watchdog(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Watchdog {
    pub fn start(name: &'static str, driver_pid: u32) -> Watchdog {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + APP_AT_MOST;
            while Instant::now() < deadline {
                if flag.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            if !flag.load(std::sync::atomic::Ordering::Relaxed) {
                eprintln!(
                    "{name}: the app ran past {APP_AT_MOST:?} (a WebDriver command that never \
                     answered?): tauri-driver, WebKitWebDriver and the app are killed"
                );
                kill_tree(driver_pid);
            }
        });
        Watchdog(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// SIGKILL to `pid` and all its descendants (children first found, then killed top-down).
fn kill_tree(pid: u32) {
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        all.extend(children(all[i]));
        i += 1;
    }
    for p in all {
        let _ = Command::new("kill")
            .args(["-KILL", &p.to_string()])
            .status();
    }
}

fn children(parent: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                // The command name in parentheses may hold spaces: fields after its ')'.
                .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.to_owned()))
                .and_then(|rest| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                == Some(parent)
        })
        .collect()
}
