//! The signature of protocol doc section 1: HMAC-SHA512 over a canonical string, Base64.
//!
//! The canonical string is built from the JSON value itself (not from typed structs), because
//! the same algorithm signs our requests, verifies the gateway's callbacks and answers (whose
//! fields we do not all know), and signs the flat Payment Page parameter map.

mod natsort;
mod php_float;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha512;
use subtle::ConstantTimeEq;

pub use natsort::strnatcmp;
pub use php_float::php_float_to_string;

use crate::Secret;

/// Members with this key are left out at every depth.
const FRAME_MODE: &str = "frame_mode";
/// Members with this key are removed at every depth before signing.
const SIGNATURE: &str = "signature";

/// One `path:value` entry before sorting.
struct Entry {
    path: String,
    value: String,
}

/// What the walk met that a careful verifier wants to know about.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Observations {
    /// A float was rendered the PHP way. The SDKs disagree on floats, so a float in a message
    /// is worth a log line.
    pub saw_float: bool,
}

fn escape_key(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(':') {
        key.replace(':', "::").into()
    } else {
        key.into()
    }
}

fn join(prefix: &str, key: &str) -> String {
    let key = escape_key(key);
    if prefix.is_empty() {
        key.into_owned()
    } else {
        let mut p = String::with_capacity(prefix.len() + 1 + key.len());
        p.push_str(prefix);
        p.push(':');
        p.push_str(&key);
        p
    }
}

fn walk(prefix: &str, value: &Value, out: &mut Vec<Entry>, obs: &mut Observations) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == FRAME_MODE || key == SIGNATURE {
                    continue;
                }
                walk_member(&join(prefix, key), v, out, obs);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_member(&join(prefix, &i.to_string()), v, out, obs);
            }
        }
        // A bare scalar at the top has no path; nothing the gateway signs looks like that.
        scalar => walk_member(prefix, scalar, out, obs),
    }
}

fn walk_member(path: &str, value: &Value, out: &mut Vec<Entry>, obs: &mut Observations) {
    let rendered = match value {
        Value::Object(_) | Value::Array(_) => return walk(path, value, out, obs),
        Value::Null => String::new(),
        Value::Bool(true) => "1".to_owned(),
        Value::Bool(false) => "0".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                obs.saw_float = true;
                php_float_to_string(n.as_f64().unwrap_or(f64::NAN))
            }
        }
    };
    out.push(Entry {
        path: path.to_owned(),
        value: rendered,
    });
}

/// The string that is signed for `value` (doc section 1), with what the walk observed.
pub fn string_to_sign_observed(value: &Value) -> (String, Observations) {
    let mut entries = Vec::new();
    let mut obs = Observations::default();
    walk("", value, &mut entries, &mut obs);
    // PHP's ksort(SORT_NATURAL) orders by strnatcmp; where strnatcmp calls two different paths
    // equal (leading zeros, whitespace) PHP keeps input order. We break such ties bytewise
    // instead, so that key order never matters; no key the gateway uses can tie.
    entries.sort_by(|a, b| strnatcmp(&a.path, &b.path).then_with(|| a.path.cmp(&b.path)));
    let len = entries
        .iter()
        .map(|e| e.path.len() + e.value.len() + 2)
        .sum();
    let mut s = String::with_capacity(len);
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&e.path);
        s.push(':');
        s.push_str(&e.value);
    }
    (s, obs)
}

/// The string that is signed for `value` (doc section 1).
pub fn string_to_sign(value: &Value) -> String {
    string_to_sign_observed(value).0
}

fn mac(secret: &Secret, msg: &str) -> Hmac<Sha512> {
    let mut mac =
        Hmac::<Sha512>::new_from_slice(secret.expose()).expect("HMAC takes any key length");
    mac.update(msg.as_bytes());
    mac
}

/// The signature of `value`: Base64 of HMAC-SHA512 over [`string_to_sign`]. Any `signature`
/// member inside `value` is ignored, so a signed body can be re-signed or checked as it is.
pub fn sign(value: &Value, secret: &Secret) -> String {
    B64.encode(mac(secret, &string_to_sign(value)).finalize().into_bytes())
}

/// Why a signature did not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No `signature` at the top or in `general`.
    #[error("the message carries no signature")]
    Missing,
    /// The signature is not a JSON string.
    #[error("the signature is not a string")]
    NotAString,
    /// The signature does not match the body.
    #[error("the signature does not match the message")]
    Mismatch,
}

/// Where a message carries its signature: `signature` at the top, else `general.signature`.
pub fn find_signature(value: &Value) -> Result<&str, VerifyError> {
    let found = value
        .get(SIGNATURE)
        .or_else(|| value.get("general").and_then(|g| g.get(SIGNATURE)));
    match found {
        None | Some(Value::Null) => Err(VerifyError::Missing),
        Some(Value::String(s)) if s.is_empty() => Err(VerifyError::Missing),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(VerifyError::NotAString),
    }
}

