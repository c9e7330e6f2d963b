//! Strict checks of Gate requests, in the gateway's order: signature, project, fields.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use ecommpay::sign::{verify_detached, VerifyError};
use ecommpay::Secret;
use serde_json::{json, Value};

use crate::codes;
use crate::state::FieldError;

/// A rejected Gate request: HTTP 4xx with `{"status":"error","code","message"}` plus the
/// `errors` list for field problems and the `request_id` once the request was authenticated.
#[derive(Debug, Clone)]
pub(crate) struct GateError {
    pub code: u32,
    pub message: String,
    pub errors: Vec<FieldError>,
    pub request_id: Option<String>,
}

impl GateError {
    pub fn new(code: u32) -> Self {
        GateError {
            code,
            message: codes::message(code).to_owned(),
            errors: Vec::new(),
            request_id: None,
        }
    }

    /// A 2004 rejection listing every field problem; the message names the first.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let message = errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| codes::message(codes::FIELD).to_owned());
        GateError {
            code: codes::FIELD,
            message,
            errors,
            request_id: None,
        }
    }
}

impl IntoResponse for GateError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "status": "error",
            "code": self.code.to_string(),
            "message": self.message,
        });
        if !self.errors.is_empty() {
            body["errors"] = json!(self.errors);
        }
        if let Some(r) = self.request_id {
            body["request_id"] = json!(r);
        }
        (
            codes::http_status(self.code),
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// Parses the body; anything but a JSON object is a field error on the body itself.
pub(crate) fn parse_body(bytes: &[u8]) -> Result<Value, GateError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(GateError::fields(vec![FieldError {
            code: codes::FIELD,
            message: "The request body is not a JSON object".into(),
            field: "body".into(),
        }])),
    }
}

/// Where the endpoint expects the signature.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SigAt {
    /// `general.signature` (sale, payout, status).
    General,
    /// Top-level `signature` (status/request).
    Top,
}

/// Checks the signature over the whole body: missing or empty → 3262, anything that does not
/// verify (a non-string included) → 3261. Only the place the endpoint uses counts: a signature
/// elsewhere is as good as none, as at the gateway.
pub(crate) fn check_signature(body: &Value, at: SigAt, secret: &Secret) -> Result<(), GateError> {
    let found = match at {
        SigAt::General => body.get("general").and_then(|g| g.get("signature")),
        SigAt::Top => body.get("signature"),
    };
    let sig = match found {
        None | Some(Value::Null) => return Err(GateError::new(codes::EMPTY_SIGNATURE)),
        Some(Value::String(s)) if s.is_empty() => {
            return Err(GateError::new(codes::EMPTY_SIGNATURE))
        }
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(GateError::new(codes::BAD_SIGNATURE)),
    };
    match verify_detached(body, sig, secret) {
        Ok(()) => Ok(()),
        Err(VerifyError::Missing) => Err(GateError::new(codes::EMPTY_SIGNATURE)),
        Err(_) => Err(GateError::new(codes::BAD_SIGNATURE)),
    }
}

