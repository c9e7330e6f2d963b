//! `cargo bench -p till --bench ui_latency [-- ROWS [RUNS]]`: what the desktop app's commands
//! call, timed while a CSV export of every row of a 1,000,000-payment history (a real SQLite
//! file, WAL, full sync) runs on a thread of its own, as the app's export does:
//! - history's first page (`Till::history`, 50 rows, newest first),
//! - a payment's detail (`Till::payment`) and its timeline (`Till::payment_timeline`),
//! - a sign-in (`Till::verify_pin`: Argon2id),
//! - the sale overhead: `Till::start_sale` to the sale's `link` event (Payment Page flow, the
//!   sandbox on loopback; the sale is written with full sync before the link is signed).
//!
//! Prints p50, p99 and the maximum of each, first with nothing else running, then during the
//! export: a sample counts only when the export was running at its start and at its end, and
//! the export is started again until every call has RUNS samples (200). Also prints each
//! export's duration. Target: p99 < 50 ms during the export.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ecommpay::Tiyin;
use till::config::SaleFlow;
use till::db::Db;
use till::keystore::KeyStore;
use till::{Config, HistoryFilter, Role, Till, TillEvent};

mod common;
use common::{fill, BenchKeys};

const SECRET: &str = "bench-secret";
const TARGET_MS: f64 = 50.0;
const CALLS: [&str; 5] = [
    "history: first page (50 rows)",
    "payment detail",
    "payment timeline",
    "sign-in (PIN, Argon2id)",
    "sale: start_sale -> link",
];

/// A CSV export of every row, running on its own thread.
struct Export {
    running: Arc<AtomicBool>,
    thread: JoinHandle<(u64, Duration)>,
}

impl Export {
    fn start(till: &Till, to: PathBuf, rows: Arc<AtomicU64>) -> Export {
        let running = Arc::new(AtomicBool::new(true));
        let (till, flag) = (till.clone(), running.clone());
        let thread = std::thread::spawn(move || {
            let t = Instant::now();
            let file = std::fs::File::create(&to).unwrap();
            let n = till
                .export_csv(file, &HistoryFilter::default(), |n| {
                    rows.store(n, Ordering::Relaxed)
                })
                .unwrap();
            flag.store(false, Ordering::SeqCst);
            (n, t.elapsed())
        });
        Export { running, thread }
    }

    fn running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }
}

fn till(dir: &Path, db: Db, gateway: &str) -> Till {
    let mut cfg = Config {
        project_id: 77,
        gateway_url: gateway.to_owned(),
        payment_page_url: format!("{gateway}/payment"),
        till_code: "B1".into(),
        ..Config::default()
    };
    cfg.sale.flow = Some(SaleFlow::PaymentPage);
    cfg.save(dir).unwrap();
    let keys = BenchKeys::default();
    keys.set("api-secret", SECRET).unwrap();
    let till = Till::from_parts(dir.to_owned(), cfg, db, Box::new(keys));
    // A bench till with no manager: its setup may add the cashier.
    let setup = till.authorize("the bench's cashier", None).unwrap();
    till.add_user(&setup, "Kassir", Role::Cashier, "1111")
        .unwrap();
    till
}

