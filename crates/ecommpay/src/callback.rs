//! Callbacks (protocol doc section 4): verify the signature (top-level `signature` or
//! `general.signature`, constant-time), then parse into a [`PaymentReport`] that keeps the raw
//! JSON. There is no timestamp to check: replay protection is the caller's state machine.

use serde_json::Value;

use crate::sign::{self, VerifyError};
use crate::{PaymentReport, Secret};

/// Where the callback carried its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureLocation {
    Top,
    General,
}

/// A callback whose signature held.
#[derive(Debug, Clone)]
pub struct Callback {
    pub report: PaymentReport,
    pub signature_location: SignatureLocation,
    /// A float was met while verifying (rendered the PHP way). Worth a log line: the SDKs
    /// disagree on floats.
    pub had_float: bool,
}

/// Why a callback was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the callback body is not JSON: {0}")]
    NotJson(String),
    #[error("the callback body is not a JSON object")]
    NotAnObject,
    #[error("the callback signature failed: {0}")]
    Signature(#[from] VerifyError),
}

impl CallbackError {
    /// The HTTP status to answer with. Non-200 asks the gateway to retry; a bad signature gets
    /// 400 as the doc advises.
    pub fn http_status(&self) -> u16 {
        400
    }
}

/// Parses and verifies a callback body as received on the wire.
pub fn verify_callback(body: &[u8], secret: &Secret) -> Result<Callback, CallbackError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| CallbackError::NotJson(e.to_string()))?;
    verify_callback_value(value, secret)
}

/// Like [`verify_callback`] for an already parsed body.
pub fn verify_callback_value(value: Value, secret: &Secret) -> Result<Callback, CallbackError> {
    if !value.is_object() {
        return Err(CallbackError::NotAnObject);
    }
    let location = if value.get("signature").is_some() {
        SignatureLocation::Top
    } else {
        SignatureLocation::General
    };
    let signature = sign::find_signature(&value)?;
    let (string, obs) = sign::string_to_sign_observed(&value);
    sign::verify_string_detached(&string, signature, secret)?;
    if obs.saw_float {
        tracing::warn!("a callback carried a float; verified with PHP's rendering");
    }
    Ok(Callback {
        report: PaymentReport::from_value(value),
        signature_location: location,
        had_float: obs.saw_float,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verifies_top_and_general_and_rejects_forgery() {
        let secret = Secret::new("k");
        let body = json!({"project_id":1,"payment":{"id":"p1","status":"success","sum":{"amount":100,"currency":"UZS"}}});
        let sig = sign::sign(&body, &secret);

        let mut top = body.clone();
        top["signature"] = json!(sig);
        let cb = verify_callback(top.to_string().as_bytes(), &secret).unwrap();
        assert_eq!(cb.signature_location, SignatureLocation::Top);
        assert_eq!(cb.report.payment_id.as_deref(), Some("p1"));

        let mut gen = body.clone();
        gen["general"] = json!({"signature": sig});
        let cb = verify_callback(gen.to_string().as_bytes(), &secret).unwrap();
        assert_eq!(cb.signature_location, SignatureLocation::General);

        let mut forged = top.clone();
        forged["payment"]["sum"]["amount"] = json!(1);
        assert_eq!(
            verify_callback(forged.to_string().as_bytes(), &secret).unwrap_err(),
            CallbackError::Signature(VerifyError::Mismatch)
        );
        assert!(matches!(
            verify_callback(b"{nope", &secret),
            Err(CallbackError::NotJson(_))
        ));
        assert_eq!(
            verify_callback(b"[1]", &secret).unwrap_err(),
            CallbackError::NotAnObject
        );
        assert_eq!(
            verify_callback(body.to_string().as_bytes(), &secret).unwrap_err(),
            CallbackError::Signature(VerifyError::Missing)
        );
    }
}
