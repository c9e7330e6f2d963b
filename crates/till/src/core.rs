//! The shared inside of a [`crate::Till`]: configuration, the database, the keyring, the
//! lazily loaded secret and card vault, the Gate client, and the event channel.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use ecommpay::gate::{GateClient, GateConfig, Timeouts};
use ecommpay::Secret;
use rusqlite::Connection;
use tokio::sync::broadcast;

use crate::config::Config;
use crate::db::audit;
use crate::db::payments::{Payment, State};
use crate::db::readers::Readers;
use crate::db::Db;
use crate::error::{Result, TillError};
use crate::events::TillEvent;
use crate::keystore::{names, KeyStore};
use crate::pepper::{Key256, PinPepper, Purpose};
use crate::vault::CardVault;

/// The meta key of the vault's key-check value.
pub(crate) const META_KEY_CHECK: &str = "vault_key_check";
/// The meta key of the PIN pepper's check value.
pub(crate) const META_PEPPER_CHECK: &str = "pin_pepper_check";
/// The meta key of the audit key's check value.
pub(crate) const META_AUDIT_CHECK: &str = "audit_key_check";

pub(crate) struct Core {
    pub data_dir: PathBuf,
    pub config: RwLock<Config>,
    db: Mutex<Db>,
    /// Read-only connections for what people read (see [`Core::read`]); `None` for an
    /// in-memory database, which only its one connection can see.
    readers: Option<Readers>,
    pub keys: Box<dyn KeyStore>,
    gate: Mutex<Option<Arc<GateClient>>>,
    /// The secret, read from the keyring once (the Payment Page flow signs a link per sale and
    /// must not wait for the keyring each time); wiped on drop like every `Secret`.
    secret: Mutex<Option<Secret>>,
    vault: Mutex<Option<Arc<CardVault>>>,
    pin_pepper: Mutex<Option<Arc<PinPepper>>>,
    audit_key: Mutex<Option<Arc<Key256>>>,
    pub events: broadcast::Sender<TillEvent>,
    /// The links, results and warnings already announced, by payment: a link or result that
    /// a follower finds in the database (another process received it) is announced once, and
    /// never twice when this process received it itself.
    announced: Mutex<HashSet<(String, u8)>>,
    /// Gate clients for payments bound to another gateway, project or secret than the
    /// config's (see `engine::bound`), by (URL, project, secret id).
    pub(crate) bound_gates: Mutex<HashMap<(String, u64, String), Arc<GateClient>>>,
    /// Callbacks refused for their signature since the till started (the listener counts
    /// them instead of storing each one).
    rejected_callbacks: std::sync::atomic::AtomicU64,
    /// The data folder's engine lock, once this process drives payments (see `lock`).
    engine: Mutex<Option<crate::lock::EngineLock>>,
}

/// Which announcement an event is, for [`Core::emit`]'s once-only rule.
fn announcement(e: &TillEvent) -> Option<(String, u8)> {
    let (id, k) = match e {
        TillEvent::Link { payment_id, .. } => (payment_id, 0),
        TillEvent::Final {
            payment_id, state, ..
        } => (payment_id, if *state == State::Success { 1 } else { 2 }),
        TillEvent::LinkMissing { payment_id, .. } => (payment_id, 3),
        TillEvent::LateSuccess { payment_id, .. } => (payment_id, 4),
        TillEvent::LateDecline { payment_id, .. } => (payment_id, 5),
        _ => return None,
    };
    Some((id.clone(), k))
}

/// A Gate client for `cfg` (its URL, project and timeouts) signing with `secret`.
pub(crate) fn gate_client(cfg: &Config, secret: Secret) -> Result<GateClient> {
    let mut gc = GateConfig::new(cfg.gateway_url.trim_end_matches('/'), cfg.project());
    gc.timeouts = Timeouts {
        connect: Duration::from_millis(cfg.timing.http_connect_ms),
        read: Duration::from_millis(cfg.timing.http_read_ms),
    };
    Ok(GateClient::new(gc, secret)?)
}

impl Core {
    pub fn new(data_dir: PathBuf, config: Config, db: Db, keys: Box<dyn KeyStore>) -> Core {
        let (events, _) = broadcast::channel(1024);
        let readers = db.file_path().map(Readers::new);
        Core {
            data_dir,
            config: RwLock::new(config),
            db: Mutex::new(db),
            readers,
            keys,
            gate: Mutex::new(None),
            secret: Mutex::new(None),
            vault: Mutex::new(None),
            pin_pepper: Mutex::new(None),
            audit_key: Mutex::new(None),
            events,
            announced: Mutex::new(HashSet::new()),
            bound_gates: Mutex::new(HashMap::new()),
            engine: Mutex::new(None),
            rejected_callbacks: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Makes this process the one that drives the data folder's payments (taken once, kept
    /// until the till is dropped); refused when another process holds it.
    pub fn take_engine(&self, program: &str) -> Result<()> {
        let mut slot = self.engine.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(crate::lock::acquire(&self.data_dir, program)?);
        }
        Ok(())
    }

    /// [`Core::take_engine`] under the program's own name, for every call that drives payments.
    pub fn engine(&self) -> Result<()> {
        if self
            .engine
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return Ok(());
        }
        self.take_engine(&crate::lock::default_program())
    }

