//! What the benchmarks share: an in-memory key store, and a history of many payments.
// Each benchmark compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use rusqlite::params;
use till::db::Db;

/// The in-process sandbox the benchmarks' tills talk to, on loopback (project 77).
pub async fn bench_sandbox(secret: &str) -> ecommpay_sandbox::RunningSandbox {
    ecommpay_sandbox::Sandbox::start(
        ecommpay_sandbox::SandboxConfig {
            project_id: 77,
            secret: ecommpay::Secret::new(secret),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

/// An in-memory key store: the benchmark must not touch the desktop's keyring.
pub use till::keystore::MemoryKeyStore as BenchKeys;

/// Saved cards the filled history's payments were paid with.
pub const CARDS: usize = 5_000;

/// The masked number of card `i`.
pub fn masked(i: usize) -> String {
    format!("8600{:02}******{:04}", i % 100, i % 10_000)
}

/// Writes `rows` final payments (one year of history, newest last; sales and payouts, paid
/// and declined, over [`CARDS`] cards) in one transaction, then `ANALYZE`. Reproducible (a
/// simple LCG). Returns how long it took.
pub fn fill(db: &Db, rows: usize) -> Duration {
    let t = Instant::now();
    let conn = db.connection();
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut stmt = conn
            .prepare(
                "INSERT INTO payments(payment_id, kind, amount, currency, project_id, customer_id, customer_ip, masked_card, card_last4, state, stage, gateway_status, code, created_at, final_at, follow_until)
                 VALUES (?1, ?2, ?3, 'UZS', 1, ?4, '127.0.0.1', ?5, ?6, ?7, 4, ?8, ?9, ?10, ?11, ?10)",
            )
            .unwrap();
        let start = 1_735_689_600_000_i64; // 2025-01-01
        let step = 365 * 86_400_000_i64 / rows as i64;
        let mut x: u64 = 42;
        for i in 0..rows {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = (x >> 33) as usize;
            let kind = if r.is_multiple_of(10) {
                "payout"
            } else {
                "sale"
            };
            let (state, status, code) = match r % 7 {
                0 => ("failed", "decline", "20105"),
                _ => ("success", "success", "0"),
            };
            let card = masked(r % CARDS);
            let last4 = card[card.len() - 4..].to_owned();
            let amount = ((r % 5_000) as i64 + 1) * 1_000;
            let created = start + i as i64 * step;
            stmt.execute(params![
                format!("T{}-S{:08}-{:06x}", r % 4 + 1, i, r & 0xff_ffff),
                kind,
                amount,
                format!("c{}", r % CARDS),
                card,
                last4,
                state,
                status,
                code,
                created,
                created + 30_000,
            ])
            .unwrap();
        }
    }
    conn.execute_batch("COMMIT; ANALYZE;").unwrap();
    t.elapsed()
}
