//! Applying what the gateway says to a payment: the forward-only state machine.
//!
//! Every message is stored first (redacted), then checked, then applied at most once:
//! - a message with a bad signature is kept and flagged, never applied;
//! - a message whose project, payment id, type, amount or currency differs from the record is
//!   kept and flagged (`mismatch: ...`), never applied;
//! - a pending status never moves a final payment back; a second final message that agrees is
//!   a harmless duplicate, one that disagrees is a conflict and is raised loudly;
//! - the first usable link wins;
//! - a sale's success saves its card (sealed) and, if the cashier had abandoned the sale,
//!   raises a late success.

use ecommpay::{redact, Finality, PaymentReport};
use serde_json::json;

use crate::core::Core;
use crate::db::messages::{self, NewMessage, SignatureCheck, Source};
use crate::db::payments::{self, Kind, Payment, State};
use crate::db::{audit, cards};
use crate::error::Result;
use crate::events::TillEvent;
use crate::vault::CardVault;

/// A gateway message that describes a payment (a callback or a status answer).
pub(crate) struct Incoming<'a> {
    pub source: Source,
    pub http_status: Option<u16>,
    pub signature: SignatureCheck,
    pub report: &'a PaymentReport,
    /// An absent signature is refused (status answers, by default): kept, flagged, not applied.
    pub signature_required: bool,
}

/// The differences between a message and the local record, if any.
pub(crate) fn mismatches(p: &Payment, r: &PaymentReport) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(proj) = r.project_id.filter(|x| *x != p.project_id) {
        out.push(format!("project {proj} != {}", p.project_id));
    }
    if let Some(id) = r.payment_id.as_deref().filter(|x| *x != p.payment_id) {
        out.push(format!("payment_id {id} != {}", p.payment_id));
    }
    if let Some(t) = r
        .payment_type
        .as_deref()
        .filter(|x| *x != p.kind.gateway_type())
    {
        out.push(format!("type {t} != {}", p.kind.gateway_type()));
    }
    if let Some(a) = r.amount.filter(|x| *x != p.amount.get()) {
        out.push(format!("amount {a} != {}", p.amount.get()));
    }
    if let Some(c) = r.currency.as_deref().filter(|x| *x != p.currency) {
        out.push(format!("currency {c} != {}", p.currency));
    }
    out
}

impl Core {
    /// Stores `inc` and applies it to `payment` (or keeps it unattached when no payment is
    /// known); emits the resulting events after the transaction commits.
    pub(crate) fn record_report(
        &self,
        payment: Option<&Payment>,
        inc: &Incoming<'_>,
    ) -> Result<Vec<TillEvent>> {
        let r = inc.report;
        // The vault is needed only to save a card; load it (keyring) before taking the DB lock.
        let wants_card = payment.is_some_and(|p| p.kind == Kind::Sale)
            && r.status
                .as_ref()
                .is_some_and(|s| s.finality() == Finality::Success)
            && r.card_token.is_some();
        let mut card_not_saved = None;
        let vault = if wants_card {
            match self.vault() {
                Ok(v) => Some(v),
                Err(e) => {
                    tracing::error!(
                        code = e.code(),
                        "cannot save the card of a successful sale: {e}"
                    );
                    card_not_saved = payment.map(|p| TillEvent::CardNotSaved {
                        payment_id: p.payment_id.clone(),
                        code: e.code().to_owned(),
                        message: e.to_string(),
                    });
                    None
                }
            }
        } else {
            None
        };
        let events = {
            let db = self.db();
            let tx = db.conn.unchecked_transaction()?;
            let events = apply_in_tx(&tx, payment, inc, vault.as_deref())?;
            tx.commit()?;
            events
        };
        self.emit_all(events.clone());
        if let Some(e) = card_not_saved {
            self.emit(e); // said loudly: the sale is paid, its card is not saved
        }
        Ok(events)
    }
}

