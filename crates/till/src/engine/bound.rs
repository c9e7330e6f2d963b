//! A payment is bound to the gateway that knows it. Each payment row keeps the project, the
//! Gate and Payment Page URLs it was made with and which secret signed it (a key id); every
//! poll, resend and check of that payment goes there, never to whatever the config says now.
//! A manager who moves the till to another gateway or project (through the Connect probe)
//! leaves the old payments followed where they were made: asking the new gateway would answer
//! 3061 and a resend there could pay the same `payment_id` twice.

use std::sync::Arc;

use ecommpay::gate::GateClient;
use ecommpay::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::core::{gate_client, Core};
use crate::db::payments::Payment;
use crate::error::{Result, TillError};
use crate::keystore::names;

/// A short, stable id of a secret: which secret signed a payment, without the secret
/// (HMAC-SHA256 under a fixed label, 16 hex digits; a project secret has far more entropy than
/// that, so nothing about it can be recovered from the id).
pub fn secret_id(secret: &Secret) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_for_keyring().as_bytes())
        .expect("HMAC takes any key length");
    mac.update(b"cashier secret id v1");
    mac.finalize().into_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The keyring name a replaced secret is kept under while payments signed with it are open.
pub(crate) fn retired_secret_name(id: &str) -> String {
    format!("{}.{id}", names::API_SECRET)
}

impl Core {
    /// The id of the current secret.
    pub(crate) fn current_secret_id(&self) -> Result<String> {
        Ok(secret_id(&self.secret()?))
    }

    /// The secret payment `p` was signed with: the current one, or a replaced one kept in the
    /// keyring for as long as payments signed with it are open.
    pub(crate) fn secret_for(&self, p: &Payment) -> Result<Secret> {
        let current = self.secret()?;
        match p.secret_id.as_deref() {
            None => Ok(current),
            Some(id) if id == secret_id(&current) => Ok(current),
            Some(id) => {
                let text = self
                    .keys
                    .get(&retired_secret_name(id))?
                    .ok_or(TillError::SecretMissing)?;
                Secret::new_checked(text.as_str()).map_err(|_| TillError::SecretEmpty)
            }
        }
    }

    /// The Gate client for payment `p`: its own gateway, project and secret.
    pub(crate) fn gate_for(&self, p: &Payment) -> Result<Arc<GateClient>> {
        let cfg = self.config();
        let url = if p.gateway_url.is_empty() {
            cfg.gateway_url.trim_end_matches('/')
        } else {
            p.gateway_url.trim_end_matches('/')
        };
        let secret = self.secret_for(p)?;
        let id = secret_id(&secret);
        let same = url == cfg.gateway_url.trim_end_matches('/')
            && p.project_id == cfg.project_id
            && self.current_secret_id()? == id;
        if same {
            return self.gate();
        }
        let key = (url.to_owned(), p.project_id, id);
        let mut cache = self.bound_gates.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(g) = cache.get(&key) {
            return Ok(g.clone());
        }
        let mut own = cfg.clone();
        own.gateway_url = url.to_owned();
        own.project_id = p.project_id;
        let client = Arc::new(gate_client(&own, secret)?);
        cache.insert(key, client.clone());
        Ok(client)
    }

    /// The Payment Page base URL of payment `p`.
    pub(crate) fn page_url_for(&self, p: &Payment) -> String {
        if p.payment_page_url.is_empty() {
            self.config().payment_page_url
        } else {
            p.payment_page_url.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_ids_are_stable_short_and_differ() {
        let a = secret_id(&Secret::new("one"));
        assert_eq!(a, secret_id(&Secret::new("one")));
        assert_eq!(a.len(), 16);
        assert_ne!(a, secret_id(&Secret::new("two")));
        assert!(!a.contains("one"));
    }
}
