//! When events were missed (a broadcast receiver lagged), the sale on screen is read again
//! from the database: the payment's link and result are there, so the screen never misses
//! them. The view is then updated exactly as the events would have updated it (the record is
//! turned back into those events and applied with [`events::apply`]).

use till::{Payment, Till, TillEvent};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::dto::SaleView;
use crate::events;

/// What the sale screen learns next about its payment.
#[derive(Debug)]
pub enum Learnt {
    /// One of its events.
    Event(TillEvent),
    /// Events were missed: the payment as the database has it now.
    Record(Box<Payment>),
    /// The till is gone.
    Closed,
}

/// The payment `payment_id` as the database has it (a read-only connection, on the blocking
/// pool); `None` when it cannot be read (logged).
pub async fn load(till: &Till, payment_id: &str) -> Option<Payment> {
    let (till, id) = (till.clone(), payment_id.to_owned());
    match tokio::task::spawn_blocking(move || till.payment(&id)).await {
        Ok(Ok(p)) => Some(p),
        Ok(Err(e)) => {
            tracing::warn!(code = e.code(), "cannot read payment {payment_id}: {e}");
            None
        }
        Err(e) => {
            tracing::warn!("reading payment {payment_id} stopped: {e}");
            None
        }
    }
}

/// Waits for the next event of `payment_id` on `rx`; when `rx` lagged (events of it may be
/// among those dropped), reads the payment instead.
pub async fn next(rx: &mut Receiver<TillEvent>, till: &Till, payment_id: &str) -> Learnt {
    loop {
        match rx.recv().await {
            Ok(e) if e.payment_id() == Some(payment_id) => return Learnt::Event(e),
            Ok(_) => continue,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!("{missed} events missed: reading {payment_id} again");
                if let Some(p) = load(till, payment_id).await {
                    return Learnt::Record(Box::new(p));
                }
            }
            Err(RecvError::Closed) => return Learnt::Closed,
        }
    }
}

/// The events that bring a screen that saw none of `p`'s up to where `p` stands (as
/// `Core::announce_record` tells another process's link and result). `has_link`: the screen
/// shows a link already (a second one would restart its countdown).
pub fn record_events(p: &Payment, has_link: bool) -> Vec<TillEvent> {
    let link = TillEvent::link_of(p).filter(|_| !has_link);
    let rest = match (&p.gateway_status, p.state.is_final()) {
        (_, true) => TillEvent::final_of(p),
        (Some(status), false) => Some(TillEvent::Status {
            payment_id: p.payment_id.clone(),
            state: p.state,
            status: status.clone(),
        }),
        (None, false) => None,
    };
    link.into_iter().chain(rest).collect()
}

/// Brings the sale on screen up to `p` (when it is that sale); true when the view changed.
pub fn reload(slot: &mut Option<SaleView>, p: &Payment) -> bool {
    let has_link = match slot.as_ref() {
        Some(v) if v.payment_id == p.payment_id => v.link.is_some(),
        _ => return false,
    };
    let before = slot.clone();
    for e in record_events(p, has_link) {
        events::apply(slot, &e, p.masked_card.clone());
    }
    *slot != before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::SalePhase;
    use ecommpay::{Secret, Tiyin};
    use ecommpay_sandbox::{Sandbox, SandboxConfig};
    use till::config::SaleFlow;
    use till::db::Db;
    use till::keystore::KeyStore;
    use till::{Config, State};

    const SECRET: &str = "lag-test-secret";

    /// Keys in memory: a unit test never touches the desktop's keyring.
    use till::keystore::MemoryKeyStore as Keys;

    /// A Payment Page till against the sandbox whose links expire a second after the QR shows
    /// (the sandbox answers 3061 until someone opens one, so an unopened sale ends "link
    /// expired" locally: a result that needs no customer).
    fn till(dir: &std::path::Path, gateway: &str) -> Till {
        let mut cfg = Config {
            project_id: 77,
            gateway_url: gateway.to_owned(),
            payment_page_url: format!("{gateway}/payment"),
            till_code: "L1".into(),
            ..Config::default()
        };
        cfg.sale.flow = Some(SaleFlow::PaymentPage);
        cfg.timing.first_poll_ms = 100;
        cfg.timing.sale_poll_max_ms = 200;
        cfg.timing.sale_payable_ms = 1000;
        cfg.timing.link_expiry_margin_ms = 200;
        cfg.validate().unwrap();
        cfg.save(dir).unwrap();
        let keys = Keys::default();
        keys.set("api-secret", SECRET).unwrap();
        let db = Db::open(&dir.join("till.sqlite3")).unwrap();
        Till::from_parts(dir.to_owned(), cfg, db, Box::new(keys))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sale_screen_that_missed_its_events_reads_the_result_from_the_database() {
        let sb = Sandbox::start(
            SandboxConfig {
                project_id: 77,
                secret: Secret::new(SECRET),
                ..Default::default()
            },
            "127.0.0.1:0".parse().unwrap(),
        )
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let till = till(dir.path(), sb.base_url());
        let mut sale = till.start_sale(Tiyin::new(1_500_000), None).await.unwrap();
        let id = sale.payment_id.clone();
        let mut slot = Some(SaleView::starting(id.clone(), 1_500_000));
        // Flood the channel past its capacity (1024) before the screen reads anything.
        let mut i = 0;
        while sale.events.len() <= 1024 {
            i += 1;
            let other = till
                .start_sale(Tiyin::new(100_000 + i), None)
                .await
                .unwrap();
            other.task.abort();
        }
        // The screen's sale ends meanwhile (link expired, nobody opened it).
        let t = std::time::Instant::now();
        while !till.payment(&id).unwrap().state.is_final() {
            assert!(t.elapsed().as_secs() < 30, "the sale never ended");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        // Its link and result are among the dropped events: the database says them.
        let Learnt::Record(p) = next(&mut sale.events, &till, &id).await else {
            panic!("the receiver should have lagged");
        };
        assert!(reload(&mut slot, &p));
        let v = slot.clone().unwrap();
        assert_eq!(
            (v.phase, v.code.as_deref(), p.state),
            (SalePhase::Declined, Some("link_expired"), State::Failed)
        );
        assert!(!reload(&mut slot, &p), "nothing new the second time");
        // Another payment's record leaves the screen alone.
        let mut other = Some(SaleView::starting("L1-other".into(), 1));
        assert!(!reload(&mut other, &p));
        sb.shutdown().await;
    }

    #[tokio::test]
    async fn a_record_still_open_shows_its_link_once() {
        let dir = tempfile::tempdir().unwrap();
        // Nothing listens there: the sale is written and its link signed locally all the same.
        let till = till(dir.path(), "http://127.0.0.1:9");
        let mut sale = till.start_sale(Tiyin::new(1_000), None).await.unwrap();
        while !matches!(sale.events.recv().await.unwrap(), TillEvent::Link { .. }) {}
        sale.task.abort();
        let p = till.payment(&sale.payment_id).unwrap();
        let mut slot = Some(SaleView::starting(p.payment_id.clone(), 1_000));
        assert!(reload(&mut slot, &p));
        let v = slot.clone().unwrap();
        assert_eq!(v.phase, SalePhase::WaitingCustomer);
        assert!(v.link.unwrap().url.contains("/payment?"));
        assert!(!reload(&mut slot, &p), "the countdown is not restarted");
    }
}
