//! The till's configuration: one TOML file in the data folder. Every default lives in
//! [`defaults`]; nothing secret is ever written here (the API secret and the card vault key
//! live in the OS keyring).

use std::path::{Path, PathBuf};
use std::time::Duration;

use ecommpay::{ProjectId, Tiyin};
use serde::{Deserialize, Serialize};

use crate::error::{Result, TillError};

/// Default values, in one place.
pub mod defaults {
    /// ECommPay's production Gate.
    pub const GATEWAY_URL: &str = ecommpay::gate::PRODUCTION_BASE_URL;
    /// ECommPay's production Payment Page (protocol doc section 6).
    pub const PAYMENT_PAGE_URL: &str = ecommpay::payment_page::PAYMENT_PAGE_BASE_URL;
    /// [open] The method code that preselects card partner on the Payment Page
    /// (`force_payment_method`); ECommPay gives the merchant the real one.
    pub const FORCE_PAYMENT_METHOD: &str = ecommpay::payment_page::DEFAULT_FORCE_PAYMENT_METHOD;
    /// Payment Page flow: how long after the link's `best_before` a payment the gateway still
    /// does not know (3061) is given before the sale ends "not paid: the link expired" (clock
    /// differences between the till and the gateway, a customer who opened it at the last
    /// second).
    pub const LINK_EXPIRY_MARGIN_MS: u64 = 60_000;
    /// Gate flow: how long after the gateway accepted a sale the till waits for the link
    /// (it comes by callback) before it says that the gateway's notifications are not reaching
    /// it.
    pub const GATE_LINK_WAIT_MS: u64 = 15_000;
    /// How often a follower re-reads its payment from the database, so that a link or result
    /// another process received (the app while `cashier listen` runs) shows here too.
    pub const DB_WATCH_MS: u64 = 1_000;
    pub const LANGUAGE: &str = "uz";
    /// The config file's name inside the data folder.
    pub const CONFIG_FILE: &str = "config.toml";
    /// The database file's name inside the data folder.
    pub const DB_FILE: &str = "till.sqlite3";
    /// The environment variable that overrides the data folder (tests, several tills).
    pub const DATA_DIR_ENV: &str = "CASHIER_DATA_DIR";
    /// Sent as `customer.ip_address`: the gateway requires one and a till has no customer IP.
    pub const CUSTOMER_IP: &str = "127.0.0.1";
    /// The largest single sale, in tiyin (100 000 000 so'm): a typo guard, not a business rule.
    pub const SALE_MAX_TIYIN: i64 = 10_000_000_000;
    /// The largest single payout, in tiyin (5 000 000 so'm).
    pub const PAYOUT_MAX_TIYIN: i64 = 500_000_000;
    /// The most that may be paid out per calendar day (local time), in tiyin (20 000 000 so'm).
    pub const DAILY_PAYOUT_MAX_TIYIN: i64 = 2_000_000_000;
    /// The gateway asks not to query a payment's status earlier than 10 s after the request.
    pub const FIRST_POLL_MS: u64 = 10_000;
    /// Each wait between polls is this much longer than the previous (in percent).
    pub const POLL_BACKOFF_PERCENT: u64 = 150;
    /// The longest wait between two polls of a sale (a customer is standing at the till).
    pub const SALE_POLL_MAX_MS: u64 = 15_000;
    /// The longest wait between two polls of a payout (seed: base time 20 minutes).
    pub const PAYOUT_POLL_MAX_MS: u64 = 300_000;
    /// [open] How long a customer can pay a sale's link (the till's QR countdown). The protocol
    /// doc does not say; the sandbox expires a waiting sale after the same 15 minutes.
    pub const SALE_PAYABLE_MS: u64 = 15 * 60 * 1000;
    /// How long a sale is actively followed (the gateway expires a waiting sale by itself).
    pub const SALE_FOLLOW_MS: u64 = 30 * 60 * 1000;
    /// How long a payout is followed (seed: the limit is 24 hours, then the gateway declines).
    pub const PAYOUT_FOLLOW_MS: u64 = 25 * 60 * 60 * 1000;
    /// How long a payout request waits for a manager's approval.
    pub const PAYOUT_REQUEST_TTL_MS: u64 = 24 * 60 * 60 * 1000;
    pub const HTTP_CONNECT_MS: u64 = 5_000;
    pub const HTTP_READ_MS: u64 = 20_000;
    /// Wrong PINs in a row before an account locks.
    pub const PIN_MAX_ATTEMPTS: u32 = 5;
    /// The first lock-out; the next ones are 4x and 96x as long (15 min, 1 h, 24 h), then
    /// only a manager unlocks (see `db::users::lockout_ms`).
    pub const PIN_LOCKOUT_MS: u64 = 15 * 60 * 1000;
    /// Wrong PINs a minute on the whole till, across every user, before every sign-in waits
    /// for the minute to pass: guessing by trying a few PINs on each of many users.
    pub const PIN_FAILURES_PER_MINUTE: u32 = 20;
    /// The callback listener's path and body limit.
    pub const CALLBACK_PATH: &str = "/ecommpay/callback";
    pub const CALLBACK_BODY_LIMIT: usize = 64 * 1024;
    /// How many automatic backups a folder keeps.
    pub const BACKUP_KEEP: u32 = 7;
    /// Without a successful backup for this long, the app warns.
    pub const BACKUP_WARN_AFTER_MS: i64 = 7 * 24 * 60 * 60 * 1000;
    /// ECommPay's Data API (protocol doc section 7), for reconciliation.
    pub const DATA_API_URL: &str = ecommpay::data_api::wire::PRODUCTION_BASE_URL;
    /// The shop's time zone: which day a payment belongs to, and the Data API's `time_zone`.
    pub const TIME_ZONE: &str = "Asia/Tashkent";
}

