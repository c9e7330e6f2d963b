//! The comparison itself, pure: the till's payments of a day and the gateway's operations of
//! the day and its margins in, the items and how many agreed out.

use std::collections::HashMap;

use chrono::NaiveDate;
use ecommpay::data_api::{DataOperation, OperationType};
use ecommpay::status::Finality;

use super::zone::Zone;
use super::{Item, ItemKind, Outcome};
use crate::db::payments::{Kind, Payment, State, LINK_EXPIRED};

fn till_outcome(p: &Payment) -> Outcome {
    match p.state {
        State::Success => Outcome::Paid,
        State::Failed => Outcome::NotPaid,
        _ => Outcome::Open,
    }
}

fn gateway_outcome(op: &DataOperation) -> Outcome {
    match op.status.as_ref().map(|s| s.finality()) {
        Some(Finality::Success) => Outcome::Paid,
        Some(Finality::Failed) => Outcome::NotPaid,
        _ => Outcome::Open,
    }
}

/// Whether the gateway may never have known this payment: never sent, refused by the gateway
/// itself, or a Payment Page link that expired unopened.
fn never_at_gateway(p: &Payment) -> bool {
    p.sent_at.is_none()
        || matches!(
            p.gateway_status.as_deref(),
            None | Some(LINK_EXPIRED) | Some("rejected")
        )
}

fn op_matches_kind(op: &DataOperation, kind: Kind) -> bool {
    matches!(
        (&op.operation_type, kind),
        (Some(OperationType::Sale), Kind::Sale) | (Some(OperationType::Payout), Kind::Payout)
    )
}

fn raw_amount(op: &DataOperation) -> Option<String> {
    let sum = op.raw.get(ecommpay::data_api::wire::OP_SUM)?;
    Some(
        sum.get(ecommpay::data_api::wire::SUM_AMOUNT)
            .unwrap_or(sum)
            .to_string(),
    )
}

fn item(kind: ItemKind, payment_id: &str, action: &str) -> Item {
    Item {
        kind,
        payment_id: payment_id.to_owned(),
        payment_type: String::new(),
        till_state: None,
        gateway_status: None,
        till_outcome: None,
        gateway_outcome: None,
        till_amount: None,
        gateway_amount: None,
        gateway_amount_raw: None,
        at: None,
        loud: kind == ItemKind::MissedSuccess,
        action: action.to_owned(),
    }
}

fn with_till(mut it: Item, p: &Payment, zone: Zone) -> Item {
    it.payment_type = p.kind.as_str().to_owned();
    it.till_state = Some(p.state.as_str().to_owned());
    it.till_outcome = Some(till_outcome(p));
    it.till_amount = Some(p.amount);
    it.at = Some(zone.text(p.created_at));
    it
}

fn with_gateway(mut it: Item, op: &DataOperation) -> Item {
    if it.payment_type.is_empty() {
        it.payment_type = op
            .operation_type
            .as_ref()
            .map_or("", OperationType::as_str)
            .to_owned();
    }
    it.gateway_status = op.status.as_ref().map(|s| s.as_str().to_owned());
    it.gateway_outcome = Some(gateway_outcome(op));
    it.gateway_amount = op.amount;
    if op.amount.is_none() {
        it.gateway_amount_raw = raw_amount(op);
    }
    if it.at.is_none() {
        it.at = op.created_at.map(|t| t.to_string());
    }
    it
}

const MISSED_SUCCESS: &str = "The customer paid, but the till recorded this payment as not paid. The money has arrived: give the goods (or return the money from the sale), and tell a manager.";
const PAID_HERE_NOT_THERE: &str = "The till counted money that the gateway says did not arrive. Do not hand out money or goods on this payment until ECommPay confirms it; ask ECommPay support with the payment id.";
const OPEN_HERE: &str = "The gateway has finished this payment but the till has not learned it yet. Keep the app running (or run `cashier recover`): the till follows it and will record it.";
const OPEN_THERE: &str = "The gateway still shows this payment in progress. Reconcile this day again later; if it stays so, ask ECommPay support with the payment id.";
const AMOUNT: &str = "The gateway's amount or currency differs from the till's. Compare the receipt with the ECommPay Dashboard and ask ECommPay support with the payment id.";
const AMOUNT_UNREADABLE: &str = "The gateway gave an amount that is not a whole number of tiyin. Check this payment's amount in the ECommPay Dashboard by hand.";
const MISSING_AT_GATEWAY_PAID: &str = "The till recorded money for this payment, but the gateway does not list it. Ask ECommPay support with the payment id before counting this money.";
const MISSING_AT_GATEWAY: &str = "The gateway does not list this payment the till sent (no money moved by the till's record). Nothing to pay back; mention it to ECommPay support if it repeats.";
const MISSING_HERE: &str = "The gateway lists a payment with this till's code that the till has no record of (a lost or restored database, or another till set up with the same code). Check the ECommPay Dashboard and the till's backups.";
const OTHER_TILL: &str = "Made by another till of the project: not this till's. Nothing to do here; it belongs to that till's reconciliation.";

