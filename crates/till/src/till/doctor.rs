//! `doctor`: what is set up and what works, one line each.

use serde::Serialize;

use super::Till;
use crate::config;
use crate::connect::{self, Probe};
use crate::error::{gateway_code, TillError};

/// One line of `doctor`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

impl Till {
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
}