/// Milliseconds from `start_sale` to the sale's `link` event.
async fn sale(till: &Till, i: usize) -> f64 {
    let mut rx = till.subscribe();
    let t = Instant::now();
    let h = till
        .start_sale(Tiyin::new(1_000_000 + i as i64), None)
        .await
        .unwrap();
    loop {
        match rx.recv().await {
            Ok(TillEvent::Link { payment_id, .. }) if payment_id == h.payment_id => break,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    h.task.abort();
    ms
}

fn ms_of<T>(f: impl FnOnce() -> T) -> f64 {
    let t = Instant::now();
    std::hint::black_box(f());
    t.elapsed().as_secs_f64() * 1000.0
}

/// One round of every call; `export`, when given, must be running from its start to its end
/// for the round's samples to count (returns `None` otherwise).
async fn round(till: &Till, ids: &[String], i: usize, export: Option<&Export>) -> Option<[f64; 5]> {
    let during = || export.is_none_or(Export::running);
    if !during() {
        return None;
    }
    let id = &ids[i % ids.len()];
    let out = [
        ms_of(|| till.history(&HistoryFilter::default(), None, 50).unwrap()),
        ms_of(|| till.payment(id).unwrap()),
        ms_of(|| till.payment_timeline(id).unwrap()),
        ms_of(|| till.verify_pin("Kassir", "1111").unwrap()),
        sale(till, i).await,
    ];
    during().then_some(out)
}

fn report(title: &str, samples: &mut [Vec<f64>; 5], target: Option<f64>) {
    println!("{title}");
    for (name, ms) in CALLS.iter().zip(samples.iter_mut()) {
        ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let p = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
        let verdict = match target {
            Some(t) if p(0.99) < t => format!("target p99 < {t} ms  OK"),
            Some(t) => format!("target p99 < {t} ms  OVER"),
            None => String::new(),
        };
        println!(
            "  {name:<32} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  ({} runs)  {verdict}",
            p(0.5),
            p(0.99),
            ms[ms.len() - 1],
            ms.len()
        );
    }
}

async fn run(rows: usize, runs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("till.sqlite3")).unwrap();
    let took = fill(&db, rows);
    println!(
        "filled {rows} payments in {:.1} s; export to a file on another thread",
        took.as_secs_f64()
    );
    // Payments spread over the year, for the detail and the timeline.
    let ids: Vec<String> = {
        let mut stmt = db
            .connection()
            .prepare("SELECT payment_id FROM payments WHERE id % (?1 / 200 + 1) = 0")
            .unwrap();
        let ids = stmt
            .query_map([rows as i64], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        ids
    };
    let sb = common::bench_sandbox(SECRET).await;
    let till = till(dir.path(), db, sb.base_url());
    let csv = dir.path().join("export.csv");

    // Warm-up (statement caches, connections), then nothing else running.
    round(&till, &ids, 0, None).await;
    let mut idle: [Vec<f64>; 5] = Default::default();
    for i in 0..runs / 2 {
        let s = round(&till, &ids, i, None).await.unwrap();
        for (v, ms) in idle.iter_mut().zip(s) {
            v.push(ms);
        }
    }
    report("nothing else running:", &mut idle, None);

    let mut during: [Vec<f64>; 5] = Default::default();
    let progress = Arc::new(AtomicU64::new(0));
    let mut exports: Vec<(u64, Duration)> = Vec::new();
    let mut i = 0;
    while during[0].len() < runs {
        let export = Export::start(&till, csv.clone(), progress.clone());
        // Samples start once the export streams rows (its query has begun).
        let before = progress.load(Ordering::Relaxed);
        while export.running() && progress.load(Ordering::Relaxed) == before {
            std::thread::sleep(Duration::from_millis(1));
        }
        while during[0].len() < runs {
            i += 1;
            match round(&till, &ids, i, Some(&export)).await {
                Some(s) => {
                    for (v, ms) in during.iter_mut().zip(s) {
                        v.push(ms);
                    }
                }
                None => break, // the export ended: that round does not count
            }
        }
        let (n, took) = export.thread.join().unwrap();
        assert!(
            n > rows as u64,
            "every row exported (and the sales made before it)"
        );
        exports.push((n, took));
        progress.store(0, Ordering::Relaxed);
    }
    report(
        &format!(
            "during a CSV export of every row (each sample taken while the export ran; {} exports):",
            exports.len()
        ),
        &mut during,
        Some(TARGET_MS),
    );
    exports.sort_by_key(|e| e.1);
    let secs = |k: usize| exports[k].1.as_secs_f64();
    let (n, mid) = (exports[0].0, exports.len() / 2);
    println!(
        "  the export, with the calls above beside it: {n} rows in {:.2} s (median; fastest {:.2} s, slowest {:.2} s) = {:.0} rows/s",
        secs(mid),
        secs(0),
        secs(exports.len() - 1),
        n as f64 / secs(mid)
    );
    sb.shutdown().await;
}

fn main() {
    let mut nums = std::env::args().skip(1).filter_map(|a| a.parse().ok());
    let rows: usize = nums.next().unwrap_or(1_000_000);
    let runs: usize = nums.next().unwrap_or(200);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(rows, runs));
}
