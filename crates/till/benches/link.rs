//! `cargo bench -p till --bench link [-- RUNS]`: Enter-to-link for both sale flows, from
//! `Till::start_sale` (what the sale screen calls on Enter) to the `link` event the QR is drawn
//! from, with a real SQLite file (WAL, full sync) and the sandbox on loopback:
//! - Payment Page: the till writes the payment and signs the link itself; nothing is sent
//!   (target < 5 ms);
//! - Gate: the sale request, the gateway's answer, and the link by callback to the till's
//!   listener: the loopback round trip.
//!
//! Prints p50, p99 and the maximum of each (the first run, which opens connections and warms
//! statement caches, is left out).

use std::net::SocketAddr;
use std::time::Instant;

use ecommpay::Tiyin;
use till::config::SaleFlow;
use till::db::Db;
use till::keystore::KeyStore;
use till::{Config, Till, TillEvent};

mod common;
use common::BenchKeys;

const SECRET: &str = "bench-secret";

fn till(dir: &std::path::Path, gateway: &str, flow: SaleFlow) -> Till {
    let mut cfg = Config {
        project_id: 77,
        gateway_url: gateway.to_owned(),
        payment_page_url: format!("{gateway}/payment"),
        till_code: "B1".into(),
        ..Config::default()
    };
    cfg.sale.flow = Some(flow);
    if flow == SaleFlow::Gate {
        let addr: SocketAddr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        cfg.callback.enabled = true;
        cfg.callback.listen = addr.to_string();
        cfg.callback.public_url = Some(format!("http://{addr}/ecommpay/callback"));
    }
    cfg.save(dir).unwrap();
    let db = Db::open(&dir.join("till.sqlite3")).unwrap();
    let keys = BenchKeys::default();
    keys.set("api-secret", SECRET).unwrap();
    Till::from_parts(dir.to_owned(), cfg, db, Box::new(keys))
}

/// Milliseconds from `start_sale` to the sale's `link` event, `runs` times.
async fn enter_to_link(till: &Till, runs: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(runs);
    for i in 0..=runs {
        let mut rx = till.subscribe();
        let t = Instant::now();
        let h = till
            .start_sale(Tiyin::new(1_000_000 + i as i64), None)
            .await
            .unwrap();
        loop {
            match rx.recv().await.unwrap() {
                TillEvent::Link { payment_id, .. } if payment_id == h.payment_id => break,
                _ => {}
            }
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i > 0 {
            out.push(ms);
        }
        h.task.abort();
    }
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

fn report(name: &str, ms: &[f64], target: Option<f64>) {
    let p = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    let verdict = match target {
        Some(t) if p(0.99) < t => format!("target p99 < {t} ms  OK"),
        Some(t) => format!("target p99 < {t} ms  OVER"),
        None => "loopback round trip".into(),
    };
    println!(
        "{name:<34} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  ({} runs)  {verdict}",
        p(0.5),
        p(0.99),
        ms[ms.len() - 1],
        ms.len()
    );
}

async fn run(runs: usize) {
    let sb = common::bench_sandbox(SECRET).await;
    let page_dir = tempfile::tempdir().unwrap();
    let page = till(page_dir.path(), sb.base_url(), SaleFlow::PaymentPage);
    report(
        "Enter -> link, Payment Page",
        &enter_to_link(&page, runs).await,
        Some(5.0),
    );
    let gate_dir = tempfile::tempdir().unwrap();
    let gate = till(gate_dir.path(), sb.base_url(), SaleFlow::Gate);
    let listener = gate.start_listener().await.unwrap();
    report(
        "Enter -> link, Gate (by callback)",
        &enter_to_link(&gate, runs).await,
        None,
    );
    listener.stop().await;
    sb.shutdown().await;
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(runs));
}
