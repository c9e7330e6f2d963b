//! The flow matrix: each sale flow (Payment Page, Gate) × each sandbox variant that matters
//! (status answers with `operations[]` or one `operation`, 3061 as an HTTP error or inside a
//! 200, callback layouts, the callback listener on or off) × each scenario (paid, declined,
//! never opened, opened and left to expire), against the sandbox over HTTP with its defaults
//! otherwise (no `status_redirect_data`), a real SQLite file and the real Secret Service.
//! The cases of one (flow, scenario) run concurrently, each with its own sandbox and till.

use std::time::Duration;

use ::till::config::SaleFlow;
use ::till::{Payment, State, TillEvent};
use ecommpay::Tiyin;
use ecommpay_sandbox::{NotFoundStyle, RedirectKey, SignaturePlacement, StatusShape};

use super::*;

#[derive(Clone, Copy, Debug)]
struct Variant {
    shape: StatusShape,
    not_found: NotFoundStyle,
    sig: SignaturePlacement,
    key: RedirectKey,
    body_array: bool,
    encrypted: bool,
    listener: bool,
}

const fn v(shape: StatusShape, not_found: NotFoundStyle, listener: bool) -> Variant {
    Variant {
        shape,
        not_found,
        sig: SignaturePlacement::Top,
        key: RedirectKey::Snake,
        body_array: false,
        encrypted: false,
        listener,
    }
}

use NotFoundStyle::{HttpError, PaymentError};
use StatusShape::{Operation, Operations};

