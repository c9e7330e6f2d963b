//! `cargo bench -p till --bench history [-- ROWS]`: builds a history of 1,000,000 payments
//! (one bulk transaction) in a real SQLite file and prints the figures issue 4 asks for:
//! the first page, filtered searches (status, date range, amount, masked card, last four
//! digits, payment id), CSV export of every row, and the local overhead of a sale from the
//! command to the link over loopback (against the sandbox; callback delivery included).
//! Targets: page < 20 ms, search < 50 ms, export >= 500,000 rows/s, overhead < 20 ms.

use std::net::SocketAddr;
use std::time::Instant;

use ecommpay::Tiyin;
use till::db::history::{self, HistoryFilter};
use till::db::Db;
use till::keystore::KeyStore;
use till::{Config, Kind, State, Till, TillEvent};

mod common;
use common::{fill, masked, BenchKeys};

/// Median of `n` runs, in milliseconds.
fn time<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(n);
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (times[n / 2], last.unwrap())
}

fn report(name: &str, ms: f64, rows: usize, target_ms: f64) {
    println!(
        "{name:<44} {ms:>9.3} ms  ({rows} rows)  target < {target_ms} ms  {}",
        if ms < target_ms { "OK" } else { "OVER" }
    );
}

async fn sale_overhead() {
    let secret = "bench-secret";
    let sb = common::bench_sandbox(secret).await;
    let dir = tempfile::tempdir().unwrap();
    let addr: SocketAddr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut cfg = Config {
        project_id: 77,
        gateway_url: sb.base_url().to_owned(),
        till_code: "B1".into(),
        ..Config::default()
    };
    cfg.callback.enabled = true;
    cfg.callback.listen = addr.to_string();
    cfg.callback.public_url = Some(format!("http://{addr}/ecommpay/callback"));
    cfg.save(dir.path()).unwrap();
    let db = Db::open(&dir.path().join("till.sqlite3")).unwrap();
    let keys = BenchKeys::default();
    keys.set("api-secret", secret).unwrap();
    let till = Till::from_parts(dir.path().to_owned(), cfg, db, Box::new(keys));
    let listener = till.start_listener().await.unwrap();
    let mut to_answer = Vec::new();
    let mut to_link = Vec::new();
    for i in 0..30 {
        let mut rx = till.subscribe();
        let t = Instant::now();
        let h = till
            .start_sale(Tiyin::new(1_000_000 + i), None)
            .await
            .unwrap();
        let pid = h.payment_id.clone();
        loop {
            match rx.recv().await.unwrap() {
                TillEvent::Accepted { payment_id, .. } if payment_id == pid => {
                    to_answer.push(t.elapsed().as_secs_f64() * 1000.0)
                }
                TillEvent::Link { payment_id, .. } if payment_id == pid => {
                    to_link.push(t.elapsed().as_secs_f64() * 1000.0);
                    break;
                }
                _ => {}
            }
        }
        h.task.abort();
    }
    to_answer.sort_by(|a, b| a.partial_cmp(b).unwrap());
    to_link.sort_by(|a, b| a.partial_cmp(b).unwrap());
    // Skip the first (connection set-up, statement cache) in the median.
    report(
        "sale: command -> accepted answer (median)",
        to_answer[to_answer.len() / 2],
        1,
        20.0,
    );
    report(
        "sale: command -> link via callback (median)",
        to_link[to_link.len() / 2],
        1,
        20.0,
    );
    listener.stop().await;
    sb.shutdown().await;
}

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite3");
    let db = Db::open(&path).unwrap();
    let took = fill(&db, rows);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "filled {rows} payments in {:.1} s ({:.0} rows/s), file {:.0} MiB",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64(),
        size as f64 / 1_048_576.0
    );
    let conn = db.connection();
    let last = |f: &HistoryFilter| -> (f64, usize) {
        let (ms, page) = time(21, || history::page(conn, f, None, 50).unwrap());
        (ms, page.rows.len())
    };
    let (ms, n) = last(&HistoryFilter::default());
    report("first page (50 rows, newest first)", ms, n, 20.0);
    let first = history::page(conn, &HistoryFilter::default(), None, 50).unwrap();
    let (ms, p2) = time(21, || {
        history::page(conn, &HistoryFilter::default(), first.next, 50).unwrap()
    });
    report("second page (keyset)", ms, p2.rows.len(), 20.0);
    let searches: Vec<(&str, HistoryFilter)> = vec![
        (
            "status = failed",
            HistoryFilter {
                state: Some(State::Failed),
                ..Default::default()
            },
        ),
        (
            "type = payout",
            HistoryFilter {
                kind: Some(Kind::Payout),
                ..Default::default()
            },
        ),
        (
            "date range (one week in June)",
            HistoryFilter {
                from_ms: Some(1_748_736_000_000),
                to_ms: Some(1_748_736_000_000 + 7 * 86_400_000),
                ..Default::default()
            },
        ),
        (
            "amount = 15 000.00",
            HistoryFilter {
                amount_min: Some(Tiyin::new(1_500_000)),
                amount_max: Some(Tiyin::new(1_500_000)),
                ..Default::default()
            },
        ),
        (
            "amount range 1 000..1 100 so'm",
            HistoryFilter {
                amount_min: Some(Tiyin::new(100_000)),
                amount_max: Some(Tiyin::new(110_000)),
                ..Default::default()
            },
        ),
        (
            "masked card 860017******0017",
            HistoryFilter {
                text: Some(masked(17)),
                ..Default::default()
            },
        ),
        (
            "card last four 0017",
            HistoryFilter {
                text: Some("0017".into()),
                ..Default::default()
            },
        ),
        (
            "payment id prefix T2-S00123",
            HistoryFilter {
                text: Some("T2-S00123".into()),
                ..Default::default()
            },
        ),
        (
            "status = failed + date range + type = sale",
            HistoryFilter {
                state: Some(State::Failed),
                kind: Some(Kind::Sale),
                from_ms: Some(1_748_736_000_000),
                to_ms: Some(1_748_736_000_000 + 30 * 86_400_000),
                ..Default::default()
            },
        ),
    ];
    for (name, f) in &searches {
        let (ms, n) = last(f);
        report(&format!("search: {name}"), ms, n, 50.0);
    }
    let t = Instant::now();
    let n = history::export_csv(conn, &HistoryFilter::default(), std::io::sink(), |_| {}).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{:<44} {:>9.3} s   ({n} rows) = {:.0} rows/s  target >= 500000  {}",
        "CSV export of every row",
        secs,
        n as f64 / secs,
        if n as f64 / secs >= 500_000.0 {
            "OK"
        } else {
            "UNDER"
        }
    );
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(sale_overhead());
}