/// Money limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub sale_max_tiyin: i64,
    pub payout_max_tiyin: i64,
    pub daily_payout_max_tiyin: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sale_max_tiyin: defaults::SALE_MAX_TIYIN,
            payout_max_tiyin: defaults::PAYOUT_MAX_TIYIN,
            daily_payout_max_tiyin: defaults::DAILY_PAYOUT_MAX_TIYIN,
        }
    }
}

/// Timings. The defaults follow the gateway's rules; tests against the sandbox shorten them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timing {
    pub first_poll_ms: u64,
    pub poll_backoff_percent: u64,
    pub sale_poll_max_ms: u64,
    pub payout_poll_max_ms: u64,
    pub sale_payable_ms: u64,
    pub sale_follow_ms: u64,
    pub payout_follow_ms: u64,
    pub payout_request_ttl_ms: u64,
    pub http_connect_ms: u64,
    pub http_read_ms: u64,
    pub pin_max_attempts: u32,
    pub pin_lockout_ms: u64,
    pub pin_failures_per_minute: u32,
    pub link_expiry_margin_ms: u64,
    pub gate_link_wait_ms: u64,
    pub db_watch_ms: u64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            first_poll_ms: defaults::FIRST_POLL_MS,
            poll_backoff_percent: defaults::POLL_BACKOFF_PERCENT,
            sale_poll_max_ms: defaults::SALE_POLL_MAX_MS,
            payout_poll_max_ms: defaults::PAYOUT_POLL_MAX_MS,
            sale_payable_ms: defaults::SALE_PAYABLE_MS,
            sale_follow_ms: defaults::SALE_FOLLOW_MS,
            payout_follow_ms: defaults::PAYOUT_FOLLOW_MS,
            payout_request_ttl_ms: defaults::PAYOUT_REQUEST_TTL_MS,
            http_connect_ms: defaults::HTTP_CONNECT_MS,
            http_read_ms: defaults::HTTP_READ_MS,
            pin_max_attempts: defaults::PIN_MAX_ATTEMPTS,
            pin_lockout_ms: defaults::PIN_LOCKOUT_MS,
            pin_failures_per_minute: defaults::PIN_FAILURES_PER_MINUTE,
            link_expiry_margin_ms: defaults::LINK_EXPIRY_MARGIN_MS,
            gate_link_wait_ms: defaults::GATE_LINK_WAIT_MS,
            db_watch_ms: defaults::DB_WATCH_MS,
        }
    }
}

