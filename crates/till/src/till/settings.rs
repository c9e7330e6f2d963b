//! Settings and the API secret: every change needs an [`Authority`] (a manager once the till
//! has one) and is audited under its name.

use ecommpay::Secret;
use serde_json::json;

use super::Till;
use crate::auth::{Authority, Session};
use crate::config::Config;
use crate::connect;
use crate::db::audit;
use crate::error::{Result, TillError};
use crate::keystore::names;

impl Till {
    pub fn config(&self) -> Config {
        self.core.config()
    }

    /// Every setting as `key = value` (the secret is not a setting: see
    /// [`Till::secret_configured`]).
    pub fn settings(&self) -> Vec<(String, String)> {
        self.core.config().to_pairs()
    }

    /// Changes one setting, validated, saved atomically and audited under `auth`'s name.
    /// Every setting is a manager's (limits, lock-out and timing included), except the
    /// language: see [`Till::set_language`].
    pub fn set_setting(&self, auth: &Authority, key: &str, value: &str) -> Result<()> {
        self.still_valid(auth, key)?;
        self.write_setting(auth.actor(), key, value)
    }

    /// Several settings at once (the demo's, at every start): validated together, config.toml
    /// saved once, and one audit row for each that changed, in one transaction. Nothing is
    /// written when one is refused, nor when every one already holds its value.
    pub fn set_settings(&self, auth: &Authority, changes: &[(&str, &str)]) -> Result<()> {
        for (key, _) in changes {
            self.still_valid(auth, key)?;
        }
        if let Some((key, _)) = changes.iter().find(|(k, _)| connect::needs_connect(k)) {
            if self.secret_configured()? {
                return Err(TillError::NeedsConnect((*key).to_owned()));
            }
        }
        let changed = self.core.update_config_if(
            |cfg| {
                // The config as pairs once before and once after (each is a whole
                // serialisation), not twice per key.
                let before = cfg.to_pairs();
                for (key, value) in changes {
                    cfg.set(key, value)?;
                }
                let after = cfg.to_pairs();
                let value_of = |pairs: &[(String, String)], key: &str| {
                    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
                };
                Ok(changes
                    .iter()
                    .filter(|(key, _)| value_of(&before, key) != value_of(&after, key))
                    .copied()
                    .collect::<Vec<_>>())
            },
            |changed| !changed.is_empty(),
        )?;
        if changed.is_empty() {
            return Ok(());
        }
        let db = self.core.db();
        let tx = db.conn.unchecked_transaction()?;
        for (key, value) in changed {
            audit::append(
                &tx,
                auth.actor(),
                "setting_changed",
                key,
                &json!({"value": value}),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Anyone (signed in or not) switches the language: it changes what people read, nothing
    /// the till does.
    pub fn set_language(&self, session: Option<&Session>, language: &str) -> Result<()> {
        let actor = session.map_or("sign-in screen", Session::name);
        self.write_setting(actor, "language", language)
    }

    fn write_setting(&self, actor: &str, key: &str, value: &str) -> Result<()> {
        if connect::needs_connect(key) && self.secret_configured()? {
            return Err(TillError::NeedsConnect(key.to_owned()));
        }
        self.core.update_config(|cfg| cfg.set(key, value))?;
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
    pub fn set_secret(&self, auth: &Authority, text: &str) -> Result<()> {
        self.still_valid(auth, "the API secret")?;
        let secret = Secret::new_checked(text).map_err(|_| TillError::SecretEmpty)?;
        self.core.set_secret(&secret)?;
        audit::append(
            &self.core.db().conn,
            auth.actor(),
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
}