fn apply_in_tx(
    conn: &rusqlite::Connection,
    payment: Option<&Payment>,
    inc: &Incoming<'_>,
    vault: Option<&CardVault>,
) -> Result<Vec<TillEvent>> {
    let r = inc.report;
    let raw = redact(&r.raw);
    let status_text = r.status.as_ref().map(|s| s.as_str().to_owned());
    let msg_id = messages::insert(
        conn,
        &NewMessage {
            payment_row: payment.map(|p| p.id),
            payment_id: r
                .payment_id
                .as_deref()
                .or(payment.map(|p| p.payment_id.as_str())),
            source: inc.source,
            http_status: inc.http_status,
            signature: inc.signature,
            status: status_text.as_deref(),
            raw: &raw,
        },
    )?;
    let Some(stale) = payment else {
        messages::set_outcome(conn, msg_id, false, Some("unknown_payment"))?;
        return Ok(vec![]);
    };
    // Re-read inside the transaction: another task or process may have moved it.
    let p = payments::by_row(conn, stale.id)?;
    let mut events = Vec::new();
    let flag = |reason: String, events: &mut Vec<TillEvent>| -> Result<()> {
        messages::set_outcome(conn, msg_id, false, Some(&reason))?;
        payments::mark_flagged(conn, p.id)?;
        audit::append(
            conn,
            "gateway",
            "message_flagged",
            &p.payment_id,
            &json!({"reason": reason, "source": inc.source.as_str()}),
        )?;
        events.push(TillEvent::Flagged {
            payment_id: p.payment_id.clone(),
            reason,
        });
        Ok(())
    };
    if inc.signature == SignatureCheck::Bad {
        flag("bad_signature".into(), &mut events)?;
        return Ok(events);
    }
    if inc.signature == SignatureCheck::Absent && inc.signature_required {
        flag("unsigned".into(), &mut events)?;
        return Ok(events);
    }
    // Checked against the payment's own project, never the config's: a till moved to another
    // project still follows (and checks) its old payments as they were made.
    let diffs = mismatches(&p, r);
    if !diffs.is_empty() {
        flag(format!("mismatch: {}", diffs.join(", ")), &mut events)?;
        return Ok(events);
    }

    let mut note: Option<String> = None;
    if let Some(link) = r.redirect.as_ref() {
        let method = match link.method {
            ecommpay::RedirectMethod::Get => "GET",
            ecommpay::RedirectMethod::Post => "POST",
        };
        if payments::set_link(conn, p.id, &link.url, method)? {
            events.push(TillEvent::Link {
                payment_id: p.payment_id.clone(),
                url: link.url.clone(),
                method: method.into(),
                scannable: link.scannable(),
                flow: p.flow,
            });
        }
    }

    if let Some(status) = r.status.as_ref() {
        let text = status.as_str().to_owned();
        match status.finality() {
            Finality::Success | Finality::Failed => {
                let state = if status.finality() == Finality::Success {
                    State::Success
                } else {
                    State::Failed
                };
                let code = r.code().map(str::to_owned);
                let message = r.message().map(str::to_owned);
                // A Payment Page sale the till ended itself (its link expired unopened) takes
                // the gateway's word when the payment turns up after all.
                let over_expired = p.link_expired();
                if p.state.is_final() && !over_expired {
                    if p.state == state {
                        note = Some("duplicate".into());
                    } else {
                        // The gateway contradicts a final record: never overwrite, shout.
                        flag(
                            format!(
                                "conflict: local {} but gateway says {text}",
                                p.state.as_str()
                            ),
                            &mut events,
                        )?;
                        return Ok(events);
                    }
                } else {
                    if over_expired {
                        payments::set_final_over_expired(
                            conn,
                            p.id,
                            state,
                            &text,
                            code.as_deref(),
                            message.as_deref(),
                        )?;
                    } else {
                        payments::set_final(
                            conn,
                            p.id,
                            state,
                            Some(&text),
                            code.as_deref(),
                            message.as_deref(),
                        )?;
                    }
                    audit::append(
                        conn,
                        "gateway",
                        "payment_final",
                        &p.payment_id,
                        &json!({"kind": p.kind.as_str(), "state": state.as_str(), "status": text, "code": code, "amount": p.amount.get()}),
                    )?;
                    if state == State::Success && p.kind == Kind::Sale {
                        note = save_card(conn, &p, r, vault)?;
                    }
                    events.push(TillEvent::Final {
                        payment_id: p.payment_id.clone(),
                        kind: p.kind,
                        state,
                        status: text,
                        code: code.clone(),
                        message,
                    });
                    if state == State::Failed && p.kind == Kind::Sale && p.interrupted_at.is_some()
                    {
                        audit::append(
                            conn,
                            "gateway",
                            "late_decline",
                            &p.payment_id,
                            &json!({"amount": p.amount.get(), "code": code}),
                        )?;
                        events.push(TillEvent::LateDecline {
                            payment_id: p.payment_id.clone(),
                            amount: p.amount,
                            code: code.clone(),
                        });
                    }
                    let unwatched = p.abandoned_at.is_some() || p.interrupted_at.is_some();
                    if state == State::Success && (unwatched || over_expired) {
                        audit::append(
                            conn,
                            "gateway",
                            "late_success",
                            &p.payment_id,
                            &json!({"amount": p.amount.get()}),
                        )?;
                        events.push(TillEvent::LateSuccess {
                            payment_id: p.payment_id.clone(),
                            amount: p.amount,
                        });
                    }
                }
            }
            Finality::Pending | Finality::Unknown => {
                if p.state.is_final() {
                    note = Some("after_final".into());
                } else if p.gateway_status.as_deref() != Some(text.as_str())
                    || p.state != State::Pending
                {
                    payments::set_pending(conn, p.id, &text)?;
                    events.push(TillEvent::Status {
                        payment_id: p.payment_id.clone(),
                        state: State::Pending,
                        status: text,
                    });
                }
            }
        }
    }
    messages::set_outcome(conn, msg_id, note.is_none(), note.as_deref())?;
    Ok(events)
}

