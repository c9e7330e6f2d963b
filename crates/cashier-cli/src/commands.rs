//! One function per command.

use serde_json::json;
use till::config::resolve_data_dir;
use till::{HistoryFilter, InitOptions, Kind, PayoutInput, Role, State, Till, TillError};

use crate::args::{
    AuditCmd, BackupCmd, Cli, Command, ConfigCmd, HistoryArgs, PayoutCmd, SecretCmd, UserCmd,
};
use zeroize::Zeroizing;

use crate::auth::{authority, requester};
use crate::out::{read_stdin_line, som, tagged, Out, ERROR, OK};
use crate::run::follow_in_terminal;

pub async fn dispatch(cli: Cli, out: Out) -> i32 {
    match run(cli, out).await {
        Ok(code) => code,
        Err(e) => out.error(&e),
    }
}

fn amount(text: &str) -> Result<ecommpay::Tiyin, TillError> {
    Ok(ecommpay::Tiyin::parse_som(text)?)
}

async fn run(cli: Cli, out: Out) -> Result<i32, TillError> {
    let dir = resolve_data_dir(cli.data_dir.as_deref())?;
    if let Command::Init {
        project_id,
        gateway_url,
        till_code,
        payment_page_url,
        flow,
        user,
    } = &cli.command
    {
        if let Ok(existing) = Till::open(&dir) {
            // A till that has a manager changes its setup only with one.
            authority(&existing, "changing the till's setup", user.as_deref())?;
            let cfg = existing.config();
            let moved = cfg.project_id != *project_id
                || cfg.gateway_url != gateway_url.trim_end_matches('/');
            if moved && existing.secret_configured()? {
                return Err(TillError::NeedsConnect("the project or the gateway".into()));
            }
        }
        let till = Till::init(
            &dir,
            &InitOptions {
                project_id: *project_id,
                gateway_url: gateway_url.clone(),
                till_code: till_code.clone(),
                payment_page_url: payment_page_url.clone(),
                flow: flow.as_deref().and_then(till::config::SaleFlow::parse),
            },
        )?;
        let cfg = till.config();
        out.either(
            &json!({"event": "initialized", "data_dir": till.data_dir(), "till_code": till_code, "project_id": project_id, "flow": cfg.sale_flow().0, "payment_page_url": cfg.payment_page_url}),
            format!(
                "Till {till_code} set up in {}.\nSales: {}.\nNext: `cashier secret set`, then `cashier doctor`.",
                dir.display(),
                cfg.sale_flow_text()
            ),
        );
        return Ok(OK);
    }
    if let Command::Backup {
        action: BackupCmd::Restore { from, replace },
    } = &cli.command
    {
        return crate::backup::restore(&dir, from, *replace, out);
    }
    let till = Till::open(&dir)?;
    // The commands that drive payments hold the data folder's engine lock (one at a time;
    // another one, or the app, is refused with a message naming the holder).
    let engine = match &cli.command {
        Command::Sale { .. } => Some("cashier sale"),
        Command::Recover { .. } => Some("cashier recover"),
        Command::Listen => Some("cashier listen"),
        Command::Payout {
            action: PayoutCmd::Approve { .. },
        } => Some("cashier payout approve"),
        _ => None,
    };
    if let Some(program) = engine {
        till.take_engine(program)?;
    }
    match cli.command {
        Command::Init { .. } => unreachable!("handled above"),
        Command::Backup {
            action: BackupCmd::Restore { .. },
        } => unreachable!("handled above"),
        Command::Backup {
            action:
                BackupCmd::Create {
                    to,
                    without_secret,
                    user,
                },
        } => {
            let auth = authority(
                &till,
                "a backup (it carries the till's keys)",
                user.as_deref(),
            )?;
            crate::backup::create(&till, &to, !without_secret, auth.actor(), out)
        }
        Command::Audit {
            action: AuditCmd::Verify,
        } => crate::backup::audit_verify(&till, out),
        Command::Shift { action } => crate::shift::shift(&till, out, action).await,
        Command::Report(args) => crate::report::report(&till, out, args).await,
        Command::Reconcile { date } => crate::reconcile::reconcile(&till, &date, out).await,
        Command::DataApi { action } => crate::reconcile::data_api(&till, action, out),
        Command::Connect {
            project_id,
            gateway_url,
            payment_page_url,
            user,
        } => {
            let auth = authority(
                &till,
                "moving the till to another project or gateway",
                user.as_deref(),
            )?;
            let secret = Zeroizing::new(read_stdin_line().unwrap_or_default());
            let r = till
                .reconnect(
                    project_id,
                    &gateway_url,
                    payment_page_url.as_deref(),
                    Some(secret.as_str()).filter(|s| !s.trim().is_empty()),
                    &auth,
                )
                .await?;
            out.either(
                &tagged("connected", &r),
                format!(
                    "Connected to project {} at {}. {} open payments of the previous gateway are still followed there until final.",
                    r.project_id, r.gateway_url, r.still_followed_elsewhere
                ),
            );
            Ok(OK)
        }
        Command::Secret {
            action: SecretCmd::Set { user },
        } => {
            let auth = authority(&till, "the API secret", user.as_deref())?;
            let text = Zeroizing::new(read_stdin_line()?);
            if till.secret_configured()? {
                // A new secret for a till that has one: checked with the gateway first.
                let cfg = till.config();
                till.reconnect(cfg.project_id, &cfg.gateway_url, None, Some(&text), &auth)
                    .await?;
            } else {
                till.set_secret(&auth, &text)?;
            }
            out.either(
                &json!({"event": "secret_set"}),
                "The secret is stored in the OS keyring.",
            );
            Ok(OK)
        }
        Command::User { action } => user(&till, out, action),
        Command::Sale { amount: a } => {
            let a = amount(&a)?;
            let _listener = start_listener_if_enabled(&till).await;
            let handle = till.start_sale(a, Some("cli")).await?;
            let pid = handle.payment_id.clone();
            let code = follow_in_terminal(&till, &out, handle, true).await;
            crate::receipt::after_sale(&till, &out, &pid).await;
            Ok(code)
        }
        Command::History(args) => history(&till, out, args),
        Command::Cards => {
            let cards = till.cards()?;
            if out.json {
                for c in &cards {
                    out.json_line(&tagged("card", c));
                }
            } else if cards.is_empty() {
                out.text("No saved cards yet: a successful sale saves its card.");
            } else {
                out.text(format!(
                    "{:>5}  {:<18} {:<20} {:>5}  last used",
                    "id", "card", "first sale", "uses"
                ));
                for c in &cards {
                    out.text(format!(
                        "{:>5}  {:<18} {:<20} {:>5}  {}",
                        c.id,
                        c.masked,
                        c.first_payment_id,
                        c.use_count,
                        till::time::local_text(c.last_used_at)
                    ));
                }
            }
            Ok(OK)
        }
        Command::Payout { action } => payout(&till, out, action).await,
        Command::Doctor => {
            let checks = till.doctor().await;
            let all_ok = checks.iter().all(|c| c.ok);
            for c in &checks {
                out.either(
                    &tagged("check", c),
                    format!(
                        "[{}] {}: {}",
                        if c.ok { " ok " } else { "FAIL" },
                        c.name,
                        c.detail
                    ),
                );
            }
            Ok(if all_ok { OK } else { ERROR })
        }
        Command::Recover { wait } => {
            let _listener = if wait {
                start_listener_if_enabled(&till).await
            } else {
                None
            };
            let report = till.recover().await?;
            if wait {
                for h in till.resume_all()? {
                    let _ = h.wait().await;
                }
            }
            let still_open: Vec<String> = if wait {
                report
                    .still_open
                    .iter()
                    .filter(|id| {
                        till.payment(id)
                            .map(|p| !p.state.is_final())
                            .unwrap_or(true)
                    })
                    .cloned()
                    .collect()
            } else {
                report.still_open.clone()
            };
            for id in report.now_final.iter().chain(report.still_open.iter()) {
                if let Ok(p) = till.payment(id) {
                    out.either(
                        &json!({"event": "payment", "payment_id": p.payment_id, "type": p.kind, "state": p.state, "status": p.gateway_status, "amount": p.amount}),
                        format!("{} {:<7} {:<8} {}", p.payment_id, p.kind.as_str(), p.state.as_str(), p.gateway_status.unwrap_or_default()),
                    );
                }
            }
            for (id, code, message) in &report.problems {
                out.either(&json!({"event": "problem", "payment_id": id, "code": code, "message": message}), format!("problem with {id}: {message}"));
            }
            out.either(
                &json!({"event": "recovered", "checked": report.checked, "still_open": still_open.len()}),
                format!("Checked {} open payments; {} still open.", report.checked, still_open.len()),
            );
            Ok(OK)
        }
        Command::Timeline { payment_id } => {
            let p = till.payment(&payment_id)?;
            let t = till.payment_timeline(&payment_id)?;
            out.either(
                &tagged("payment", &p),
                format!(
                    "{} {} {} {}",
                    p.payment_id,
                    p.kind.as_str(),
                    som(p.amount),
                    p.state.as_str()
                ),
            );
            for m in &t {
                out.either(
                    &tagged("message", m),
                    format!(
                        "{} {:<8} sig={:<8} status={:<26} {}{}",
                        till::time::local_text(m.received_at),
                        serde_json::to_value(m.source)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        serde_json::to_value(m.signature)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        m.status.as_deref().unwrap_or("-"),
                        if m.applied { "applied" } else { "not applied" },
                        m.flag
                            .as_deref()
                            .map(|f| format!(" ({f})"))
                            .unwrap_or_default()
                    ),
                );
            }
            Ok(OK)
        }
        Command::Config {
            action: ConfigCmd::Show,
        } => {
            for (k, v) in till.settings() {
                out.either(
                    &json!({"event": "setting", "key": k, "value": v}),
                    format!("{k} = {v}"),
                );
            }
            let configured = till.secret_configured()?;
            out.either(&json!({"event": "setting", "key": "secret", "value": if configured { "configured" } else { "not configured" }}), format!("secret = {}", if configured { "configured" } else { "not configured" }));
            Ok(OK)
        }
        Command::Config {
            action: ConfigCmd::Set { key, value, user },
        } => {
            if key == "language" {
                // Anyone's: what people read, nothing the till does.
                till.set_language(None, &value)?;
            } else {
                let auth = authority(&till, &format!("the setting {key}"), user.as_deref())?;
                till.set_setting(&auth, &key, &value)?;
            }
            out.either(
                &json!({"event": "setting_changed", "key": key, "value": value}),
                format!("{key} = {value}"),
            );
            Ok(OK)
        }
        Command::Watch { payment_id } => Ok(crate::run::watch(&till, &out, &payment_id).await),
        Command::Receipt {
            payment_id,
            pay,
            preview,
        } => crate::receipt::receipt(&till, out, &payment_id, pay, preview).await,
        Command::Listen => {
            let stop = stop_requested();
            let listener = till.start_listener().await?;
            out.either(
                &json!({"event": "listening", "addr": listener.addr.to_string()}),
                format!("Listening for callbacks on {}", listener.addr),
            );
            let _ = till.resume_all()?;
            // After the day closes, the previous day is reconciled once (audited).
            let auto = till.spawn_auto_reconcile(move |r| {
                crate::reconcile::print(r, out);
            });
            stop.await;
            auto.abort();
            listener.stop().await;
            out.either(&json!({"event": "stopped"}), "Stopped.");
            Ok(OK)
        }
    }
}

