//! Core types to DTOs and back: plain field copies, masked cards only.

use ecommpay::Tiyin;
use till::config::{Config, FlowReason, SaleFlow};
use till::db::cards::Card;
use till::db::history::{Outcome, Totals};
use till::db::messages::TimelineEntry;
use till::db::payouts::PayoutRequestRow;
use till::db::returns::{Returnable, SaleRef};
use till::db::sign_in::UserTile;
use till::{Cursor, HistoryFilter, HistoryRow, Kind, Payment, Role, State, User};

use crate::dto::*;

pub fn kind(k: Kind) -> KindDto {
    match k {
        Kind::Sale => KindDto::Sale,
        Kind::Payout => KindDto::Payout,
    }
}

pub fn kind_in(k: KindDto) -> Kind {
    match k {
        KindDto::Sale => Kind::Sale,
        KindDto::Payout => Kind::Payout,
    }
}

pub fn state(s: State) -> StateDto {
    match s {
        State::Created => StateDto::Created,
        State::Sending => StateDto::Sending,
        State::Accepted => StateDto::Accepted,
        State::Pending => StateDto::Pending,
        State::Success => StateDto::Success,
        State::Failed => StateDto::Failed,
    }
}

pub fn state_in(s: StateDto) -> State {
    match s {
        StateDto::Created => State::Created,
        StateDto::Sending => State::Sending,
        StateDto::Accepted => State::Accepted,
        StateDto::Pending => State::Pending,
        StateDto::Success => State::Success,
        StateDto::Failed => State::Failed,
    }
}

pub fn flow(f: SaleFlow) -> SaleFlowDto {
    match f {
        SaleFlow::PaymentPage => SaleFlowDto::PaymentPage,
        SaleFlow::Gate => SaleFlowDto::Gate,
    }
}

pub fn flow_in(f: SaleFlowDto) -> SaleFlow {
    match f {
        SaleFlowDto::PaymentPage => SaleFlow::PaymentPage,
        SaleFlowDto::Gate => SaleFlow::Gate,
    }
}

/// The flow `cfg` gives, and why. `demo`: the demo's gateway reaches its till on loopback,
/// so a Gate link does arrive there.
pub fn flow_view(cfg: &Config, demo: bool) -> FlowDto {
    let (f, why) = cfg.sale_flow();
    let reachable = cfg.callback.enabled && cfg.callback.public_url.is_some();
    FlowDto {
        flow: flow(f),
        reason: match why {
            FlowReason::Configured => FlowReasonDto::Configured,
            FlowReason::ListenerPublic => FlowReasonDto::ListenerPublic,
            FlowReason::NoInbound => FlowReasonDto::NoInbound,
        },
        chosen: cfg.sale.flow.map(flow),
        link_cannot_arrive: f == SaleFlow::Gate && !reachable && !demo,
    }
}

pub fn role(r: Role) -> RoleDto {
    match r {
        Role::Cashier => RoleDto::Cashier,
        Role::Manager => RoleDto::Manager,
    }
}

pub fn role_in(r: RoleDto) -> Role {
    match r {
        RoleDto::Cashier => Role::Cashier,
        RoleDto::Manager => Role::Manager,
    }
}

pub fn user(u: &User) -> UserDto {
    UserDto {
        id: u.id,
        name: u.name.clone(),
        role: role(u.role),
        active: u.active,
        pin_change_required: u.pin_change_required,
    }
}

pub fn filter(q: &HistoryQuery) -> HistoryFilter {
    HistoryFilter {
        from_ms: q.from_ms,
        to_ms: q.to_ms,
        state: q.state.map(state_in),
        kind: q.kind.map(kind_in),
        amount_min: q.amount_min.map(Tiyin::new),
        amount_max: q.amount_max.map(Tiyin::new),
        text: q.text.clone().filter(|t| !t.trim().is_empty()),
        outcome: q.outcome.map(|o| match o {
            OutcomeDto::Paid => Outcome::Paid,
            OutcomeDto::NotPaid => Outcome::NotPaid,
            OutcomeDto::Open => Outcome::Open,
        }),
    }
}

pub fn cursor_in(c: CursorDto) -> Cursor {
    Cursor {
        created_at: c.created_at,
        id: c.id,
    }
}

pub fn cursor(c: Cursor) -> CursorDto {
    CursorDto {
        created_at: c.created_at,
        id: c.id,
    }
}

pub fn history_row(r: HistoryRow) -> HistoryRowDto {
    HistoryRowDto {
        id: r.id,
        payment_id: r.payment_id,
        kind: kind(r.kind),
        amount: r.amount.get(),
        state: state(r.state),
        gateway_status: r.gateway_status,
        masked_card: r.masked_card,
        created_at: r.created_at,
        final_at: r.final_at,
        code: r.code,
        message: r.message,
        flagged: r.flagged,
        abandoned: r.abandoned,
    }
}

