//! The Data API (protocol doc section 7): `POST /v1/operations/get`, answered from the
//! sandbox's own payments (every till of the project: every sale and payout it knows), with the
//! differences planted through the control API ([`plant`]).
//!
//! Written from the protocol doc and ECommPay's Data API pages, never from our client. Where
//! the doc leaves a name or format open, the sandbox's reading is in [`names`] (the README lists
//! them). Checks, in order; the first failing one answers the Gate's rejection shape
//! `{"status":"error","code","message"}` (plus `errors[]` naming the field), unsigned:
//!
//! | check | code | HTTP |
//! |---|---|---|
//! | body not a JSON object | 2004 (field `body`) | 400 |
//! | `token` missing or empty | 2004 (field `token`) | 400 |
//! | `token` not the one the sandbox was started with (or none was) | 1401 (sandbox's own) | 401 |
//! | top-level `signature` missing or empty | 3262 | 401 |
//! | `signature` wrong (with the token's secret, over the whole body) | 3261 | 401 |
//! | `limit` not an integer 1..=1000, `offset` not an integer ≥ 0, `interval` not two dates `YYYY-MM-DD hh:mm:ss` in order, `time_zone` not one the sandbox knows, a filter of the wrong type, an unknown name in `fields` | 2004 (field named) | 400 |
//! | `project_ids` naming a project other than the sandbox's | 2442 | 401 |
//!
//! The answer: HTTP 200 `{"operations":[...],"signature":...}`, signed at the top with the
//! token's secret. One operation per payment (a card partner sale or payout is one operation),
//! ordered by creation time then operation id; selected by creation time within the interval
//! (both ends included) read in `time_zone`; dates written in that zone.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use ecommpay::sign::{sign, verify_detached};
use serde_json::{json, Map, Value};

use crate::codes;
use crate::faults;
use crate::payment::{self, Payment};
use crate::state::{lock, FieldError, Shared};
use crate::validate::{json_response, GateError};

pub mod plant;
pub mod zones;

use zones::{parse_wall_clock, wall_clock, DEFAULT_TIME_ZONE, TIME_ZONES};

/// The sandbox's reading of the wire names the protocol doc leaves open.
pub mod names {
    pub const PATH: &str = "/v1/operations/get";
    pub const TOKEN: &str = "token";
    pub const SIGNATURE: &str = "signature";
    pub const PROJECT_IDS: &str = "project_ids";
    pub const INTERVAL: &str = "interval";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const TIME_ZONE: &str = "time_zone";
    pub const OPERATION_TYPE: &str = "operation_type";
    pub const OPERATION_STATUS: &str = "operation_status";
    pub const LIMIT: &str = "limit";
    pub const OFFSET: &str = "offset";
    pub const FIELDS: &str = "fields";
    pub const OPERATIONS: &str = "operations";
    /// The most a page may hold, and the default.
    pub const MAX_LIMIT: u64 = 1000;
    /// The names an operation may carry, in the order the answer writes them.
    pub const OPERATION_FIELDS: &[&str] = &[
        "project_id",
        "operation_id",
        "payment_id",
        "operation_type",
        "operation_status",
        "account_number",
        "payment_method_name",
        "payment_description",
        "operation_created_at",
        "operation_completed_at",
        "sum_initial",
        "sum_converted",
    ];
}

/// The sandbox's code for a token it does not know (the public material names none).
pub const UNKNOWN_TOKEN: u32 = 1401;

pub(crate) fn routes(sh: Arc<Shared>) -> Router {
    Router::new()
        .route(names::PATH, post(operations_get))
        // The Gate's fault queue applies here too (`path: "/v1/"` aims a fault at it).
        .layer(middleware::from_fn_with_state(
            sh.clone(),
            faults::gate_faults,
        ))
        .with_state(sh)
}

