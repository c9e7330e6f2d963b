//! Signing and verifying a typical callback (the seed's sale success), and in the same run the
//! official JS SDK (npm `ecommpay`, from tests/js) signing the same payload. Prints both figures
//! and their ratio. Run: `cargo bench -p ecommpay --bench signature`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};
use ecommpay::sign::{sign, verify};
use ecommpay::{verify_callback, Secret};
use serde_json::{json, Value};

fn callback() -> Value {
    json!({"project_id":579,"payment":{"id":"T1-20261127-000042","type":"purchase","status":"success","date":"2026-11-27T14:13:50+0000","method":"Card partner","sum":{"amount":15000000,"currency":"UZS"},"description":""},"customer":{"id":"T1-c-000042"},"account":{"number":"1743-3223966A2D514183B2584F543"},"provider_extra_fields":{"masked_card":"860049******1234"},"operation":{"id":9708000007271_u64,"type":"sale","status":"success","date":"2026-11-27T14:13:50+0000","created_date":"2026-11-27T14:02:18+0000","request_id":"30d9d5d9d7966a8a74b44ba559b1a989f2cad321e2-00009709","sum_initial":{"amount":15000000,"currency":"UZS"},"sum_converted":{"amount":15000000,"currency":"UZS"},"code":"0","message":"Success","provider":{"id":1521,"payment_id":"632441","auth_code":"","date":"2026-11-27T14:02:19+0000"}}})
}

const SECRET: &str = "bench-secret-0123456789";

/// Nanoseconds per signature by the JS SDK, or why it could not run.
fn js_ns_per_sign(payload: &Value) -> Result<f64, String> {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/js");
    if !js.join("node_modules/ecommpay").exists() {
        return Err("run `npm ci --prefix tests/js` first".into());
    }
    let file = std::env::temp_dir().join(format!("ecommpay-bench-{}.json", std::process::id()));
    std::fs::write(&file, payload.to_string()).map_err(|e| e.to_string())?;
    let out = Command::new("node")
        .current_dir(&js)
        .arg("bench-sign.js")
        .arg(&file)
        .arg("BENCH_SECRET")
        .env("BENCH_SECRET", SECRET)
        .output()
        .map_err(|e| format!("node: {e}"))?;
    let _ = std::fs::remove_file(&file);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("node output: {e}"))
}

/// Best-of-5 nanoseconds per call, measured the same way as the JS side.
fn ns_per_call(mut f: impl FnMut()) -> f64 {
    for _ in 0..20_000 {
        f();
    }
    (0..5)
        .map(|_| {
            let n = 20_000;
            let t0 = Instant::now();
            for _ in 0..n {
                f();
            }
            t0.elapsed().as_nanos() as f64 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let secret = Secret::new(SECRET);
    let body = callback();
    let mut signed = body.clone();
    signed["signature"] = Value::String(sign(&body, &secret));
    let wire = signed.to_string().into_bytes();

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    c.bench_function("sign typical callback", |b| {
        b.iter(|| sign(black_box(&body), &secret))
    });
    c.bench_function("verify typical callback (parsed)", |b| {
        b.iter(|| verify(black_box(&signed), &secret).unwrap())
    });
    c.bench_function(
        "verify_callback from wire bytes (parse + verify + model)",
        |b| b.iter(|| verify_callback(black_box(&wire), &secret).unwrap()),
    );
    c.final_summary();

    let rust = ns_per_call(|| {
        black_box(sign(black_box(&body), &secret));
    });
    println!("\nsame-run comparison, best of 5 x 20000 signatures of the typical callback:");
    println!("  rust ecommpay::sign::sign : {rust:>8.0} ns/signature");
    match js_ns_per_sign(&body) {
        Ok(js) => {
            println!("  npm ecommpay 0.1.7 signer : {js:>8.0} ns/signature");
            println!("  ratio js/rust             : {:>8.2}x", js / rust);
        }
        Err(e) => println!("  npm ecommpay 0.1.7 signer : not measured ({e})"),
    }
}
