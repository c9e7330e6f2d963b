//! History: filtered pages (keyset paging on `(created_at, id)`, newest first), the totals of a
//! filter (a till's report), and CSV export (written by `csv`).
//! Every filter has an index behind it (see the schema); the benchmark measures them on a
//! million rows.
//!
//! The free-text filter means: a masked card when it contains `*` (`860003******7890`), the
//! card's last four digits when it is exactly four digits, otherwise a `payment_id` prefix.

use ecommpay::Tiyin;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::payments::{Kind, State};
use crate::error::Result;

pub use super::csv::{export_csv, CSV_HEADER};

/// What to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFilter {
    /// Created at or after (ms).
    pub from_ms: Option<i64>,
    /// Created before (ms).
    pub to_ms: Option<i64>,
    pub state: Option<State>,
    pub kind: Option<Kind>,
    pub amount_min: Option<Tiyin>,
    pub amount_max: Option<Tiyin>,
    pub text: Option<String>,
    /// What became of the payment as people say it (paid, not paid, in progress).
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

/// The three plain states people filter by; the technical one ([`State`]) stays in the detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Succeeded (a sale paid, a return on the card).
    Paid,
    /// Failed, or a sale nobody waits for any more that is not final yet (still followed).
    NotPaid,
    /// Not final, and someone is waiting for it.
    Open,
}

/// Where a page starts: after this row (exclusive), going back in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub created_at: i64,
    pub id: i64,
}

/// One line of history. Masked card only.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub id: i64,
    pub payment_id: String,
    pub kind: Kind,
    pub amount: Tiyin,
    pub state: State,
    pub gateway_status: Option<String>,
    pub masked_card: Option<String>,
    pub created_at: i64,
    pub final_at: Option<i64>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub flagged: bool,
    pub abandoned: bool,
}

/// A page and where the next one starts (none at the end).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub rows: Vec<HistoryRow>,
    pub next: Option<Cursor>,
}

pub(crate) fn where_clause(f: &HistoryFilter, after: Option<Cursor>) -> (String, Vec<SqlValue>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    let mut push = |cond: &str, vals: Vec<SqlValue>| {
        conds.push(cond.to_owned());
        args.extend(vals);
    };
    if let Some(v) = f.from_ms {
        push("created_at >= ?", vec![v.into()]);
    }
    if let Some(v) = f.to_ms {
        push("created_at < ?", vec![v.into()]);
    }
    if let Some(s) = f.state {
        push("state = ?", vec![s.as_str().to_owned().into()]);
    }
    if let Some(k) = f.kind {
        push("kind = ?", vec![k.as_str().to_owned().into()]);
    }
    match f.outcome {
        Some(Outcome::Paid) => push("state = 'success'", vec![]),
        Some(Outcome::NotPaid) => push(
            "(state = 'failed' OR (state != 'success' AND abandoned_at IS NOT NULL))",
            vec![],
        ),
        Some(Outcome::Open) => push(
            "state NOT IN ('success', 'failed') AND abandoned_at IS NULL",
            vec![],
        ),
        None => {}
    }
    match (f.amount_min, f.amount_max) {
        (Some(a), Some(b)) if a == b => push("amount = ?", vec![a.get().into()]),
        (min, max) => {
            if let Some(a) = min {
                push("amount >= ?", vec![a.get().into()]);
            }
            if let Some(b) = max {
                push("amount <= ?", vec![b.get().into()]);
            }
        }
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        if t.contains('*') {
            push("masked_card = ?", vec![t.to_owned().into()]);
        } else if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            push("card_last4 = ?", vec![t.to_owned().into()]);
        } else {
            // A prefix as a range, so the unique index on payment_id serves it.
            push(
                "payment_id >= ? AND payment_id < ?",
                vec![t.to_owned().into(), format!("{t}\u{10FFFF}").into()],
            );
        }
    }
    if let Some(c) = after {
        push(
            "(created_at, id) < (?, ?)",
            vec![c.created_at.into(), c.id.into()],
        );
    }
    let sql = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    (sql, args)
}