async fn operations_get(State(sh): State<Arc<Shared>>, bytes: Bytes) -> Response {
    sh.data_api_requests.fetch_add(1, Ordering::Relaxed);
    match answer(&sh, &bytes) {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(Refusal::Gate(e)) => e.into_response(),
        Err(Refusal::Token) => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"status": "error", "code": UNKNOWN_TOKEN.to_string(),
                   "message": "Token is unknown or deactivated"})
            .to_string(),
        )
            .into_response(),
    }
}

enum Refusal {
    Gate(GateError),
    Token,
}

impl From<GateError> for Refusal {
    fn from(e: GateError) -> Self {
        Refusal::Gate(e)
    }
}

fn field(name: &str, message: impl Into<String>) -> GateError {
    GateError::fields(vec![FieldError {
        code: codes::FIELD,
        message: message.into(),
        field: name.to_owned(),
    }])
}

/// A query that passed every check.
struct Query {
    offset: usize,
    limit: usize,
    zone: i64,
    interval: Option<(SystemTime, SystemTime)>,
    operation_type: Option<String>,
    status: Option<String>,
    fields: Option<Vec<String>>,
}

fn answer(sh: &Arc<Shared>, bytes: &[u8]) -> Result<Value, Refusal> {
    let body = match serde_json::from_slice::<Value>(bytes) {
        Ok(v @ Value::Object(_)) => v,
        _ => return Err(field("body", "The request body is not a JSON object").into()),
    };
    let cfg = sh.cfg();
    let token = match body.get(names::TOKEN) {
        Some(Value::String(t)) if !t.is_empty() => t,
        _ => return Err(field(names::TOKEN, "Required field token is missing").into()),
    };
    let access = cfg
        .data_api
        .as_ref()
        .filter(|a| a.token == *token)
        .ok_or(Refusal::Token)?;
    let signature = match body.get(names::SIGNATURE) {
        None | Some(Value::Null) => return Err(GateError::new(codes::EMPTY_SIGNATURE).into()),
        Some(Value::String(s)) if s.is_empty() => {
            return Err(GateError::new(codes::EMPTY_SIGNATURE).into())
        }
        Some(Value::String(s)) => s,
        Some(_) => return Err(GateError::new(codes::BAD_SIGNATURE).into()),
    };
    if verify_detached(&body, signature, &access.secret).is_err() {
        return Err(GateError::new(codes::BAD_SIGNATURE).into());
    }
    let query = parse_query(&body)?;
    if let Some(ids) = body.get(names::PROJECT_IDS) {
        let list = ids
            .as_array()
            .filter(|l| l.iter().all(|v| v.as_u64().is_some()))
            .ok_or_else(|| {
                field(
                    names::PROJECT_IDS,
                    "project_ids must be an array of project ids",
                )
            })?;
        if list.iter().any(|v| v.as_u64() != Some(cfg.project_id)) {
            return Err(GateError::new(codes::UNKNOWN_PROJECT).into());
        }
    }
    let operations = select(sh, &query, cfg.project_id);
    let mut out = json!({ names::OPERATIONS: operations });
    out[names::SIGNATURE] = json!(sign(&out, &access.secret));
    Ok(out)
}

fn integer(body: &Value, name: &str, default: u64) -> Result<u64, GateError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| field(name, format!("Field {name} must be a non-negative integer"))),
    }
}

fn optional_string(body: &Value, name: &str) -> Result<Option<String>, GateError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(field(
            name,
            format!("Field {name} must be a non-empty string"),
        )),
    }
}