/// Checks the project id at `path`: missing → 2004; not a positive integer or not ours → 2442.
pub(crate) fn check_project(body: &Value, path: &[&str], ours: u64) -> Result<(), GateError> {
    match get(body, path) {
        None | Some(Value::Null) => Err(GateError::fields(vec![missing(path)])),
        Some(v) if v.as_u64() == Some(ours) => Ok(()),
        Some(_) => Err(GateError::new(codes::UNKNOWN_PROJECT)),
    }
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn field_name(path: &[&str]) -> String {
    path.join(".")
}

fn missing(path: &[&str]) -> FieldError {
    let field = field_name(path);
    FieldError {
        code: codes::FIELD,
        message: format!("Required field {field} is missing"),
        field,
    }
}

fn invalid(path: &[&str], why: &str) -> FieldError {
    let field = field_name(path);
    FieldError {
        code: codes::FIELD,
        message: format!("Field {field} is invalid: {why}"),
        field,
    }
}

/// Collects field problems so that one answer lists them all.
#[derive(Default)]
pub(crate) struct Fields {
    pub errors: Vec<FieldError>,
}

impl Fields {
    pub fn finish(self) -> Result<(), GateError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(GateError::fields(self.errors))
        }
    }

    /// A required non-empty string.
    pub fn string(&mut self, body: &Value, path: &[&str]) -> Option<String> {
        match get(body, path) {
            None | Some(Value::Null) => {
                self.errors.push(missing(path));
                None
            }
            Some(Value::String(s)) if s.is_empty() => {
                self.errors.push(missing(path));
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.errors.push(invalid(path, "must be a string"));
                None
            }
        }
    }

    /// An optional string (absent and `null` are the same).
    pub fn opt_string(&mut self, body: &Value, path: &[&str]) -> Option<String> {
        match get(body, path) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.errors.push(invalid(path, "must be a string"));
                None
            }
        }
    }

    /// A required amount in minor units: a positive JSON integer. A float (even `100.0`), a
    /// string, zero or a negative number is refused: the signature cannot be agreed on for
    /// floats, and the gateway takes amounts as integers only.
    pub fn amount(&mut self, body: &Value, path: &[&str]) -> Option<u64> {
        match get(body, path) {
            None | Some(Value::Null) => {
                self.errors.push(missing(path));
                None
            }
            Some(Value::Number(n)) if n.as_u64().is_some_and(|a| a > 0) => n.as_u64(),
            Some(_) => {
                self.errors.push(invalid(
                    path,
                    "must be a positive integer in minor units (tiyin)",
                ));
                None
            }
        }
    }

    /// A required currency; this method takes UZS only.
    pub fn currency(&mut self, body: &Value, path: &[&str]) -> Option<String> {
        let c = self.string(body, path)?;
        if c == "UZS" {
            Some(c)
        } else {
            self.errors
                .push(invalid(path, "the method accepts UZS only"));
            None
        }
    }

    /// A required IP address.
    pub fn ip(&mut self, body: &Value, path: &[&str]) -> Option<String> {
        let s = self.string(body, path)?;
        if s.parse::<std::net::IpAddr>().is_ok() {
            Some(s)
        } else {
            self.errors.push(invalid(path, "must be an IP address"));
            None
        }
    }

    /// An optional http(s) URL.
    pub fn opt_url(&mut self, body: &Value, path: &[&str]) -> Option<String> {
        let s = self.opt_string(body, path)?;
        match reqwest::Url::parse(&s) {
            Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(s),
            _ => {
                self.errors
                    .push(invalid(path, "must be an http or https URL"));
                None
            }
        }
    }

    /// An optional non-negative integer not above `max`.
    pub fn opt_uint(&mut self, body: &Value, path: &[&str], max: u64) -> Option<u64> {
        match get(body, path) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v <= max) => n.as_u64(),
            Some(_) => {
                self.errors.push(invalid(
                    path,
                    &format!("must be an integer from 0 to {max}"),
                ));
                None
            }
        }
    }

    /// An optional flag: `1`/`0`, `true`/`false`.
    pub fn opt_flag(&mut self, body: &Value, path: &[&str]) -> bool {
        match get(body, path) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) if n.as_u64() == Some(1) => true,
            Some(Value::Number(n)) if n.as_u64() == Some(0) => false,
            Some(_) => {
                self.errors.push(invalid(path, "must be 0 or 1"));
                false
            }
        }
    }

    /// A required string that must equal `expected`.
    pub fn exact(&mut self, body: &Value, path: &[&str], expected: &str) -> Option<String> {
        let s = self.string(body, path)?;
        if s == expected {
            Some(s)
        } else {
            self.errors
                .push(invalid(path, &format!("must be \"{expected}\"")));
            None
        }
    }
}

/// The signed-answer content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
