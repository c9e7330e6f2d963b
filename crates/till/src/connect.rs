//! Connecting a till to the real gateway (the desktop app's "Connect to ECommPay"; `doctor`
//! shares the probe). The credentials are checked against the gateway before anything is
//! written, so a typo never leaves a half set-up till behind.

use std::path::Path;

use ecommpay::gate::{codes, GateClient, GateError, StatusRequest};
use ecommpay::Secret;

use serde::Serialize;
use serde_json::json;

use crate::core::gate_client;
use crate::db::{audit, payments};
use crate::engine::bound::{retired_secret_name, secret_id};
use crate::error::{Result, TillError};
use crate::till::{create_data_dir, InitOptions, Till};

/// What [`Till::reconnect`] changed.
#[derive(Debug, Clone, Serialize)]
pub struct Reconnected {
    pub project_id: u64,
    pub gateway_url: String,
    /// Open payments made with another gateway or project: still followed there until final.
    pub still_followed_elsewhere: usize,
}

/// What the gateway made of a signed status request for a payment id nobody used.
#[derive(Debug)]
pub enum Probe {
    /// It answered as for a valid request (3061 "unknown payment", or a signed answer):
    /// the URL, the project id and the secret are right.
    Accepted,
    /// It refused the project or the signature, or its answer does not verify with our secret.
    Refused(GateError),
    /// Anything else: unreachable, timed out, a server error, an unexpected answer.
    Failed(GateError),
}

/// Asks the gateway for the status of a fresh id (`<till>-PROBE-<ms>`): nothing is created.
pub async fn probe(gate: &GateClient, till_code: &str) -> Probe {
    let id = format!("{till_code}-PROBE-{}", crate::db::now_ms());
    let req = match StatusRequest::new(&id) {
        Ok(r) => r,
        Err(e) => return Probe::Failed(GateError::Invalid(e)),
    };
    match gate.status(&req).await {
        Ok(_) => Probe::Accepted,
        Err(e) if e.is_not_found() => Probe::Accepted,
        Err(e)
            if matches!(
                e.code(),
                Some(codes::INVALID_SIGNATURE | codes::EMPTY_SIGNATURE | codes::UNKNOWN_PROJECT)
            ) =>
        {
            Probe::Refused(e)
        }
        Err(e @ GateError::BadSignature { .. }) => Probe::Refused(e),
        Err(e) => Probe::Failed(e),
    }
}

impl Till {
    /// Sets up the till in `data_dir` for the real gateway: checks every input, then the
    /// credentials against the gateway ([`probe`]), and only then writes the config, the
    /// database, the card vault key and the secret (keyring). An existing till there (set up by
    /// `cashier init` without a secret) keeps its users and history.
    ///
    /// A folder whose till has a manager already needs that manager (`manager`: name and
    /// PIN), checked before anything is written.
    pub async fn connect(
        data_dir: &Path,
        opts: &InitOptions,
        secret: &str,
        manager: Option<(&str, &str)>,
    ) -> Result<Till> {
        if let Ok(existing) = Till::open(data_dir) {
            existing.authorize("connecting this till", manager)?;
        }
        let cfg = Till::init_config(data_dir, opts)?;
        let checked = Secret::new_checked(secret).map_err(|_| TillError::SecretEmpty)?;
        let gate = gate_client(&cfg, checked)?;
        // (`cfg` is what `init` writes: the probe tried exactly these settings.)
        match probe(&gate, &cfg.till_code).await {
            Probe::Accepted => {}
            Probe::Refused(e) => return Err(TillError::CredentialsRefused(e.to_string())),
            Probe::Failed(e) => return Err(TillError::Gateway(e)),
        }
        create_data_dir(data_dir)?;
        let till = Till::init_with(data_dir, cfg)?;
        let auth = till.authorize("connecting this till", manager)?;
        till.set_secret(&auth, secret)?;
        Ok(till)
    }
}

impl Till {
    /// Moves a till that has a secret to another project, gateway or secret: the new
    /// credentials are probed first ([`probe`]); nothing changes when the gateway refuses
    /// them. Payments made before stay bound to the gateway, project and secret they were made
    /// with (a replaced secret is kept in the keyring under its id while payments signed with
    /// it are open) and are followed there until final.
    pub async fn reconnect(
        &self,
        project_id: u64,
        gateway_url: &str,
        payment_page_url: Option<&str>,
        secret: Option<&str>,
        auth: &crate::auth::Authority,
    ) -> Result<Reconnected> {
        self.still_valid(auth, "moving the till to another project or gateway")?;
        let actor = auth.actor();
        let mut cfg = self.config();
        cfg.project_id = project_id;
        cfg.gateway_url = gateway_url.trim().trim_end_matches('/').to_owned();
        if let Some(u) = payment_page_url {
            cfg.payment_page_url = u.trim().trim_end_matches('/').to_owned();
        }
        cfg.validate()?;
        let old_secret = self.core.secret()?;
        let new_secret = match secret.map(str::trim_end).filter(|s| !s.is_empty()) {
            Some(s) => Secret::new_checked(s).map_err(|_| TillError::SecretEmpty)?,
            None => old_secret.clone(),
        };
        match probe(&gate_client(&cfg, new_secret.clone())?, &cfg.till_code).await {
            Probe::Accepted => {}
            Probe::Refused(e) => return Err(TillError::CredentialsRefused(e.to_string())),
            Probe::Failed(e) => return Err(TillError::Gateway(e)),
        }
        let old_id = secret_id(&old_secret);
        if secret_id(&new_secret) != old_id {
            // Open payments signed with the old secret are still followed with it.
            let open = payments::open_secret_ids(&self.core.db().conn)?;
            if open.contains(&old_id) {
                self.core.keys.set(
                    &retired_secret_name(&old_id),
                    old_secret.expose_for_keyring(),
                )?;
            }
            self.core.set_secret(&new_secret)?;
        }
        // Only what moving the till changes: a setting changed during the probe stays.
        let cfg = self.core.update_config(|running| {
            running.project_id = cfg.project_id;
            running.gateway_url = cfg.gateway_url.clone();
            running.payment_page_url = cfg.payment_page_url.clone();
            Ok(running.clone())
        })?;
        let elsewhere =
            payments::open_elsewhere(&self.core.db().conn, &cfg.gateway_url, cfg.project_id)?;
        audit::append(
            &self.core.db().conn,
            actor,
            "reconnected",
            &cfg.till_code,
            &json!({"project_id": cfg.project_id, "gateway_url": cfg.gateway_url, "secret_changed": secret.is_some(), "still_followed_elsewhere": elsewhere}),
        )?;
        Ok(Reconnected {
            project_id: cfg.project_id,
            gateway_url: cfg.gateway_url,
            still_followed_elsewhere: elsewhere,
        })
    }
}

/// The settings that change only through [`Till::reconnect`] once a till has a secret.
pub(crate) fn needs_connect(key: &str) -> bool {
    matches!(key, "project_id" | "gateway_url")
}
