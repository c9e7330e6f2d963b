//! The `ecommpay` binary: it reproduces every vector, rejects every one-byte change of a
//! signature, and fails with exit 2 (never a panic) on bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::support::bin;
use crate::vectors::vectors;

fn run(args: &[&str], secret: Option<&str>, stdin: &[u8]) -> Output {
    let mut cmd = Command::new(bin("ecommpay"));
    cmd.args(args)
        .env_remove("ECOMMPAY_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(s) = secret {
        cmd.env("ECOMMPAY_SECRET", s);
    }
    let mut child = cmd.spawn().expect("spawn ecommpay");
    // The child may exit before reading (usage errors): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .trim_end_matches('\n')
        .to_owned()
}

#[test]
fn sign_and_string_to_sign_reproduce_every_vector() {
    for v in vectors() {
        let body = serde_json::to_vec(&v.params).unwrap();
        let s = run(&["string-to-sign"], None, &body);
        assert_eq!(s.status.code(), Some(0), "vector {}", v.name);
        assert_eq!(stdout(&s), v.string_to_sign, "vector {}", v.name);
        let o = run(&["sign"], Some(&v.secret), &body);
        assert_eq!(o.status.code(), Some(0), "vector {}: {:?}", v.name, o);
        assert_eq!(stdout(&o), v.signature, "vector {}", v.name);
    }
}

#[test]
fn verify_accepts_each_vector_and_rejects_any_one_byte_changed() {
    for v in vectors() {
        let mut signed = v.params.clone();
        signed["signature"] = serde_json::Value::String(v.signature.clone());
        let ok = run(
            &["verify"],
            Some(&v.secret),
            &serde_json::to_vec(&signed).unwrap(),
        );
        assert_eq!(ok.status.code(), Some(0), "vector {}: {:?}", v.name, ok);

        // Every byte of the signature.
        for i in 0..v.signature.len() {
            let mut sig = v.signature.clone().into_bytes();
            sig[i] = if sig[i] == b'x' { b'y' } else { b'x' };
            let mut bad = v.params.clone();
            bad["signature"] = String::from_utf8(sig).unwrap().into();
            let o = run(
                &["verify"],
                Some(&v.secret),
                &serde_json::to_vec(&bad).unwrap(),
            );
            assert_eq!(
                o.status.code(),
                Some(1),
                "vector {} signature byte {i}",
                v.name
            );
            assert!(String::from_utf8_lossy(&o.stderr).contains("does not match"));
        }

        // Every byte of the signed text outside the signature that still leaves valid JSON of
        // the same shape: change digits and letters of the body.
        let text = serde_json::to_string(&signed).unwrap();
        let sig_at = text.find(&v.signature).unwrap();
        let mut checked = 0;
        for (i, b) in text.bytes().enumerate() {
            if (sig_at..sig_at + v.signature.len()).contains(&i) || !b.is_ascii_alphanumeric() {
                continue;
            }
            let mut t = text.clone().into_bytes();
            t[i] = if b.is_ascii_digit() {
                if b == b'9' {
                    b'8'
                } else {
                    b + 1
                }
            } else if b == b'z' {
                b'y'
            } else {
                b'z'
            };
            let Ok(changed) = serde_json::from_slice::<serde_json::Value>(&t) else {
                continue; // e.g. `true` -> `zrue`: not JSON any more; covered by exit 2 below
            };
            if ecommpay::sign::string_to_sign(&changed) == v.string_to_sign {
                continue; // a change the signature does not cover (e.g. inside `frame_mode`)
            }
            let o = run(&["verify"], Some(&v.secret), &t);
            assert_eq!(o.status.code(), Some(1), "vector {} body byte {i}", v.name);
            checked += 1;
        }
        assert!(checked > 0, "vector {} had no byte to change", v.name);
    }
}

#[test]
fn payment_page_url_matches_the_php_sdk() {
    let params = br#"{"project_id":100,"interface_type":"{\"id\":23}","payment_id":"test payment id","payment_description":"B&W"}"#;
    let o = run(&["payment-page-url"], Some("secret"), params);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        stdout(&o),
        "https://paymentpage.ecommpay.com/payment?project_id=100&interface_type=%7B%22id%22%3A23%7D&payment_id=test+payment+id&payment_description=B%26W&signature=97JFQpAyJ4HPfGVedJh0M1MqQDOFt%2FMCbdh8VrsT7DdRyTBDAF2mvUOsDANx1ZPfbvZg0%2BVUbF43xJnq0jEeLA%3D%3D"
    );
    let o = run(
        &["payment-page-url", "--base-url", "http://127.0.0.1:9/pay"],
        Some("secret"),
        br#"{"a":"1"}"#,
    );
    assert!(stdout(&o).starts_with("http://127.0.0.1:9/pay?a=1&signature="));
}

#[test]
fn bad_input_exits_2_with_a_message_never_a_panic() {
    /// (arguments, secret, stdin, what stderr must say)
    type Case<'a> = (&'a [&'a str], Option<&'a str>, &'a [u8], &'a str);
    let cases: &[Case] = &[
        (&["sign"], Some("k"), b"{not json", "not valid JSON"),
        (&["sign"], Some("k"), b"", "stdin is empty"),
        (&["sign"], None, b"{}", "ECOMMPAY_SECRET is not set"),
        (&["sign"], Some(""), b"{}", "ECOMMPAY_SECRET is empty"),
        (&["verify"], None, b"{}", "ECOMMPAY_SECRET is not set"),
        (&["verify"], Some("k"), b"[1,", "not valid JSON"),
        (
            &["payment-page-url"],
            Some("k"),
            b"[1]",
            "must be a JSON object",
        ),
        (&["payment-page-url"], Some("k"), br#"{"a":null}"#, "null"),
        (
            &["sign", "my-secret"],
            Some("k"),
            b"{}",
            "unexpected argument",
        ),
        (&["frobnicate"], Some("k"), b"{}", "unknown command"),
        (&["sign"], Some("k"), &[0xff, 0xfe], "UTF-8"),
    ];
    for (args, secret, stdin, needle) in cases {
        let o = run(args, *secret, stdin);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // A missing signature is a verification failure (1), not an input error.
    let o = run(&["verify"], Some("k"), br#"{"a":1}"#);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no signature"));
}