/// The optional callback listener (off unless this section is present and `enabled`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallbackListener {
    pub enabled: bool,
    /// Where to listen, e.g. `0.0.0.0:8088`.
    pub listen: String,
    /// The path callbacks are posted to.
    pub path: String,
    /// The public URL the gateway reaches us at (sent as `general.merchant_callback_url`);
    /// none when the project's callback URL is configured in the gateway's back office.
    pub public_url: Option<String>,
    pub body_limit_bytes: usize,
    /// The source addresses served (addresses and CIDR ranges, comma-separated; empty: any):
    /// a till behind a reverse proxy lists the proxy (see `listener::allow`).
    pub allow_from: String,
}

impl Default for CallbackListener {
    fn default() -> Self {
        CallbackListener {
            enabled: false,
            listen: "127.0.0.1:8088".into(),
            path: defaults::CALLBACK_PATH.into(),
            public_url: None,
            body_limit_bytes: defaults::CALLBACK_BODY_LIMIT,
            allow_from: String::new(),
        }
    }
}

/// How a till starts a sale (see README, "Sale flows").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaleFlow {
    /// The till signs a Payment Page link itself (no network call) and follows the payment by
    /// `payment_id`: needs no inbound connection.
    PaymentPage,
    /// The till asks the Gate to start the sale; the gateway sends the link by callback, so
    /// the till must be reachable from the internet (the callback listener with a public URL).
    Gate,
}

impl SaleFlow {
    pub fn as_str(self) -> &'static str {
        match self {
            SaleFlow::PaymentPage => "payment_page",
            SaleFlow::Gate => "gate",
        }
    }
    pub fn parse(s: &str) -> Option<SaleFlow> {
        match s {
            "payment_page" => Some(SaleFlow::PaymentPage),
            "gate" => Some(SaleFlow::Gate),
            _ => None,
        }
    }
}

/// Why a till uses the flow it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowReason {
    /// `sale.flow` is set.
    Configured,
    /// Not set, and the callback listener is on with a public URL: the link can come by
    /// callback.
    ListenerPublic,
    /// Not set, and the gateway cannot reach the till (listener off or without a public URL).
    NoInbound,
}

/// How sales are made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SaleSettings {
    /// `payment_page` or `gate`; unset: the flow that works (see [`Config::sale_flow`]).
    pub flow: Option<SaleFlow>,
    /// [open] `force_payment_method` on the Payment Page; empty: not sent (the customer picks).
    pub force_payment_method: String,
}

impl Default for SaleSettings {
    fn default() -> Self {
        SaleSettings {
            flow: None,
            force_payment_method: defaults::FORCE_PAYMENT_METHOD.into(),
        }
    }
}

/// Automatic backups (Settings > Backup; see [`crate::backup`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    /// Where backups go (a USB stick, a network share); none: no automatic backups.
    pub folder: Option<String>,
    /// One backup a day while the app runs (when a folder and a passphrase are set).
    pub daily: bool,
    /// How many of this till's backups the folder keeps (older ones are removed).
    pub keep: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            folder: None,
            daily: true,
            keep: defaults::BACKUP_KEEP,
        }
    }
}

/// When the sale screen shows its on-screen numeric keypad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeypadMode {
    /// On touch screens (the window asks the web view whether its pointer is coarse).
    #[default]
    Auto,
    Always,
    Never,
}

/// How the cashier's window behaves: the keypad and the result sounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiSettings {
    pub keypad: KeypadMode,
    /// A short sound on a paid sale and a different one on a decline.
    pub sound: bool,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            keypad: KeypadMode::Auto,
            sound: true,
        }
    }
}

