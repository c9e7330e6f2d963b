//! Differential test against ECommPay's official JS SDK (npm `ecommpay`, installed by the test
//! script, not vendored): generated payloads inside the shapes on which the SDKs agree must get
//! identical signatures from it and from us.

use std::io::Write;
use std::process::Stdio;

use ecommpay::sign::sign;
use ecommpay::Secret;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

use crate::gen;
use crate::support::node;

const CASES: usize = 1500;

fn js_signatures(cases: &[(String, Value)]) -> Vec<String> {
    let mut input = Vec::new();
    for (secret, params) in cases {
        serde_json::to_writer(&mut input, &json!({"secret": secret, "params": params})).unwrap();
        input.push(b'\n');
    }
    let mut child = node()
        .arg("sign-many.js")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn generated_payloads_sign_identically_with_the_official_js_sdk() {
    // Deterministic seed: a failure names a case that reproduces.
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let strategy = (gen::secret(), gen::payload());
    let cases: Vec<(String, Value)> = (0..CASES)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let theirs = js_signatures(&cases);
    assert_eq!(theirs.len(), CASES);
    let mut nested = 0;
    for ((secret, params), js) in cases.iter().zip(&theirs) {
        let ours = sign(params, &Secret::new(secret.clone()));
        assert_eq!(&ours, js, "payload {params} secret {secret:?}");
        if params
            .as_object()
            .unwrap()
            .values()
            .any(|v| v.is_object() || v.is_array())
        {
            nested += 1;
        }
    }
    // The generator must really exercise nesting, not only flat maps.
    assert!(nested > CASES / 3, "only {nested} nested payloads");
}

#[test]
fn the_vectors_on_which_js_agrees_also_agree_here() {
    let vs: Vec<_> = crate::vectors::vectors()
        .into_iter()
        .filter(|v| v.sdks_agreeing.iter().any(|s| s == "js_npm017"))
        .collect();
    assert!(vs.len() > 20);
    let cases: Vec<(String, Value)> = vs
        .iter()
        .map(|v| (v.secret.clone(), v.params.clone()))
        .collect();
    let theirs = js_signatures(&cases);
    for (v, js) in vs.iter().zip(theirs) {
        assert_eq!(js, v.signature, "npm SDK on vector {}", v.name);
    }
}
