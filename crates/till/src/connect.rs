//! Connecting a till to the real gateway (the desktop app's "Connect to ECommPay"; `doctor`
//! shares the probe). The credentials are checked against the gateway before anything is
//! written, so a typo never leaves a half set-up till behind.

use std::path::Path;

use ecommpay::gate::{codes, GateClient, GateError, StatusRequest};
use ecommpay::Secret;

use crate::core::gate_client;
use crate::error::{Result, TillError};
use crate::till::{create_data_dir, InitOptions, Till};

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
    pub async fn connect(
        data_dir: &Path,
        opts: &InitOptions,
        secret: &str,
        actor: &str,
    ) -> Result<Till> {
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
        till.set_secret(secret, actor)?;
        Ok(till)
    }
}
