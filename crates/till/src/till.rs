//! [`Till`]: the one service object the desktop app and the CLI call.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ecommpay::{Secret, Tiyin};
use serde::Serialize;
use serde_json::json;
use tokio::sync::broadcast;

use crate::config::{self, Config};
use crate::connect::{self, Probe};
use crate::core::Core;
use crate::db::cards::Card;
use crate::db::history::{self, Cursor, HistoryFilter, Page};
use crate::db::messages::{self, TimelineEntry};
use crate::db::payments::{self, Payment};
use crate::db::payouts::{self, PayoutRequestRow};
use crate::db::users::{self, PinPolicy, Role, User};
use crate::db::{audit, cards, Db};
use crate::engine::payout::PayoutInput;
use crate::engine::recovery::RecoveryReport;
use crate::engine::PaymentHandle;
use crate::error::{gateway_code, Result, TillError};
use crate::events::TillEvent;
use crate::keystore::{self, names, KeyStore};
use crate::listener::{self, ListenerHandle};

/// What `init` needs.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub project_id: u64,
    pub gateway_url: String,
    pub till_code: String,
    /// The Payment Page's base URL; `None` keeps the folder's (or the default).
    pub payment_page_url: Option<String>,
    /// `sale.flow`; `None` keeps the folder's (unset: the flow that works).
    pub flow: Option<config::SaleFlow>,
}

/// One line of `doctor`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The till. Cheap to clone; all clones share one database connection, one event channel.
#[derive(Clone)]
pub struct Till {
    pub(crate) core: Arc<Core>,
}

/// Creates the data folder (and its parents) when missing.
pub(crate) fn create_data_dir(data_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(data_dir).map_err(|e| TillError::DataDir {
        path: data_dir.to_owned(),
        detail: e.to_string(),
    })
}

impl Till {
    /// The config `init` would write: the folder's own (or the defaults) with `opts` applied,
    /// validated. Nothing is written.
    pub(crate) fn init_config(data_dir: &Path, opts: &InitOptions) -> Result<Config> {
        Till::init_config_as(data_dir, opts, false)
    }

