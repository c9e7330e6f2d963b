//! `ecommpay-sandbox --listen 127.0.0.1:PORT --project-id N [options]`; the secret comes from
//! `ECOMMPAY_SECRET` only (an argument would show in `ps` and shell history). Prints the base
//! URL as the first line of stdout when ready; SIGTERM or Ctrl-C stops it (exit 0).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use ecommpay::Secret;
use ecommpay_sandbox::{
    DataApiAccess, NotFoundStyle, RedirectKey, Sandbox, SandboxConfig, SignaturePlacement,
    StatusShape,
};

const USAGE: &str = "\
usage: ecommpay-sandbox --listen ADDR:PORT --project-id N [options]
The project secret is read from the environment variable ECOMMPAY_SECRET; the Data API
token's secret (with --data-api-token) from ECOMMPAY_DATA_SECRET.

options:
  --listen ADDR:PORT           where to listen (port 0 picks a free one)        [required]
  --project-id N               the project the sandbox plays                     [required]
  --shop-name TEXT             shown on the bot page
  --public-url URL             base of the bot links (e.g. http://192.168.1.10:8080 for a phone)
  --callback-url URL           send callbacks here instead of general.merchant_callback_url
  --payout-delay-secs S        payout processing time, real seconds               [20]
  --payout-limit-secs S        payout limit, gateway seconds (scaled)             [86400]
  --sale-expiry-secs S         sale expiry, gateway seconds (scaled)              [900]
  --time-factor F              scales retry schedule, sale expiry, payout limit   [1]
  --merchant-balance TIYIN     starting merchant balance                          [100000000]
  --payout-max TIYIN           largest payout (above: decline 904)                [1000000000]
  --signature-in-general       sign callbacks in general.signature (default: top level)
  --redirect-camel             use redirectData instead of redirect_data
  --redirect-key KEY           redirect_data | redirectData | return_url          [redirect_data]
  --redirect-body-array        the empty body of a GET redirect is [] instead of {}
  --redirect-encrypted         add \"encrypted\": [] inside the redirect data
  --status-redirect-data       /v2/payment/status carries redirect data while waiting
  --status-shape SHAPE         status answers: operations (array) | operation     [operations]
  --not-found-style STYLE      unknown payment in status: http_error (HTTP 404) |
                               payment_error (HTTP 200, errors[].code 3061)       [http_error]
  --payment-page-method CODE   the Payment Page's force_payment_method code       [card-partner]
  --data-api-token TOKEN       the Data API token /v1/operations/get accepts (its secret from
                               ECOMMPAY_DATA_SECRET); without it every token is refused
  -h, --help                   this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (cfg, listen) = match parse(&args) {
        Ok(v) => v,
        Err(msg) => {
            eprintln!("ecommpay-sandbox: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ecommpay-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(run(cfg, listen))
}

async fn run(cfg: SandboxConfig, listen: SocketAddr) -> ExitCode {
    let project = cfg.project_id;
    let sandbox = match Sandbox::start(cfg, listen).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ecommpay-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        // If stdout is gone, whoever started us is not reading; serving on is harmless.
        let _ = writeln!(out, "{}", sandbox.base_url()).and_then(|_| out.flush());
    }
    eprintln!(
        "ecommpay-sandbox: project {project} at {}; control API under /_sandbox/",
        sandbox.base_url()
    );
    wait_for_stop().await;
    sandbox.shutdown().await;
    eprintln!("ecommpay-sandbox: stopped");
    ExitCode::SUCCESS
}

#[cfg(unix)]
async fn wait_for_stop() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() {
    let _ = tokio::signal::ctrl_c().await;
}

fn parse(args: &[String]) -> Result<(SandboxConfig, SocketAddr), String> {
    let secret = std::env::var("ECOMMPAY_SECRET")
        .map_err(|_| "ECOMMPAY_SECRET is not set (the secret is never taken from an argument)")?;
    let secret = Secret::new_checked(secret).map_err(|_| "ECOMMPAY_SECRET is empty")?;
    let mut cfg = SandboxConfig {
        secret,
        ..SandboxConfig::default()
    };
    let mut listen: Option<SocketAddr> = None;
    let mut data_token: Option<String> = None;
    let mut project: Option<u64> = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--listen" => {
                let v = value(flag)?;
                listen = Some(
                    v.parse()
                        .map_err(|_| format!("--listen: not an ADDR:PORT: {v}"))?,
                );
            }
            "--project-id" => project = Some(number(flag, &value(flag)?)?),
            "--shop-name" => cfg.shop_name = value(flag)?,
            "--public-url" => cfg.public_url = Some(value(flag)?),
            "--callback-url" => cfg.callback_url = Some(value(flag)?),
            "--payout-delay-secs" => cfg.payout_delay = secs(flag, &value(flag)?)?,
            "--payout-limit-secs" => cfg.payout_limit = secs(flag, &value(flag)?)?,
            "--sale-expiry-secs" => cfg.sale_expiry = secs(flag, &value(flag)?)?,
            "--time-factor" => {
                let v = value(flag)?;
                cfg.time_factor = v
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .ok_or_else(|| format!("--time-factor: not a non-negative number: {v}"))?;
            }
            "--merchant-balance" => cfg.merchant_balance = number(flag, &value(flag)?)?,
            "--payout-max" => cfg.payout_max = number(flag, &value(flag)?)?,
            "--signature-in-general" => cfg.signature_placement = SignaturePlacement::General,
            "--redirect-camel" => cfg.redirect_key = RedirectKey::Camel,
            "--redirect-key" => {
                let v = value(flag)?;
                cfg.redirect_key = RedirectKey::parse(&v).ok_or_else(|| {
                    format!("--redirect-key: redirect_data, redirectData or return_url: {v}")
                })?;
            }
            "--redirect-body-array" => cfg.redirect_body_array = true,
            "--redirect-encrypted" => cfg.redirect_encrypted = true,
            "--status-redirect-data" => cfg.status_redirect_data = true,
            "--status-shape" => {
                let v = value(flag)?;
                cfg.status_shape = StatusShape::parse(&v)
                    .ok_or_else(|| format!("--status-shape: operations or operation: {v}"))?;
            }
            "--not-found-style" => {
                let v = value(flag)?;
                cfg.not_found_style = NotFoundStyle::parse(&v).ok_or_else(|| {
                    format!("--not-found-style: http_error or payment_error: {v}")
                })?;
            }
            "--payment-page-method" => cfg.payment_page_method = value(flag)?,
            "--data-api-token" => {
                let v = value(flag)?;
                if v.trim().is_empty() {
                    return Err("--data-api-token: empty".into());
                }
                data_token = Some(v.trim().to_owned());
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    let listen = listen.ok_or("--listen is required")?;
    cfg.project_id = project.ok_or("--project-id is required")?;
    if let Some(token) = data_token {
        let secret = std::env::var("ECOMMPAY_DATA_SECRET").map_err(|_| {
            "--data-api-token needs ECOMMPAY_DATA_SECRET (the token's own secret, never an argument)"
        })?;
        let secret = Secret::new_checked(secret).map_err(|_| "ECOMMPAY_DATA_SECRET is empty")?;
        cfg.data_api = Some(DataApiAccess { token, secret });
    }
    Ok((cfg, listen))
}

fn number(flag: &str, v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("{flag}: not a non-negative integer: {v}"))
}

fn secs(flag: &str, v: &str) -> Result<Duration, String> {
    v.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{flag}: not a number of seconds: {v}"))
}
