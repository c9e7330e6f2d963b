//! Sending a sale or payout request for a payment that is already written. The body is always
//! rebuilt from the payment's own columns (and, for a payout, the card sealed in the vault),
//! never from stored raw JSON, so a resend is the same request with the same `payment_id`.

use ecommpay::gate::{GateError, PayoutRequest, SaleRequest};
use ecommpay::{redact, RedirectMethod};
use serde_json::json;

use crate::core::Core;
use crate::db::messages::{self, NewMessage, SignatureCheck, Source};
use crate::db::payments::{self, Kind, Payment};
use crate::db::{audit, cards};
use crate::error::{gateway_code, Result};
use crate::events::TillEvent;
use crate::hooks;

/// What a send told us.
#[derive(Debug)]
pub(crate) enum Sent {
    /// Accepted for processing.
    Accepted,
    /// It may have arrived (timeout, 5xx, malformed or forged answer, or 3041 "already
    /// exists"): follow it by status.
    MaybeArrived,
    /// The gateway refused it: the payment is final (failed), nothing moved.
    Refused,
    /// It could not be sent at all (no connection): nothing reached the gateway.
    Unsent(GateError),
    /// Payment Page: the till signed the link; nothing was sent (the customer opens it).
    LinkMade,
}

enum Call {
    Sale(SaleRequest),
    Payout(PayoutRequest),
}

impl Core {
    fn build_call(&self, p: &Payment) -> Result<Call> {
        let cfg = self.config();
        let callback_url = cfg
            .callback
            .public_url
            .clone()
            .filter(|_| cfg.callback.enabled);
        Ok(match p.kind {
            Kind::Sale => {
                let mut b = SaleRequest::builder()
                    .payment_id(&p.payment_id)
                    .amount_tiyin(p.amount.get())
                    .customer(&p.customer_id, &p.customer_ip);
                if let Some(d) = &p.description {
                    b = b.description(d);
                }
                if let Some(u) = callback_url {
                    b = b.callback_url(u);
                }
                Call::Sale(b.build()?)
            }
            Kind::Payout => {
                let card_id = p.card_id.ok_or_else(|| {
                    crate::TillError::PaymentNotFound(format!("card of {}", p.payment_id))
                })?;
                let vault = self.vault()?;
                let token = cards::token(&self.db().conn, &vault, card_id)?;
                let mut b = PayoutRequest::builder()
                    .payment_id(&p.payment_id)
                    .amount_tiyin(p.amount.get())
                    .customer(&p.customer_id, &p.customer_ip)
                    .card(&token);
                if let Some(d) = &p.description {
                    b = b.description(d);
                }
                if let Some(u) = callback_url {
                    b = b.callback_url(u);
                }
                Call::Payout(b.build()?)
            }
        })
    }