/// The customer display window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerDisplaySettings {
    /// Full screen on its monitor.
    pub fullscreen: bool,
    /// The monitor's name (as the system names it); none: where the system puts it.
    pub monitor: Option<String>,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub project_id: u64,
    pub gateway_url: String,
    /// The Payment Page's base URL (`.../payment`), for the `payment_page` flow.
    pub payment_page_url: String,
    /// A short prefix that makes `payment_id`s unique across the shop's tills.
    pub till_code: String,
    /// This till's random identity ([`new_till_id`]), generated at init and never a setting:
    /// its keyring entries are named by it, so the data folder can move without losing them.
    /// Empty in a config written before it existed (given one on the next open).
    pub till_id: String,
    pub language: String,
    pub customer_ip: String,
    /// A status answer that carries payment data must be signed (ECommPay signs those): an
    /// unsigned one is stored and flagged, never applied. On by default.
    pub require_signed_status: bool,
    /// The demo till (its in-app gateway is plain HTTP on this computer or the shop's LAN).
    /// Set only by the app's demo mode; not a setting (`cashier config set` refuses it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    pub limits: Limits,
    pub timing: Timing,
    pub callback: CallbackListener,
    pub sale: SaleSettings,
    pub backup: BackupSettings,
    pub ui: UiSettings,
    pub customer_display: CustomerDisplaySettings,
    /// The receipt printer (see [`crate::print`]).
    pub printer: crate::print::PrinterSettings,
    /// ECommPay's Data API base (with its version), for reconciliation (`crate::reconcile`);
    /// its token and secret live in the OS keyring only.
    pub data_api_url: String,
    /// The shop's time zone (IANA; see `crate::reconcile::zone`): the till's day.
    pub time_zone: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            project_id: 0,
            gateway_url: defaults::GATEWAY_URL.into(),
            payment_page_url: defaults::PAYMENT_PAGE_URL.into(),
            till_code: String::new(),
            till_id: String::new(),
            language: defaults::LANGUAGE.into(),
            customer_ip: defaults::CUSTOMER_IP.into(),
            require_signed_status: true,
            demo: false,
            limits: Limits::default(),
            timing: Timing::default(),
            callback: CallbackListener::default(),
            sale: SaleSettings::default(),
            backup: BackupSettings::default(),
            ui: UiSettings::default(),
            customer_display: CustomerDisplaySettings::default(),
            printer: crate::print::PrinterSettings::default(),
            data_api_url: defaults::DATA_API_URL.into(),
            time_zone: defaults::TIME_ZONE.into(),
        }
    }
}

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