/// Saves the card of a successful sale. A success without a card identifier is still a
/// success; the note says why no card was saved.
fn save_card(
    conn: &rusqlite::Connection,
    p: &Payment,
    r: &PaymentReport,
    vault: Option<&CardVault>,
) -> Result<Option<String>> {
    let Some(token) = r.card_token.as_ref() else {
        return Ok(Some("success_without_card".into()));
    };
    let Some(vault) = vault else {
        return Ok(Some("card_not_saved: no vault key".into()));
    };
    let masked = r.masked_card.clone().unwrap_or_else(|| "****".into());
    let customer = r
        .customer_id
        .clone()
        .unwrap_or_else(|| p.customer_id.clone());
    let card_id = cards::save(conn, vault, token, &masked, &customer, &p.payment_id)?;
    payments::set_card(conn, p.id, card_id, &masked)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::payments::{insert, NewPayment};
    use crate::db::Db;
    use ecommpay::Tiyin;

    fn db_with_sale() -> (Db, Payment) {
        let db = Db::open_in_memory().unwrap();
        insert(
            &db.conn,
            &NewPayment {
                payment_id: "T1-1".into(),
                kind: Kind::Sale,
                amount: Tiyin::new(1_500_000),
                project_id: 7,
                customer_id: "c1".into(),
                customer_ip: "127.0.0.1".into(),
                description: None,
                card_id: None,
                masked_card: None,
                created_by: None,
                follow_until: i64::MAX,
                flow: crate::config::SaleFlow::Gate,
                gateway_url: String::new(),
                payment_page_url: String::new(),
                secret_id: None,
                link_expires_at: None,
            },
        )
        .unwrap();
        let p = payments::get(&db.conn, "T1-1").unwrap();
        (db, p)
    }

    fn report(status: &str, amount: i64) -> PaymentReport {
        PaymentReport::from_value(json!({
            "project_id": 7,
            "payment": {"id": "T1-1", "type": "purchase", "status": status, "sum": {"amount": amount, "currency": "UZS"}},
            "customer": {"id": "c1"},
            "account": {"number": "1743-SECRETCARDTOKEN"},
            "provider_extra_fields": {"masked_card": "860003******7890"},
            "operation": {"code": "0", "message": "Success"},
            "redirect_data": {"method": "GET", "url": "https://t.me/bot?start=abc", "body": {}}
        }))
    }

    fn apply(
        db: &Db,
        p: &Payment,
        r: &PaymentReport,
        sig: SignatureCheck,
        vault: Option<&CardVault>,
    ) -> Vec<TillEvent> {
        let tx = db.conn.unchecked_transaction().unwrap();
        let ev = apply_in_tx(
            &tx,
            Some(p),
            &Incoming {
                source: Source::Callback,
                http_status: None,
                signature: sig,
                report: r,
                signature_required: false,
            },
            vault,
        )
        .unwrap();
        tx.commit().unwrap();
        ev
    }

    #[test]
    fn a_payment_page_sale_ended_link_expired_takes_a_late_success() {
        let (db, p) = db_with_sale();
        let (vault, _) = CardVault::generate();
        // The till ended it itself: the link expired with the gateway never knowing it.
        assert!(payments::set_final(
            &db.conn,
            p.id,
            State::Failed,
            Some(payments::LINK_EXPIRED),
            Some(payments::LINK_EXPIRED),
            None
        )
        .unwrap());
        let p = payments::by_row(&db.conn, p.id).unwrap();
        assert!(p.link_expired());
        // The payment turns up after all (a customer who opened it at the last moment).
        let ev = apply(
            &db,
            &p,
            &report("success", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault),
        );
        assert!(
            ev.iter().any(|e| matches!(
                e,
                TillEvent::Final {
                    state: State::Success,
                    ..
                }
            )),
            "{ev:?}"
        );
        assert!(ev
            .iter()
            .any(|e| matches!(e, TillEvent::LateSuccess { .. })));
        let now = payments::by_row(&db.conn, p.id).unwrap();
        assert_eq!(
            (
                now.state,
                now.gateway_status.as_deref(),
                now.card_id.is_some()
            ),
            (State::Success, Some("success"), true)
        );
        // Once the gateway has spoken, the record is final as any other.
        let ev = apply(
            &db,
            &now,
            &report("decline", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault),
        );
        assert!(ev.iter().any(|e| matches!(e, TillEvent::Flagged { .. })));
        assert_eq!(
            payments::by_row(&db.conn, p.id).unwrap().state,
            State::Success
        );
        // A sale the gateway itself declined is not reopened by a later success.
        let (db2, q) = db_with_sale();
        payments::set_final(&db2.conn, q.id, State::Failed, Some("decline"), None, None).unwrap();
        let q = payments::by_row(&db2.conn, q.id).unwrap();
        let ev = apply(
            &db2,
            &q,
            &report("success", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault),
        );
        assert!(ev.iter().any(|e| matches!(e, TillEvent::Flagged { .. })));
        assert_eq!(
            payments::by_row(&db2.conn, q.id).unwrap().state,
            State::Failed
        );
    }

    #[test]
    fn forward_only_duplicates_and_conflicts() {
        let (db, p) = db_with_sale();
        let (vault, _) = CardVault::generate();
        let ev = apply(
            &db,
            &p,
            &report("awaiting redirect result", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault),
        );
        assert!(matches!(ev[0], TillEvent::Link { .. }));
        assert!(matches!(ev[1], TillEvent::Status { .. }));
        let ev = apply(
            &db,
            &p,
            &report("success", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault),
        );
        assert!(ev.iter().any(|e| matches!(
            e,
            TillEvent::Final {
                state: State::Success,
                ..
            }
        )));
        // A replayed success: nothing happens.
        assert!(apply(
            &db,
            &p,
            &report("success", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault)
        )
        .is_empty());
        // A late pending status never moves it back.
        assert!(apply(
            &db,
            &p,
            &report("processing", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault)
        )
        .is_empty());
        // A contradicting decline is flagged, not applied.
        let ev = apply(
            &db,
            &p,
            &report("decline", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault),
        );
        assert!(
            matches!(&ev[0], TillEvent::Flagged { reason, .. } if reason.starts_with("conflict"))
        );
        let now = payments::get(&db.conn, "T1-1").unwrap();
        assert_eq!(now.state, State::Success);
        assert_eq!(now.masked_card.as_deref(), Some("860003******7890"));
        assert!(now.card_id.is_some());
        assert_eq!(cards::list(&db.conn).unwrap().len(), 1);
        // The stored messages never hold the card identifier.
        let t = messages::timeline(&db.conn, p.id).unwrap();
        assert_eq!(t.len(), 5);
        assert!(!serde_json::to_string(&t)
            .unwrap()
            .contains("SECRETCARDTOKEN"));
        assert_eq!(t.iter().filter(|m| m.applied).count(), 2);
    }

    #[test]
    fn mismatch_and_bad_signature_are_kept_not_applied() {
        let (db, p) = db_with_sale();
        let ev = apply(
            &db,
            &p,
            &report("success", 1),
            SignatureCheck::Verified,
            None,
        );
        assert!(
            matches!(&ev[0], TillEvent::Flagged { reason, .. } if reason.contains("amount 1 != 1500000"))
        );
        let ev = apply(
            &db,
            &p,
            &report("success", 1_500_000),
            SignatureCheck::Bad,
            None,
        );
        assert!(matches!(&ev[0], TillEvent::Flagged { reason, .. } if reason == "bad_signature"));
        let mut other_project = report("success", 1_500_000);
        other_project.project_id = Some(8);
        assert!(matches!(
            &apply(&db, &p, &other_project, SignatureCheck::Verified, None)[0],
            TillEvent::Flagged { .. }
        ));
        let now = payments::get(&db.conn, "T1-1").unwrap();
        assert_eq!(now.state, State::Created);
        assert!(now.flagged);
        assert_eq!(messages::timeline(&db.conn, p.id).unwrap().len(), 3);
    }

    #[test]
    fn late_success_after_abandon_is_raised() {
        let (db, p) = db_with_sale();
        payments::mark_abandoned(&db.conn, p.id).unwrap();
        let (vault, _) = CardVault::generate();
        let ev = apply(
            &db,
            &p,
            &report("success", 1_500_000),
            SignatureCheck::Verified,
            Some(&vault),
        );
        assert!(ev
            .iter()
            .any(|e| matches!(e, TillEvent::LateSuccess { .. })));
    }
}
