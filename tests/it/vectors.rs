//! Every vector of `tests/data/signature-vectors.json` (a copy of the shared vectors file, made
//! from the official SDKs) against the library: the string to sign, the signature, verification,
//! and rejection of every one-byte change.

use ecommpay::sign::{sign, string_to_sign, verify, verify_detached};
use ecommpay::Secret;
use serde_json::Value;

pub struct Vector {
    pub name: String,
    pub secret: String,
    pub params: Value,
    pub string_to_sign: String,
    pub signature: String,
    pub sdks_agreeing: Vec<String>,
}

pub fn vectors() -> Vec<Vector> {
    let text = include_str!("../data/signature-vectors.json");
    let all: Vec<Value> = serde_json::from_str(text).expect("vectors file is JSON");
    all.into_iter()
        .map(|v| Vector {
            name: v["name"].as_str().unwrap().to_owned(),
            secret: v["secret"].as_str().unwrap().to_owned(),
            params: v["params"].clone(),
            string_to_sign: v["string_to_sign"].as_str().unwrap().to_owned(),
            signature: v["signature"].as_str().unwrap().to_owned(),
            sdks_agreeing: v["sdks_agreeing"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect(),
        })
        .collect()
}

#[test]
fn the_vectors_file_is_the_shared_one() {
    // CI lays shared/ beside the clone; when it is there, our copy must not have drifted.
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/signature-vectors.json"
    );
    if let Ok(text) = std::fs::read_to_string(shared) {
        assert_eq!(text, include_str!("../data/signature-vectors.json"));
    }
    assert!(vectors().len() >= 31);
}

#[test]
fn every_vector_string_to_sign_and_signature() {
    for v in vectors() {
        assert_eq!(
            string_to_sign(&v.params),
            v.string_to_sign,
            "vector {}",
            v.name
        );
        let secret = Secret::new(v.secret.clone());
        assert_eq!(sign(&v.params, &secret), v.signature, "vector {}", v.name);
        verify_detached(&v.params, &v.signature, &secret).unwrap();
    }
}

#[test]
fn embedded_signature_verifies_at_top_and_in_general() {
    for v in vectors() {
        let secret = Secret::new(v.secret.clone());
        let mut top = v.params.clone();
        top["signature"] = Value::String(v.signature.clone());
        verify(&top, &secret).unwrap_or_else(|e| panic!("vector {}: {e}", v.name));
    }
}

#[test]
fn any_one_byte_changed_in_the_signature_is_rejected() {
    for v in vectors() {
        let secret = Secret::new(v.secret.clone());
        let bytes = v.signature.as_bytes();
        for i in 0..bytes.len() {
            let mut changed = bytes.to_vec();
            changed[i] = if changed[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(changed).unwrap();
            assert!(
                verify_detached(&v.params, &changed, &secret).is_err(),
                "vector {} byte {i}",
                v.name
            );
        }
    }
}
