//! Demo mode: with no credentials configured, the app runs the gateway sandbox in-process and
//! a till of its own (in `<data dir>/demo`, so demo payments never mix with real ones). The
//! sandbox listens on every interface with bot links on the machine's LAN address when there is
//! one, so a phone on the same network can pay; a browser on the same desktop always can.
//! Sales use the Payment Page flow unless a manager chose another: the till signs links to the
//! sandbox's `/payment` on that same public address (the gateway's callbacks still reach the
//! demo till on loopback, so the Gate flow works here too).

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::path::Path;
use std::time::Duration;

use ecommpay_sandbox::{ConfigPatch, RunningSandbox, Sandbox, SandboxConfig};
use till::listener::ListenerHandle;
use till::{InitOptions, Role, Session, Till, TillError};

use crate::dto::{DemoInfo, DemoUser, RoleDto};

pub const PROJECT_ID: u64 = 1001;
/// Not a secret: the demo sandbox's own key, stored in the demo till's keyring entry.
const SECRET: &str = "demo-sandbox-secret";
pub const TILL_CODE: &str = "DEMO";
/// The demo users and their PINs (shown on the sign-in screen in demo mode).
pub const USERS: &[(&str, Role, &str)] = &[
    ("Kassir", Role::Cashier, "1111"),
    ("Menejer", Role::Manager, "222222"),
    ("Direktor", Role::Manager, "333333"),
];

/// Settings that make the demo lively: the sandbox is not the real gateway, so its 10-second
/// rule for the first status poll does not apply; callbacks come back on loopback at once.
const SETTINGS: &[(&str, &str)] = &[
    ("timing.first_poll_ms", "2000"),
    ("timing.sale_poll_max_ms", "2000"),
    ("timing.payout_poll_max_ms", "2000"),
    ("timing.http_connect_ms", "2000"),
    ("timing.http_read_ms", "5000"),
    ("callback.enabled", "true"),
    ("callback.listen", "127.0.0.1:0"),
];

/// The running demo: keep it alive as long as the app.
pub struct Demo {
    sandbox: RunningSandbox,
    listener: ListenerHandle,
    pub public_url: String,
    /// The demo's keys are in its own file: this computer has no Secret Service.
    pub keys_in_file: bool,
}

impl Demo {
    /// Stops the demo gateway and the demo till's callback listener.
    pub async fn shutdown(self) {
        self.listener.stop().await;
        self.sandbox.shutdown().await;
    }

    pub fn info(&self) -> DemoInfo {
        DemoInfo {
            sandbox_url: self.public_url.clone(),
            users: USERS
                .iter()
                .map(|(name, role, pin)| DemoUser {
                    name: (*name).to_owned(),
                    role: match role {
                        Role::Cashier => RoleDto::Cashier,
                        Role::Manager => RoleDto::Manager,
                    },
                    pin: (*pin).to_owned(),
                })
                .collect(),
            gateway_url: till::config::defaults::GATEWAY_URL.to_owned(),
            payment_page_url: till::config::defaults::PAYMENT_PAGE_URL.to_owned(),
            keys_in_file: self.keys_in_file,
        }
    }
}

/// Whether `e` says the demo till's keys are not the ones its database was made with.
fn lost_keys(e: &TillError) -> bool {
    matches!(
        e.code(),
        "keys_missing"
            | "data_key_missing"
            | "data_key_mismatch"
            | "pin_key_mismatch"
            | "audit_key"
    )
}

