//! The till's start-up gives way to the window (issue 12, start-up): its thread runs at a lower
//! priority while GTK and WebKit start, and that priority never leaks into a thread that stays
//! (an unprivileged thread cannot raise it again, so a command run on one would be slow for
//! good). Driven on the real app binary in demo mode, without WebDriver: its threads are read
//! from /proc while it starts, at the sale screen, and after a sale. What a new demo wrote at
//! start is read back as well: its keys in one keyring entry, its users' cheap hashes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::bin;

/// `boot::START_NICE` in the app.
const START_NICE: i32 = 10;
const READY: &str = "cashier-app: sale screen ready";

/// Every thread of `pid`: (name, nice value).
fn threads(pid: u32) -> Vec<(String, i32)> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|t| {
            let dir = t.path();
            let name = std::fs::read_to_string(dir.join("comm")).ok()?;
            let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
            // pid (comm) state ppid ...: the nice value is field 19, the 17th after the comm.
            let rest = &stat[stat.rfind(')')? + 2..];
            let nice = rest.split_whitespace().nth(16)?.parse().ok()?;
            Some((name.trim().to_owned(), nice))
        })
        .collect()
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Threads left at the start-up's priority (or its thread still there).
fn leaked(pid: u32) -> Vec<(String, i32)> {
    threads(pid)
        .into_iter()
        .filter(|(name, nice)| *nice == START_NICE || name == "till-start")
        .collect()
}

#[tokio::test]
async fn startup_yields_to_the_window_and_leaves_no_thread_behind() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the E2E tests through scripts/with-session.sh (Xvfb, D-Bus, keyring)"
    );
    let _turn = super::ONE_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin("cashier-app"))
        .env("CASHIER_DATA_DIR", data.path())
        .env("CASHIER_DEMO_LOOPBACK", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app starts");
    let stdout = child.stdout.take().unwrap();
    let app = Running(child);
    let pid = app.0.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains(READY) {
                let _ = tx.send(());
            }
        }
    });

    // While it starts: the start-up's thread, at the lower priority (it lives for the till's
    // start-up, several hundred milliseconds in a debug build: the keyring, SQLite).
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen_yielding = false;
    while rx.try_recv().is_err() {
        assert!(Instant::now() < deadline, "no '{READY}' within 120 s");
        seen_yielding |= threads(pid)
            .iter()
            .any(|(name, nice)| name == "till-start" && *nice == START_NICE);
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        seen_yielding,
        "the start-up thread ran at nice {START_NICE} while the window started"
    );

    // At the sale screen its thread has ended (or ends at once) and no thread kept its priority:
    // the async runtime's workers, blocking threads and the window's threads run as normal.
    let settle = Instant::now() + Duration::from_secs(10);
    while !leaked(pid).is_empty() && Instant::now() < settle {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        leaked(pid),
        Vec::<(String, i32)>::new(),
        "threads at the start-up's priority"
    );
    let all = threads(pid);
    assert!(
        all.iter()
            .any(|(name, nice)| name == "tokio-rt-worker" && *nice == 0),
        "the async runtime's workers run at the normal priority: {all:?}"
    );
    // Later blocking work reuses or makes threads: none at the start-up's priority either.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        leaked(pid),
        Vec::<(String, i32)>::new(),
        "threads at the start-up's priority, later"
    );
    new_demo_wrote_its_keys_once(&data.path().join("demo"));
}

/// A new demo's keys (and its gateway's secret) are in one keyring entry, made in one write
/// (till::keystore::demo); none is in an entry of its own or in a file. Its users, whose PINs
/// its sign-in screen shows, have hashes at Argon2's least cost (rehashed at sign-in:
/// `signin.rs` signs in as each).
fn new_demo_wrote_its_keys_once(demo: &std::path::Path) {
    use till::keystore::{names, KeyStore, OsKeyring, DEMO_BUNDLE, DEMO_KEY_FILE};
    let keyring = OsKeyring::for_data_dir(demo);
    let bundle = keyring
        .get(DEMO_BUNDLE)
        .unwrap()
        .expect("the demo's keys in one entry");
    let keys: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&bundle).unwrap();
    for name in [
        names::API_SECRET,
        names::DATA_KEY,
        names::PIN_PEPPER,
        names::AUDIT_KEY,
    ] {
        assert!(keys.contains_key(name), "{name} in the demo's entry");
        assert!(
            keyring.get(name).unwrap().is_none(),
            "{name} has no entry of its own"
        );
    }
    assert!(
        !demo.join(DEMO_KEY_FILE).exists(),
        "no key file with a keyring"
    );
    let db = rusqlite::Connection::open_with_flags(
        demo.join(till::config::defaults::DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let hashes: Vec<(String, String)> = db
        .prepare("SELECT name, pin_hash FROM users ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(hashes.len(), 3, "the demo's three users: {hashes:?}");
    for (name, hash) in &hashes {
        assert!(hash.contains("$m=8,t=1,p=1"), "{name}: {hash}");
    }
}