/// Ctrl-C (SIGINT) or, on Unix, SIGTERM (how a service manager stops `listen`). SIGTERM is
/// caught from the moment this is called, so call it before saying "listening".
fn stop_requested() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        #[cfg(unix)]
        if let Some(mut term) = term {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Starts the callback listener when the config enables it; polling works without it, so a
/// failure only warns.
async fn start_listener_if_enabled(till: &Till) -> Option<till::listener::ListenerHandle> {
    if !till.config().callback.enabled {
        return None;
    }
    match till.start_listener().await {
        Ok(h) => Some(h),
        Err(e) => {
            eprintln!("warning: {e}; following by status polling only");
            None
        }
    }
}

fn user(till: &Till, out: Out, action: UserCmd) -> Result<i32, TillError> {
    match action {
        UserCmd::Add { name, role, user } => {
            let role = Role::parse(&role)?;
            let auth = authority(till, "adding a user", user.as_deref())?;
            let pin = Zeroizing::new(read_stdin_line()?);
            let u = till.add_user(&auth, &name, role, &pin)?;
            out.either(
                &tagged("user_added", &u),
                format!("{} added as {}", u.name, u.role.as_str()),
            );
        }
        UserCmd::List => {
            for u in till.users()? {
                out.either(
                    &tagged("user", &u),
                    format!(
                        "{:>4}  {:<24} {}{}",
                        u.id,
                        u.name,
                        u.role.as_str(),
                        if u.active { "" } else { "  (deactivated)" }
                    ),
                );
            }
        }
        UserCmd::Pin { name } => {
            let old = read_stdin_line()?;
            let new = read_stdin_line()?;
            let s = till.change_pin(&name, &old, &new)?;
            out.either(
                &json!({"event": "pin_changed", "name": s.name()}),
                format!("The PIN of {} is changed.", s.name()),
            );
        }
        UserCmd::ResetPin { name, user } => {
            let manager_pin = read_stdin_line()?;
            let new = read_stdin_line()?;
            let u = till.reset_pin(&user, &manager_pin, &name, &new)?;
            out.either(
                &json!({"event": "pin_reset", "name": u.name, "by": user}),
                format!("{} has a new PIN and is unlocked.", u.name),
            );
        }
        UserCmd::Unlock { name, user } => {
            let manager_pin = read_stdin_line()?;
            let u = till.unlock_user(&user, &manager_pin, &name)?;
            out.either(
                &json!({"event": "user_unlocked", "name": u.name, "by": user}),
                format!("{} is unlocked.", u.name),
            );
        }
        UserCmd::Deactivate { name, user } => set_active(till, out, &name, &user, false)?,
        UserCmd::Activate { name, user } => set_active(till, out, &name, &user, true)?,
    }
    Ok(OK)
}

fn set_active(
    till: &Till,
    out: Out,
    name: &str,
    manager: &str,
    active: bool,
) -> Result<(), TillError> {
    let manager_pin = read_stdin_line()?;
    let u = till.set_user_active(manager, &manager_pin, name, active)?;
    let (event, word) = if active {
        ("user_activated", "active")
    } else {
        ("user_deactivated", "deactivated")
    };
    out.either(&tagged(event, &u), format!("{} is {word}.", u.name));
    Ok(())
}

fn history_filter(a: &HistoryArgs) -> Result<HistoryFilter, TillError> {
    let bad = |m: String| TillError::Config(m);
    let day =
        |s: &Option<String>, name: &str| -> Result<Option<till::time::NaiveDate>, TillError> {
            match s {
                None => Ok(None),
                Some(t) => till::time::parse_date(t).map(Some).ok_or_else(|| {
                    bad(format!(
                        "--{name} must be a date like 2026-11-27, not {t:?}"
                    ))
                }),
            }
        };
    let from = day(&a.from, "from")?.map(till::time::local_day_start);
    let to = day(&a.to, "to")?.map(|d| till::time::local_day_start(d.succ_opt().unwrap_or(d)));
    let state = match &a.status {
        None => None,
        Some(s) => Some(State::parse(s).ok_or_else(|| bad(format!("--status must be one of created, sending, accepted, pending, success, failed; not {s:?}")))?),
    };
    let kind = match &a.kind {
        None => None,
        Some(s) => Some(
            Kind::parse(s)
                .ok_or_else(|| bad(format!("--type must be sale or payout, not {s:?}")))?,
        ),
    };
    let exact = a.amount.as_deref().map(amount).transpose()?;
    Ok(HistoryFilter {
        from_ms: from,
        to_ms: to,
        state,
        kind,
        amount_min: exact.or(a.min_amount.as_deref().map(amount).transpose()?),
        amount_max: exact.or(a.max_amount.as_deref().map(amount).transpose()?),
        text: a.text.clone(),
        outcome: None,
    })
}

fn history(till: &Till, out: Out, a: HistoryArgs) -> Result<i32, TillError> {
    let filter = history_filter(&a)?;
    if let Some(path) = &a.xlsx {
        return crate::shift::history_xlsx(till, out, &filter, path);
    }
    if a.csv {
        let stdout = std::io::stdout();
        let n = till.export_csv(stdout.lock(), &filter, |_| {})?;
        eprintln!("{n} rows exported");
        return Ok(OK);
    }
    let page = till.history(&filter, None, a.limit)?;
    if out.json {
        for r in &page.rows {
            out.json_line(&tagged("payment", r));
        }
        return Ok(OK);
    }
    out.text(format!(
        "{:<19}  {:<26} {:<6} {:>20}  {:<8} {:<24} card",
        "created", "payment_id", "type", "amount", "state", "status"
    ));
    for r in &page.rows {
        out.text(format!(
            "{:<19}  {:<26} {:<6} {:>20}  {:<8} {:<24} {}{}",
            till::time::local_text(r.created_at),
            r.payment_id,
            r.kind.as_str(),
            som(r.amount),
            r.state.as_str(),
            r.gateway_status.as_deref().unwrap_or("-"),
            r.masked_card.as_deref().unwrap_or(""),
            if r.flagged { "  (!)" } else { "" }
        ));
    }
    if page.next.is_some() {
        out.text(format!(
            "... more rows: narrow the filters or raise --limit ({})",
            a.limit
        ));
    }
    Ok(OK)
}

async fn payout(till: &Till, out: Out, action: PayoutCmd) -> Result<i32, TillError> {
    match action {
        PayoutCmd::Request {
            card,
            amount: a,
            reason,
            sale,
            user,
        } => {
            let amount = amount(&a)?;
            let requester = requester(till, user.as_deref())?;
            let req = till.request_payout(
                &PayoutInput {
                    card_id: card,
                    amount,
                    reason,
                    sale_payment_id: sale,
                },
                &requester,
            )?;
            out.either(
                &tagged("payout_requested", &req),
                format!("Payout request {} for {} to {} is waiting for a manager: `cashier payout approve {} --user NAME`", req.id, som(req.amount), req.masked_card, req.id),
            );
            Ok(OK)
        }
        PayoutCmd::Approve { id, user } => {
            let pin = read_stdin_line()?;
            let _listener = start_listener_if_enabled(till).await;
            let handle = till.approve_payout(id, &user, &pin).await?;
            out.either(
                &json!({"event": "payout_approved", "request_id": id, "payment_id": handle.payment_id}),
                format!("Approved; payout {} is being sent.", handle.payment_id),
            );
            Ok(follow_in_terminal(till, &out, handle, false).await)
        }
        PayoutCmd::Reject { id, user, reason } => {
            let pin = read_stdin_line()?;
            let r = till.reject_payout(id, &user, &pin, reason.as_deref())?;
            out.either(
                &tagged("payout_rejected", &r),
                format!(
                    "Payout request {} for {} rejected by {user}; no money moved.",
                    r.id,
                    som(r.amount)
                ),
            );
            Ok(OK)
        }
        PayoutCmd::List => {
            for r in till.payout_requests(200)? {
                out.either(
                    &tagged("payout_request", &r),
                    format!(
                        "{:>4}  {:<9} {:>18}  {:<18} by {:<12} {}{}{}",
                        r.id,
                        r.status.as_str(),
                        som(r.amount),
                        r.masked_card,
                        r.requested_name,
                        r.reason,
                        r.payment_id
                            .as_deref()
                            .map(|p| format!(
                                "  -> {p} ({})",
                                r.payment_state.as_deref().unwrap_or("?")
                            ))
                            .unwrap_or_default(),
                        match (r.status, &r.approver) {
                            (till::db::payouts::RequestStatus::Rejected, Some(by)) => format!(
                                "  rejected by {by}{}",
                                r.decision_note
                                    .as_deref()
                                    .map(|n| format!(": {n}"))
                                    .unwrap_or_default()
                            ),
                            _ => String::new(),
                        }
                    ),
                );
            }
            Ok(OK)
        }
    }
}