/// Compares the till's payments of `date` (`till`) with the gateway's operations of the day
/// and its margins (`ops`, each once). `known` tells whether the till has a payment with this
/// id on any day (an operation in the day that belongs to a payment of another day of this
/// till is not a difference). Returns the items and how many of the till's payments agreed.
pub fn compare(
    date: NaiveDate,
    zone: Zone,
    till_code: &str,
    till: &[Payment],
    ops: &[DataOperation],
    known: impl Fn(&str) -> bool,
) -> (Vec<Item>, usize) {
    let mut by_id: HashMap<&str, Vec<&DataOperation>> = HashMap::new();
    for op in ops {
        by_id.entry(op.payment_id.as_str()).or_default().push(op);
    }
    let mut items = Vec::new();
    let mut matched = 0;
    for p in till {
        let found = by_id.remove(p.payment_id.as_str()).and_then(|list| {
            // A payment may have several operations (a sale and a later refund): the one of
            // the payment's own type; the latest of them.
            list.iter()
                .filter(|o| op_matches_kind(o, p.kind))
                .max_by_key(|o| o.created_at)
                .or_else(|| list.last())
                .copied()
        });
        let Some(op) = found else {
            match till_outcome(p) {
                Outcome::Paid => items.push(with_till(
                    item(
                        ItemKind::MissingAtGateway,
                        &p.payment_id,
                        MISSING_AT_GATEWAY_PAID,
                    ),
                    p,
                    zone,
                )),
                Outcome::NotPaid if !never_at_gateway(p) => items.push(with_till(
                    item(
                        ItemKind::MissingAtGateway,
                        &p.payment_id,
                        MISSING_AT_GATEWAY,
                    ),
                    p,
                    zone,
                )),
                // Never at the gateway, or still open here (a link not opened yet): the
                // gateway has nothing to list.
                _ => matched += 1,
            }
            continue;
        };
        let status = match (till_outcome(p), gateway_outcome(op)) {
            (a, b) if a == b => None,
            (Outcome::NotPaid, Outcome::Paid) => Some((ItemKind::MissedSuccess, MISSED_SUCCESS)),
            (Outcome::Open, Outcome::Paid | Outcome::NotPaid) => {
                Some((ItemKind::StatusDiffers, OPEN_HERE))
            }
            (_, Outcome::Open) => Some((ItemKind::StatusDiffers, OPEN_THERE)),
            (Outcome::Paid, Outcome::NotPaid) => {
                Some((ItemKind::StatusDiffers, PAID_HERE_NOT_THERE))
            }
            _ => Some((ItemKind::StatusDiffers, OPEN_THERE)),
        };
        let currency_differs = op
            .currency
            .as_deref()
            .is_some_and(|c| !c.eq_ignore_ascii_case(&p.currency));
        let amount = match op.amount {
            None => Some(AMOUNT_UNREADABLE),
            Some(a) if a != p.amount || currency_differs => Some(AMOUNT),
            Some(_) => None,
        };
        if status.is_none() && amount.is_none() {
            matched += 1;
        }
        if let Some((kind, action)) = status {
            items.push(with_gateway(
                with_till(item(kind, &p.payment_id, action), p, zone),
                op,
            ));
        }
        if let Some(action) = amount {
            items.push(with_gateway(
                with_till(
                    item(ItemKind::AmountDiffers, &p.payment_id, action),
                    p,
                    zone,
                ),
                op,
            ));
        }
    }
    // What the gateway has that none of the day's payments explains: only operations of this
    // day (the margins belong to the days beside it), and none of this till's other days.
    let prefix = format!("{till_code}-");
    let mut rest: Vec<&DataOperation> = by_id
        .into_values()
        .filter_map(|list| list.first().copied())
        .filter(|op| op.created_at.is_none_or(|t| same_day(t, date)))
        .filter(|op| !known(&op.payment_id))
        .collect();
    rest.sort_by(|a, b| (a.created_at, &a.payment_id).cmp(&(b.created_at, &b.payment_id)));
    for op in rest {
        let (kind, action) = if op.payment_id.starts_with(&prefix) {
            (ItemKind::MissingHere, MISSING_HERE)
        } else {
            (ItemKind::OtherTill, OTHER_TILL)
        };
        items.push(with_gateway(item(kind, &op.payment_id, action), op));
    }
    (items, matched)
}