/// One page, newest first.
pub fn page(
    conn: &Connection,
    f: &HistoryFilter,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Page> {
    let limit = limit.clamp(1, 1000);
    let (cond, mut args) = where_clause(f, after);
    args.push(i64::from(limit).into());
    let sql = format!(
        "SELECT id, payment_id, kind, amount, state, gateway_status, masked_card, created_at, final_at, code, message, flagged, abandoned_at
         FROM payments {cond} ORDER BY created_at DESC, id DESC LIMIT ?"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        let kind: String = r.get(2)?;
        let state: String = r.get(4)?;
        Ok(HistoryRow {
            id: r.get(0)?,
            payment_id: r.get(1)?,
            kind: Kind::parse(&kind).unwrap_or(Kind::Sale),
            amount: Tiyin::new(r.get(3)?),
            state: State::parse(&state).unwrap_or(State::Pending),
            gateway_status: r.get(5)?,
            masked_card: r.get(6)?,
            created_at: r.get(7)?,
            final_at: r.get(8)?,
            code: r.get(9)?,
            message: r.get(10)?,
            flagged: r.get::<_, i64>(11)? != 0,
            abandoned: r.get::<_, Option<i64>>(12)?.is_some(),
        })
    })?;
    let rows: Vec<HistoryRow> = rows.collect::<Result<_, _>>()?;
    let next = (rows.len() == limit as usize).then(|| {
        let last = rows.last().expect("non-empty");
        Cursor {
            created_at: last.created_at,
            id: last.id,
        }
    });
    Ok(Page { rows, next })
}

/// The totals of everything a filter matches (not only the page on screen): a till's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Sales paid.
    pub paid_count: u64,
    pub paid_sum: Tiyin,
    /// Sales not paid: declined, expired, or stopped waiting for and still open.
    pub unpaid_count: u64,
    /// Sales still open that someone is waiting for.
    pub open_count: u64,
    /// Returns (payouts) that reached the card.
    pub returned_count: u64,
    pub returned_sum: Tiyin,
    /// Returns on their way (sent, not final yet).
    pub returning_sum: Tiyin,
    /// Paid minus returned.
    pub net: Tiyin,
}

