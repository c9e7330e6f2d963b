//! `cashier`: the till's headless command line, over the same core as the desktop app.
//! Every command takes `--data-dir DIR` and `--json` (one JSON object per line on stdout).

mod args;
mod auth;
mod backup;
mod commands;
mod out;
mod receipt;
mod reconcile;
mod report;
mod run;
mod shift;

use clap::Parser;

use args::Cli;
use out::Out;

fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CASHIER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let out = Out { json: cli.json };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => std::process::exit(out.error_parts("io", &e.to_string())),
    };
    let code = runtime.block_on(commands::dispatch(cli, out));
    // Background tasks (followers, the listener) end with the process.
    runtime.shutdown_background();
    std::process::exit(code);
}