    /// Counts one refused callback; returns the count so far.
    pub fn count_rejected_callback(&self) -> u64 {
        self.rejected_callbacks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1
    }

    /// Callbacks refused for their signature since the till started.
    pub fn rejected_callbacks(&self) -> u64 {
        self.rejected_callbacks
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The database. Never held across an `.await`.
    pub fn db(&self) -> MutexGuard<'_, Db> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs a read on a read-only connection of its own (WAL: it neither waits for the
    /// engine's writes nor holds them up, however long it takes); through the writer for an
    /// in-memory database, or when no read-only connection can be opened.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if let Some(readers) = &self.readers {
            match readers.take() {
                Ok(db) => {
                    let out = f(db.connection());
                    readers.put(db);
                    return out;
                }
                Err(e) => tracing::warn!(
                    code = e.code(),
                    "no read-only connection, reading through the writer: {e}"
                ),
            }
        }
        f(&self.db().conn)
    }

    pub fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Changes the config with `change`, saves it to config.toml and makes it the running one,
    /// all under the config's write lock: two changes at once (the cashier's language and a
    /// manager's setting, or two quick language switches) each apply to what the other left,
    /// and none is lost to a read-modify-write race. Nothing changes when `change` or the
    /// save fails.
    pub fn update_config<T>(&self, change: impl FnOnce(&mut Config) -> Result<T>) -> Result<T> {
        self.update_config_if(change, |_| true)
    }

    /// [`Core::update_config`], saved only when `save(&what change returned)` says so.
    pub fn update_config_if<T>(
        &self,
        change: impl FnOnce(&mut Config) -> Result<T>,
        save: impl FnOnce(&T) -> bool,
    ) -> Result<T> {
        let mut running = self.config.write().unwrap_or_else(|e| e.into_inner());
        let mut cfg = running.clone();
        let out = change(&mut cfg)?;
        if !save(&out) {
            return Ok(out);
        }
        cfg.save(&self.data_dir)?;
        *running = cfg;
        drop(running);
        self.reset_gate();
        Ok(out)
    }

    /// Tells subscribers. A link, a result, a missing-link warning and a late success are
    /// told once per payment and process, whoever finds them.
    pub fn emit(&self, e: TillEvent) {
        if let Some(key) = announcement(&e) {
            let mut seen = self.announced.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() > 100_000 {
                seen.clear(); // a till that ran for months: forget the oldest all at once
            }
            if !seen.insert(key) {
                return;
            }
        }
        tracing::debug!(?e, "event");
        // No subscriber is fine: the desktop app may not be listening yet.
        let _ = self.events.send(e);
    }

    pub fn emit_all(&self, events: Vec<TillEvent>) {
        for e in events {
            self.emit(e);
        }
    }

    /// Announces what the database knows of `p` (its link, its result), so that a follower
    /// in this process shows what another process received. Once each (see [`Core::emit`]).
    pub fn announce_record(&self, p: &Payment) {
        for e in [TillEvent::link_of(p), TillEvent::final_of(p)]
            .into_iter()
            .flatten()
        {
            self.emit(e);
        }
    }

    /// The project secret, from the keyring on first use.
    pub fn secret(&self) -> Result<Secret> {
        let mut slot = self.secret.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let Some(text) = self.keys.get(names::API_SECRET)? else {
            // Set once and gone now: the till's keys are missing, not yet to be entered.
            return Err(match self.missing_keys()? {
                m if m.is_empty() => TillError::SecretMissing,
                _ => self.keys_missing()?,
            });
        };
        let secret = Secret::new_checked(text.as_str()).map_err(|_| TillError::SecretEmpty)?;
        *slot = Some(secret.clone());
        Ok(secret)
    }

    /// Stores a new secret and forgets the cached one and the client.
    pub fn set_secret(&self, secret: &Secret) -> Result<()> {
        self.keys
            .set(names::API_SECRET, secret.expose_for_keyring())?;
        *self.secret.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *self.gate.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    /// Forgets the cached client (after a config change).
    pub fn reset_gate(&self) {
        *self.gate.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.bound_gates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The Gate client, built on first use.
    pub fn gate(&self) -> Result<Arc<GateClient>> {
        let mut slot = self.gate.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(g) = slot.as_ref() {
            return Ok(g.clone());
        }
        let client = Arc::new(gate_client(&self.config(), self.secret()?)?);
        *slot = Some(client.clone());
        Ok(client)
    }

    /// The card vault: the data key from the keyring, created on first use for a new
    /// database, refused when the database belongs to another key.
    pub fn vault(&self) -> Result<Arc<CardVault>> {
        let mut slot = self.vault.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = slot.as_ref() {
            return Ok(v.clone());
        }
        let check = self.db().meta_get(META_KEY_CHECK)?;
        let vault = match self.keys.get(names::DATA_KEY)? {
            Some(text) => {
                let v = CardVault::from_base64(&text).map_err(|_| TillError::DataKeyMismatch)?;
                match &check {
                    Some(c) if *c != v.check_value() => return Err(TillError::DataKeyMismatch),
                    Some(_) => {}
                    None => self.db().meta_set(META_KEY_CHECK, &v.check_value())?,
                }
                v
            }
            None if check.is_some() => return Err(self.keys_missing()?),
            None => {
                let (v, text) = CardVault::generate();
                self.keys.set(names::DATA_KEY, &text)?;
                self.db().meta_set(META_KEY_CHECK, &v.check_value())?;
                v
            }
        };
        let v = Arc::new(vault);
        *slot = Some(v.clone());
        Ok(v)
    }
}

impl Core {
    /// The PIN pepper ([`crate::pepper`]): from the keyring, created on first use for a
    /// database that has none yet, refused when the database belongs to another one.
    pub fn pin_pepper(&self) -> Result<Arc<PinPepper>> {
        self.till_key(
            &self.pin_pepper,
            names::PIN_PEPPER,
            META_PEPPER_CHECK,
            Purpose::PinPepper,
        )
    }

    /// The audit log's key ([`crate::db::audit`]), loaded into the writer connection so that
    /// every row appended from now on is HMAC-chained. Created on first use; a database that
    /// already has (unkeyed) rows then records the change in the first keyed row.
    pub fn audit_key(&self) -> Result<Arc<Key256>> {
        let key = self.till_key(
            &self.audit_key,
            names::AUDIT_KEY,
            META_AUDIT_CHECK,
            Purpose::AuditLog,
        )?;
        let db = self.db();
        audit::install_key(&db.conn, key.clone())?;
        audit::mark_keyed(&db.conn)?;
        Ok(key)
    }

    /// One of the till's own keys (see [`crate::pepper`]): cached in `slot`, read from the
    /// keyring, created for a database that has no check value yet, refused when the
    /// database's check value belongs to another key or the keyring lost it.
    fn till_key(
        &self,
        slot: &Mutex<Option<Arc<Key256>>>,
        name: &'static str,
        meta: &str,
        purpose: Purpose,
    ) -> Result<Arc<Key256>> {
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = slot.as_ref() {
            return Ok(p.clone());
        }
        let mismatch = || match purpose {
            Purpose::PinPepper => TillError::PinKeyMismatch,
            Purpose::AuditLog => {
                TillError::AuditKey("the key in the keyring belongs to another database".into())
            }
        };
        let check = self.db().meta_get(meta)?;
        let key = match self.keys.get(name)? {
            Some(text) => {
                let k = Key256::from_base64(&text, purpose).map_err(|_| mismatch())?;
                match &check {
                    Some(c) if *c != k.check_value() => return Err(mismatch()),
                    Some(_) => {}
                    None => self.db().meta_set(meta, &k.check_value())?,
                }
                k
            }
            None if check.is_some() => return Err(self.keys_missing()?),
            None => {
                let (k, text) = Key256::generate(purpose);
                self.keys.set(name, &text)?;
                self.db().meta_set(meta, &k.check_value())?;
                k
            }
        };
        let k = Arc::new(key);
        *slot = Some(k.clone());
        Ok(k)
    }

    /// The keys this till had that the keyring does not hold now (entry names): the card vault
    /// key and the PIN pepper when the database knows them (their check values), the API
    /// secret when it was ever set (the audit log says so).
    pub fn missing_keys(&self) -> Result<Vec<&'static str>> {
        let mut out = Vec::new();
        for (name, meta) in [
            (names::DATA_KEY, META_KEY_CHECK),
            (names::PIN_PEPPER, META_PEPPER_CHECK),
            (names::AUDIT_KEY, META_AUDIT_CHECK),
        ] {
            let known = self.db().meta_get(meta)?.is_some();
            if known && self.keys.get(name)?.is_none() {
                out.push(name);
            }
        }
        let set_once = crate::db::audit::has_action(&self.db().conn, "secret_set")?;
        if set_once && self.keys.get(names::API_SECRET)?.is_none() {
            out.push(names::API_SECRET);
        }
        Ok(out)
    }

    /// [`TillError::KeysMissing`] for this till, naming what is missing.
    pub fn keys_missing(&self) -> Result<TillError> {
        Ok(TillError::KeysMissing {
            data_dir: self.data_dir.clone(),
            missing: self.missing_keys()?,
        })
    }
}