/// The variants each flow is tried with. 3061 placements matter where the till meets 3061
/// (the Payment Page before the link is opened); callback layouts where a listener is on.
fn variants(flow: SaleFlow) -> Vec<Variant> {
    let mut out = Vec::new();
    let callbacks = [
        Variant {
            sig: SignaturePlacement::General,
            key: RedirectKey::Camel,
            body_array: true,
            encrypted: true,
            ..v(Operations, PaymentError, true)
        },
        Variant {
            key: RedirectKey::ReturnUrl,
            ..v(Operation, HttpError, true)
        },
        v(Operations, HttpError, true),
    ];
    match flow {
        SaleFlow::PaymentPage => {
            for shape in [Operations, Operation] {
                for nf in [HttpError, PaymentError] {
                    out.push(v(shape, nf, false));
                }
            }
            out.extend(&callbacks[..2]);
        }
        SaleFlow::Gate => {
            out.extend(callbacks);
            out.push(v(Operations, PaymentError, false));
            out.push(v(Operation, HttpError, false));
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Scenario {
    Paid,
    Declined,
    NeverOpened,
    OpenedThenExpired,
}

/// One sale of `flow` against a sandbox of `var`, played as `sc`; returns the final payment.
async fn case(flow: SaleFlow, var: Variant, sc: Scenario) -> Payment {
    let sb = sandbox(|c| {
        c.status_shape = var.shape;
        c.not_found_style = var.not_found;
        c.signature_placement = var.sig;
        c.redirect_key = var.key;
        c.redirect_body_array = var.body_array;
        c.redirect_encrypted = var.encrypted;
        // Scaled by 0.01: a waiting sale expires at the gateway after 8 s.
        c.sale_expiry = Duration::from_secs(800);
    })
    .await;
    let addr = free_addr();
    let callback_url = format!("http://{addr}/ecommpay/callback");
    let listen = addr.to_string();
    let mut extra = vec![
        ("sale.flow", flow.as_str()),
        ("timing.gate_link_wait_ms", "500"),
        ("timing.sale_payable_ms", "5000"),
        ("timing.link_expiry_margin_ms", "500"),
        // Many tills and sandboxes run at once on two cores: generous network timeouts.
        ("timing.http_connect_ms", "5000"),
        ("timing.http_read_ms", "5000"),
    ];
    if var.listener {
        extra.extend([
            ("callback.enabled", "true"),
            ("callback.listen", listen.as_str()),
            ("callback.public_url", callback_url.as_str()),
        ]);
        // The Payment Page names no callback URL: the project's back-office one.
        sb.control().configure(&ecommpay_sandbox::ConfigPatch {
            callback_url: Some(callback_url.clone()),
            ..Default::default()
        });
    }
    let t = TestTill::new(sb.base_url(), &extra);
    let listener = if var.listener {
        Some(t.till.start_listener().await.expect("listener"))
    } else {
        None
    };
    let mut rx = t.till.subscribe();
    let h = t
        .till
        .start_sale(Tiyin::new(1_500_000), Some("anna"))
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let what = format!("{flow:?} {var:?} {sc:?} {pid}");

    let customer_url = if flow == SaleFlow::Gate && !var.listener {
        // No way for the link to reach this till: it says so instead of spinning...
        let e = wait_event(&mut rx, 30, |e| {
            e.payment_id() == Some(pid.as_str())
                && matches!(e, TillEvent::LinkMissing { .. } | TillEvent::Final { .. })
        })
        .await;
        assert!(matches!(e, TillEvent::LinkMissing { .. }), "{what}: {e:?}");
        assert!(
            t.till.payment(&pid).unwrap().redirect_url.is_none(),
            "{what}"
        );
        // ...and the sale is still followed: a customer who got the link another way pays.
        sb.control().payment(&pid).unwrap().redirect_url.unwrap()
    } else {
        let e = wait_event(
            &mut rx,
            20,
            |e| matches!(e, TillEvent::Link { payment_id, .. } if *payment_id == pid),
        )
        .await;
        let TillEvent::Link {
            url,
            flow: f,
            scannable,
            ..
        } = e
        else {
            unreachable!()
        };
        assert_eq!((f, scannable), (flow, true), "{what}");
        if flow == SaleFlow::PaymentPage {
            assert!(
                url.starts_with(&format!("{}/payment?", sb.base_url())),
                "{url}"
            );
            assert!(
                sb.control().payment(&pid).is_none(),
                "{what}: nothing reaches the gateway before the customer opens the link"
            );
        }
        url
    };
    match sc {
        Scenario::Paid => pay(&customer_url, "uzcard-ok").await,
        Scenario::Declined => pay(&customer_url, "uzcard-nofunds").await,
        Scenario::NeverOpened => {}
        Scenario::OpenedThenExpired => {
            open_link(&customer_url).await;
        }
    }
    let p = tokio::time::timeout(Duration::from_secs(60), h.wait())
        .await
        .unwrap_or_else(|_| panic!("{what}: not final in time"))
        .unwrap();
    let rec = sb.control().payment(&pid);
    let expect = |state, code: &str| {
        assert_eq!(
            (p.state, p.code.as_deref()),
            (state, Some(code)),
            "{what}: {p:?}"
        );
    };
    match (sc, flow) {
        (Scenario::Paid, _) => {
            expect(State::Success, "0");
            assert_eq!(p.masked_card.as_deref(), Some("860003******7890"), "{what}");
            assert_eq!(
                t.till.cards().unwrap().len(),
                1,
                "{what}: the card is saved"
            );
            assert_eq!(rec.as_ref().unwrap().money_moved, 1, "{what}");
        }
        (Scenario::Declined, _) => expect(State::Failed, "20105"),
        (Scenario::NeverOpened, SaleFlow::PaymentPage) => {
            expect(State::Failed, "link_expired");
            assert_eq!(p.gateway_status.as_deref(), Some("link_expired"));
            assert!(rec.is_none(), "{what}: the gateway never heard of it");
            assert_eq!(p.send_attempts, 1, "{what}: nothing was ever resent");
        }
        (Scenario::NeverOpened | Scenario::OpenedThenExpired, _) => expect(State::Failed, "20602"),
    }
    if p.state != State::Success {
        assert!(t.till.cards().unwrap().is_empty(), "{what}");
        assert_eq!(rec.map_or(0, |r| r.money_moved), 0, "{what}");
    }
    // One payment per payment_id at the gateway, whatever happened.
    assert!(sb.control().payments().len() <= 1, "{what}");
    t.till.verify_audit().unwrap();
    if let Some(l) = listener {
        l.stop().await;
    }
    sb.shutdown().await;
    p
}

async fn matrix(flow: SaleFlow, sc: Scenario) {
    require_keyring();
    // A few cases at a time: each is a sandbox, a till and the keyring's attention.
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(3));
    let mut runs = tokio::task::JoinSet::new();
    for var in variants(flow) {
        let slots = slots.clone();
        runs.spawn(async move {
            let _slot = slots.acquire_owned().await.unwrap();
            case(flow, var, sc).await
        });
    }
    let mut done = 0;
    while let Some(r) = runs.join_next().await {
        r.expect("a case panicked (its message is above)");
        done += 1;
    }
    assert_eq!(done, variants(flow).len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_page_paid() {
    matrix(SaleFlow::PaymentPage, Scenario::Paid).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_page_declined() {
    matrix(SaleFlow::PaymentPage, Scenario::Declined).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_page_never_opened_ends_link_expired() {
    matrix(SaleFlow::PaymentPage, Scenario::NeverOpened).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_page_opened_then_expired_at_the_gateway() {
    matrix(SaleFlow::PaymentPage, Scenario::OpenedThenExpired).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_paid() {
    matrix(SaleFlow::Gate, Scenario::Paid).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_declined() {
    matrix(SaleFlow::Gate, Scenario::Declined).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_never_opened_expires_at_the_gateway() {
    matrix(SaleFlow::Gate, Scenario::NeverOpened).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_opened_then_expired() {
    matrix(SaleFlow::Gate, Scenario::OpenedThenExpired).await;
}
