//! [`Till`]: the one service object the desktop app and the CLI call.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ecommpay::gate::StatusRequest;
use ecommpay::{Secret, Tiyin};
use serde::Serialize;
use serde_json::json;
use tokio::sync::broadcast;

use crate::config::{self, Config};
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
use crate::keystore::{names, KeyStore, OsKeyring};
use crate::listener::{self, ListenerHandle};

/// What `init` needs.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub project_id: u64,
    pub gateway_url: String,
    pub till_code: String,
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
    core: Arc<Core>,
}

impl Till {
    /// Sets up (or updates) the data folder: config, database, and the card vault key in the
    /// OS keyring (so a missing keyring shows at once, not at the first sale).
    pub fn init(data_dir: &Path, opts: &InitOptions) -> Result<Till> {
        std::fs::create_dir_all(data_dir).map_err(|e| TillError::DataDir {
            path: data_dir.to_owned(),
            detail: e.to_string(),
        })?;
        let mut cfg = match Config::load(data_dir) {
            Ok(c) => c,
            Err(TillError::NotInitialised(_)) => Config::default(),
            Err(e) => return Err(e),
        };
        cfg.project_id = opts.project_id;
        cfg.gateway_url = opts.gateway_url.trim_end_matches('/').to_owned();
        cfg.till_code = opts.till_code.clone();
        cfg.validate()?;
        let keys = Box::new(OsKeyring::for_data_dir(data_dir));
        let db = Db::open(&data_dir.join(config::defaults::DB_FILE))?;
        let till = Till::from_parts(data_dir.to_owned(), cfg.clone(), db, keys);
        till.core.vault()?;
        cfg.save(data_dir)?;
        audit::append(
            &till.core.db().conn,
            "operator",
            "init",
            &cfg.till_code,
            &json!({"project_id": cfg.project_id, "gateway_url": cfg.gateway_url}),
        )?;
        Ok(till)
    }

    /// Opens an initialised data folder with the OS keyring.
    pub fn open(data_dir: &Path) -> Result<Till> {
        let cfg = Config::load(data_dir)?;
        let db = Db::open(&data_dir.join(config::defaults::DB_FILE))?;
        let keys = Box::new(OsKeyring::for_data_dir(data_dir));
        let till = Till::from_parts(data_dir.to_owned(), cfg, db, keys);
        payouts::expire(&till.core.db().conn)?;
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
        let vault = self.core.vault()?;
        users::add(
            &self.core.db().conn,
            name,
            role,
            pin,
            &vault.pin_pepper(),
            actor,
        )
    }

    pub fn users(&self) -> Result<Vec<User>> {
        users::list(&self.core.db().conn)
    }

    /// Sign-in: the user when the PIN is right; wrong PINs count towards a lock-out.
    pub fn verify_pin(&self, name: &str, pin: &str) -> Result<User> {
        let vault = self.core.vault()?;
        users::verify_pin(
            &self.core.db().conn,
            name,
            pin,
            &vault.pin_pepper(),
            self.pin_policy(),
        )
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
        self.core.gate()?;
        let events = self.core.events.subscribe();
        let (row, payment_id) = self.core.approve_payout(request_id, &user)?;
        Ok(self.core.spawn_drive(row, payment_id, events))
    }

    pub fn payout_requests(&self, limit: u32) -> Result<Vec<PayoutRequestRow>> {
        let db = self.core.db();
        payouts::expire(&db.conn)?;
        payouts::list(&db.conn, limit)
    }

    // ---- reading ----

    pub fn payment(&self, payment_id: &str) -> Result<Payment> {
        payments::get(&self.core.db().conn, payment_id)
    }

    /// Every gateway message of a payment, in order (redacted).
    pub fn payment_timeline(&self, payment_id: &str) -> Result<Vec<TimelineEntry>> {
        let db = self.core.db();
        let p = payments::get(&db.conn, payment_id)?;
        messages::timeline(&db.conn, p.id)
    }

    pub fn history(
        &self,
        filter: &HistoryFilter,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Page> {
        history::page(&self.core.db().conn, filter, after, limit)
    }

    pub fn export_csv<W: Write>(
        &self,
        out: W,
        filter: &HistoryFilter,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        history::export_csv(&self.core.db().conn, filter, out, progress)
    }

    /// Saved cards, masked only.
    pub fn cards(&self) -> Result<Vec<Card>> {
        cards::list(&self.core.db().conn)
    }

    pub fn verify_audit(&self) -> Result<u64> {
        audit::verify(&self.core.db().conn)
    }

    // ---- recovery and following ----

    /// One recovery pass over every open payment (status; 3061 → same request again).
    pub async fn recover(&self) -> Result<RecoveryReport> {
        self.core.recover_once().await
    }

    /// Follows one payment to its end (or its follow limit) in this task.
    pub async fn follow(&self, payment_id: &str) -> Result<Payment> {
        let row = self.payment(payment_id)?.id;
        self.core.clone().drive(row).await
    }

    /// Spawns a follower for every open payment (the desktop app at start).
    pub fn resume_all(&self) -> Result<Vec<PaymentHandle>> {
        let open = payments::open(&self.core.db().conn)?;
        Ok(open
            .into_iter()
            .map(|p| {
                self.core
                    .spawn_drive(p.id, p.payment_id, self.core.events.subscribe())
            })
            .collect())
    }

    // ---- listener ----

    pub async fn start_listener(&self) -> Result<ListenerHandle> {
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
        let vault = self.core.vault();
        out.push(Check {
            name: "keyring",
            ok: vault.is_ok(),
            detail: match &vault {
                Ok(_) => format!("card vault key present ({})", self.core.keys.describe()),
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
        let probe = format!("{}-DOCTOR-{}", cfg.till_code, crate::db::now_ms());
        let req = StatusRequest::new(&probe).expect("a valid id");
        let (reach, sig) = match gate.status(&req).await {
            Err(e) if e.is_not_found() => (
                (true, "reachable".to_owned()),
                (true, "the gateway accepted our signature (unknown payment: 3061, as expected)".to_owned()),
            ),
            Err(e) if e.code() == Some(ecommpay::gate::codes::INVALID_SIGNATURE) || e.code() == Some(ecommpay::gate::codes::EMPTY_SIGNATURE) => (
                (true, "reachable".to_owned()),
                (false, format!("the gateway refused our signature: {e}; check the secret and the project id")),
            ),
            Err(e) if !e.may_have_arrived() && matches!(e, ecommpay::gate::GateError::Unreachable(_)) => (
                (false, format!("{} ({})", e, gateway_code(&e))),
                (false, "not checked".to_owned()),
            ),
            Err(e) => ((true, "reachable".to_owned()), (false, format!("unexpected answer: {e}"))),
            Ok(_) => ((true, "reachable".to_owned()), (false, "a payment with the probe id exists?".to_owned())),
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
}