/// The address other machines on the LAN reach this one at, if any (no packet is sent: a UDP
/// "connect" only picks the outgoing interface).
fn lan_ip() -> Option<IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// Starts the sandbox and the demo till in `dir`; returns the till, the demo, and the user to
/// start signed in as (the first demo cashier who is active and not locked out, if any).
pub async fn start(dir: &Path) -> Result<(Till, Demo, Option<Session>), TillError> {
    let loopback_only = std::env::var_os("CASHIER_DEMO_LOOPBACK").is_some();
    let lan = if loopback_only { None } else { lan_ip() };
    // With a LAN address the bot links must carry it, so the port is chosen first.
    let listen: SocketAddr = match lan {
        Some(_) => {
            let probe = std::net::TcpListener::bind("0.0.0.0:0")?;
            let port = probe.local_addr()?.port();
            drop(probe);
            SocketAddr::from(([0, 0, 0, 0], port))
        }
        None => "127.0.0.1:0".parse().expect("an address"),
    };
    let public_url = lan.map(|ip| format!("http://{ip}:{}", listen.port()));
    let cfg = SandboxConfig {
        project_id: PROJECT_ID,
        secret: ecommpay::Secret::new(SECRET),
        payout_delay: Duration::from_secs(3),
        public_url: public_url.clone(),
        ..SandboxConfig::default()
    };
    // The QR countdown ends at the latest when the demo gateway expires a waiting sale.
    let expiry_ms = u64::try_from(cfg.sale_expiry.as_millis()).unwrap_or(u64::MAX);
    let sandbox = Sandbox::start(cfg, listen)
        .await
        .map_err(|e| TillError::Listener(format!("the demo gateway could not start: {e}")))?;
    crate::state::mark("demo: sandbox listening");
    let public_url = public_url.unwrap_or_else(|| sandbox.base_url().to_owned());
    let opts = InitOptions {
        project_id: PROJECT_ID,
        gateway_url: sandbox.base_url().to_owned(),
        till_code: TILL_CODE.into(),
        // Where a phone can open the link (the LAN address, as for the bot pages).
        payment_page_url: Some(format!(
            "{public_url}{}",
            ecommpay_sandbox::payment_page::PATH
        )),
        // The folder's choice stays; unset, it is the Payment Page (no public listener).
        flow: None,
    };
    let till = match Till::init_demo(dir, &opts, SECRET) {
        // The demo's keys were in a keyring that is gone now (or the other way round): its
        // till is throwaway, so it starts afresh and the old folder is kept aside.
        Err(e) if lost_keys(&e) => {
            let aside = dir.with_file_name(format!(
                "{}.old-{}",
                dir.file_name().and_then(|n| n.to_str()).unwrap_or("demo"),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            ));
            tracing::warn!(code = e.code(), aside = %aside.display(), "the demo's keys are gone: a new demo till");
            std::fs::rename(dir, &aside)?;
            Till::init_demo(dir, &opts, SECRET)?
        }
        other => other?,
    };
    crate::state::mark("demo: till opened (config, keys, database)");
    let demo = till.demo_authority()?;
    // A new demo got its secret with its other keys (one keyring write); an older one that
    // lost it gets it again.
    if !till.secret_configured()? {
        till.set_secret(&demo, SECRET)?;
    }
    // A shorter link life set in the demo's config (a test of expiring links) stays.
    let payable_ms = till
        .config()
        .timing
        .sale_payable_ms
        .min(expiry_ms)
        .to_string();
    let mut settings = SETTINGS.to_vec();
    settings.push(("timing.sale_payable_ms", &payable_ms));
    // One save at a fresh start; nothing written (or audited) when a restart finds them set.
    till.set_settings(&demo, &settings)?;
    crate::state::mark("demo: settings");
    let listener = till.start_listener().await?;
    sandbox.control().configure(&ConfigPatch {
        callback_url: Some(format!(
            "http://127.0.0.1:{}{}",
            listener.addr.port(),
            till.config().callback.path
        )),
        ..ConfigPatch::default()
    });
    crate::state::mark("demo: listener");
    let existing = till.users()?;
    for (name, role, pin) in USERS {
        if !existing.iter().any(|u| u.name == *name) {
            till.add_demo_user(name, *role, pin)?;
        }
    }
    crate::state::mark("demo: users");
    // Signed in as the demo cashier, unless locked out or deactivated (then: the sign-in
    // screen).
    let cashier = till
        .users()?
        .into_iter()
        .filter(|u| u.role == Role::Cashier)
        .find_map(|u| till.demo_session(&u.name).ok());
    let keys_in_file = till.keys_in_file();
    Ok((
        till,
        Demo {
            sandbox,
            listener,
            public_url,
            keys_in_file,
        },
        cashier,
    ))
}