impl Config {
    /// Checks every field; the message names the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(TillError::Config(m));
        if ProjectId::new(self.project_id).is_err() {
            return bad("project_id must be a positive number".into());
        }
        for (name, value) in [
            ("gateway_url", &self.gateway_url),
            ("payment_page_url", &self.payment_page_url),
            ("data_api_url", &self.data_api_url),
        ] {
            check_gateway_url(name, value, self.demo)?;
        }
        if crate::reconcile::zone::offset_seconds(&self.time_zone).is_none() {
            return bad(format!(
                "time_zone must be one of {}, not {:?}",
                crate::reconcile::zone::names().join(", "),
                self.time_zone
            ));
        }
        if self.timing.db_watch_ms == 0 {
            return bad("timing.db_watch_ms must be positive".into());
        }
        validate_till_code(&self.till_code)?;
        if !self.till_id.is_empty() && !is_till_id(&self.till_id) {
            return bad(format!(
                "till_id must be 32 lower-case hex digits, not {:?}",
                self.till_id
            ));
        }
        if !matches!(self.language.as_str(), "uz" | "ru" | "en") {
            return bad(format!(
                "language must be uz, ru or en, not {:?}",
                self.language
            ));
        }
        if self.customer_ip.parse::<std::net::IpAddr>().is_err() {
            return bad(format!(
                "customer_ip must be an IP address, not {:?}",
                self.customer_ip
            ));
        }
        for (name, v) in [
            ("limits.sale_max_tiyin", self.limits.sale_max_tiyin),
            ("limits.payout_max_tiyin", self.limits.payout_max_tiyin),
            (
                "limits.daily_payout_max_tiyin",
                self.limits.daily_payout_max_tiyin,
            ),
        ] {
            if Tiyin::positive(v).is_err() {
                return bad(format!("{name} must be a positive amount in tiyin"));
            }
        }
        let t = &self.timing;
        if t.poll_backoff_percent < 100 {
            return bad("timing.poll_backoff_percent must be at least 100".into());
        }
        if t.first_poll_ms == 0 || t.sale_poll_max_ms == 0 || t.payout_poll_max_ms == 0 {
            return bad("poll intervals must be positive".into());
        }
        if t.sale_payable_ms < 1000 {
            return bad("timing.sale_payable_ms must be at least 1000".into());
        }
        // Bounds a manager cannot set past: a lock-out that guessing can outrun protects
        // nothing (a 4-digit PIN is 10,000 guesses).
        if !(3..=10).contains(&t.pin_max_attempts) {
            return bad("timing.pin_max_attempts must be 3 to 10".into());
        }
        if !(60_000..=86_400_000).contains(&t.pin_lockout_ms) {
            return bad(
                "timing.pin_lockout_ms must be 60000 (1 minute) to 86400000 (24 hours)".into(),
            );
        }
        if !(5..=100).contains(&t.pin_failures_per_minute) {
            return bad("timing.pin_failures_per_minute must be 5 to 100".into());
        }
        if !(1..=1000).contains(&self.backup.keep) {
            return bad("backup.keep must be 1 to 1000".into());
        }
        if self
            .backup
            .folder
            .as_deref()
            .is_some_and(|f| f.trim().is_empty())
        {
            return bad("backup.folder must be a folder, or unset".into());
        }
        if self
            .customer_display
            .monitor
            .as_deref()
            .is_some_and(|m| m.trim().is_empty())
        {
            return bad("customer_display.monitor must name a monitor, or be unset".into());
        }
        self.printer.validate().map_err(TillError::Config)?;
        if self.callback.enabled {
            if self
                .callback
                .listen
                .parse::<std::net::SocketAddr>()
                .is_err()
            {
                return bad(format!(
                    "callback.listen must be an address like 0.0.0.0:8088, not {:?}",
                    self.callback.listen
                ));
            }
            if let Err(e) = crate::listener::allow::AllowList::parse(&self.callback.allow_from) {
                return bad(format!("callback.allow_from: {e}"));
            }
            if !self.callback.path.starts_with('/') {
                return bad("callback.path must start with /".into());
            }
            if let Some(u) = &self.callback.public_url {
                if !(u.starts_with("https://") || u.starts_with("http://")) {
                    return bad("callback.public_url must be an http(s) URL".into());
                }
            }
        }
        Ok(())
    }

    pub fn project(&self) -> ProjectId {
        ProjectId::new(self.project_id).expect("validated")
    }

    /// The flow this till's sales use, and why: `sale.flow` when set, else `gate` only when
    /// the callback listener is on and has a public URL (the link comes by callback), else
    /// `payment_page` (works with no inbound connection).
    pub fn sale_flow(&self) -> (SaleFlow, FlowReason) {
        match self.sale.flow {
            Some(f) => (f, FlowReason::Configured),
            None if self.callback.enabled && self.callback.public_url.is_some() => {
                (SaleFlow::Gate, FlowReason::ListenerPublic)
            }
            None => (SaleFlow::PaymentPage, FlowReason::NoInbound),
        }
    }

    /// [`Config::sale_flow`] in words, for `doctor` and logs.
    pub fn sale_flow_text(&self) -> String {
        let (flow, why) = self.sale_flow();
        let why = match why {
            FlowReason::Configured => "set in sale.flow",
            FlowReason::ListenerPublic => {
                "the callback listener is on with a public URL, so the gateway can send the link"
            }
            FlowReason::NoInbound => {
                "the gateway cannot reach this till (no callback listener with a public URL), so the till signs the Payment Page link itself"
            }
        };
        let warn = if flow == SaleFlow::Gate
            && !(self.callback.enabled && self.callback.public_url.is_some())
        {
            "; warning: without a callback listener reachable from the internet the Telegram link never arrives in this flow"
        } else {
            ""
        };
        format!("{}: {why}{warn}", flow.as_str())
    }

    pub fn first_poll(&self) -> Duration {
        ms(self.timing.first_poll_ms)
    }

    /// The path of the config file in `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(defaults::CONFIG_FILE)
    }

    /// Loads and validates the config of `data_dir`.
    pub fn load(data_dir: &Path) -> Result<Config> {
        let path = Config::path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(TillError::NotInitialised(data_dir.to_owned()))
            }
            Err(e) => return Err(e.into()),
        };
        let cfg: Config = toml::from_str(&text)
            .map_err(|e| TillError::Config(format!("{}: {e}", path.display())))?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Validates and writes the config atomically (temp file + rename), so a crash never
    /// leaves half a file.
    pub fn save(&self, data_dir: &Path) -> Result<()> {
        self.validate()?;
        let text = toml::to_string_pretty(self).map_err(|e| TillError::Config(e.to_string()))?;
        let path = Config::path(data_dir);
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    }

    /// The config as flat `key = value` pairs (dotted keys), for settings screens and
    /// `cashier config show`.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let value = toml::Value::try_from(self).expect("config serialises");
        let mut out = Vec::new();
        flatten("", &value, &mut out);
        out
    }

    /// Sets one dotted key (e.g. `timing.first_poll_ms`) from text; the result must validate.
    pub fn set(&mut self, key: &str, text: &str) -> Result<()> {
        if key == "demo" || key == "till_id" {
            return Err(TillError::Config(format!("{key} is not a setting")));
        }
        if key == "till_id" {
            // Its keyring entries are named by it: changing it would lose them.
            return Err(TillError::Config(
                "till_id is the till's identity, not a setting".into(),
            ));
        }
        let mut value = toml::Value::try_from(&*self).expect("config serialises");
        let parts: Vec<&str> = key.split('.').collect();
        let mut slot = &mut value;
        for (i, part) in parts.iter().enumerate() {
            let table = slot
                .as_table_mut()
                .ok_or_else(|| TillError::Config(format!("unknown setting {key:?}")))?;
            if i + 1 == parts.len() {
                if is_optional_key(key) && matches!(text.trim(), "" | "auto") {
                    // An optional setting is cleared by an empty value (`sale.flow`: "auto").
                    table.remove(*part);
                    break;
                }
                let old = table.get(*part);
                let new = parse_like(old, text).ok_or_else(|| {
                    TillError::Config(format!("{key}: {text:?} is not a valid value"))
                })?;
                if old.is_none() && !is_optional_key(key) {
                    return Err(TillError::Config(format!("unknown setting {key:?}")));
                }
                table.insert((*part).to_owned(), new);
                break;
            }
            slot = table
                .get_mut(*part)
                .ok_or_else(|| TillError::Config(format!("unknown setting {key:?}")))?;
        }
        let cfg: Config = value
            .try_into()
            .map_err(|e: toml::de::Error| TillError::Config(format!("{key}: {e}")))?;
        cfg.validate()?;
        *self = cfg;
        Ok(())
    }
}

