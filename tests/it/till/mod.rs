//! The till core (crate `till`) and the `cashier` CLI against the sandbox: real HTTP on
//! loopback, a real SQLite file, the real Secret Service (gnome-keyring in a private D-Bus
//! session, started by scripts/with-session.sh). Nothing is mocked here.

mod admin;
mod backup;
mod bound;
pub mod cli;
mod connect;
mod crash;
mod faults;
mod flows;

mod matrix;
mod nokeyring;
mod page;
pub mod print;
mod reconcile;
mod report;
mod restart;
mod resume;
mod settings;
mod shifts;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ::till::{InitOptions, Till, TillEvent};
use ecommpay_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use tokio::sync::broadcast;

pub const SECRET: &str = "till-it-secret-Ab3";
pub const PROJECT: u64 = 4242;

/// Fails (never skips) when the Secret Service the tests need is not there.
pub fn require_keyring() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: the till tests need a real Secret Service. Run them through \
         scripts/with-session.sh (dbus-run-session + gnome-keyring-daemon --unlock), \
         e.g. `scripts/with-session.sh cargo test -p tests till`"
    );
}

/// A sandbox with short delays, the test secret and project.
pub async fn sandbox(tweak: impl FnOnce(&mut SandboxConfig)) -> RunningSandbox {
    let mut cfg = SandboxConfig {
        project_id: PROJECT,
        secret: ecommpay::Secret::new(SECRET),
        payout_delay: Duration::from_millis(300),
        time_factor: 0.01,
        // Scaled by the time factor: 60 s here, so a sale waits across a restart.
        sale_expiry: Duration::from_secs(6000),
        reorder_hold_max: Duration::from_millis(500),
        ..SandboxConfig::default()
    };
    tweak(&mut cfg);
    Sandbox::start(cfg, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts")
}

/// A free loopback port (bound then released).
pub fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// Settings every test till uses: quick polls (the 10 s rule is unit-tested), short timeouts.
pub const FAST: &[(&str, &str)] = &[
    ("timing.first_poll_ms", "200"),
    ("timing.sale_poll_max_ms", "400"),
    ("timing.payout_poll_max_ms", "400"),
    ("timing.http_read_ms", "1500"),
    ("timing.http_connect_ms", "1000"),
];

/// Extra settings for a till whose sales go through the Gate (the till asks the gateway to
/// start the sale). Without a callback listener the link never reaches such a till, so its
/// tests play the customer from the sandbox's own record of the sale (`redirect_url`).
pub const GATE: &[(&str, &str)] = &[("sale.flow", "gate")];

/// A till in a fresh data folder, its secret in the real keyring.
pub struct TestTill {
    pub dir: tempfile::TempDir,
    pub till: Till,
}

impl TestTill {
    pub fn new(gateway: &str, extra: &[(&str, &str)]) -> TestTill {
        require_keyring();
        // One till set up at a time: dozens of concurrent keyring writes (the flow matrix) have
        // crashed gnome-keyring-daemon on a loaded 2-core machine.
        static KEYRING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let till = Till::init(
            dir.path(),
            &InitOptions {
                project_id: PROJECT,
                gateway_url: gateway.to_owned(),
                till_code: "IT".into(),
                payment_page_url: Some(format!("{gateway}/payment")),
                flow: None,
            },
        )
        .expect("init (needs the keyring)");
        // Settings first: once a till has a secret, its project and gateway change only
        // through the Connect probe.
        for (k, v) in FAST.iter().chain(extra) {
            crate::till::set_setting(&till, k, v).unwrap();
        }
        crate::till::set_secret(&till, SECRET).unwrap();
        TestTill { dir, till }
    }

    /// A till whose callback listener (not started yet) is on a free loopback port, its public
    /// URL that address (so its sales go through the Gate), with `extra` settings too.
    pub fn with_listener(gateway: &str, extra: &[(&str, &str)]) -> (TestTill, SocketAddr) {
        let addr = free_addr();
        let (listen, public) = (addr.to_string(), format!("http://{addr}/ecommpay/callback"));
        let mut settings = vec![
            ("callback.enabled", "true"),
            ("callback.listen", listen.as_str()),
            ("callback.public_url", public.as_str()),
        ];
        settings.extend_from_slice(extra);
        (TestTill::new(gateway, &settings), addr)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Starts a sale of `amount` as `who` and waits for its link; returns the handle and the link.
pub async fn sale_with_link(
    t: &TestTill,
    amount: ecommpay::Tiyin,
    who: Option<&str>,
) -> (::till::PaymentHandle, String) {
    let mut rx = t.till.subscribe();
    let h = t.till.start_sale(amount, who).await.unwrap();
    let pid = h.payment_id.clone();
    let link = match wait_event(
        &mut rx,
        20,
        |e| matches!(e, TillEvent::Link { payment_id, .. } if *payment_id == pid),
    )
    .await
    {
        TillEvent::Link { url, .. } => url,
        _ => unreachable!(),
    };
    (h, link)
}

/// Waits for the first event matching `f`.
pub async fn wait_event(
    rx: &mut broadcast::Receiver<TillEvent>,
    secs: u64,
    f: impl Fn(&TillEvent) -> bool,
) -> TillEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(e)) if f(&e) => return e,
            Ok(Ok(_)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
            Ok(Err(e)) => panic!("event channel: {e}"),
            Err(_) => panic!("no matching event within {secs} s"),
        }
    }
}