    /// Sends (or resends) the request of payment `p`, records the outcome, and says what to do
    /// next. The payment row exists before this is called.
    pub(crate) async fn send(&self, p: &Payment) -> Result<Sent> {
        if super::page::is_page_sale(p) {
            return self.open_page(p);
        }
        let call = self.build_call(p)?;
        // The gateway this payment was made for, whatever the config says now.
        let gate = self.gate_for(p)?;
        hooks::hold("before_send").await;
        let attempt = {
            let db = self.db();
            payments::mark_sending(&db.conn, p.id)?;
            payments::by_row(&db.conn, p.id)?.send_attempts
        };
        self.emit(TillEvent::Sending {
            payment_id: p.payment_id.clone(),
            attempt,
        });
        let result = match &call {
            Call::Sale(r) => gate.sale(r).await,
            Call::Payout(r) => gate.payout(r).await,
        };
        let outcome = match result {
            Ok(acc) => {
                let mut events = vec![TillEvent::Accepted {
                    payment_id: p.payment_id.clone(),
                    request_id: acc.request_id.as_ref().map(|r| r.as_str().to_owned()),
                }];
                {
                    let db = self.db();
                    let tx = db.conn.unchecked_transaction()?;
                    let sig = match acc.signature {
                        ecommpay::gate::AnswerSignature::Verified => SignatureCheck::Verified,
                        ecommpay::gate::AnswerSignature::Absent => SignatureCheck::Absent,
                    };
                    let id = messages::insert(
                        &tx,
                        &NewMessage {
                            payment_row: Some(p.id),
                            payment_id: Some(&p.payment_id),
                            source: Source::Answer,
                            http_status: Some(acc.http_status),
                            signature: sig,
                            status: Some(&acc.status),
                            raw: &redact(&acc.raw),
                        },
                    )?;
                    messages::set_outcome(&tx, id, true, None)?;
                    payments::mark_accepted(
                        &tx,
                        p.id,
                        acc.request_id.as_ref().map(|r| r.as_str()),
                    )?;
                    if let Some(link) = &acc.redirect {
                        let method = if link.method == RedirectMethod::Get {
                            "GET"
                        } else {
                            "POST"
                        };
                        if payments::set_link(&tx, p.id, &link.url, method)? {
                            events.push(TillEvent::Link {
                                payment_id: p.payment_id.clone(),
                                url: link.url.clone(),
                                method: method.into(),
                                scannable: link.scannable(),
                                flow: p.flow,
                            });
                        }
                    }
                    tx.commit()?;
                }
                self.emit_all(events);
                hooks::hold("after_answer").await;
                Sent::Accepted
            }
            Err(e) if e.is_duplicate() => {
                // 3041: this payment_id already exists at the gateway, so an earlier send
                // did arrive. Follow it; never pick a new id.
                self.record_failure(p, &e, Some("duplicate_id: an earlier send arrived"))?;
                Sent::MaybeArrived
            }
            Err(e @ GateError::Rejected { .. }) if p.answered_at.is_some() => {
                // A resend refused after the gateway had accepted this payment (3221, 3241,
                // any rejection): the payment exists there and may still be paid. It is never
                // failed on this: it stays followed at its gateway until the gateway says.
                self.record_failure(
                    p,
                    &e,
                    Some("resend_refused: the payment was accepted before"),
                )?;
                Sent::MaybeArrived
            }
            Err(e @ GateError::Rejected { .. }) => {
                let code = e.code().unwrap_or_default().to_owned();
                let message = match &e {
                    GateError::Rejected { message, .. } => message.clone(),
                    _ => String::new(),
                };
                self.record_failure(p, &e, None)?;
                self.fail_locally(p, "gateway", "rejected", &code, &message)?;
                Sent::Refused
            }
            Err(e) if e.may_have_arrived() => {
                self.record_failure(p, &e, None)?;
                Sent::MaybeArrived
            }
            Err(e) => {
                self.record_failure(p, &e, None)?;
                Sent::Unsent(e)
            }
        };
        Ok(outcome)
    }

    /// Stores what we know of a failed exchange and tells subscribers.
    pub(crate) fn record_failure(
        &self,
        p: &Payment,
        e: &GateError,
        note: Option<&str>,
    ) -> Result<()> {
        let (raw, sig, http) = match e {
            GateError::Rejected {
                raw, http_status, ..
            } => (redact(raw), SignatureCheck::Absent, Some(*http_status)),
            GateError::BadSignature { raw, http_status } => {
                (redact(raw), SignatureCheck::Bad, Some(*http_status))
            }
            GateError::ServerError { raw, http_status } => (
                raw.as_ref()
                    .map(|r| redact(r))
                    .unwrap_or_else(|| json!({"error": e.to_string()})),
                SignatureCheck::None,
                Some(*http_status),
            ),
            GateError::Malformed { http_status, .. } => (
                json!({"error": e.to_string()}),
                SignatureCheck::None,
                Some(*http_status),
            ),
            _ => (json!({"error": e.to_string()}), SignatureCheck::None, None),
        };
        let source = if matches!(e, GateError::Rejected { .. }) {
            Source::Answer
        } else {
            Source::Error
        };
        let text = e.to_string();
        {
            let db = self.db();
            let tx = db.conn.unchecked_transaction()?;
            let id = messages::insert(
                &tx,
                &NewMessage {
                    payment_row: Some(p.id),
                    payment_id: Some(&p.payment_id),
                    source,
                    http_status: http,
                    signature: sig,
                    status: None,
                    raw: &raw,
                },
            )?;
            let flag = note
                .map(str::to_owned)
                .or_else(|| (sig == SignatureCheck::Bad).then(|| "bad_signature".to_owned()));
            messages::set_outcome(&tx, id, false, flag.as_deref())?;
            if sig == SignatureCheck::Bad {
                // A forged or corrupted answer: its content was not trusted; mark the payment
                // so that people look at its timeline.
                payments::mark_flagged(&tx, p.id)?;
                audit::append(
                    &tx,
                    "gateway",
                    "message_flagged",
                    &p.payment_id,
                    &json!({"reason": "bad_signature", "source": source.as_str()}),
                )?;
            }
            payments::set_last_error(&tx, p.id, &text)?;
            tx.commit()?;
        }
        self.emit(TillEvent::GatewayTrouble {
            payment_id: p.payment_id.clone(),
            code: e
                .code()
                .map(str::to_owned)
                .unwrap_or_else(|| gateway_code(e).to_owned()),
            message: text,
        });
        Ok(())
    }
}
