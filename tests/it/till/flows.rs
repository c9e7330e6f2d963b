//! Sales and payouts through the `Till` service object, end to end against the sandbox.

use std::process::Command;

use ::till::{HistoryFilter, Kind, PayoutInput, Role, State, TillError, TillEvent};
use ecommpay::Tiyin;
use ecommpay_sandbox::{CallbackFault, CallbackFaultSpec};

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_and_vault_key_live_in_the_real_secret_service() {
    require_keyring();
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[]);
    assert!(t.till.secret_configured().unwrap());
    // Ask the Secret Service itself (libsecret's CLI), not our code: a mock store would not
    // be visible here.
    let service = ::till::keystore::service_name();
    let account = ::till::keystore::OsKeyring::for_data_dir(t.path()).account("api-secret");
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", &account])
        .output()
        .expect("secret-tool (Debian package libsecret-tools) must be installed");
    assert!(
        out.status.success(),
        "secret-tool lookup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), SECRET);
    // Nothing in the data folder holds the secret.
    assert_not_in_files(t.path(), SECRET);
    // Another data folder has its own entries.
    let other = TestTill::new(sb.base_url(), &[]);
    assert_ne!(
        ::till::keystore::OsKeyring::for_data_dir(other.path()).account("api-secret"),
        account
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_alone_completes_a_sale_and_saves_the_card_sealed() {
    // The sandbox's defaults, no callback listener: the Payment Page flow, polling only.
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[]);
    let mut rx = t.till.subscribe();
    let h = t
        .till
        .start_sale(Tiyin::parse_som("15000.50").unwrap(), Some("anna"))
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let link = match wait_event(
        &mut rx,
        20,
        |e| matches!(e, TillEvent::Link { payment_id, .. } if *payment_id == pid),
    )
    .await
    {
        TillEvent::Link { url, scannable, .. } => {
            assert!(scannable);
            url
        }
        _ => unreachable!(),
    };
    pay(&link, "uzcard-ok").await;
    let p = h.wait().await.unwrap();
    assert_eq!(p.state, State::Success);
    assert_eq!(p.amount, Tiyin::new(1_500_050));
    assert_eq!(p.masked_card.as_deref(), Some("860003******7890"));
    let rec = sb.control().payment(&pid).unwrap();
    assert_eq!(
        (rec.status.as_str(), rec.money_moved, rec.amount),
        ("success", 1, 1_500_050)
    );
    let cards = t.till.cards().unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].masked, "860003******7890");
    // The timeline: status answers only (the till sent nothing: it signed the link itself).
    let tl = t.till.payment_timeline(&pid).unwrap();
    assert!(!tl.is_empty(), "{tl:?}");
    assert!(tl
        .iter()
        .all(|m| serde_json::to_value(m.source).unwrap() == "status"));
    assert!(tl
        .iter()
        .any(|m| m.status.as_deref() == Some("success") && m.applied));
    // The card identifier is nowhere in the files, and not in what the UI gets.
    let token = account_number(&sb, "uzcard-ok");
    assert_not_in_files(t.path(), &token);
    assert!(!serde_json::to_string(&tl).unwrap().contains(&token));
    assert!(!serde_json::to_string(&cards).unwrap().contains(&token));
    t.till.verify_audit().unwrap();
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_bring_the_link_and_a_decline_duplicates_change_nothing() {
    let sb = sandbox(|_| {}).await;
    let (t, _) = TestTill::with_listener(sb.base_url(), &[]);
    let listener = t.till.start_listener().await.unwrap();
    sb.control().callback_fault(CallbackFaultSpec {
        mode: CallbackFault::Duplicate,
        count: 5,
    });
    let mut rx = t.till.subscribe();
    let h = t
        .till
        .start_sale(Tiyin::new(2_000_000), None)
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let link = match wait_event(
        &mut rx,
        20,
        |e| matches!(e, TillEvent::Link { payment_id, .. } if *payment_id == pid),
    )
    .await
    {
        TillEvent::Link { url, .. } => url,
        _ => unreachable!(),
    };
    pay(&link, "uzcard-nofunds").await;
    let p = h.wait().await.unwrap();
    assert_eq!(p.state, State::Failed);
    assert_eq!(p.code.as_deref(), Some("20105"));
    // Wait until the duplicates were delivered too, then check they changed nothing.
    eventually(10, "duplicated callbacks delivered", || {
        let rec = sb.control().payment(&pid)?;
        (rec.callbacks_delivered >= 2).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let tl = t.till.payment_timeline(&pid).unwrap();
    let callbacks: Vec<_> = tl
        .iter()
        .filter(|m| serde_json::to_value(m.source).unwrap() == "callback")
        .collect();
    assert!(callbacks.len() >= 2, "{tl:?}");
    assert!(callbacks
        .iter()
        .all(|m| serde_json::to_value(m.signature).unwrap() == "verified"));
    assert_eq!(
        tl.iter()
            .filter(|m| m.applied && m.status.as_deref() == Some("decline"))
            .count(),
        1,
        "a decline is applied once"
    );
    let now = t.till.payment(&pid).unwrap();
    assert_eq!(now.state, State::Failed);
    assert!(
        t.till.cards().unwrap().is_empty(),
        "a declined sale saves no card"
    );
    assert_eq!(sb.control().payment(&pid).unwrap().money_moved, 0);
    listener.stop().await;
    sb.shutdown().await;
}

/// A successful sale with the default card, for payout tests. Returns its payment id.
pub async fn paid_sale(t: &TestTill, amount: i64) -> String {
    let (h, link) = sale_with_link(t, Tiyin::new(amount), None).await;
    let pid = h.payment_id.clone();
    pay(&link, "uzcard-ok").await;
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    pid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payouts_need_another_manager_stay_within_limits_and_move_money_once() {
    let sb = sandbox(|_| {}).await;
    let (t, _) = TestTill::with_listener(sb.base_url(), &[("limits.payout_max_tiyin", "1000000")]);
    let listener = t.till.start_listener().await.unwrap();
    let sale = paid_sale(&t, 500_000).await;
    let card = t.till.cards().unwrap()[0].id;
    crate::till::add_user(&t.till, "anna", Role::Cashier, "1111").unwrap();
    crate::till::add_user(&t.till, "boss", Role::Manager, "222222").unwrap();
    let anna = t.till.sign_in("anna", "1111").unwrap();
    crate::till::add_user(&t.till, "chief", Role::Manager, "333333").unwrap();

    let input = |amount: i64| PayoutInput {
        card_id: card,
        amount: Tiyin::new(amount),
        reason: "Qaytarish / return".into(),
        sale_payment_id: Some(sale.clone()),
    };
    // Returning more than the sale is refused before anything is written.
    let e = t.till.request_payout(&input(500_001), &anna).unwrap_err();
    assert_eq!(e.code(), "return_above_sale");
    let e = t
        .till
        .request_payout(
            &PayoutInput {
                reason: " ".into(),
                ..input(100)
            },
            &anna,
        )
        .unwrap_err();
    assert_eq!(e.code(), "reason_missing");
    let req = t.till.request_payout(&input(300_000), &anna).unwrap();
    // The pending request counts: another 300 000 would exceed the sale.
    assert_eq!(
        t.till
            .request_payout(&input(300_000), &anna)
            .unwrap_err()
            .code(),
        "return_above_sale"
    );

    assert_eq!(
        t.till
            .approve_payout(req.id, "anna", "1111")
            .await
            .err()
            .unwrap()
            .code(),
        "not_manager"
    );
    assert!(matches!(
        t.till
            .approve_payout(req.id, "boss", "9999")
            .await
            .err()
            .unwrap(),
        TillError::WrongPin { .. }
    ));
    let own = t
        .till
        .request_payout(&input(100_000), &t.till.sign_in("boss", "222222").unwrap())
        .unwrap();
    assert_eq!(
        t.till
            .approve_payout(own.id, "boss", "222222")
            .await
            .err()
            .unwrap()
            .code(),
        "self_approval"
    );

    // Reordered callbacks: "processing" arrives after "success" and must not move it back.
    sb.control().callback_fault(CallbackFaultSpec {
        mode: CallbackFault::Reorder,
        count: 1,
    });
    let h = t
        .till
        .approve_payout(req.id, "boss", "222222")
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let p = h.wait().await.unwrap();
    assert_eq!(p.state, State::Success, "{p:?}");
    assert_eq!(p.kind, Kind::Payout);
    let rec = sb.control().payment(&pid).unwrap();
    assert_eq!(
        (rec.status.as_str(), rec.money_moved, rec.amount),
        ("success", 1, 300_000)
    );
    assert_eq!(
        t.till
            .approve_payout(req.id, "chief", "333333")
            .await
            .err()
            .unwrap()
            .code(),
        "payout_not_pending"
    );
    // Give late (reordered) callbacks time to land; the payout stays a success.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(t.till.payment(&pid).unwrap().state, State::Success);
    assert_eq!(sb.control().payment(&pid).unwrap().money_moved, 1);

    // Per-payout limit (1 000 000 tiyin here) is checked at request and approval.
    let e = t
        .till
        .request_payout(
            &PayoutInput {
                sale_payment_id: None,
                ..input(1_000_001)
            },
            &anna,
        )
        .unwrap_err();
    assert_eq!(e.code(), "above_limit");
    // Daily limit.
    crate::till::set_setting(&t.till, "limits.daily_payout_max_tiyin", "400000").unwrap();
    let r2 = t
        .till
        .request_payout(
            &PayoutInput {
                sale_payment_id: None,
                ..input(150_000)
            },
            &anna,
        )
        .unwrap();
    assert_eq!(
        t.till
            .approve_payout(r2.id, "chief", "333333")
            .await
            .err()
            .unwrap()
            .code(),
        "daily_limit"
    );

    let list = t.till.payout_requests(10).unwrap();
    assert!(list.iter().any(|r| r.id == req.id
        && r.payment_id.as_deref() == Some(pid.as_str())
        && r.approver.as_deref() == Some("boss")));
    let hist = t
        .till
        .history(
            &HistoryFilter {
                kind: Some(Kind::Payout),
                ..Default::default()
            },
            None,
            10,
        )
        .unwrap();
    assert_eq!(hist.rows.len(), 1);
    t.till.verify_audit().unwrap();
    listener.stop().await;
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_sale_is_still_followed_and_a_late_success_is_raised() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[]);
    let mut rx = t.till.subscribe();
    let h = t
        .till
        .start_sale(Tiyin::new(700_000), Some("anna"))
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let link = match wait_event(
        &mut rx,
        20,
        |e| matches!(e, TillEvent::Link { payment_id, .. } if *payment_id == pid),
    )
    .await
    {
        TillEvent::Link { url, .. } => url,
        _ => unreachable!(),
    };
    assert!(t.till.abandon_sale(&pid, "anna").unwrap());
    pay(&link, "humo-ok").await;
    wait_event(
        &mut rx,
        20,
        |e| matches!(e, TillEvent::LateSuccess { payment_id, .. } if *payment_id == pid),
    )
    .await;
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    sb.shutdown().await;
}
