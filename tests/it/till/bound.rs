//! Money is never paid twice: a payment is bound to the gateway that knows it. Two sandboxes
//! over HTTP (two gateways, two projects, two secrets), a real SQLite file, the real Secret
//! Service, the `cashier` binary.

use std::time::Duration;

use ecommpay_sandbox::{ConfigPatch, Sandbox, SandboxConfig};
use serde_json::Value;

use super::cli::{cli_sale, run, setup, spawn};
use super::*;

const OTHER_PROJECT: u64 = 5151;
const OTHER_SECRET: &str = "second-gateway-secret-9Zq";

async fn second_gateway() -> RunningSandbox {
    Sandbox::start(
        SandboxConfig {
            project_id: OTHER_PROJECT,
            secret: ecommpay::Secret::new(OTHER_SECRET),
            payout_delay: Duration::from_millis(300),
            time_factor: 0.01,
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

/// The card of the till's only saved card.
async fn card(d: &std::path::Path) -> String {
    let (_, cards, _) = run(d, &["cards"], None).await;
    cards[0]["id"].as_i64().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_change_while_a_payout_is_processing_pays_it_once_at_its_own_gateway() {
    let a = sandbox(|_| {}).await;
    let b = second_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, a.base_url(), &[]).await;
    let (code, sale) = cli_sale(d, "15000", "uzcard-ok").await;
    assert_eq!(code, 0);
    // The payout stays processing at the first gateway for a while.
    a.control().configure(&ConfigPatch {
        payout_delay_ms: Some(4_000),
        ..Default::default()
    });
    let card = card(d).await;
    let (code, req, err) = run(
        d,
        &[
            "payout", "request", "--card", &card, "--amount", "15000", "--reason", "return",
            "--sale", &sale, "--user", "anna",
        ],
        Some("1111\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let id = req[0]["id"].as_i64().unwrap().to_string();
    let mut approve = spawn(
        d,
        &["payout", "approve", &id, "--user", "boss"],
        Some("222222\n"),
        None,
    );
    let pid = approve.line("payout_approved").await["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    approve.line("accepted").await;
    approve.sigkill().await;
    assert_eq!(a.control().payment(&pid).unwrap().status, "processing");

    // The manager moves the till: a plain settings change is refused...
    for (k, v) in [
        ("gateway_url", b.base_url().to_owned()),
        ("project_id", OTHER_PROJECT.to_string()),
    ] {
        let (code, lines, _) = run(
            d,
            &["config", "set", k, &v, "--user", "boss"],
            Some("222222\n"),
        )
        .await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("needs_connect")),
            "{k}"
        );
    }
    // ...wrong credentials for the new gateway change nothing...
    let connect = [
        "connect",
        "--project-id",
        &OTHER_PROJECT.to_string(),
        "--gateway-url",
        b.base_url(),
        "--payment-page-url",
        &format!("{}/payment", b.base_url()),
        "--user",
        "boss",
    ];
    let (code, lines, _) = run(d, &connect, Some("222222\nnot-the-secret\n")).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("credentials_refused"))
    );
    let (_, cfg, _) = run(d, &["config", "show"], None).await;
    assert!(
        cfg.iter()
            .any(|l| l["key"] == "gateway_url" && l["value"] == a.base_url()),
        "{cfg:?}"
    );
    // ...the probed ones move it, and the open payout is said to stay at the old gateway.
    let (code, lines, err) = run(d, &connect, Some(&format!("222222\n{OTHER_SECRET}\n"))).await;
    assert_eq!(code, 0, "{lines:?} {err}");
    assert_eq!(lines[0]["event"], "connected");
    assert_eq!(lines[0]["still_followed_elsewhere"], 1);

    // Recovery follows the payout where it was made, with the secret that signed it.
    let (code, lines, err) = run(d, &["recover", "--wait"], None).await;
    assert_eq!(code, 0, "{lines:?} {err}");
    let rec = a.control().payment(&pid).unwrap();
    assert_eq!((rec.status.as_str(), rec.money_moved), ("success", 1));
    assert!(
        b.control().payment(&pid).is_none() && b.control().payments().is_empty(),
        "the new gateway never saw the payout"
    );
    let (_, hist, _) = run(d, &["history", "--type", "payout"], None).await;
    assert_eq!(hist[0]["state"], "success");
    // A second full return of the same sale is refused: 15 000 of 15 000 are returned.
    let (code, lines, _) = run(
        d,
        &[
            "payout", "request", "--card", &card, "--amount", "15000", "--reason", "again",
            "--sale", &sale, "--user", "anna",
        ],
        Some("1111\n"),
    )
    .await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("return_above_sale"))
    );
    // New sales go to the new gateway.
    let (code, sale) = cli_sale(d, "1000", "humo-ok").await;
    assert_eq!(code, 0);
    assert!(b.control().payment(&sale).is_some() && a.control().payment(&sale).is_none());
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_refused_after_acceptance_leaves_the_payout_followed_not_failed() {
    let a = sandbox(|c| c.payout_delay = Duration::from_secs(120)).await;
    let addr = a.local_addr();
    let t = TestTill::new(a.base_url(), &[]);
    crate::till::add_user(&t.till, "anna", ::till::Role::Cashier, "1111").unwrap();
    crate::till::add_user(&t.till, "boss", ::till::Role::Manager, "222222").unwrap();
    let sale = super::flows::paid_sale(&t, 1_000_000).await;
    let card = t.till.cards().unwrap()[0].id;
    let anna = t.till.sign_in("anna", "1111").unwrap();
    let req = t
        .till
        .request_payout(
            &::till::PayoutInput {
                card_id: card,
                amount: ecommpay::Tiyin::new(400_000),
                reason: "return".into(),
                sale_payment_id: Some(sale),
            },
            &anna,
        )
        .unwrap();
    let h = t
        .till
        .approve_payout(req.id, "boss", "222222")
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    eventually(20, "the payout accepted", || {
        t.till.payment(&pid).unwrap().answered_at
    })
    .await;
    // The gateway loses it (answers 3061) and refuses the resend (3241: it knows no sale of
    // that customer with that card): a gateway restarted on the same address.
    a.shutdown().await;
    let again = Sandbox::start(
        SandboxConfig {
            project_id: PROJECT,
            secret: ecommpay::Secret::new(SECRET),
            ..SandboxConfig::default()
        },
        addr,
    )
    .await
    .unwrap();
    let refused = eventually(30, "a refused resend", || {
        let tl = t.till.payment_timeline(&pid).unwrap();
        tl.iter()
            .any(|m| {
                m.flag
                    .as_deref()
                    .is_some_and(|f| f.starts_with("resend_refused"))
            })
            .then_some(tl)
    })
    .await;
    assert!(!refused.is_empty());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let p = t.till.payment(&pid).unwrap();
    assert!(
        !p.state.is_final(),
        "an accepted payout is never failed on a refused resend: {p:?}"
    );
    assert!(again.control().payment(&pid).is_none());
    h.task.abort();
    again.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_returns_of_one_sale_never_exceed_it() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let (code, sale) = cli_sale(d, "15000", "uzcard-ok").await;
    assert_eq!(code, 0);
    let card = card(d).await;
    // Ten processes at once, each asking to return 5 000 of the 15 000.
    let mut asks = Vec::new();
    for i in 0..10 {
        let (d, card, sale) = (d.to_owned(), card.clone(), sale.clone());
        asks.push(tokio::spawn(async move {
            run(
                &d,
                &[
                    "payout",
                    "request",
                    "--card",
                    &card,
                    "--amount",
                    "5000",
                    "--reason",
                    &format!("return {i}"),
                    "--sale",
                    &sale,
                    "--user",
                    "anna",
                ],
                Some("1111\n"),
            )
            .await
        }));
    }
    let mut ids = Vec::new();
    for a in asks {
        let (code, lines, _) = a.await.unwrap();
        match code {
            0 => ids.push(lines[0]["id"].as_i64().unwrap().to_string()),
            2 => assert_eq!(lines[0]["code"], "return_above_sale", "{lines:?}"),
            other => panic!("exit {other}: {lines:?}"),
        }
    }
    assert_eq!(ids.len(), 3, "three returns of 5 000 fit in 15 000");
    // Approved one after the other (one engine per data folder: a second `payout approve`
    // running at the same time would be refused).
    for id in ids {
        let (code, lines, err) = run(
            d,
            &["payout", "approve", &id, "--user", "boss"],
            Some("222222\n"),
        )
        .await;
        assert_eq!(code, 0, "{lines:?} {err}");
    }
    let paid: u64 = sb
        .control()
        .payments()
        .iter()
        .filter(|r| r.kind == ecommpay_sandbox::Kind::Payout && r.money_moved == 1)
        .map(|r| r.amount)
        .sum();
    assert_eq!(paid, 1_500_000, "returned exactly the sale, never more");
    let (code, lines, _) = run(
        d,
        &[
            "payout", "request", "--card", &card, "--amount", "1", "--reason", "more", "--sale",
            &sale, "--user", "anna",
        ],
        Some("1111\n"),
    )
    .await;
    let v: &Value = &lines[0];
    assert_eq!((code, v["code"].as_str()), (2, Some("return_above_sale")));
    sb.shutdown().await;
}
