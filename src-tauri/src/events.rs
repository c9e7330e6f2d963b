//! Core events to Tauri events (`till`, payload [`UiEvent`]), pushed to every window: the UI
//! never polls. The sale on screen is followed through its own handle's receiver, which was
//! subscribed before the sale was written; when a receiver lags (events were dropped), the sale
//! on screen is read again from the database ([`crate::resync`]), so its result is never missed.

use tauri::{AppHandle, Emitter, Manager};
use till::{PaymentHandle, State, Till, TillEvent};
use tokio::sync::broadcast::error::RecvError;

use crate::convert;
use crate::dto::{LinkDto, SalePhase, SaleView, UiEvent};
use crate::health;
use crate::qr;
use crate::resync::{self, Learnt};
use crate::state::AppState;

/// The Tauri event name.
pub const EVENT: &str = "till";

pub fn emit(app: &AppHandle, e: UiEvent) {
    if let Err(err) = app.emit(EVENT, e) {
        tracing::warn!("event not delivered: {err}");
    }
}

/// Tells every window what the sale on screen is now.
pub fn emit_sale(app: &AppHandle, sale: Option<SaleView>) {
    emit(app, UiEvent::Sale { sale });
}

/// The UI event for a core event, if the UI cares.
fn translate(e: &TillEvent) -> Option<UiEvent> {
    use TillEvent as T;
    Some(match e {
        T::Created { payment_id, .. } => UiEvent::PaymentChanged {
            payment_id: payment_id.clone(),
            state: convert::state(State::Created),
        },
        T::Status {
            payment_id, state, ..
        }
        | T::Final {
            payment_id, state, ..
        } => UiEvent::PaymentChanged {
            payment_id: payment_id.clone(),
            state: convert::state(*state),
        },
        T::LateSuccess { payment_id, amount } => UiEvent::LateSuccess {
            payment_id: payment_id.clone(),
            amount: amount.get(),
        },
        T::LateDecline {
            payment_id, amount, ..
        } => UiEvent::LateDecline {
            payment_id: payment_id.clone(),
            amount: amount.get(),
        },
        T::Flagged { payment_id, reason } => UiEvent::Flagged {
            payment_id: payment_id.clone(),
            reason: reason.clone(),
        },
        T::PayoutRequested { request_id, amount } => UiEvent::PayoutRequested {
            request_id: *request_id,
            amount: amount.get(),
        },
        T::PayoutDecided {
            request_id,
            approved,
            payment_id,
        } => UiEvent::PayoutDecided {
            request_id: *request_id,
            approved: *approved,
            payment_id: payment_id.clone(),
        },
        // The sale on screen learns these through its own handle (see `apply`).
        T::Sending { .. }
        | T::Accepted { .. }
        | T::Link { .. }
        | T::LinkMissing { .. }
        | T::Abandoned { .. }
        | T::CardNotSaved { .. }
        | T::GatewayTrouble { .. } => return None,
    })
}

/// Forwards every core event of `till` for as long as it is the running till (`generation`,
/// see [`AppState::switch_to`]).
pub fn forward(app: AppHandle, till: Till, generation: u64) {
    let rx = till.subscribe();
    forward_from(app, till, generation, rx);
}