    fn init_config_as(data_dir: &Path, opts: &InitOptions, demo: bool) -> Result<Config> {
        let mut cfg = match Config::load(data_dir) {
            Ok(c) => c,
            // A folder first set up by hand (`cashier init`) and then made the demo's: its
            // gateway is the demo's plain-HTTP one.
            Err(TillError::Config(_)) if demo => Config::default(),
            Err(TillError::NotInitialised(_)) => Config::default(),
            Err(e) => return Err(e),
        };
        cfg.demo = demo;
        cfg.project_id = opts.project_id;
        cfg.gateway_url = opts.gateway_url.trim_end_matches('/').to_owned();
        cfg.till_code = opts.till_code.clone();
        if let Some(u) = &opts.payment_page_url {
            cfg.payment_page_url = u.trim_end_matches('/').to_owned();
        }
        if opts.flow.is_some() {
            cfg.sale.flow = opts.flow;
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Sets up (or updates) the data folder: config, database, and the card vault key in the
    /// OS keyring (so a missing keyring shows at once, not at the first sale).
    pub fn init(data_dir: &Path, opts: &InitOptions) -> Result<Till> {
        create_data_dir(data_dir)?;
        let cfg = Till::init_config(data_dir, opts)?;
        Till::init_with(data_dir, cfg)
    }

    /// [`Till::init`] for the app's demo till: its in-app gateway may be plain HTTP on the
    /// shop's LAN (a phone opens its links), which a real till's config refuses.
    pub fn init_demo(data_dir: &Path, opts: &InitOptions) -> Result<Till> {
        create_data_dir(data_dir)?;
        let cfg = Till::init_config_as(data_dir, opts, true)?;
        Till::init_with(data_dir, cfg)
    }

    /// The writing half of [`Till::init`], for a `cfg` from [`Till::init_config`] and a data
    /// folder that exists.
    pub(crate) fn init_with(data_dir: &Path, mut cfg: Config) -> Result<Till> {
        let keys = Box::new(keystore::till_keyring(data_dir, &mut cfg)?);
        let db = Db::open(&data_dir.join(config::defaults::DB_FILE))?;
        let till = Till::from_parts(data_dir.to_owned(), cfg.clone(), db, keys);
        till.core.vault()?;
        till.core.pin_pepper()?;
        cfg.save(data_dir)?;
        audit::append(
            &till.core.db().conn,
            "operator",
            "init",
            &cfg.till_code,
            &json!({"project_id": cfg.project_id, "gateway_url": cfg.gateway_url, "payment_page_url": cfg.payment_page_url, "flow": cfg.sale.flow}),
        )?;
        Ok(till)
    }

    /// Opens an initialised data folder with the OS keyring.
    pub fn open(data_dir: &Path) -> Result<Till> {
        let mut cfg = Config::load(data_dir)?;
        let had_id = !cfg.till_id.is_empty();
        let keys = Box::new(keystore::till_keyring(data_dir, &mut cfg)?);
        if !had_id && !cfg.till_id.is_empty() {
            cfg.save(data_dir)?;
        }
        let db = Db::open(&data_dir.join(config::defaults::DB_FILE))?;
        let till = Till::from_parts(data_dir.to_owned(), cfg.clone(), db, keys);
        {
            let db = till.core.db();
            payouts::expire(&db.conn)?;
            // Payments written before they carried their gateway: the config they were made
            // with (secret: the current one).
            payments::bind_unbound(&db.conn, &cfg.gateway_url, &cfg.payment_page_url, None)?;
        }
        Ok(till)
    }

    /// Builds a till from parts (unit tests give an in-memory key store).
    pub fn from_parts(data_dir: PathBuf, config: Config, db: Db, keys: Box<dyn KeyStore>) -> Till {
        Till {
            core: Arc::new(Core::new(data_dir, config, db, keys)),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.core.data_dir
    }

    // ---- settings ----

    pub fn config(&self) -> Config {
        self.core.config()
    }

    /// Every setting as `key = value` (the secret is not a setting: see
    /// [`Till::secret_configured`]).
    pub fn settings(&self) -> Vec<(String, String)> {
        self.core.config().to_pairs()
    }

    /// Changes one setting, validated, saved atomically and audited.
    pub fn set_setting(&self, key: &str, value: &str, actor: &str) -> Result<()> {
        if connect::needs_connect(key) && self.secret_configured()? {
            return Err(TillError::NeedsConnect(key.to_owned()));
        }
        let mut cfg = self.core.config();
        cfg.set(key, value)?;
        cfg.save(&self.core.data_dir)?;
        *self.core.config.write().unwrap_or_else(|e| e.into_inner()) = cfg;
        self.core.reset_gate();
        audit::append(
            &self.core.db().conn,
            actor,
            "setting_changed",
            key,
            &json!({"value": value}),
        )?;
        Ok(())
    }

    /// Stores the API secret in the OS keyring (write-only: nothing reads it back out).
    pub fn set_secret(&self, text: &str, actor: &str) -> Result<()> {
        let secret = Secret::new_checked(text).map_err(|_| TillError::SecretEmpty)?;
        self.core.set_secret(&secret)?;
        audit::append(
            &self.core.db().conn,
            actor,
            "secret_set",
            "api-secret",
            &json!({}),
        )?;
        Ok(())
    }

    /// Whether a secret is stored (all a UI may learn about it).
    pub fn secret_configured(&self) -> Result<bool> {
        Ok(self.core.keys.get(names::API_SECRET)?.is_some())
    }

    // ---- users ----

    fn pin_policy(&self) -> PinPolicy {
        let t = self.core.config().timing;
        PinPolicy {
            max_attempts: t.pin_max_attempts,
            lockout_ms: t.pin_lockout_ms as i64,
        }
    }

    pub fn add_user(&self, name: &str, role: Role, pin: &str, actor: &str) -> Result<User> {
        let pepper = self.core.pin_pepper()?;
        users::add(&self.core.db().conn, name, role, pin, pepper.bytes(), actor)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        self.core.read(users::list)
    }

    /// Sign-in: the user when the PIN is right; wrong PINs count towards a lock-out.
    /// Needs the PIN pepper only, except for a PIN last set before the pepper had its own
    /// key: that one needs the card vault key once more, and is rehashed on success.
    ///
    /// The Argon2 work runs without the database lock (sales, callbacks and every other call
    /// go on meanwhile): the record is read under it, checked, then the outcome is written
    /// under it again against the row as it is by then (see [`users::verify_pin`]).
    pub fn verify_pin(&self, name: &str, pin: &str) -> Result<User> {
        let pepper = self.core.pin_pepper()?;
        let policy = self.pin_policy();
        loop {
            let record = users::pin_record(&self.core.db().conn, name)?;
            let legacy = match &record {
                Some(r) if r.legacy()? => Some(self.core.vault()?.pin_pepper()),
                _ => None,
            };
            let peppers = users::Peppers {
                pin: pepper.bytes(),
                legacy: legacy.as_deref().map(|v| v.as_slice()),
            };
            let check = users::check_pin(record.as_ref(), pin, peppers)?;
            let db = self.core.db();
            if let Some(user) = users::record_pin_check(&db.conn, name, record, check, policy)? {
                return Ok(user);
            }
        }
    }

    /// The keys this till had that this computer's keyring does not hold (entry names, see
    /// [`keystore::names`]); empty when nothing is missing. A real till with missing keys
    /// must say so ([`TillError::KeysMissing`]), never start as something else.
    pub fn missing_keys(&self) -> Result<Vec<&'static str>> {
        self.core.missing_keys()
    }

    /// A user changes their own PIN (the old one is checked, and counts towards the
    /// lock-out when wrong). The new PIN follows [`users::validate_pin`].
    pub fn change_pin(&self, name: &str, old_pin: &str, new_pin: &str) -> Result<User> {
        users::validate_pin(new_pin)?;
        let user = self.verify_pin(name, old_pin)?;
        let pepper = self.core.pin_pepper()?;
        users::change_pin(&self.core.db().conn, &user, new_pin, pepper.bytes())?;
        Ok(user)
    }

    /// A manager (PIN checked) sets `name`'s PIN and lifts any lock-out. Returns the user.
    pub fn reset_pin(
        &self,
        manager: &str,
        manager_pin: &str,
        name: &str,
        new_pin: &str,
    ) -> Result<User> {
        users::validate_pin(new_pin)?;
        let m = self.verify_pin(manager, manager_pin)?;
        let pepper = self.core.pin_pepper()?;
        users::reset_pin(&self.core.db().conn, &m, name, new_pin, pepper.bytes())
    }

    /// A manager (PIN checked) lifts `name`'s lock-out. Returns the user.
    pub fn unlock_user(&self, manager: &str, manager_pin: &str, name: &str) -> Result<User> {
        let m = self.verify_pin(manager, manager_pin)?;
        users::unlock(&self.core.db().conn, &m, name)
    }

    /// A manager (PIN checked) deactivates (`active = false`) or reactivates a user. Users are
    /// never deleted, so history keeps who did what; an inactive user cannot sign in, approve
    /// or reject; the last active manager cannot be deactivated ([`TillError::LastManager`]).
    /// Returns the user as it is now.
    pub fn set_user_active(
        &self,
        manager: &str,
        manager_pin: &str,
        name: &str,
        active: bool,
    ) -> Result<User> {
        let m = self.verify_pin(manager, manager_pin)?;
        users::set_active(&self.core.db().conn, &m, name, active)
    }

    /// Makes this process the one that drives the data folder's payments, named `program` in
    /// the error another process gets (`cashier sale`, `the desktop app`). Every call that
    /// drives payments takes it by itself under the program's file name; take it first to give
    /// a better name, or to fail before anything else happens.
    pub fn take_engine(&self, program: &str) -> Result<()> {
        self.core.take_engine(program)
    }

    // ---- events ----

    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<TillEvent> {
        self.core.events.subscribe()
    }

    // ---- sales ----

    /// Starts a sale: validated, written with a new `payment_id`, then sent and followed by a
    /// background task. Nothing is written when the amount or the setup is wrong.
    pub async fn start_sale(&self, amount: Tiyin, actor: Option<&str>) -> Result<PaymentHandle> {
        self.core.validate_sale(amount)?;
        self.core.engine()?;
        // Refuse before writing when there is no secret: nothing could be sent.
        self.core.gate()?;
        let events = self.core.events.subscribe();
        let (row, payment_id) = self.core.create_sale(amount, actor)?;
        Ok(self.core.spawn_drive(row, payment_id, events))
    }

    /// The cashier stops waiting; the sale is still followed to its end.
    pub fn abandon_sale(&self, payment_id: &str, actor: &str) -> Result<bool> {
        self.core.abandon(payment_id, actor)
    }

    // ---- payouts ----

    pub fn request_payout(
        &self,
        input: &PayoutInput,
        requester: Option<&User>,
        requester_name: &str,
    ) -> Result<PayoutRequestRow> {
        self.core.request_payout(input, requester, requester_name)
    }

    /// A manager approves with a PIN; the payout is written, then sent and followed.
    pub async fn approve_payout(
        &self,
        request_id: i64,
        manager: &str,
        pin: &str,
    ) -> Result<PaymentHandle> {
        let user = self.verify_pin(manager, pin)?;
        self.core.engine()?;
        self.core.gate()?;
        let events = self.core.events.subscribe();
        let (row, payment_id) = self.core.approve_payout(request_id, &user)?;
        Ok(self.core.spawn_drive(row, payment_id, events))
    }

    /// A manager rejects a pending request with a PIN (a note optional). A manager may reject
    /// their own request (no money moves; see [`crate::engine::payout`]). Emits
    /// [`TillEvent::PayoutDecided`] with `approved: false`.
    pub fn reject_payout(
        &self,
        request_id: i64,
        manager: &str,
        pin: &str,
        reason: Option<&str>,
    ) -> Result<PayoutRequestRow> {
        let user = self.verify_pin(manager, pin)?;
        self.core.reject_payout(request_id, &user, reason)
    }

    pub fn payout_requests(&self, limit: u32) -> Result<Vec<PayoutRequestRow>> {
        let db = self.core.db();
        payouts::expire(&db.conn)?;
        payouts::list(&db.conn, limit)
    }

    // ---- reading ----

    // History, a payment's detail, cards, users and the CSV export read through read-only
    // connections of their own (see `Core::read`): they never wait for the engine, nor it
    // for them.

    pub fn payment(&self, payment_id: &str) -> Result<Payment> {
        self.core.read(|c| payments::get(c, payment_id))
    }

    /// Every gateway message of a payment, in order (redacted).
    pub fn payment_timeline(&self, payment_id: &str) -> Result<Vec<TimelineEntry>> {
        self.core.read(|c| {
            let p = payments::get(c, payment_id)?;
            messages::timeline(c, p.id)
        })
    }

    pub fn history(
        &self,
        filter: &HistoryFilter,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Page> {
        self.core.read(|c| history::page(c, filter, after, limit))
    }

    pub fn export_csv<W: Write>(
        &self,
        out: W,
        filter: &HistoryFilter,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        self.core
            .read(|c| history::export_csv(c, filter, out, progress))
    }

    /// Saved cards, masked only.
    pub fn cards(&self) -> Result<Vec<Card>> {
        self.core.read(cards::list)
    }

    pub fn verify_audit(&self) -> Result<u64> {
        audit::verify(&self.core.db().conn)
    }

    // ---- recovery and following ----

    /// One recovery pass over every open payment (status; 3061 → same request again).
    pub async fn recover(&self) -> Result<RecoveryReport> {
        self.core.engine()?;
        self.core.recover_once().await
    }

    /// Follows one payment to its end (or its follow limit) in this task.
    pub async fn follow(&self, payment_id: &str) -> Result<Payment> {
        self.core.engine()?;
        let row = self.payment(payment_id)?.id;
        self.core.clone().drive(row).await
    }

    /// Announces what the database knows of `payment_id` now (its link, its result) to this
    /// till's subscribers, once each: for a process that only watches a payment another
    /// process drives (`cashier watch`). Returns the payment.
    pub fn announce(&self, payment_id: &str) -> Result<Payment> {
        let p = self.payment(payment_id)?;
        self.core.announce_record(&p);
        Ok(p)
    }

    /// How many payments are not final yet.
    pub fn open_payments(&self) -> Result<usize> {
        payments::open_count(&self.core.db().conn)
    }

    /// Spawns a follower for every open payment (the desktop app at start), and a watcher for
    /// each Payment Page sale that ended "link expired" recently (a late payment is still
    /// applied). Returns the followers only: the watched sales are final already.
    pub fn resume_all(&self) -> Result<Vec<PaymentHandle>> {
        self.core.engine()?;
        let watched = payments::watched_expired(&self.core.db().conn)?;
        for p in watched {
            let core = self.core.clone();
            tokio::spawn(async move { core.watch_expired(p.id).await });
        }
        let open = self.core.interrupt_open_sales()?;
        Ok(open
            .into_iter()
            .map(|p| {
                self.core
                    .spawn_drive(p.id, p.payment_id, self.core.events.subscribe())
            })
            .collect())
    }

    // ---- listener ----

    /// Callbacks refused for their signature since this till started, and the samples kept.
    pub fn rejected_callbacks(&self) -> Result<(u64, Vec<crate::db::rejected::Rejected>)> {
        let samples = crate::db::rejected::samples(&self.core.db().conn)?;
        Ok((self.core.rejected_callbacks(), samples))
    }

    pub async fn start_listener(&self) -> Result<ListenerHandle> {
        self.core.engine()?;
        listener::start(self.core.clone()).await
    }

    // ---- doctor ----

    /// Checks the config, the keyring, the gateway's reachability and the signature (a status
    /// request for a payment that cannot exist must come back "not found", not "bad signature").
    pub async fn doctor(&self) -> Vec<Check> {
        let mut out = Vec::new();
        let cfg = self.core.config();
        out.push(Check {
            name: "config",
            ok: cfg.validate().is_ok(),
            detail: format!(
                "project {} at {}, till {}",
                cfg.project_id, cfg.gateway_url, cfg.till_code
            ),
        });
        let (flow, _) = cfg.sale_flow();
        out.push(Check {
            name: "flow",
            // Gate without a listener the gateway can reach: the link never arrives.
            ok: flow == config::SaleFlow::PaymentPage
                || (cfg.callback.enabled && cfg.callback.public_url.is_some()),
            detail: cfg.sale_flow_text(),
        });
        let vault = self.core.vault().and_then(|_| self.core.pin_pepper());
        out.push(Check {
            name: "keyring",
            ok: vault.is_ok(),
            detail: match &vault {
                Ok(_) => format!(
                    "card vault key and PIN key present ({})",
                    self.core.keys.describe()
                ),
                Err(e) => e.to_string(),
            },
        });
        let secret = self.secret_configured();
        out.push(Check {
            name: "secret",
            ok: matches!(secret, Ok(true)),
            detail: match secret {
                Ok(true) => "stored in the OS keyring".into(),
                Ok(false) => TillError::SecretMissing.to_string(),
                Err(e) => e.to_string(),
            },
        });
        let gate = match self.core.gate() {
            Ok(g) => g,
            Err(e) => {
                out.push(Check {
                    name: "gateway",
                    ok: false,
                    detail: format!("not checked: {e}"),
                });
                return out;
            }
        };
        let (reach, sig) = match connect::probe(&gate, &cfg.till_code).await {
            Probe::Accepted => (
                (true, "reachable".to_owned()),
                (true, "the gateway accepted our signature".to_owned()),
            ),
            Probe::Refused(e) => (
                (true, "reachable".to_owned()),
                (false, format!("the gateway refused our signature or project: {e}; check the secret and the project id")),
            ),
            Probe::Failed(e @ ecommpay::gate::GateError::Unreachable(_)) => (
                (false, format!("{} ({})", e, gateway_code(&e))),
                (false, "not checked".to_owned()),
            ),
            Probe::Failed(e) => ((true, "reachable".to_owned()), (false, format!("unexpected answer: {e}"))),
        };
        out.push(Check {
            name: "gateway",
            ok: reach.0,
            detail: reach.1,
        });
        out.push(Check {
            name: "signature",
            ok: sig.0,
            detail: sig.1,
        });
        out
    }

    // ---- a till's report, returns from the sale, sign-in tiles ----

    /// The totals of everything `filter` matches (paid, not paid, returned, net).
    pub fn history_totals(&self, filter: &HistoryFilter) -> Result<history::Totals> {
        self.core.read(|c| history::totals(c, filter))
    }

    /// The CSV export in a style (the app's: the user's language and local time).
    pub fn export_csv_as<W: Write>(
        &self,
        out: W,
        filter: &HistoryFilter,
        style: crate::db::csv::CsvStyle,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        self.core
            .read(|c| crate::db::csv::export(c, filter, style, out, progress))
    }

    /// What is left to return of a sale (the rule a payout request is checked by).
    pub fn returnable(&self, sale_payment_id: &str) -> Result<crate::db::returns::Returnable> {
        self.core
            .read(|c| crate::db::returns::returnable(c, sale_payment_id))
    }

    /// The sales these returns belong to.
    pub fn sale_refs(&self, payment_ids: &[String]) -> Result<Vec<crate::db::returns::SaleRef>> {
        self.core
            .read(|c| crate::db::returns::sale_refs(c, payment_ids))
    }

    /// The sale a payout returns money of, if any.
    pub fn sale_of_payout(
        &self,
        payout_payment_id: &str,
    ) -> Result<Option<crate::db::returns::SaleRef>> {
        self.core
            .read(|c| crate::db::returns::sale_of_payout(c, payout_payment_id))
    }

    /// Every user as a sign-in tile (with a lock-out that holds now, and the last sign-in).
    pub fn sign_in_tiles(&self) -> Result<Vec<crate::db::sign_in::UserTile>> {
        self.core.read(crate::db::sign_in::tiles)
    }

    /// Where the user's shift started ("this shift" in history).
    pub fn current_shift_start(&self, user_id: i64) -> Result<Option<i64>> {
        self.core
            .read(|c| crate::db::sign_in::current_shift_start(c, user_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::payouts::RequestStatus;
    use crate::keystore::MemoryKeyStore;

    /// A till on an in-memory database and key store, with a secret (nothing is ever sent:
    /// every path tested here ends before the gateway), a saved card and three users.
    fn till() -> (Till, i64) {
        let mut cfg = Config {
            project_id: 1,
            gateway_url: "http://127.0.0.1:9".into(),
            till_code: "T1".into(),
            ..Config::default()
        };
        cfg.timing.pin_max_attempts = 3;
        cfg.validate().unwrap();
        let t = Till::from_parts(
            // A folder of its own (kept: the till outlives this function), for the engine lock.
            tempfile::tempdir().unwrap().keep(),
            cfg,
            Db::open_in_memory().unwrap(),
            Box::new(MemoryKeyStore::default()),
        );
        t.set_secret("unit-secret", "test").unwrap();
        t.add_user("anna", Role::Cashier, "1111", "setup").unwrap();
        t.add_user("boss", Role::Manager, "2222", "setup").unwrap();
        t.add_user("dina", Role::Manager, "3333", "setup").unwrap();
        let vault = t.core.vault().unwrap();
        let token = ecommpay::CardToken::new("1743-00112233445566778899AABBCCDDEEFF").unwrap();
        let card = cards::save(
            &t.core.db().conn,
            &vault,
            &token,
            "860003******7890",
            "cust-1",
            "T1-S-1",
        )
        .unwrap();
        (t, card)
    }

    fn request(t: &Till, card: i64, who: &str, pin: &str) -> PayoutRequestRow {
        let u = t.verify_pin(who, pin).unwrap();
        t.request_payout(
            &PayoutInput {
                card_id: card,
                amount: Tiyin::new(10_000),
                reason: "refund".into(),
                sale_payment_id: None,
            },
            Some(&u),
            who,
        )
        .unwrap()
    }

    fn actions(t: &Till) -> Vec<(String, String, String)> {
        audit::recent(&t.core.db().conn, 100)
            .unwrap()
            .into_iter()
            .map(|e| (e.actor, e.action, e.subject))
            .collect()
    }

    fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
        r.unwrap_err().code()
    }

    #[tokio::test]
    async fn a_manager_rejects_a_request_and_it_can_never_be_approved() {
        let (t, card) = till();
        let mut rx = t.subscribe();
        let req = request(&t, card, "anna", "1111");
        // Only a manager, with the right PIN.
        assert_eq!(
            code(t.reject_payout(req.id, "anna", "1111", None)),
            "not_manager"
        );
        assert_eq!(
            code(t.reject_payout(req.id, "boss", "0000", None)),
            "wrong_pin"
        );
        assert_eq!(
            code(t.reject_payout(999, "boss", "2222", None)),
            "payout_request_not_found"
        );
        let row = t
            .reject_payout(req.id, "boss", "2222", Some("  wrong card  "))
            .unwrap();
        assert_eq!(row.status, RequestStatus::Rejected);
        assert_eq!(row.approver.as_deref(), Some("boss"));
        assert_eq!(row.decision_note.as_deref(), Some("wrong card"));
        assert!(row.decided_at.is_some() && row.payment_id.is_none());
        // The event: decided, not approved, no payout.
        loop {
            match rx.try_recv().unwrap() {
                TillEvent::PayoutDecided {
                    request_id,
                    approved,
                    payment_id,
                } => {
                    assert_eq!((request_id, approved, payment_id), (req.id, false, None));
                    break;
                }
                _ => continue,
            }
        }
        // Final: neither approved nor rejected again.
        let err = t
            .approve_payout(req.id, "dina", "3333")
            .await
            .err()
            .unwrap();
        assert_eq!(err.code(), "payout_not_pending");
        assert_eq!(
            code(t.reject_payout(req.id, "dina", "3333", None)),
            "payout_not_pending"
        );
        let listed = &t.payout_requests(10).unwrap()[0];
        assert_eq!(
            (listed.status, listed.payment_id.clone()),
            (RequestStatus::Rejected, None)
        );
        assert_eq!(
            t.core
                .db()
                .conn
                .query_row("SELECT count(*) FROM payments", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            0,
            "no payout was written"
        );
        assert!(actions(&t).contains(&(
            "boss".into(),
            "payout_rejected".into(),
            req.id.to_string()
        )));
        t.verify_audit().unwrap();
    }

    #[tokio::test]
    async fn an_expired_request_can_be_neither_approved_nor_rejected_and_own_rejection_is_fine() {
        let (t, card) = till();
        let old = request(&t, card, "anna", "1111");
        t.core
            .db()
            .conn
            .execute(
                "UPDATE payout_requests SET expires_at = 1 WHERE id = ?1",
                [old.id],
            )
            .unwrap();
        let err = t
            .approve_payout(old.id, "boss", "2222")
            .await
            .err()
            .unwrap();
        assert_eq!(err.code(), "payout_expired");
        assert_eq!(
            code(t.reject_payout(old.id, "boss", "2222", None)),
            "payout_expired"
        );
        assert_eq!(
            t.payout_requests(10).unwrap().last().unwrap().status,
            RequestStatus::Expired
        );
        // A manager withdraws their own request: allowed (no money moves), note optional.
        let own = request(&t, card, "boss", "2222");
        let err = t
            .approve_payout(own.id, "boss", "2222")
            .await
            .err()
            .unwrap();
        assert_eq!(err.code(), "self_approval");
        let row = t
            .reject_payout(own.id, "boss", "2222", Some("   "))
            .unwrap();
        assert_eq!(
            (row.status, row.decision_note),
            (RequestStatus::Rejected, None)
        );
        let too_long = "x".repeat(256);
        let other = request(&t, card, "anna", "1111");
        assert_eq!(
            code(t.reject_payout(other.id, "boss", "2222", Some(&too_long))),
            "invalid_request"
        );
        assert_eq!(
            t.payout_requests(10).unwrap()[0].status,
            RequestStatus::Requested
        );
    }

    /// The Argon2 work of a sign-in runs without the database lock: the engine (here, anyone
    /// taking the lock) never waits for it.
    #[test]
    fn a_sign_in_leaves_the_database_free_while_argon2_works() {
        let (t, _) = till();
        let signing = {
            let t = t.clone();
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                for _ in 0..3 {
                    t.verify_pin("anna", "1111").unwrap();
                }
                started.elapsed() / 3
            })
        };
        let mut longest = std::time::Duration::ZERO;
        while !signing.is_finished() {
            let asked = std::time::Instant::now();
            drop(t.core.db());
            longest = longest.max(asked.elapsed());
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let one = signing.join().unwrap();
        assert!(
            longest < one / 3,
            "the database waited {longest:?} beside sign-ins of {one:?} each"
        );
    }

    #[test]
    fn pins_are_changed_reset_and_unlocked_with_the_same_rule_and_an_audit_row() {
        let (t, _) = till();
        // Own change: the old PIN is checked, the new one follows the rule.
        assert_eq!(code(t.change_pin("anna", "1111", "12")), "bad_pin");
        assert_eq!(
            code(t.change_pin("anna", "1111", "1234567890123")),
            "bad_pin"
        );
        assert_eq!(
            code(t.add_user("zed", Role::Cashier, "12a4", "setup")),
            "bad_pin"
        );
        assert!(matches!(
            t.change_pin("anna", "9999", "5555"),
            Err(TillError::WrongPin { attempts_left: 2 })
        ));
        t.change_pin("anna", "1111", "5555").unwrap();
        assert_eq!(code(t.verify_pin("anna", "1111")), "wrong_pin");
        t.verify_pin("anna", "5555").unwrap();

        // Lock anna out, then a manager unlocks her.
        for _ in 0..3 {
            let _ = t.verify_pin("anna", "0000");
        }
        assert_eq!(code(t.verify_pin("anna", "5555")), "locked");
        assert_eq!(code(t.unlock_user("anna", "5555", "anna")), "locked");
        assert_eq!(code(t.unlock_user("boss", "0000", "anna")), "wrong_pin");
        assert_eq!(
            code(t.unlock_user("boss", "2222", "nobody")),
            "user_not_found"
        );
        t.unlock_user("boss", "2222", "anna").unwrap();
        t.verify_pin("anna", "5555").unwrap();

        // Locked again; a reset sets a new PIN and unlocks.
        for _ in 0..3 {
            let _ = t.verify_pin("anna", "0000");
        }
        assert_eq!(code(t.reset_pin("boss", "2222", "anna", "1")), "bad_pin");
        t.add_user("carl", Role::Cashier, "7777", "setup").unwrap();
        assert_eq!(
            code(t.reset_pin("carl", "7777", "anna", "4444")),
            "not_manager"
        );
        t.reset_pin("boss", "2222", "anna", "4444").unwrap();
        assert_eq!(code(t.verify_pin("anna", "5555")), "wrong_pin");
        t.verify_pin("anna", "4444").unwrap();

        let a = actions(&t);
        for (actor, action) in [
            ("anna", "pin_changed"),
            ("boss", "user_unlocked"),
            ("boss", "pin_reset"),
        ] {
            assert!(
                a.contains(&(actor.into(), action.into(), "anna".into())),
                "{actor} {action}: {a:?}"
            );
        }
        // No PIN in the audit log or the users table in clear.
        let dump: String = t
            .core
            .db()
            .conn
            .query_row("SELECT group_concat(detail, ' ') FROM audit_log", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!dump.contains("4444") && !dump.contains("5555"), "{dump}");
        t.verify_audit().unwrap();
    }

    #[tokio::test]
    async fn inactive_users_cannot_sign_in_or_decide_and_the_last_manager_stays() {
        let (t, card) = till();
        let req = request(&t, card, "anna", "1111");
        assert_eq!(
            code(t.set_user_active("anna", "1111", "boss", false)),
            "not_manager"
        );
        let u = t.set_user_active("boss", "2222", "anna", false).unwrap();
        assert!(!u.active);
        // Idempotent: no second audit row.
        let before = actions(&t).len();
        t.set_user_active("boss", "2222", "anna", false).unwrap();
        assert_eq!(actions(&t).len(), before);
        assert_eq!(code(t.verify_pin("anna", "1111")), "user_inactive");
        // A wrong PIN on an inactive account says wrong_pin, not whether the account exists.
        assert_eq!(code(t.verify_pin("anna", "0000")), "wrong_pin");
        assert_eq!(code(t.change_pin("anna", "1111", "4444")), "user_inactive");
        let listed = t.users().unwrap();
        assert!(!listed.iter().find(|u| u.name == "anna").unwrap().active);

        // dina deactivated: she can no longer approve or reject.
        t.set_user_active("boss", "2222", "dina", false).unwrap();
        let err = t
            .approve_payout(req.id, "dina", "3333")
            .await
            .err()
            .unwrap();
        assert_eq!(err.code(), "user_inactive");
        assert_eq!(
            code(t.reject_payout(req.id, "dina", "3333", None)),
            "user_inactive"
        );
        assert_eq!(
            code(t.reset_pin("dina", "3333", "anna", "4444")),
            "user_inactive"
        );
        // boss is the last active manager: cannot deactivate himself.
        assert_eq!(
            code(t.set_user_active("boss", "2222", "boss", false)),
            "last_manager"
        );
        assert!(t.verify_pin("boss", "2222").unwrap().active);
        // Reactivate dina; now boss may step down, and dina is the last one.
        t.set_user_active("boss", "2222", "dina", true).unwrap();
        t.set_user_active("boss", "2222", "boss", false).unwrap();
        assert_eq!(code(t.verify_pin("boss", "2222")), "user_inactive");
        assert_eq!(
            code(t.set_user_active("dina", "3333", "dina", false)),
            "last_manager"
        );
        t.set_user_active("dina", "3333", "anna", true).unwrap();
        t.verify_pin("anna", "1111").unwrap();
        // The request anna made while inactive-then-active is still decidable.
        t.reject_payout(req.id, "dina", "3333", None).unwrap();
        let a = actions(&t);
        for (actor, action, subject) in [
            ("boss", "user_deactivated", "anna"),
            ("boss", "user_deactivated", "dina"),
            ("boss", "user_activated", "dina"),
            ("boss", "user_deactivated", "boss"),
            ("dina", "user_activated", "anna"),
        ] {
            assert!(
                a.contains(&(actor.into(), action.into(), subject.into())),
                "{actor} {action} {subject}: {a:?}"
            );
        }
        t.verify_audit().unwrap();
    }
}