/// A gateway or Payment Page URL: parsed as a URL with a host, and `https` (card identifiers
/// and signed requests cross it), except on this computer (loopback: the sandbox, tests) and
/// for the demo till (its in-app gateway, plain HTTP on the shop's LAN).
fn check_gateway_url(name: &str, value: &str, demo: bool) -> Result<()> {
    let bad = |why: &str| Err(TillError::Config(format!("{name}: {value:?} {why}")));
    let Ok(u) = url::Url::parse(value.trim()) else {
        return bad("is not a URL");
    };
    let loopback = match u.host() {
        None => return bad("has no host"),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
    };
    match u.scheme() {
        "https" => Ok(()),
        "http" if loopback || demo => Ok(()),
        "http" => bad("must use https (plain http only for this computer's own sandbox)"),
        _ => bad("must be an https URL"),
    }
}

fn is_optional_key(key: &str) -> bool {
    matches!(
        key,
        "callback.public_url" | "sale.flow" | "backup.folder" | "customer_display.monitor"
    ) || crate::print::PrinterSettings::OPTIONAL_KEYS.contains(&key)
}

fn parse_like(old: Option<&toml::Value>, text: &str) -> Option<toml::Value> {
    Some(match old {
        Some(toml::Value::Integer(_)) => toml::Value::Integer(text.trim().parse().ok()?),
        Some(toml::Value::Boolean(_)) => toml::Value::Boolean(text.trim().parse().ok()?),
        _ => toml::Value::String(text.to_owned()),
    })
}

