//! Generators of JSON payloads inside the shapes on which all official SDKs agree (protocol doc
//! section 1): keys of lower-case letters and `_` (every such character sorts after `:`, so
//! per-level and whole-path sorting agree), no `:` in keys, no `signature` key (the JS signer
//! does not strip it), integers inside JavaScript's safe range, no floats. Strings are any
//! Unicode, including `;` and `:`.

use proptest::prelude::*;
use serde_json::{Map, Value};

pub fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => "[a-z][a-z_]{0,9}",
        1 => Just("frame_mode".to_owned()),
    ]
    .prop_filter("the JS signer keeps `signature`", |k| k != "signature")
}

pub fn scalar() -> impl Strategy<Value = Value> {
    const SAFE: i64 = (1 << 53) - 1;
    prop_oneof![
        4 => any::<String>().prop_map(Value::String),
        2 => "[ -~]{0,12}".prop_map(Value::String),
        3 => (-SAFE..=SAFE).prop_map(Value::from),
        1 => (0i64..100).prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ]
}

pub fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 12, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..13).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A payload: always an object at the top, as every signed message is.
pub fn payload() -> impl Strategy<Value = Value> {
    prop::collection::vec((key(), value()), 1..8)
        .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()))
}

pub fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        "[!-~]{1,40}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty())
    ]
}
