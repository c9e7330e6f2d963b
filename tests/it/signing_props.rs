//! Properties of the signer: key order never matters, changing any one scalar changes the
//! signature, and sign-then-verify round-trips (also through a callback body).

use ecommpay::sign::{sign, sign_request_body, verify};
use ecommpay::{verify_callback, Secret};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::gen;

/// The same value with every object's members in reverse order.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reversed(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        s => s.clone(),
    }
}

/// Paths (as JSON pointers) of every signed scalar.
fn scalar_pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                if k != "frame_mode" && k != "signature" {
                    scalar_pointers(
                        c,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| scalar_pointers(c, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

/// A different scalar that renders differently (`1` and `"1"` sign the same, so avoid those).
fn changed(s: &Value) -> Value {
    match s {
        Value::String(t) => Value::String(format!("{t}x")),
        Value::Number(n) => Value::from(n.as_i64().unwrap().wrapping_add(1)),
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => Value::String("x".into()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn key_order_never_matters(secret in gen::secret(), p in gen::payload()) {
        let s = Secret::new(secret);
        prop_assert_eq!(sign(&p, &s), sign(&reversed(&p), &s));
    }

    #[test]
    fn changing_any_one_scalar_changes_the_signature(secret in gen::secret(), p in gen::payload(), pick in any::<prop::sample::Index>()) {
        let mut ptrs = Vec::new();
        scalar_pointers(&p, String::new(), &mut ptrs);
        prop_assume!(!ptrs.is_empty());
        let ptr = &ptrs[pick.index(ptrs.len())];
        let mut q = p.clone();
        let slot = q.pointer_mut(ptr).unwrap();
        *slot = changed(slot);
        let s = Secret::new(secret);
        prop_assert_ne!(sign(&p, &s), sign(&q, &s), "changed {}", ptr);
    }

    #[test]
    fn sign_then_verify_round_trips(secret in gen::secret(), p in gen::payload()) {
        let s = Secret::new(secret);
        // As a request: signature in general.
        let mut req = p.clone();
        sign_request_body(&mut req, &s);
        prop_assert!(verify(&req, &s).is_ok());
        // As a callback: signature at the top, through the wire format.
        let mut cb = p.clone();
        cb["signature"] = Value::String(sign(&p, &s));
        prop_assert!(verify_callback(cb.to_string().as_bytes(), &s).is_ok());
        // And another secret never verifies it.
        prop_assert!(verify(&req, &Secret::new("another secret")).is_err());
    }
}
