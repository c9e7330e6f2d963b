//! The `ecommpay-sandbox` binary: starts with the documented command line, prints its base URL
//! first, serves, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ecommpay::sign::{sign_request_body, verify};
use ecommpay::Secret;
use serde_json::{json, Value};

use crate::support::bin;

#[test]
fn starts_prints_its_url_serves_and_stops_on_sigterm() {
    let mut child = Command::new(bin("ecommpay-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--project-id", "777"])
        .args(["--payout-delay-secs", "0"])
        .env("ECOMMPAY_SECRET", "binary-secret")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ecommpay-sandbox");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first.trim_end().to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "first line is the base URL: {first:?}"
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let state: Value = http
            .get(format!("{base}/_sandbox/state"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(state["project_id"], 777);

        // The secret from the environment signs: a correctly signed status request for an
        // unknown payment is 3061, and a status answer verifies.
        let secret = Secret::new("binary-secret");
        let mut body = json!({"general": {"project_id": 777, "payment_id": "nope"}});
        sign_request_body(&mut body, &secret);
        let res = http
            .post(format!("{base}/v2/payment/status"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["code"], "3061");

        let mut sale = json!({
            "general": {"project_id": 777, "payment_id": "bin-1"},
            "customer": {"id": "c", "ip_address": "127.0.0.1"},
            "payment": {"amount": 100, "currency": "UZS", "extra_param": "uzcard"},
        });
        sign_request_body(&mut sale, &secret);
        let res = http
            .post(format!("{base}/v2/payment/card-partner/sale"))
            .json(&sale)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let mut st = json!({"general": {"project_id": 777, "payment_id": "bin-1"}});
        sign_request_body(&mut st, &secret);
        let v: Value = http
            .post(format!("{base}/v2/payment/status"))
            .json(&st)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        verify(&v, &secret).unwrap();
        assert_eq!(v["payment"]["status"], "awaiting redirect result");
    });

    let pid = child.id().to_string();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(kill.success());
    let until = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < until, "no exit within 10 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "clean exit on SIGTERM");
}

#[test]
fn refuses_to_start_without_a_secret_or_arguments() {
    let out = Command::new(bin("ecommpay-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--project-id", "1"])
        .env_remove("ECOMMPAY_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ECOMMPAY_SECRET"));
    assert!(out.stdout.is_empty());

    let out = Command::new(bin("ecommpay-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--project-id", "1"])
        .env("ECOMMPAY_SECRET", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = Command::new(bin("ecommpay-sandbox"))
        .args(["--project-id", "1"])
        .env("ECOMMPAY_SECRET", "s")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));
}

#[test]
fn switch_flags_show_in_the_state() {
    let mut child = Command::new(bin("ecommpay-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--project-id", "5"])
        .args([
            "--status-shape",
            "operation",
            "--not-found-style",
            "payment_error",
        ])
        .args(["--redirect-key", "return_url", "--redirect-body-array"])
        .args([
            "--redirect-encrypted",
            "--payment-page-method",
            "uzcard-p2p",
        ])
        .env("ECOMMPAY_SECRET", "binary-secret")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ecommpay-sandbox");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim_end().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let state: Value = rt.block_on(async {
        let state = reqwest::get(format!("{base}/_sandbox/state")).await;
        state.unwrap().json().await.unwrap()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(state["status_shape"], "operation", "{state}");
    assert_eq!(state["not_found_style"], "payment_error");
    assert_eq!(state["redirect_key"], "return_url");
    assert_eq!(state["redirect_body_array"], true);
    assert_eq!(state["redirect_encrypted"], true);
    assert_eq!(state["payment_page_method"], "uzcard-p2p");

    for bad in [
        ["--status-shape", "array"],
        ["--not-found-style", "404"],
        ["--redirect-key", "redirect"],
    ] {
        let out = Command::new(bin("ecommpay-sandbox"))
            .args(["--listen", "127.0.0.1:0", "--project-id", "5"])
            .args(bad)
            .env("ECOMMPAY_SECRET", "s")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(bad[0]));
    }
}