/// Checks `signature` against `value` in constant time (the comparison does not stop at the
/// first differing byte, so timing reveals nothing about the expected signature).
pub fn verify_detached(value: &Value, signature: &str, secret: &Secret) -> Result<(), VerifyError> {
    verify_string_detached(&string_to_sign(value), signature, secret)
}

/// Checks `signature` against an already built string to sign, in constant time.
pub fn verify_string_detached(
    string_to_sign: &str,
    signature: &str,
    secret: &Secret,
) -> Result<(), VerifyError> {
    let expected = B64.encode(mac(secret, string_to_sign).finalize().into_bytes());
    // Both sides are Base64 of a 64-byte MAC; a length difference leaks nothing secret.
    if bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// Verifies a message that carries its own signature (top-level `signature` or
/// `general.signature`), as callbacks and signed answers do.
pub fn verify(value: &Value, secret: &Secret) -> Result<(), VerifyError> {
    let signature = find_signature(value)?;
    verify_detached(value, signature, secret)
}

/// Signs a Gate request body in place: any old signature is dropped and the new one is put in
/// `general.signature` (creating `general` if it is missing).
pub fn sign_request_body(body: &mut Value, secret: &Secret) {
    let signature = sign(body, secret);
    if let Value::Object(map) = body {
        let general = map
            .entry("general")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(g) = general {
            g.insert(SIGNATURE.to_owned(), Value::String(signature));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secret() -> Secret {
        Secret::new("my-test-secret-key")
    }

    #[test]
    fn protocol_doc_example() {
        let body = json!({"general":{"project_id":12345,"payment_id":"PAYOUT-000777"},"account":{"number":"5bf0e7c1f0d64f0ba5cb0f9e1c1e2a3b"},"customer":{"id":"cust-77","ip_address":"198.51.100.47"},"payment":{"amount":250000,"currency":"UZS","description":"Qaytarish / выплата"}});
        assert_eq!(
            string_to_sign(&body),
            "account:number:5bf0e7c1f0d64f0ba5cb0f9e1c1e2a3b;customer:id:cust-77;customer:ip_address:198.51.100.47;general:payment_id:PAYOUT-000777;general:project_id:12345;payment:amount:250000;payment:currency:UZS;payment:description:Qaytarish / выплата"
        );
        assert_eq!(
            sign(&body, &secret()),
            "ocbRiDb/idr8jiA15Tvo6KHI1ZFZokIVXHSRRadG0I/sXPapQt406hZiLQoVcrFPfNW7g4zk1rlnE6lSwBtKNg=="
        );
    }

    #[test]
    fn scalars_render_as_the_doc_says() {
        let v = json!({"t":true,"f":false,"n":null,"i":-3,"s":"12345","e":{},"a":[],"frame_mode":"x","o":{"frame_mode":1,"signature":"zz","k":1}});
        assert_eq!(string_to_sign(&v), "f:0;i:-3;n:;o:k:1;s:12345;t:1");
        assert_eq!(
            sign(&json!({"x":12345}), &secret()),
            sign(&json!({"x":"12345"}), &secret())
        );
    }

    #[test]
    fn signature_in_general_or_top_verifies_the_same() {
        let mut body = json!({"general":{"project_id":1,"payment_id":"p"},"payment":{"amount":5}});
        sign_request_body(&mut body, &secret());
        verify(&body, &secret()).unwrap();

        let cb = json!({"project_id":1,"payment":{"id":"p"}});
        let sig = sign(&cb, &secret());
        let mut top = cb.clone();
        top["signature"] = json!(sig.clone());
        let mut in_general = cb.clone();
        in_general["general"] = json!({"signature": sig});
        verify(&top, &secret()).unwrap();
        verify(&in_general, &secret()).unwrap();
    }

    #[test]
    fn verify_rejects_missing_wrong_and_non_string() {
        let v = json!({"a":1});
        assert_eq!(verify(&v, &secret()), Err(VerifyError::Missing));
        assert_eq!(
            verify(&json!({"a":1,"signature":""}), &secret()),
            Err(VerifyError::Missing)
        );
        assert_eq!(
            verify(&json!({"a":1,"signature":5}), &secret()),
            Err(VerifyError::NotAString)
        );
        let mut signed = v.clone();
        signed["signature"] = json!(sign(&v, &secret()));
        verify(&signed, &secret()).unwrap();
        assert_eq!(
            verify(&signed, &Secret::new("other")),
            Err(VerifyError::Mismatch)
        );
        signed["a"] = json!(2);
        assert_eq!(verify(&signed, &secret()), Err(VerifyError::Mismatch));
    }

    #[test]
    fn floats_are_observed() {
        let (s, obs) = string_to_sign_observed(&json!({"f":100.0,"i":1}));
        assert_eq!(s, "f:100;i:1");
        assert!(obs.saw_float);
        assert!(!string_to_sign_observed(&json!({"i":1})).1.saw_float);
    }
}
