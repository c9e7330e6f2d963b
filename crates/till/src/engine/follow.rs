//! Following a payment to its end: poll the status (not before the first-poll delay after the
//! request, 10 s by default as the gateway asks, then backing off up to a ceiling) until the
//! payment is final or its follow limit passes. Callbacks applied meanwhile wake the follower.
//! A 3061 ("transaction not found") answer means the request never arrived: resend the same
//! body with the same `payment_id`.

use std::time::Duration;

use ecommpay::gate::{AnswerSignature, GateError, StatusRequest};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use crate::config::SaleFlow;
use crate::core::Core;
use crate::db::messages::{SignatureCheck, Source};
use crate::db::now_ms;
use crate::db::payments::{self, Kind, Payment, State};
use crate::engine::apply::Incoming;
use crate::engine::send::Sent;
use crate::error::Result;
use crate::events::TillEvent;
use crate::hooks;

/// The wait before poll number `n` (0-based) after the previous one; poll 0 comes
/// `first` after the request.
pub fn poll_interval(n: u32, first: Duration, backoff_percent: u64, max: Duration) -> Duration {
    let ceiling = max.max(first);
    let mut d = first;
    for _ in 0..n {
        d = d * (backoff_percent as u32) / 100;
        if d >= ceiling {
            return ceiling;
        }
    }
    d
}

impl Core {
    fn poll_max(&self, kind: Kind) -> Duration {
        let t = self.config().timing;
        Duration::from_millis(match kind {
            Kind::Sale => t.sale_poll_max_ms,
            Kind::Payout => t.payout_poll_max_ms,
        })
    }

    /// One status request for `p`, applied. Returns false when the gateway does not know the
    /// payment and it was resent.
    pub(crate) async fn poll_once(&self, p: &Payment) -> Result<()> {
        // Asked where it was made, with the secret that signed it.
        let gate = self.gate_for(p)?;
        let req = StatusRequest::new(&p.payment_id)?;
        let answer = gate.status(&req).await;
        payments::count_poll(&self.db().conn, p.id)?;
        match answer {
            Ok(ans) => {
                let sig = match ans.signature {
                    AnswerSignature::Verified => SignatureCheck::Verified,
                    AnswerSignature::Absent => SignatureCheck::Absent,
                };
                self.record_report(
                    Some(p),
                    &Incoming {
                        source: Source::Status,
                        http_status: Some(200),
                        signature: sig,
                        report: &ans.report,
                        signature_required: self.config().require_signed_status,
                    },
                )?;
            }
            Err(e) if e.is_not_found() && super::page::is_page_sale(p) => {
                // Payment Page: the customer has not opened the link yet. Nothing to send;
                // past the link's expiry the sale ends.
                if !p.state.is_final() {
                    self.page_not_opened(p)?;
                }
            }
            Err(e) if e.is_not_found() => {
                // The gateway never got it: the same body, the same payment_id, again.
                tracing::info!(payment_id = %p.payment_id, "unknown at the gateway (3061): resending the same request");
                self.record_failure(p, &e, Some("not_found: resending the same request"))?;
                let fresh = payments::by_row(&self.db().conn, p.id)?;
                if !fresh.state.is_final() {
                    if let Sent::Unsent(e) = self.send(&fresh).await? {
                        tracing::warn!("resend failed, will retry: {e}");
                    }
                }
            }
            Err(e @ GateError::BadSignature { .. }) => {
                self.record_failure(p, &e, Some("bad_signature"))?;
            }
            Err(e) => {
                self.record_failure(p, &e, None)?;
            }
        }
        Ok(())
    }

