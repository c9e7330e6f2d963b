//! `ecommpay`: the protocol's signature from the command line, for integrators settling a
//! signature dispute and for our own checks.
//!
//! The secret comes only from the environment variable `ECOMMPAY_SECRET`: arguments show in
//! `ps` and shell history. Exit codes: 0 done, 1 a signature does not hold, 2 bad input or usage.

use std::io::{Read, Write};
use std::process::ExitCode;

use ecommpay::payment_page::{payment_page_url, PAYMENT_PAGE_BASE_URL};
use ecommpay::sign::{self, VerifyError};
use ecommpay::Secret;
use serde_json::Value;

const USAGE: &str = "\
usage: ecommpay <command> < input.json

commands:
  string-to-sign       print the string that is signed for the JSON body on stdin
  sign                 print the signature of the JSON body on stdin
  verify               check the signature carried by the JSON on stdin (top-level
                       `signature` or `general.signature`); exit 0 if it holds, 1 if not
  payment-page-url     print the signed Payment Page link for the flat JSON object of
                       parameters on stdin [--base-url URL]

The secret is read from the environment variable ECOMMPAY_SECRET (never from an argument).
Exit codes: 0 success, 1 signature does not hold, 2 bad input or usage.";

/// A failure with its exit code and the message for stderr.
struct Failure {
    code: u8,
    message: String,
}

fn usage(msg: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: format!("{}\n\n{USAGE}", msg.into()),
    }
}

fn input_error(msg: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: msg.into(),
    }
}

fn read_json() -> Result<Value, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| input_error(format!("error: cannot read stdin as UTF-8 text: {e}")))?;
    if text.trim().is_empty() {
        return Err(input_error("error: stdin is empty; expected a JSON object"));
    }
    serde_json::from_str(&text)
        .map_err(|e| input_error(format!("error: stdin is not valid JSON: {e}")))
}

fn secret() -> Result<Secret, Failure> {
    let raw = std::env::var("ECOMMPAY_SECRET").map_err(|e| match e {
        std::env::VarError::NotPresent => {
            input_error("error: ECOMMPAY_SECRET is not set; export the project secret in it")
        }
        std::env::VarError::NotUnicode(_) => {
            input_error("error: ECOMMPAY_SECRET is not valid UTF-8")
        }
    })?;
    Secret::new_checked(raw).map_err(|_| input_error("error: ECOMMPAY_SECRET is empty"))
}

fn run(args: &[String]) -> Result<String, Failure> {
    let command = args.first().map(String::as_str);
    match command {
        None | Some("-h" | "--help" | "help") => Ok(USAGE.to_owned()),
        Some("string-to-sign") => {
            no_more_args(&args[1..])?;
            Ok(sign::string_to_sign(&read_json()?))
        }
        Some("sign") => {
            no_more_args(&args[1..])?;
            let secret = secret()?;
            Ok(sign::sign(&read_json()?, &secret))
        }
        Some("verify") => {
            no_more_args(&args[1..])?;
            let secret = secret()?;
            let body = read_json()?;
            match sign::verify(&body, &secret) {
                Ok(()) => Ok("ok: the signature holds".to_owned()),
                Err(e) => Err(Failure {
                    code: 1,
                    message: format!(
                        "invalid: {e}{}",
                        match e {
                            VerifyError::Mismatch =>
                                " (string signed: see `ecommpay string-to-sign`)",
                            _ => "",
                        }
                    ),
                }),
            }
        }
        Some("payment-page-url") => {
            let base = match &args[1..] {
                [] => PAYMENT_PAGE_BASE_URL.to_owned(),
                [flag, url] if flag == "--base-url" => url.clone(),
                _ => return Err(usage("error: payment-page-url takes only --base-url URL")),
            };
            let secret = secret()?;
            let body = read_json()?;
            let params = body
                .as_object()
                .ok_or_else(|| input_error("error: the parameters must be a JSON object"))?;
            payment_page_url(&base, params, &secret).map_err(|e| input_error(format!("error: {e}")))
        }
        Some(other) => Err(usage(format!("error: unknown command {other:?}"))),
    }
}

fn no_more_args(rest: &[String]) -> Result<(), Failure> {
    match rest.first() {
        None => Ok(()),
        Some(a) => Err(usage(format!(
            "error: unexpected argument {a:?} (the secret goes in ECOMMPAY_SECRET, the JSON on stdin)"
        ))),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(stdout, "{out}");
            ExitCode::SUCCESS
        }
        Err(f) => {
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
    }
}
