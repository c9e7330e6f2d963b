//! The callback listener as an attacker on the shop's network meets it (loopback only, bounded
//! loops): a flood of forged callbacks naming a real sale costs the database almost nothing and
//! changes nothing while a real sale completes; slow clients are all dropped in time.

use std::time::{Duration, Instant};

use ::till::{State, TillEvent};
use ecommpay::Tiyin;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{db_bytes, record};
use crate::till::*;
use ecommpay_sandbox::RunningSandbox;

fn listener_till(sb: &RunningSandbox) -> (TestTill, std::net::SocketAddr) {
    TestTill::with_listener(sb.base_url(), &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_forged_callbacks_change_nothing_and_cost_the_disk_almost_nothing() {
    let sb = sandbox(|_| {}).await;
    let (t, addr) = listener_till(&sb);
    let listener = t.till.start_listener().await.unwrap();
    let mut rx = t.till.subscribe();
    let h = t
        .till
        .start_sale(Tiyin::new(2_500_000), Some("anna"))
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    wait_event(&mut rx, 20, |e| matches!(e, TillEvent::Link { .. })).await;
    let before = db_bytes(t.path());
    // Each forged body names the real sale, says it succeeded, and is about 60 KiB.
    let body = serde_json::to_vec(&serde_json::json!({
        "project_id": PROJECT,
        "payment": {"id": pid, "type": "purchase", "status": "success", "sum": {"amount": 2_500_000, "currency": "UZS"}},
        "operation": {"status": "success", "code": "0"},
        "pad": "x".repeat(60 * 1024),
        "signature": "AAAAforgedAAAA==",
    }))
    .unwrap();
    let started = Instant::now();
    // A new connection per request, as a flood from many hosts would be.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let url = format!("http://{addr}/ecommpay/callback");
    let mut tasks = tokio::task::JoinSet::new();
    const TRIES: usize = 10_000;
    for w in 0..16 {
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        tasks.spawn(async move {
            // (refused with 400 after the signature check, dropped by the per-source limit)
            let (mut refused, mut dropped) = (0, 0);
            for _ in (w..TRIES).step_by(16) {
                match client.post(&url).body(body.clone()).send().await {
                    Ok(res) => refused += usize::from(res.status().as_u16() == 400),
                    Err(_) => dropped += 1,
                }
            }
            (refused, dropped)
        });
    }
    let (mut refused, mut dropped) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        let (r, d) = r.unwrap();
        refused += r;
        dropped += d;
    }
    let took = started.elapsed();
    let grew = db_bytes(t.path()).saturating_sub(before);
    println!(
        "forged callbacks: {TRIES} tries, {refused} refused (400), {dropped} dropped (per-source limit), applied 0, database growth {grew} bytes, {:.1} s",
        took.as_secs_f64()
    );
    assert_eq!(refused + dropped, TRIES, "every one refused or dropped");
    assert!(refused > 0);
    assert!(grew < 1024 * 1024, "the database grew by {grew} bytes");
    let p = t.till.payment(&pid).unwrap();
    assert!(!p.state.is_final() && !p.flagged, "{p:?}");
    assert_eq!(t.till.rejected_callbacks().unwrap().0, refused as u64);
    // Meanwhile the real sale completes.
    let link = t.till.payment(&pid).unwrap().redirect_url.unwrap();
    pay(&link, "uzcard-ok").await;
    let p = tokio::time::timeout(Duration::from_secs(60), h.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.state, State::Success);
    record(
        "forged callbacks (60 KiB, bad signature, naming a real sale) while it is paid",
        TRIES as u64,
        0,
        Some(grew),
        took,
    );
    listener.stop().await;
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_slow_clients_are_all_dropped_within_fifteen_seconds() {
    let sb = sandbox(|_| {}).await;
    let (t, addr) = listener_till(&sb);
    let listener = t.till.start_listener().await.unwrap();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        tasks.spawn(async move {
            let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
                return Some(Duration::ZERO); // refused at once: dropped
            };
            let head = b"POST /ecommpay/callback HTTP/1.1\r\nHost: till\r\nX-Slow: ";
            let _ = s.write_all(head).await;
            let deadline = Instant::now() + Duration::from_secs(20);
            // One byte a second, until the till closes the connection.
            while Instant::now() < deadline {
                if s.write_all(b"a").await.is_err() {
                    return Some(Instant::now().duration_since(deadline - Duration::from_secs(20)));
                }
                let mut buf = [0u8; 64];
                match tokio::time::timeout(Duration::from_secs(1), s.read(&mut buf)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => {
                        return Some(
                            Instant::now().duration_since(deadline - Duration::from_secs(20)),
                        )
                    }
                    _ => {}
                }
            }
            None
        });
    }
    let mut slowest = Duration::ZERO;
    let mut open = 0;
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Some(d) => slowest = slowest.max(d),
            None => open += 1,
        }
    }
    println!(
        "slow clients: 200 tries, {open} still open after 20 s, slowest dropped after {:.1} s, {:.1} s in all",
        slowest.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(open, 0);
    assert!(slowest <= Duration::from_secs(15), "{slowest:?}");
    // The listener still answers afterwards.
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/ecommpay/callback"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    record(
        "slow clients (1 byte a second): all dropped within 15 s",
        200,
        open as u64,
        None,
        slowest,
    );
    listener.stop().await;
    drop(t);
    sb.shutdown().await;
}

/// Behind a reverse proxy: only the sources in `callback.allow_from` are served (others are
/// closed before a byte is read), and a secret segment in `callback.path` leaves the usual
/// path answering 404 with nothing stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_allowed_sources_and_the_secret_path_are_served() {
    let sb = sandbox(|_| {}).await;
    let started = Instant::now();
    let client = reqwest::Client::new();
    let mut tries = 0;
    // Loopback is not the proxy's address: closed.
    let (t, addr) = TestTill::with_listener(
        sb.base_url(),
        &[("callback.allow_from", "192.0.2.10, 198.51.100.0/24")],
    );
    let listener = t.till.start_listener().await.unwrap();
    for _ in 0..20 {
        tries += 1;
        let r = client
            .post(format!("http://{addr}/ecommpay/callback"))
            .body(r#"{"payment":{"id":"x","status":"success"},"signature":"AA=="}"#)
            .send()
            .await;
        assert!(r.is_err(), "served a source not allowed: {r:?}");
    }
    assert_eq!(t.till.rejected_callbacks().unwrap().0, 0, "nothing read");
    listener.stop().await;
    // A range that holds loopback, and a secret path: the usual path is not there.
    let (t, addr) = TestTill::with_listener(
        sb.base_url(),
        &[
            ("callback.allow_from", "127.0.0.0/8"),
            ("callback.path", "/ecommpay/callback/6b1f0c9e2d"),
        ],
    );
    let listener = t.till.start_listener().await.unwrap();
    let before = db_bytes(t.path());
    for _ in 0..20 {
        tries += 1;
        let r = client
            .post(format!("http://{addr}/ecommpay/callback"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
    }
    let r = client
        .post(format!("http://{addr}/ecommpay/callback/6b1f0c9e2d"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "the secret path is served");
    let grew = db_bytes(t.path()).saturating_sub(before);
    // A bad setting is refused in words.
    let err = crate::till::set_setting(&t.till, "callback.allow_from", "10.0.0.0/40").unwrap_err();
    assert_eq!(err.code(), "config_invalid");
    record(
        "callbacks from sources not allowed, and to the path without its secret segment",
        tries,
        0,
        Some(grew),
        started.elapsed(),
    );
    listener.stop().await;
    sb.shutdown().await;
}
