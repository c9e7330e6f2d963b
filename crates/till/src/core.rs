//! The shared inside of a [`crate::Till`]: configuration, the database, the keyring, the
//! lazily loaded secret and card vault, the Gate client, and the event channel.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use ecommpay::gate::{GateClient, GateConfig, Timeouts};
use ecommpay::Secret;
use tokio::sync::broadcast;

use crate::config::Config;
use crate::db::Db;
use crate::error::{Result, TillError};
use crate::events::TillEvent;
use crate::keystore::{names, KeyStore};
use crate::vault::CardVault;

/// The meta key of the vault's key-check value.
pub(crate) const META_KEY_CHECK: &str = "vault_key_check";

pub(crate) struct Core {
    pub data_dir: PathBuf,
    pub config: RwLock<Config>,
    db: Mutex<Db>,
    pub keys: Box<dyn KeyStore>,
    gate: Mutex<Option<Arc<GateClient>>>,
    vault: Mutex<Option<Arc<CardVault>>>,
    pub events: broadcast::Sender<TillEvent>,
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
        Core {
            data_dir,
            config: RwLock::new(config),
            db: Mutex::new(db),
            keys,
            gate: Mutex::new(None),
            vault: Mutex::new(None),
            events,
        }
    }

    /// The database. Never held across an `.await`.
    pub fn db(&self) -> MutexGuard<'_, Db> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn emit(&self, e: TillEvent) {
        tracing::debug!(?e, "event");
        // No subscriber is fine: the desktop app may not be listening yet.
        let _ = self.events.send(e);
    }

    pub fn emit_all(&self, events: Vec<TillEvent>) {
        for e in events {
            self.emit(e);
        }
    }

    /// The project secret from the keyring.
    pub fn secret(&self) -> Result<Secret> {
        let text = self
            .keys
            .get(names::API_SECRET)?
            .ok_or(TillError::SecretMissing)?;
        Secret::new_checked(text.as_str()).map_err(|_| TillError::SecretEmpty)
    }

    /// Stores a new secret and forgets the cached client.
    pub fn set_secret(&self, secret: &Secret) -> Result<()> {
        self.keys
            .set(names::API_SECRET, secret.expose_for_keyring())?;
        *self.gate.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    /// Forgets the cached client (after a config change).
    pub fn reset_gate(&self) {
        *self.gate.lock().unwrap_or_else(|e| e.into_inner()) = None;
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
            None if check.is_some() => return Err(TillError::DataKeyMissing),
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