/// [`forward`] from a receiver taken earlier: at start-up the till's followers run before the
/// window exists, and what they say then (a late result) must not be lost.
pub fn forward_from(
    app: AppHandle,
    till: Till,
    generation: u64,
    mut rx: tokio::sync::broadcast::Receiver<TillEvent>,
) {
    crate::commands::print::print_after_sales(&app, &till);
    tauri::async_runtime::spawn(async move {
        loop {
            let received = rx.recv().await;
            if !app.state::<AppState>().is_current(generation) {
                break;
            }
            match received {
                Ok(e) => {
                    health::observe(&app, &e);
                    if let Some(ui) = translate(&e) {
                        if matches!(
                            ui,
                            UiEvent::LateSuccess { .. } | UiEvent::LateDecline { .. }
                        ) {
                            // Kept until dismissed: a window may not be listening yet.
                            let state = app.state::<AppState>();
                            state
                                .late
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push(ui.clone());
                        }
                        emit(&app, ui);
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    // Lists reload on `lagged`; the sale on screen reads its payment again.
                    emit(&app, UiEvent::Lagged);
                    refresh_sale(&app, &till).await;
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// What a core event does to the sale on screen; false when nothing changed.
pub fn apply(slot: &mut Option<SaleView>, e: &TillEvent, masked: Option<String>) -> bool {
    let Some(view) = slot.as_mut() else {
        return false;
    };
    if e.payment_id() != Some(view.payment_id.as_str()) {
        return false;
    }
    match e {
        TillEvent::Link {
            url,
            method,
            scannable,
            flow,
            ..
        } => {
            view.link = Some(LinkDto {
                url: url.clone(),
                method: method.clone(),
                scannable: *scannable,
                qr_svg: if *scannable { qr::svg(url) } else { None },
                flow: convert::flow(*flow),
            });
            view.link_at = Some(till::db::now_ms());
            view.link_missing = false;
            if view.phase == SalePhase::Starting {
                view.phase = SalePhase::WaitingCustomer;
            }
        }
        // Gate flow: no link came; the screen says why instead of spinning on.
        TillEvent::LinkMissing { .. } if view.link.is_none() && !view.link_missing => {
            view.link_missing = true;
        }
        TillEvent::Status { status, .. } => {
            let waiting = status.contains("awaiting");
            view.phase = match (waiting, view.link.is_some()) {
                (true, true) => SalePhase::WaitingCustomer,
                (true, false) => SalePhase::Starting,
                (false, _) => SalePhase::Checking,
            };
        }
        TillEvent::Final {
            state,
            code,
            message,
            ..
        } => {
            view.phase = if *state == State::Success {
                SalePhase::Success
            } else {
                SalePhase::Declined
            };
            view.masked_card = masked;
            view.code = code.clone();
            view.message = message.clone();
        }
        TillEvent::Abandoned { .. } => *slot = None,
        _ => return false,
    }
    true
}

/// Reads the sale on screen's payment again and shows where it stands (after missed events).
async fn refresh_sale(app: &AppHandle, till: &Till) {
    let state = app.state::<AppState>();
    let Some(id) = state
        .sale()
        .map(|v| v.payment_id)
        .filter(|id| !id.is_empty())
    else {
        return;
    };
    if let Some(p) = resync::load(till, &id).await {
        if let Some(view) = state.update_sale(|slot| resync::reload(slot, &p)) {
            emit_sale(app, view);
        }
    }
}

/// Follows the sale on screen until it ends or is abandoned: by its events, or by its record
/// when events were missed.
pub fn track_sale(app: AppHandle, till: Till, mut handle: PaymentHandle) {
    let id = handle.payment_id.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let (view, done) = match resync::next(&mut handle.events, &till, &id).await {
                Learnt::Event(e) => {
                    let done = matches!(e, TillEvent::Final { .. } | TillEvent::Abandoned { .. });
                    let masked = match &e {
                        TillEvent::Final { .. } => {
                            resync::load(&till, &id).await.and_then(|p| p.masked_card)
                        }
                        _ => None,
                    };
                    let state = app.state::<AppState>();
                    (state.update_sale(|slot| apply(slot, &e, masked)), done)
                }
                Learnt::Record(p) => {
                    let state = app.state::<AppState>();
                    let view = state.update_sale(|slot| resync::reload(slot, &p));
                    (view, p.state.is_final())
                }
                Learnt::Closed => break,
            };
            if let Some(view) = view {
                emit_sale(&app, view);
            }
            if done {
                break;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::SaleFlowDto;
    use till::config::SaleFlow;
    use till::Kind;

    fn view() -> Option<SaleView> {
        Some(SaleView::starting("D-1".into(), 15_000_000))
    }

    #[test]
    fn a_sale_goes_from_link_to_result() {
        let mut slot = view();
        let link = TillEvent::Link {
            payment_id: "D-1".into(),
            url: "http://127.0.0.1:1/payment?payment_id=D-1&signature=x".into(),
            method: "GET".into(),
            scannable: true,
            flow: SaleFlow::PaymentPage,
        };
        assert!(apply(&mut slot, &link, None));
        let v = slot.clone().unwrap();
        assert_eq!(v.phase, SalePhase::WaitingCustomer);
        let l = v.link.unwrap();
        assert!(l.qr_svg.unwrap().contains("<svg"));
        assert_eq!(l.flow, SaleFlowDto::PaymentPage);
        let other = TillEvent::Abandoned {
            payment_id: "D-2".into(),
        };
        assert!(!apply(&mut slot, &other, None), "another payment's event");
        let fin = TillEvent::Final {
            payment_id: "D-1".into(),
            kind: Kind::Sale,
            state: State::Failed,
            status: "decline".into(),
            code: Some("20105".into()),
            message: Some("Insufficient funds".into()),
        };
        assert!(apply(&mut slot, &fin, None));
        let v = slot.unwrap();
        assert_eq!(
            (v.phase, v.code.as_deref()),
            (SalePhase::Declined, Some("20105"))
        );
    }

    #[test]
    fn a_post_link_gets_no_qr() {
        let mut slot = view();
        let link = TillEvent::Link {
            payment_id: "D-1".into(),
            url: "https://bank.example/3ds".into(),
            method: "POST".into(),
            scannable: false,
            flow: SaleFlow::Gate,
        };
        assert!(apply(&mut slot, &link, None));
        let l = slot.unwrap().link.unwrap();
        assert!(!l.scannable && l.qr_svg.is_none());
    }

    #[test]
    fn a_missing_link_is_said_and_a_late_one_still_shows() {
        let mut slot = view();
        let missing = TillEvent::LinkMissing {
            payment_id: "D-1".into(),
            waited_ms: 15_000,
        };
        assert!(apply(&mut slot, &missing, None));
        let v = slot.clone().unwrap();
        assert!(v.link_missing && v.phase == SalePhase::Starting);
        assert!(!apply(&mut slot, &missing, None), "said once");
        let link = TillEvent::Link {
            payment_id: "D-1".into(),
            url: "http://127.0.0.1:1/bot/x".into(),
            method: "GET".into(),
            scannable: true,
            flow: SaleFlow::Gate,
        };
        assert!(apply(&mut slot, &link, None));
        let v = slot.clone().unwrap();
        assert!(!v.link_missing && v.phase == SalePhase::WaitingCustomer);
        assert!(!apply(&mut slot, &missing, None), "a link on screen stays");
    }

    #[test]
    fn an_expired_link_ends_the_sale_with_its_code() {
        let mut slot = view();
        let fin = TillEvent::Final {
            payment_id: "D-1".into(),
            kind: Kind::Sale,
            state: State::Failed,
            status: "link_expired".into(),
            code: Some("link_expired".into()),
            message: None,
        };
        assert!(apply(&mut slot, &fin, None));
        let v = slot.unwrap();
        assert_eq!(
            (v.phase, v.code.as_deref()),
            (SalePhase::Declined, Some("link_expired"))
        );
    }
}