fn parse_query(body: &Value) -> Result<Query, GateError> {
    let limit = integer(body, names::LIMIT, names::MAX_LIMIT)?;
    if limit == 0 || limit > names::MAX_LIMIT {
        return Err(field(
            names::LIMIT,
            format!("Field limit must be between 1 and {}", names::MAX_LIMIT),
        ));
    }
    let offset = integer(body, names::OFFSET, 0)?;
    let zone_name =
        optional_string(body, names::TIME_ZONE)?.unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
    let zone = TIME_ZONES
        .iter()
        .find(|(n, _)| *n == zone_name)
        .map(|(_, o)| *o)
        .ok_or_else(|| field(names::TIME_ZONE, format!("Unknown time zone {zone_name}")))?;
    let interval = match body.get(names::INTERVAL) {
        None | Some(Value::Null) => None,
        Some(i) => {
            let end = |name: &str| {
                i.get(name)
                    .and_then(Value::as_str)
                    .and_then(|s| parse_wall_clock(s, zone))
                    .ok_or_else(|| {
                        field(
                            &format!("{}.{name}", names::INTERVAL),
                            "Expected a date-time YYYY-MM-DD hh:mm:ss",
                        )
                    })
            };
            let (from, to) = (end(names::FROM)?, end(names::TO)?);
            if to < from {
                return Err(field(names::INTERVAL, "The interval ends before it starts"));
            }
            Some((from, to))
        }
    };
    let fields = match body.get(names::FIELDS) {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => {
            let mut names_wanted = Vec::new();
            for f in list {
                match f.as_str() {
                    Some(n) if names::OPERATION_FIELDS.contains(&n) => {
                        names_wanted.push(n.to_owned())
                    }
                    _ => return Err(field(names::FIELDS, format!("Unknown field {f}"))),
                }
            }
            Some(names_wanted)
        }
        Some(_) => return Err(field(names::FIELDS, "fields must be an array of names")),
    };
    Ok(Query {
        offset: usize::try_from(offset).unwrap_or(usize::MAX),
        limit: limit as usize,
        zone,
        interval,
        operation_type: optional_string(body, names::OPERATION_TYPE)?,
        status: optional_string(body, names::OPERATION_STATUS)?,
        fields,
    })
}

/// The operation the Data API lists for a payment, with the status it reports.
fn operation(p: &Payment, status: &str, project_id: u64, zone: i64) -> Map<String, Value> {
    let sum = json!({"amount": p.amount, "currency": p.currency});
    let mut op = Map::new();
    op.insert("project_id".into(), json!(project_id));
    op.insert("operation_id".into(), json!(p.operation_id));
    op.insert("payment_id".into(), json!(p.id));
    op.insert("operation_type".into(), json!(p.kind.operation_type()));
    op.insert("operation_status".into(), json!(status));
    if let Some(m) = &p.masked_card {
        op.insert("account_number".into(), json!(m));
    }
    op.insert("payment_method_name".into(), json!(payment::METHOD));
    op.insert("payment_description".into(), json!(p.description));
    op.insert(
        "operation_created_at".into(),
        json!(wall_clock(p.created, zone)),
    );
    if matches!(status, payment::status::SUCCESS | payment::status::DECLINE) {
        op.insert(
            "operation_completed_at".into(),
            json!(wall_clock(p.updated, zone)),
        );
    }
    op.insert("sum_initial".into(), sum.clone());
    op.insert("sum_converted".into(), sum);
    op
}

fn select(sh: &Shared, q: &Query, project_id: u64) -> Vec<Value> {
    let ledger = lock(&sh.ledger);
    let mut chosen: Vec<(&Payment, &str)> = ledger
        .payments
        .values()
        .filter(|p| !ledger.data_api.lost.contains(&p.id))
        .filter(|p| {
            q.interval
                .map_or(true, |(from, to)| p.created >= from && p.created <= to)
        })
        .filter(|p| {
            q.operation_type
                .as_deref()
                .map_or(true, |t| t == p.kind.operation_type())
        })
        .map(|p| {
            let status = ledger
                .data_api
                .reported_status
                .get(&p.id)
                .map_or(p.status, String::as_str);
            (p, status)
        })
        .filter(|(_, s)| q.status.as_deref().map_or(true, |w| w == *s))
        .collect();
    chosen.sort_by_key(|(p, _)| (p.created, p.operation_id));
    chosen
        .into_iter()
        .skip(q.offset)
        .take(q.limit)
        .map(|(p, status)| {
            let mut op = operation(p, status, project_id, q.zone);
            if let Some(wanted) = &q.fields {
                op.retain(|k, _| wanted.iter().any(|w| w == k));
            }
            Value::Object(op)
        })
        .collect()
}
