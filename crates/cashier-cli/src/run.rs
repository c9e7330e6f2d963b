//! Running a sale or payout in the terminal: print its events as they come, the link as a QR
//! code, and end with the exit code (0 success, 1 declined, 2 error or still open).

use qrcode::render::unicode;
use qrcode::QrCode;
use till::{PaymentHandle, State, Till, TillEvent};

use crate::out::{som, Out, DECLINED, ERROR, OK};

fn qr(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

fn show(out: &Out, e: &TillEvent) {
    if out.json {
        out.json_line(e);
        return;
    }
    match e {
        TillEvent::Created {
            payment_id,
            amount,
            kind,
        } => out.text(format!(
            "{} {payment_id} for {} written",
            kind_name(*kind),
            som(*amount)
        )),
        TillEvent::Sending { attempt, .. } if *attempt > 1 => out.text(format!(
            "sending again (attempt {attempt}, same payment id)"
        )),
        TillEvent::Sending { .. } => out.text("sending..."),
        TillEvent::Accepted { .. } => out.text("accepted by the gateway"),
        TillEvent::Link { url, scannable, .. } => {
            if *scannable {
                if let Some(q) = qr(url) {
                    out.text(q);
                }
                out.text(format!("Customer: scan the code or open {url}"));
            } else {
                out.text(format!("The gateway asks for a POST redirect, which a QR code cannot carry: open {url} on this computer"));
            }
        }
        TillEvent::LinkMissing { waited_ms, .. } => out.text(format!(
            "No payment link from the gateway after {} s. In the Gate flow the link comes by \
             callback, and the gateway's notifications are not reaching this till: check that \
             the callback listener is on and reachable from the internet (callback.public_url), \
             or switch to the Payment Page flow (`cashier config set sale.flow payment_page`). \
             The sale is still followed.",
            waited_ms / 1000
        )),
        TillEvent::Status { status, .. } => out.text(format!("status: {status}")),
        TillEvent::Final {
            status,
            code,
            message,
            state,
            ..
        } => out.text(format!(
            "{}: {status}{}{}",
            if *state == State::Success {
                "SUCCESS"
            } else {
                "NOT PAID"
            },
            code.as_deref()
                .map(|c| format!(" (code {c})"))
                .unwrap_or_default(),
            message
                .as_deref()
                .map(|m| format!(" {m}"))
                .unwrap_or_default()
        )),
        TillEvent::LateSuccess { payment_id, amount } => {
            eprintln!(
                "\x07!!! LATE SUCCESS: the abandoned sale {payment_id} WAS PAID ({}) !!!",
                som(*amount)
            );
        }
        TillEvent::LateDecline { payment_id, amount, .. } => eprintln!(
            "!!! the sale {payment_id} ({}) that was open when the till stopped ended UNPAID: nothing was charged",
            som(*amount)
        ),
        TillEvent::Abandoned { payment_id } => out.text(format!(
            "abandoned {payment_id}; it is still followed (run `cashier recover`)"
        )),
        TillEvent::Flagged { reason, .. } => {
            eprintln!("warning: a gateway message was kept but not applied: {reason}")
        }
        TillEvent::CardNotSaved { message, .. } => {
            eprintln!("warning: the sale is paid, but its card was NOT saved (no payout to it will be possible): {message}")
        }
        TillEvent::GatewayTrouble { message, .. } => {
            eprintln!("gateway trouble (retrying with the same payment id): {message}")
        }
        TillEvent::PayoutRequested { .. } | TillEvent::PayoutDecided { .. } => {}
    }
}

fn kind_name(k: till::Kind) -> &'static str {
    match k {
        till::Kind::Sale => "sale",
        till::Kind::Payout => "payout",
    }
}

/// Shows a running payment until it ends; Ctrl-C abandons a sale (it is still followed by the
/// next `cashier recover` or the desktop app).
pub async fn follow_in_terminal(
    till: &Till,
    out: &Out,
    handle: PaymentHandle,
    abandonable: bool,
) -> i32 {
    let PaymentHandle {
        payment_id,
        mut events,
        task,
    } = handle;
    let mut task = task;
    let mut final_seen = false;
    loop {
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(e) if e.payment_id() == Some(payment_id.as_str()) => {
                    final_seen |= matches!(e, TillEvent::Final { .. });
                    show(out, &e);
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
            done = &mut task => {
                // Drain what is still queued, then decide from the stored record.
                while let Ok(e) = events.try_recv() {
                    if e.payment_id() == Some(payment_id.as_str()) {
                        final_seen |= matches!(e, TillEvent::Final { .. });
                        show(out, &e);
                    }
                }
                return match done {
                    Ok(Ok(p)) => finish(out, &p, final_seen),
                    Ok(Err(e)) => out.error(&e),
                    Err(e) => out.error_parts("internal", &e.to_string()),
                };
            }
            _ = tokio::signal::ctrl_c(), if abandonable => {
                let _ = till.abandon_sale(&payment_id, "cashier");
                show(out, &TillEvent::Abandoned { payment_id: payment_id.clone() });
                return ERROR;
            }
        }
    }
    ERROR
}

fn finish(out: &Out, p: &till::Payment, final_seen: bool) -> i32 {
    let status = p
        .gateway_status
        .clone()
        .unwrap_or_else(|| p.state.as_str().to_owned());
    if p.state.is_final() && !final_seen {
        // Final before we subscribed (another process finished it): still say so.
        show(
            out,
            &TillEvent::Final {
                payment_id: p.payment_id.clone(),
                kind: p.kind,
                state: p.state,
                status: status.clone(),
                code: p.code.clone(),
                message: p.message.clone(),
            },
        );
    }
    match p.state {
        State::Success => OK,
        State::Failed if status == "not_sent" => ERROR,
        State::Failed => DECLINED,
        _ => out.error_parts(
            "still_open",
            &format!(
                "{} is not final yet ({}); it is followed again by `cashier recover`",
                p.payment_id, status
            ),
        ),
    }
}

/// `cashier watch`: what the database knows of a payment, announced as it comes (a link, the
/// result), until it is final; then the exit code of `sale`.
pub async fn watch(till: &Till, out: &Out, payment_id: &str) -> i32 {
    let mut events = till.subscribe();
    let every = std::time::Duration::from_millis(till.config().timing.db_watch_ms);
    loop {
        let p = match till.announce(payment_id) {
            Ok(p) => p,
            Err(e) => return out.error(&e),
        };
        while let Ok(e) = events.try_recv() {
            if e.payment_id() == Some(payment_id) {
                show(out, &e);
            }
        }
        if p.state.is_final() {
            return finish(out, &p, true);
        }
        tokio::time::sleep(every).await;
    }
}