fn same_day(t: ecommpay::data_api::LocalDateTime, date: NaiveDate) -> bool {
    use chrono::Datelike;
    i32::from(t.year()) == date.year()
        && u32::from(t.month()) == date.month()
        && u32::from(t.day()) == date.day()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SaleFlow;
    use ecommpay::data_api::LocalDateTime;
    use ecommpay::{PaymentStatus, Tiyin};
    use serde_json::json;

    fn zone() -> Zone {
        Zone::new("Asia/Tashkent").unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn till(pid: &str, state: State, status: Option<&str>, at_ms: i64) -> Payment {
        Payment {
            id: 1,
            payment_id: pid.into(),
            kind: Kind::Sale,
            amount: Tiyin::new(150_000),
            currency: "UZS".into(),
            project_id: 1,
            customer_id: "c".into(),
            customer_ip: "127.0.0.1".into(),
            description: None,
            card_id: None,
            masked_card: None,
            state,
            gateway_status: status.map(str::to_owned),
            code: None,
            message: None,
            request_id: None,
            redirect_url: None,
            redirect_method: None,
            created_by: None,
            created_at: at_ms,
            sent_at: Some(at_ms),
            answered_at: None,
            final_at: None,
            follow_until: 0,
            abandoned_at: None,
            send_attempts: 1,
            poll_count: 0,
            last_error: None,
            flagged: false,
            flow: SaleFlow::PaymentPage,
            link_expires_at: None,
            gateway_url: String::new(),
            payment_page_url: String::new(),
            secret_id: None,
            interrupted_at: None,
        }
    }

    fn op(pid: &str, status: &str, amount: serde_json::Value, at: &str) -> DataOperation {
        DataOperation {
            payment_id: pid.into(),
            operation_id: format!("op-{pid}-{status}"),
            operation_type: Some(OperationType::Sale),
            status: Some(PaymentStatus::parse(status)),
            amount: amount.as_i64().map(Tiyin::new),
            currency: Some("UZS".into()),
            project_id: Some(1),
            created_at: Some(LocalDateTime::parse(at).unwrap()),
            completed_at: None,
            instrument: None,
            raw: json!({"sum_initial": {"amount": amount, "currency": "UZS"}}),
        }
    }

    #[test]
    fn an_amount_that_is_not_integer_tiyin_is_a_difference_never_zero() {
        let noon = zone().day_start_ms(day()) + 12 * 3_600_000;
        let mine = [till("T1-a", State::Success, Some("success"), noon)];
        let ops = [op("T1-a", "success", json!(1500.00), "2026-12-01 12:00:01")];
        let (items, matched) = compare(day(), zone(), "T1", &mine, &ops, |_| true);
        assert_eq!(matched, 0);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].kind, ItemKind::AmountDiffers);
        assert_eq!(items[0].gateway_amount, None);
        assert_eq!(items[0].gateway_amount_raw.as_deref(), Some("1500.0"));
    }

    #[test]
    fn near_midnight_it_matches_by_payment_id_and_reports_by_the_tills_day() {
        let z = zone();
        let last_second = z.day_start_ms(day()) + 24 * 3_600_000 - 500;
        // Written at 23:59:59.5 here, created at 00:00:01 the next day at the gateway.
        let mine = [till(
            "T1-late",
            State::Success,
            Some("success"),
            last_second,
        )];
        let ops = [
            op("T1-late", "success", json!(150_000), "2026-12-02 00:00:01"),
            // The next day's own operations (fetched in the margin) are not this day's.
            op("T2-next", "success", json!(150_000), "2026-12-02 00:30:00"),
            // This till's payment of the day before, at the gateway this day: not "missing".
            op(
                "T1-before",
                "success",
                json!(150_000),
                "2026-12-01 00:00:02",
            ),
        ];
        let (items, matched) = compare(day(), z, "T1", &mine, &ops, |id| id == "T1-before");
        assert_eq!((items.len(), matched), (0, 1), "{items:?}");

        // A declined sale the gateway paid is loud; a Payment Page link that expired unopened
        // was never at the gateway.
        let noon = z.day_start_ms(day()) + 12 * 3_600_000;
        let mine = [
            till("T1-d", State::Failed, Some("decline"), noon),
            till("T1-x", State::Failed, Some(LINK_EXPIRED), noon),
        ];
        let ops = [op("T1-d", "success", json!(150_000), "2026-12-01 12:00:00")];
        let (items, matched) = compare(day(), z, "T1", &mine, &ops, |_| true);
        assert_eq!(matched, 1);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].kind, ItemKind::MissedSuccess);
        assert!(items[0].loud && items[0].kind.is_difference());
        assert!(!ItemKind::OtherTill.is_difference());
    }
}
