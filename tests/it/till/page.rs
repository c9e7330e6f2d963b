//! A till the internet cannot reach, through the `cashier` binary: the Payment Page flow from
//! `cashier init` to a paid sale with the sandbox's defaults and no listener; a second process
//! (`cashier watch`) that shows the link and result the first one received; and a SIGKILL
//! after the link in each flow, then recovery.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::Value;

use super::cli::{run, setup, spawn};
use super::*;

fn query(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').expect("a query").1;
    form_urlencoded(q)
}

/// `a=1&b=x+y` → map (PHP's encoding: `+` is a space).
fn form_urlencoded(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_nobody_can_reach_sells_through_the_payment_page() {
    require_keyring();
    // The sandbox exactly as it starts by default: status answers without redirect data.
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let page = format!("{}/payment", sb.base_url());
    let (code, lines, err) = run(
        d,
        &[
            "init",
            "--project-id",
            &PROJECT.to_string(),
            "--gateway-url",
            sb.base_url(),
            "--payment-page-url",
            &page,
            "--till-code",
            "T1",
        ],
        None,
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (
            lines[0]["flow"].as_str(),
            lines[0]["payment_page_url"].as_str()
        ),
        (Some("payment_page"), Some(page.as_str()))
    );
    let (code, _, _) = run(d, &["secret", "set"], Some(&format!("{SECRET}\n"))).await;
    assert_eq!(code, 0);
    for (k, v) in FAST {
        assert_eq!(run(d, &["config", "set", k, v], None).await.0, 0);
    }

    let started = Instant::now();
    let mut live = spawn(d, &["sale", "--amount", "15000"], None, None);
    let created = live.line("created").await;
    let link = live.line("link").await;
    let elapsed = started.elapsed();
    println!(
        "cashier sale: process start to link line {:.1} ms (debug build)",
        elapsed.as_secs_f64() * 1000.0
    );
    let pid = created["payment_id"].as_str().unwrap().to_owned();
    assert!(pid.starts_with("T1-S"), "{pid}");
    assert_eq!(
        (link["payment_id"].as_str(), link["flow"].as_str()),
        (Some(pid.as_str()), Some("payment_page"))
    );
    assert!(
        sb.control().payment(&pid).is_none() && sb.control().payments().is_empty(),
        "the link was made without any request to the gateway"
    );
    let url = link["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{page}?")), "{url}");
    let q = query(url);
    for (k, want) in [
        ("project_id", PROJECT.to_string()),
        ("payment_id", pid.clone()),
        ("payment_amount", "1500000".into()),
        ("payment_currency", "UZS".into()),
        ("payment_extra_param", "uzcard".into()),
        ("force_payment_method", "card-partner".into()),
        ("language_code", "uz".into()),
    ] {
        assert_eq!(q.get(k), Some(&want), "{k} in {url}");
    }
    assert!(q["customer_id"].starts_with("T1-c"), "{url}");
    assert!(q["best_before"].len() >= 25, "ISO 8601 with offset: {url}");
    assert_eq!(q["signature"].len(), 88, "{url}");

    // Opened like a phone's browser: the Payment Page sends it on to the bot page.
    let bot = open_link(url).await;
    assert!(bot.starts_with(&format!("{}/bot/", sb.base_url())), "{bot}");
    assert_eq!(
        sb.control().payment(&pid).unwrap().status,
        "awaiting redirect result"
    );
    pay(url, "uzcard-ok").await;
    let fin = live.line("final").await;
    assert_eq!(
        (fin["status"].as_str(), fin["state"].as_str()),
        (Some("success"), Some("success"))
    );
    assert_eq!(live.exit_code().await, 0);
    let (_, cards, _) = run(d, &["cards"], None).await;
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["masked"], "860003******7890");
    let rec = sb.control().payment(&pid).unwrap();
    assert_eq!((rec.money_moved, rec.amount), (1, 1_500_000));

    // A tampered link gets the gateway's error page and no payment.
    let tampered = url.replace("payment_amount=1500000", "payment_amount=1500");
    let tampered = tampered.replace(&format!("payment_id={pid}"), "payment_id=T1-other");
    let res = reqwest::get(&tampered).await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert!(sb.control().payment("T1-other").is_none());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_shows_the_link_and_result_the_first_one_received() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let addr = free_addr();
    let public = format!("http://{addr}/ecommpay/callback");
    let listen = addr.to_string();
    // A Gate till whose link and result come only by callback to `cashier sale`'s own
    // listener (its polls are an hour away).
    setup(
        d,
        sb.base_url(),
        &[
            ("callback.enabled", "true"),
            ("callback.listen", &listen),
            ("callback.public_url", &public),
            ("timing.first_poll_ms", "3600000"),
        ],
    )
    .await;
    let mut sale = spawn(d, &["sale", "--amount", "4200"], None, None);
    let pid = sale.line("created").await["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another process watches the same payment: it receives nothing itself, it only reads
    // what the first one stores.
    let mut watch = spawn(d, &["watch", &pid], None, None);
    let link = watch.line("link").await;
    assert_eq!(
        (link["payment_id"].as_str(), link["flow"].as_str()),
        (Some(pid.as_str()), Some("gate"))
    );
    pay(link["url"].as_str().unwrap(), "humo-ok").await;
    let fin = watch.line("final").await;
    assert_eq!(fin["status"], "success");
    assert_eq!(watch.exit_code().await, 0);
    assert_eq!(sale.line("final").await["status"], "success");
    assert_eq!(sale.exit_code().await, 0);
    let (_, tl, _) = run(d, &["timeline", &pid], None).await;
    assert_eq!(tl[0]["poll_count"], 0, "no status poll was made: {tl:?}");
    assert_eq!(sb.control().payment(&pid).unwrap().money_moved, 1);
    sb.shutdown().await;
}

/// SIGKILL once the link is on screen; the customer pays meanwhile; `cashier recover --wait`
/// after the restart ends the sale paid, once.
async fn killed_after_the_link(extra: &[(&str, &str)], flow: &str) {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), extra).await;
    let mut live = spawn(d, &["sale", "--amount", "31000"], None, None);
    let pid = live.line("created").await["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let link = live.line("link").await;
    assert_eq!(link["flow"], flow);
    live.sigkill().await;
    pay(link["url"].as_str().unwrap(), "uzcard-ok").await;
    let (code, lines, err) = run(d, &["recover", "--wait"], None).await;
    assert_eq!(code, 0, "{lines:?} {err}");
    let (_, hist, _) = run(d, &["history"], None).await;
    let row: &Value = &hist[0];
    assert_eq!(
        (row["payment_id"].as_str(), row["state"].as_str()),
        (Some(pid.as_str()), Some("success")),
        "{hist:?}"
    );
    let rec = sb.control().payment(&pid).unwrap();
    assert_eq!(rec.money_moved, 1);
    assert_eq!(
        sb.control().payments().len(),
        1,
        "one payment per payment_id"
    );
    let (_, cards, _) = run(d, &["cards"], None).await;
    assert_eq!(cards.len(), 1, "the card is saved after the restart");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_page_sale_killed_after_the_link_is_recovered() {
    killed_after_the_link(&[], "payment_page").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_sale_killed_after_the_link_is_recovered() {
    let addr = free_addr();
    let public = format!("http://{addr}/ecommpay/callback");
    let listen = addr.to_string();
    killed_after_the_link(
        &[
            ("callback.enabled", "true"),
            ("callback.listen", &listen),
            ("callback.public_url", &public),
        ],
        "gate",
    )
    .await;
}
