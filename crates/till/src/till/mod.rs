//! [`Till`]: the one service object the desktop app and the CLI call.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ecommpay::{Secret, Tiyin};
use serde_json::json;
use tokio::sync::broadcast;

mod doctor;
mod people;
mod print;
mod reconcile;
mod report;
mod settings;
mod shifts;

pub use doctor::Check;
pub use print::Receipt;

use crate::auth::Session;
use crate::config::{self, Config};
use crate::core::Core;
use crate::db::cards::Card;
use crate::db::history::{self, Cursor, HistoryFilter, Page};
use crate::db::messages::{self, TimelineEntry};
use crate::db::payments::{self, Payment};
use crate::db::payouts::{self, PayoutRequestRow};

use crate::db::{audit, cards, Db};
use crate::engine::payout::PayoutInput;
use crate::engine::recovery::RecoveryReport;
use crate::engine::PaymentHandle;
use crate::error::{Result, TillError};
use crate::events::TillEvent;
use crate::keystore::{self, KeyStore};
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
    ///
    /// A new demo folder gets `secret` (the demo gateway's) with its other keys, in one
    /// keyring write ([`keystore::demo_keyring`]); a demo folder set up before keeps its own
    /// (`set_secret` changes it).
    pub fn init_demo(data_dir: &Path, opts: &InitOptions, secret: &str) -> Result<Till> {
        create_data_dir(data_dir)?;
        let mut cfg = Till::init_config_as(data_dir, opts, true)?;
        Secret::new_checked(secret).map_err(|_| TillError::SecretEmpty)?;
        let (keys, secret_stored) = keystore::demo_keyring(data_dir, &mut cfg, Some(secret))?;
        let till = Till::init_with_keys(data_dir, cfg, keys)?;
        if secret_stored {
            // As `set_secret` records it (`missing_keys` reads this: the secret was set once).
            audit::append(
                &till.core.db().conn,
                "demo",
                "secret_set",
                "api-secret",
                &json!({}),
            )?;
        }
        Ok(till)
    }

    /// The writing half of [`Till::init`], for a `cfg` from [`Till::init_config`] and a data
    /// folder that exists.
    pub(crate) fn init_with(data_dir: &Path, mut cfg: Config) -> Result<Till> {
        let keys = keystore::open_keys(data_dir, &mut cfg)?;
        Till::init_with_keys(data_dir, cfg, keys)
    }

    fn init_with_keys(data_dir: &Path, cfg: Config, keys: Box<dyn KeyStore>) -> Result<Till> {
        let db = Db::open(&data_dir.join(config::defaults::DB_FILE))?;
        let till = Till::from_parts(data_dir.to_owned(), cfg.clone(), db, keys);
        till.core.vault()?;
        till.core.pin_pepper()?;
        till.core.audit_key()?;
        cfg.save(data_dir)?;
        audit::append(
            &till.core.db().conn,
            "setup",
            "init",
            &cfg.till_code,
            &json!({"project_id": cfg.project_id, "gateway_url": cfg.gateway_url, "payment_page_url": cfg.payment_page_url, "flow": cfg.sale.flow}),
        )?;
        Ok(till)
    }

    /// Opens an initialised data folder with the OS keyring (the demo's: or its key file).
    pub fn open(data_dir: &Path) -> Result<Till> {
        let mut cfg = Config::load(data_dir)?;
        let had_id = !cfg.till_id.is_empty();
        let keys = keystore::open_keys(data_dir, &mut cfg)?;
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
    ///
    /// The audit key is loaded here: every change is audited, and the audit log is keyed. A
    /// keyring that cannot give it now (missing keys, no keyring) is not an error yet: the
    /// till still opens to say what is missing, and any change fails with `audit_key`.
    pub fn from_parts(data_dir: PathBuf, config: Config, db: Db, keys: Box<dyn KeyStore>) -> Till {
        let till = Till {
            core: Arc::new(Core::new(data_dir, config, db, keys)),
        };
        if let Err(e) = till.core.audit_key() {
            tracing::warn!("the audit key is not available: {e}");
        }
        till
    }

    pub fn data_dir(&self) -> &Path {
        &self.core.data_dir
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

    /// Asks for a payout, as the signed-in `requester` (a request always names who asks, so
    /// that they can never approve it themselves).
    pub fn request_payout(
        &self,
        input: &PayoutInput,
        requester: &Session,
    ) -> Result<PayoutRequestRow> {
        self.core.request_payout(input, requester.user())
    }

    /// A manager approves with a PIN; the payout is written, then sent and followed.
    pub async fn approve_payout(
        &self,
        request_id: i64,
        manager: &str,
        pin: &str,
    ) -> Result<PaymentHandle> {
        let user = self.manager_by_pin(manager, pin)?;
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
        let user = self.manager_by_pin(manager, pin)?;
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

    /// Walks the audit log's HMAC chain: the rows and the head when it holds,
    /// [`TillError::AuditBroken`] naming the first row that does not.
    pub fn verify_audit(&self) -> Result<audit::Verified> {
        self.core.audit_key()?;
        audit::verify(&self.core.db().conn)
    }

    /// The audit log's head (its newest row's id and hash), for reports.
    pub fn audit_head(&self) -> Result<Option<audit::Head>> {
        audit::head(&self.core.db().conn)
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
}

#[cfg(test)]
mod tests;