    /// Follows payment `row` until it is final or its follow limit passes; returns it as it
    /// then is.
    pub(crate) async fn follow(&self, row: i64) -> Result<Payment> {
        let mut events = self.events.subscribe();
        let first = self.config().first_poll();
        let backoff = self.config().timing.poll_backoff_percent;
        let mut n: u32 = 0;
        let p0 = payments::by_row(&self.db().conn, row)?;
        let max = self.poll_max(p0.kind);
        // Not before `first` after the request went out (the gateway's rule), measured from
        // the stored send time so that a restart does not poll early either.
        let base = p0.sent_at.unwrap_or(p0.created_at);
        let wait_ms = (base + first.as_millis() as i64 - now_ms()).max(0) as u64;
        let mut due = Instant::now() + Duration::from_millis(wait_ms);
        let watch = Duration::from_millis(self.config().timing.db_watch_ms);
        loop {
            let p = payments::by_row(&self.db().conn, row)?;
            // What another process received (a link, the result) shows here too.
            self.announce_record(&p);
            if p.state.is_final() {
                return Ok(p);
            }
            if now_ms() > p.follow_until {
                tracing::warn!(payment_id = %p.payment_id, "follow limit reached; the payment stays open for recovery");
                return Ok(p);
            }
            if p.state == State::Created {
                // Written but never sent (the app stopped in between): send it now.
                if let Sent::Unsent(e) = self.send(&p).await? {
                    tracing::warn!("send failed, will retry: {e}");
                }
                due = Instant::now() + first;
                continue;
            }
            self.check_link_missing(&p);
            let limit =
                Instant::now() + Duration::from_millis((p.follow_until - now_ms()).max(0) as u64);
            tokio::select! {
                _ = tokio::time::sleep_until(due.min(limit).min(Instant::now() + watch)) => {
                    if Instant::now() >= limit || Instant::now() < due { continue; }
                    self.poll_once(&p).await?;
                    n += 1;
                    due = Instant::now() + poll_interval(n, first, backoff, max);
                    hooks::hold("while_polling").await;
                }
                ev = events.recv() => match ev {
                    Ok(e) if e.payment_id() == Some(p.payment_id.as_str()) => {}
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => {}
                },
            }
        }
    }
}

impl Core {
    /// Gate flow: says once that the link has not come `gate_link_wait_ms` after the gateway
    /// accepted the sale (it comes by callback, which is not reaching this till).
    fn check_link_missing(&self, p: &Payment) {
        if p.kind != Kind::Sale || p.flow != SaleFlow::Gate || p.redirect_url.is_some() {
            return;
        }
        let Some(accepted) = p.answered_at else {
            return;
        };
        let waited = now_ms() - accepted;
        if waited >= self.config().timing.gate_link_wait_ms as i64 {
            self.emit(TillEvent::LinkMissing {
                payment_id: p.payment_id.clone(),
                waited_ms: waited as u64,
            });
        }
    }

    /// A Payment Page sale that ended "link expired" is still asked about, slowly, until its
    /// follow limit: a payment that turns up after all is applied and raised as a late
    /// success.
    pub(crate) async fn watch_expired(&self, row: i64) -> Result<Payment> {
        let every = self.poll_max(Kind::Sale) * 4;
        loop {
            let p = payments::by_row(&self.db().conn, row)?;
            if !p.link_expired() || now_ms() > p.follow_until {
                return Ok(p);
            }
            tokio::time::sleep(every).await;
            self.poll_once(&p).await?;
        }
    }
}

/// Whether an event ends the wait for `payment_id`.
pub fn is_final_for(e: &TillEvent, payment_id: &str) -> bool {
    matches!(e, TillEvent::Final { payment_id: p, .. } if p == payment_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_waits_then_backs_off_to_a_ceiling() {
        let s = Duration::from_secs;
        assert_eq!(poll_interval(0, s(10), 150, s(60)), s(10));
        assert_eq!(poll_interval(1, s(10), 150, s(60)), s(15));
        assert_eq!(
            poll_interval(2, s(10), 150, s(60)),
            Duration::from_millis(22_500)
        );
        assert_eq!(poll_interval(10, s(10), 150, s(60)), s(60));
        // Never below the first delay.
        assert_eq!(poll_interval(3, s(10), 100, s(5)), s(10));
    }
}