/// A payment as a history row (the detail view's header).
pub fn payment_row(p: &Payment) -> HistoryRowDto {
    HistoryRowDto {
        id: p.id,
        payment_id: p.payment_id.clone(),
        kind: kind(p.kind),
        amount: p.amount.get(),
        state: state(p.state),
        gateway_status: p.gateway_status.clone(),
        masked_card: p.masked_card.clone(),
        created_at: p.created_at,
        final_at: p.final_at,
        code: p.code.clone(),
        message: p.message.clone(),
        flagged: p.flagged,
        abandoned: p.abandoned_at.is_some(),
    }
}

pub fn timeline_entry(e: TimelineEntry, with_raw: bool) -> TimelineEntryDto {
    TimelineEntryDto {
        id: e.id,
        source: e.source.as_str().to_owned(),
        received_at: e.received_at,
        http_status: e.http_status,
        signature: e.signature.as_str().to_owned(),
        status: e.status,
        applied: e.applied,
        flag: e.flag,
        raw: with_raw.then_some(e.raw),
    }
}

pub fn card(c: Card) -> CardDto {
    CardDto {
        id: c.id,
        masked: c.masked,
        first_payment_id: c.first_payment_id,
        last_used_at: c.last_used_at,
        use_count: c.use_count,
    }
}

/// A request, with the sale it returns money of when `sales` has it.
pub fn payout_request_of(r: PayoutRequestRow, sales: &[SaleRef]) -> PayoutRequestDto {
    let sale = r
        .sale_payment_id
        .as_deref()
        .and_then(|id| sales.iter().find(|s| s.payment_id == id))
        .map(sale_ref);
    PayoutRequestDto {
        sale,
        ..payout_request(r)
    }
}

pub fn payout_request(r: PayoutRequestRow) -> PayoutRequestDto {
    PayoutRequestDto {
        sale: None,
        id: r.id,
        masked_card: r.masked_card,
        sale_payment_id: r.sale_payment_id,
        amount: r.amount.get(),
        reason: r.reason,
        requested_name: r.requested_name,
        requested_at: r.requested_at,
        expires_at: r.expires_at,
        status: r.status.as_str().to_owned(),
        approver: r.approver,
        decision_note: r.decision_note,
        payment_id: r.payment_id,
        payment_state: r.payment_state,
    }
}

pub fn sale_ref(s: &SaleRef) -> SaleRefDto {
    SaleRefDto {
        payment_id: s.payment_id.clone(),
        amount: s.amount.get(),
        created_at: s.created_at,
    }
}

pub fn returnable(r: &Returnable) -> ReturnableDto {
    ReturnableDto {
        sale: sale_ref(&r.sale),
        card_id: r.card_id,
        masked_card: r.masked_card.clone(),
        eligible: r.eligible,
        returned: r.returned.get(),
        pending: r.pending.get(),
        returnable: r.returnable.get(),
    }
}

pub fn totals(t: &Totals) -> TotalsDto {
    TotalsDto {
        paid_count: t.paid_count,
        paid_sum: t.paid_sum.get(),
        unpaid_count: t.unpaid_count,
        open_count: t.open_count,
        returned_count: t.returned_count,
        returned_sum: t.returned_sum.get(),
        returning_sum: t.returning_sum.get(),
        net: t.net.get(),
    }
}

pub fn user_tile(u: &UserTile) -> UserTileDto {
    UserTileDto {
        id: u.id,
        name: u.name.clone(),
        role: role(u.role),
        locked_until: u.locked_until,
        locked_for_good: u.locked_for_good,
        last_sign_in: u.last_sign_in,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_and_its_reason_cross_as_words_the_ui_translates() {
        let mut cfg = Config {
            project_id: 7,
            till_code: "T1".into(),
            ..Config::default()
        };
        let v = flow_view(&cfg, false);
        assert_eq!(
            (v.flow, v.reason, v.chosen, v.link_cannot_arrive),
            (
                SaleFlowDto::PaymentPage,
                FlowReasonDto::NoInbound,
                None,
                false
            )
        );
        cfg.set("sale.flow", "gate").unwrap();
        let v = flow_view(&cfg, false);
        assert_eq!(
            (v.flow, v.reason, v.chosen),
            (
                SaleFlowDto::Gate,
                FlowReasonDto::Configured,
                Some(SaleFlowDto::Gate)
            )
        );
        assert!(v.link_cannot_arrive, "no listener the gateway can reach");
        assert!(
            !flow_view(&cfg, true).link_cannot_arrive,
            "the demo's gateway calls back on loopback"
        );
        cfg.set("sale.flow", "auto").unwrap();
        cfg.set("callback.enabled", "true").unwrap();
        cfg.set("callback.public_url", "https://till.example/cb")
            .unwrap();
        let v = flow_view(&cfg, false);
        assert_eq!(
            (v.flow, v.reason, v.link_cannot_arrive),
            (SaleFlowDto::Gate, FlowReasonDto::ListenerPublic, false)
        );
    }
}