fn flatten(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, child) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, child, out);
            }
        }
        toml::Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

/// A new random till id: 128 bits as 32 lower-case hex digits.
pub fn new_till_id() -> String {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut bytes = [0u8; 16];
    chacha20poly1305::aead::OsRng.fill_bytes(&mut bytes);
    crate::vault::hex(&bytes)
}

fn is_till_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A till code: 1 to 8 characters, upper-case letters and digits (it starts every payment id).
pub fn validate_till_code(code: &str) -> Result<()> {
    if code.is_empty()
        || code.len() > 8
        || !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Err(TillError::Config(format!(
            "till_code must be 1 to 8 upper-case letters or digits, not {code:?}"
        )));
    }
    Ok(())
}

/// The data folder: `--data-dir`, else `CASHIER_DATA_DIR`, else the platform's config dir
/// (a separate one for debug builds, so a developer's build never touches a shop's data).
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_owned());
    }
    if let Some(p) = std::env::var_os(defaults::DATA_DIR_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let base = dirs::config_dir().ok_or_else(|| TillError::DataDir {
        path: PathBuf::new(),
        detail: "the platform has no config folder; pass --data-dir".into(),
    })?;
    let name = if cfg!(debug_assertions) {
        "uz.cashier.till-debug"
    } else {
        "uz.cashier.till"
    };
    Ok(base.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Config {
        Config {
            project_id: 42,
            gateway_url: "http://127.0.0.1:9".into(),
            till_code: "T1".into(),
            ..Config::default()
        }
    }

    #[test]
    fn roundtrip_and_validation() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Config::load(dir.path()),
            Err(TillError::NotInitialised(_))
        ));
        good().save(dir.path()).unwrap();
        assert_eq!(Config::load(dir.path()).unwrap(), good());
        let mut c = good();
        c.till_code = "t-1".into();
        assert_eq!(c.validate().unwrap_err().code(), "config_invalid");
        let mut c = good();
        c.project_id = 0;
        assert!(c.validate().is_err());
        let mut c = good();
        c.gateway_url = "ftp://x.example".into();
        assert!(c.validate().is_err());
        // A till id: absent in an old config, else 32 hex digits, random each time.
        let mut c = good();
        c.till_id = new_till_id();
        c.validate().unwrap();
        assert_ne!(c.till_id, new_till_id());
        c.save(dir.path()).unwrap();
        assert_eq!(Config::load(dir.path()).unwrap().till_id, c.till_id);
        c.till_id = "../etc".into();
        assert!(c.validate().is_err());
    }

    #[test]
    fn set_by_dotted_key() {
        let mut c = good();
        c.set("timing.first_poll_ms", "250").unwrap();
        assert_eq!(c.timing.first_poll_ms, 250);
        c.set("callback.enabled", "true").unwrap();
        c.set("callback.public_url", "http://127.0.0.1:1/cb")
            .unwrap();
        assert_eq!(
            c.callback.public_url.as_deref(),
            Some("http://127.0.0.1:1/cb")
        );
        assert!(c.set("timing.nope", "1").is_err());
        assert!(c.set("timing.first_poll_ms", "soon").is_err());
        assert!(c.set("till_code", "lower").is_err());
        assert!(c.set("till_id", &new_till_id()).is_err(), "never a setting");
        assert_eq!(c.till_code, "T1", "a refused set changes nothing");
        assert!(c
            .to_pairs()
            .contains(&("timing.first_poll_ms".into(), "250".into())));
    }

    #[test]
    fn display_settings_have_defaults_and_are_checked() {
        let mut c = good();
        assert_eq!(c.ui.keypad, KeypadMode::Auto);
        assert!(c.ui.sound, "sound is on by default");
        assert!(!c.customer_display.fullscreen);
        assert_eq!(c.customer_display.monitor, None);
        c.set("ui.keypad", "always").unwrap();
        assert_eq!(c.ui.keypad, KeypadMode::Always);
        assert!(c.set("ui.keypad", "sometimes").is_err());
        assert_eq!(
            c.ui.keypad,
            KeypadMode::Always,
            "a refused set changes nothing"
        );
        c.set("ui.sound", "false").unwrap();
        assert!(!c.ui.sound);
        c.set("customer_display.fullscreen", "true").unwrap();
        c.set("customer_display.monitor", "HDMI-1").unwrap();
        assert_eq!(c.customer_display.monitor.as_deref(), Some("HDMI-1"));
        assert!(
            c.set("customer_display.monitor", "  ").is_ok(),
            "blank clears it"
        );
        assert_eq!(c.customer_display.monitor, None);
        let pairs = c.to_pairs();
        assert!(pairs.contains(&("ui.keypad".into(), "always".into())));
        assert!(pairs.contains(&("customer_display.fullscreen".into(), "true".into())));
        let back: Config = toml::from_str(&toml::to_string_pretty(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn the_default_flow_is_the_one_that_works() {
        let mut c = good();
        assert_eq!(
            c.sale_flow(),
            (SaleFlow::PaymentPage, FlowReason::NoInbound)
        );
        c.set("callback.enabled", "true").unwrap();
        assert_eq!(c.sale_flow().0, SaleFlow::PaymentPage, "no public URL");
        c.set("callback.public_url", "https://till.example/cb")
            .unwrap();
        assert_eq!(c.sale_flow(), (SaleFlow::Gate, FlowReason::ListenerPublic));
        c.set("sale.flow", "payment_page").unwrap();
        assert_eq!(
            c.sale_flow(),
            (SaleFlow::PaymentPage, FlowReason::Configured)
        );
        assert!(c.set("sale.flow", "telegram").is_err());
        c.set("sale.flow", "auto").unwrap();
        assert_eq!(c.sale.flow, None);
        c.set("callback.enabled", "false").unwrap();
        c.set("sale.flow", "gate").unwrap();
        assert!(
            c.sale_flow_text().contains("never arrives"),
            "{}",
            c.sale_flow_text()
        );
        let dir = tempfile::tempdir().unwrap();
        c.save(dir.path()).unwrap();
        assert_eq!(Config::load(dir.path()).unwrap(), c);
        c.payment_page_url = "not a url".into();
        assert!(c.validate().is_err());
    }

    #[test]
    fn gateway_urls_must_be_https_but_on_this_computer_or_for_the_demo() {
        let mut c = good();
        for bad in [
            "http://example.invalid",
            "http://10.0.0.1",
            "http://192.168.1.10:8080",
            "http://not a url",
            "ftp://api.ecommpay.com",
            "https://",
            "api.ecommpay.com",
        ] {
            c.gateway_url = bad.into();
            let e = c.validate().unwrap_err();
            assert!(e.to_string().contains("gateway_url"), "{bad}: {e}");
        }
        for ok in [
            "https://api.ecommpay.com",
            "http://127.0.0.1:9",
            "http://127.8.0.1:9",
            "http://localhost:8080",
            "http://[::1]:1",
        ] {
            c.gateway_url = ok.into();
            c.validate().unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        c.payment_page_url = "http://192.168.1.10:8080/payment".into();
        assert!(c.validate().is_err());
        c.demo = true;
        c.validate().unwrap();
        let mut real = good();
        assert!(real.set("demo", "true").is_err());
        assert!(!real.demo);
        assert!(real.set("gateway_url", "http://example.invalid").is_err());
        assert_eq!(real.gateway_url, "http://127.0.0.1:9");
    }

    #[test]
    fn data_dir_precedence() {
        let p = Path::new("/tmp/x");
        assert_eq!(resolve_data_dir(Some(p)).unwrap(), p);
    }
}