/// One pass over the filter's rows (the same conditions as [`page`]).
pub fn totals(conn: &Connection, f: &HistoryFilter) -> Result<Totals> {
    let (cond, args) = where_clause(f, None);
    let sql = format!(
        "SELECT
            coalesce(sum(kind = 'sale' AND state = 'success'), 0),
            coalesce(sum(CASE WHEN kind = 'sale' AND state = 'success' THEN amount ELSE 0 END), 0),
            coalesce(sum(kind = 'sale' AND (state = 'failed' OR (state != 'success' AND abandoned_at IS NOT NULL))), 0),
            coalesce(sum(kind = 'sale' AND state NOT IN ('success', 'failed') AND abandoned_at IS NULL), 0),
            coalesce(sum(kind = 'payout' AND state = 'success'), 0),
            coalesce(sum(CASE WHEN kind = 'payout' AND state = 'success' THEN amount ELSE 0 END), 0),
            coalesce(sum(CASE WHEN kind = 'payout' AND state NOT IN ('success', 'failed') THEN amount ELSE 0 END), 0)
         FROM payments {cond}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let t = stmt.query_row(params_from_iter(args.iter()), |r| {
        let paid: i64 = r.get(1)?;
        let returned: i64 = r.get(5)?;
        Ok(Totals {
            paid_count: r.get::<_, i64>(0)? as u64,
            paid_sum: Tiyin::new(paid),
            unpaid_count: r.get::<_, i64>(2)? as u64,
            open_count: r.get::<_, i64>(3)? as u64,
            returned_count: r.get::<_, i64>(4)? as u64,
            returned_sum: Tiyin::new(returned),
            returning_sum: Tiyin::new(r.get(6)?),
            net: Tiyin::new(paid - returned),
        })
    })?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::csv::{field, push_amount, utc_text};
    use crate::db::payments::{insert, set_final, NewPayment};
    use crate::db::Db;

    fn fill(db: &Db, n: i64) {
        for i in 0..n {
            let id = insert(
                &db.conn,
                &NewPayment {
                    payment_id: format!("T1-{i:04}"),
                    kind: if i % 3 == 0 { Kind::Payout } else { Kind::Sale },
                    amount: Tiyin::new(100 * (i + 1)),
                    project_id: 1,
                    customer_id: "c".into(),
                    customer_ip: "127.0.0.1".into(),
                    description: None,
                    card_id: None,
                    masked_card: Some(
                        if i % 2 == 0 {
                            "860003******7890"
                        } else {
                            "986010******6789"
                        }
                        .into(),
                    ),
                    created_by: None,
                    follow_until: 0,
                    flow: crate::config::SaleFlow::Gate,
                    gateway_url: String::new(),
                    payment_page_url: String::new(),
                    secret_id: None,
                    link_expires_at: None,
                },
            )
            .unwrap();
            if i % 5 == 0 {
                set_final(
                    &db.conn,
                    id,
                    State::Failed,
                    Some("decline"),
                    Some("20105"),
                    Some("No funds, sorry"),
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn pages_cover_everything_once_newest_first() {
        let db = Db::open_in_memory().unwrap();
        fill(&db, 25);
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let p = page(&db.conn, &HistoryFilter::default(), after, 10).unwrap();
            seen.extend(p.rows.iter().map(|r| r.payment_id.clone()));
            match p.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        assert_eq!(seen.len(), 25);
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 25);
        assert_eq!(seen[0], "T1-0024", "newest first");
    }

    #[test]
    fn filters() {
        let db = Db::open_in_memory().unwrap();
        fill(&db, 30);
        let count = |f: HistoryFilter| page(&db.conn, &f, None, 1000).unwrap().rows.len();
        assert_eq!(
            count(HistoryFilter {
                state: Some(State::Failed),
                ..Default::default()
            }),
            6
        );
        assert_eq!(
            count(HistoryFilter {
                kind: Some(Kind::Payout),
                ..Default::default()
            }),
            10
        );
        assert_eq!(
            count(HistoryFilter {
                amount_min: Some(Tiyin::new(500)),
                amount_max: Some(Tiyin::new(500)),
                ..Default::default()
            }),
            1
        );
        assert_eq!(
            count(HistoryFilter {
                text: Some("7890".into()),
                ..Default::default()
            }),
            15
        );
        assert_eq!(
            count(HistoryFilter {
                text: Some("986010******6789".into()),
                ..Default::default()
            }),
            15
        );
        assert_eq!(
            count(HistoryFilter {
                text: Some("T1-001".into()),
                ..Default::default()
            }),
            10
        );
        assert_eq!(
            count(HistoryFilter {
                from_ms: Some(i64::MAX - 1),
                ..Default::default()
            }),
            0
        );
    }

    #[test]
    fn csv_quotes_and_defuses() {
        let db = Db::open_in_memory().unwrap();
        fill(&db, 6);
        let mut out = Vec::new();
        let mut last = 0;
        let n = export_csv(&db.conn, &HistoryFilter::default(), &mut out, |k| last = k).unwrap();
        assert_eq!((n, last), (6, 6));
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(CSV_HEADER));
        assert_eq!(text.lines().count(), 7);
        assert!(text.contains("\"No funds, sorry\""), "{text}");
        let mut v = Vec::new();
        field(&mut v, "=HYPERLINK(1)", b',');
        assert_eq!(String::from_utf8(v).unwrap(), "\"'=HYPERLINK(1)\"");
        for lead in ["\t=1+1", "\r=1+1"] {
            let mut v = Vec::new();
            field(&mut v, lead, b',');
            assert_eq!(String::from_utf8(v).unwrap(), format!("\"'{lead}\""));
        }
        let mut d = Vec::new();
        utc_text(&mut d, 1_764_248_709_000);
        assert_eq!(String::from_utf8(d).unwrap(), "2025-11-27T13:05:09Z");
        for t in [0_i64, 5, 99, 100, 1_500_050, -250] {
            let mut a = Vec::new();
            push_amount(&mut a, t, b'.');
            assert_eq!(String::from_utf8(a).unwrap(), Tiyin::new(t).to_string());
        }
    }
}