/// Where a link leads a phone: a Payment Page link answers a redirect to the bot page (the
/// payment exists at the gateway from then on); a bot link is the bot page itself.
pub async fn open_link(url: &str) -> String {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .expect("link reachable");
    assert_eq!(
        res.status().as_u16(),
        200,
        "the link leads to a page: {url}"
    );
    let bot = res.url().to_string();
    let html = res.text().await.unwrap();
    assert!(
        bot.contains("/bot/") && html.contains("<form"),
        "the link leads to the bot page, not {bot}: {html}"
    );
    bot
}

/// The customer opens the link and acts on the bot page: `card` is `uzcard-ok`, `humo-ok` or
/// `uzcard-nofunds`.
pub async fn pay(url: &str, card: &str) {
    let bot = open_link(url).await;
    let res = reqwest::Client::new()
        .post(format!("{bot}/pay"))
        .form(&[("card", card)])
        .send()
        .await
        .expect("bot page reachable");
    assert_eq!(res.status().as_u16(), 200, "the bot accepted the payment");
}

/// Every file of the data folder as bytes (database, WAL, config), to look for leaks.
pub fn all_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect()
}

pub fn assert_not_in_files(dir: &Path, needle: &str) {
    for (path, bytes) in all_bytes(dir) {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{} contains {needle:?}",
            path.display()
        );
    }
}

/// The account number the sandbox issues for a test card.
pub fn account_number(sb: &RunningSandbox, key: &str) -> String {
    sb.control()
        .cards()
        .into_iter()
        .find(|c| c.key == key)
        .expect("test card")
        .account_number
}

/// Polls `f` until it returns Some, or fails after `secs`.
pub async fn eventually<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first manager each test till got through [`add_user`], by data folder: who confirms
/// the tests' later changes (a till with a manager changes nothing without one).
static MANAGERS: std::sync::Mutex<Vec<(std::path::PathBuf, String, String)>> =
    std::sync::Mutex::new(Vec::new());

/// The right to change `till` in a test: its setup while it has no manager, then its first
/// manager's (as added by [`add_user`]).
pub fn authority(till: &::till::Till) -> ::till::Authority {
    let first = MANAGERS
        .lock()
        .unwrap()
        .iter()
        .find(|(d, _, _)| d == till.data_dir())
        .map(|(_, n, p)| (n.clone(), p.clone()));
    match first {
        Some((n, p)) => till.authorize("test", Some((&n, &p))).unwrap(),
        None => till.authorize("test", None).unwrap(),
    }
}

/// Adds a user as the test's set-up would: see [`authority`].
pub fn add_user(
    till: &::till::Till,
    name: &str,
    role: ::till::Role,
    pin: &str,
) -> ::till::Result<::till::User> {
    let u = till.add_user(&authority(till), name, role, pin)?;
    if role == ::till::Role::Manager {
        let mut m = MANAGERS.lock().unwrap();
        if !m.iter().any(|(d, _, _)| d == till.data_dir()) {
            m.push((till.data_dir().to_owned(), name.to_owned(), pin.to_owned()));
        }
    }
    Ok(u)
}

/// Changes a setting as the test's set-up would: see [`authority`].
pub fn set_setting(till: &::till::Till, key: &str, value: &str) -> ::till::Result<()> {
    till.set_setting(&authority(till), key, value)
}

/// Stores the secret as the test's set-up would: see [`authority`].
pub fn set_secret(till: &::till::Till, secret: &str) -> ::till::Result<()> {
    till.set_secret(&authority(till), secret)
}
