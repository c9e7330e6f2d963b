//! Reports as tables (one per sheet: the totals, then the payments a report names), written
//! as XLSX (`crate::export::xlsx`) or CSV, and as JSON lines (one object a line, the totals
//! last).

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};

use super::text::{state_word, words, Lang, Words};
use super::{DayReport, Note, PaymentLine, ShiftReport, Sum, Totals};
use crate::error::Result;
use crate::export::xlsx::{write_tables, Cell, Table};

struct Heads {
    totals: &'static str,
    payments: &'static str,
    what: &'static str,
    count: &'static str,
    amount: &'static str,
    payment: &'static str,
    kind: &'static str,
    result: &'static str,
    created: &'static str,
    finished: &'static str,
    note: &'static str,
    sale: &'static str,
    payout: &'static str,
}

fn heads(lang: Lang) -> Heads {
    match lang {
        Lang::En => Heads {
            totals: "Totals",
            payments: "Payments",
            what: "What",
            count: "Count",
            amount: "Amount",
            payment: "Payment",
            kind: "Type",
            result: "Result",
            created: "Time",
            finished: "Finished",
            note: "Note",
            sale: "Sale",
            payout: "Payout",
        },
        Lang::Ru => Heads {
            totals: "Итоги",
            payments: "Платежи",
            what: "Что",
            count: "Количество",
            amount: "Сумма",
            payment: "Платёж",
            kind: "Тип",
            result: "Итог",
            created: "Время",
            finished: "Завершён",
            note: "Примечание",
            sale: "Продажа",
            payout: "Выплата",
        },
        Lang::Uz => Heads {
            totals: "Jami",
            payments: "To'lovlar",
            what: "Nima",
            count: "Soni",
            amount: "Summa",
            payment: "To'lov",
            kind: "Turi",
            result: "Natija",
            created: "Vaqt",
            finished: "Yakunlangan",
            note: "Izoh",
            sale: "Sotuv",
            payout: "To'lov (qaytarish)",
        },
    }
}

fn total_rows(who: &str, t: &Totals, w: &Words, rows: &mut Vec<Vec<Cell>>) {
    let line = |label: &str, s: Sum| {
        vec![
            Cell::Text(who.to_owned()),
            Cell::Text(label.to_owned()),
            Cell::Count(s.count),
            Cell::Money(s.sum),
        ]
    };
    rows.push(line(w.paid, t.paid));
    rows.push(line(w.declined, t.declined));
    rows.push(line(w.expired, t.expired));
    rows.push(line(w.abandoned, t.abandoned));
    rows.push(line(w.open, t.open));
    rows.push(line(w.returns, t.returns));
    rows.push(line(w.payouts, t.payouts));
    rows.push(line(w.payouts_failed, t.payouts_failed));
    rows.push(line(w.payouts_open, t.payouts_open));
    rows.push(vec![
        Cell::Text(who.to_owned()),
        Cell::Text(w.net.to_owned()),
        Cell::Empty,
        Cell::Money(t.net),
    ]);
}

fn payment_row(label: &str, l: &PaymentLine, w: &Words, h: &Heads) -> Vec<Cell> {
    let note = match l.note {
        Some(Note::EndedAfterClose) => w.ended_note,
        Some(Note::Open) => w.state_open,
        None => "",
    };
    vec![
        Cell::Text(label.to_owned()),
        Cell::Text(l.payment_id.clone()),
        Cell::Text(if l.kind == "payout" { h.payout } else { h.sale }.to_owned()),
        Cell::Money(l.amount),
        Cell::Text(state_word(l, w).to_owned()),
        Cell::Time(l.created_at),
        l.final_at.map_or(Cell::Empty, Cell::Time),
        Cell::Text(l.cashier.clone().unwrap_or_default()),
        Cell::Text(note.to_owned()),
    ]
}

fn payments_table(lists: &[(&str, &[PaymentLine])], w: &Words, h: &Heads) -> Table {
    let mut rows = Vec::new();
    for (label, v) in lists {
        for l in *v {
            rows.push(payment_row(label, l, w, h));
        }
    }
    Table {
        name: h.payments.to_owned(),
        header: [
            h.what, h.payment, h.kind, h.amount, h.result, h.created, h.finished, w.cashier, h.note,
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }
}

fn totals_header(w: &Words, h: &Heads) -> Vec<String> {
    [w.cashier, h.what, h.count, h.amount]
        .map(str::to_owned)
        .to_vec()
}

impl ShiftReport {
    /// The report as tables (totals, payments) in `lang`.
    pub fn tables(&self, lang: &str) -> Vec<Table> {
        let l = Lang::from_code(lang);
        let (w, h) = (words(l), heads(l));
        let mut rows = Vec::new();
        total_rows(&self.shift.user_name, &self.totals, w, &mut rows);
        let first: Vec<PaymentLine> = self.first.iter().cloned().collect();
        let last: Vec<PaymentLine> = self.last.iter().cloned().collect();
        vec![
            Table {
                name: h.totals.to_owned(),
                header: totals_header(w, &h),
                rows,
            },
            payments_table(
                &[
                    (w.first, &first),
                    (w.last, &last),
                    (w.open_at_close, &self.open),
                    (w.ended_after_close, &self.ended_after_close),
                ],
                w,
                &h,
            ),
        ]
    }

    /// One JSON object a line: the shift, each payment open or ended after the close, then
    /// the totals.
    pub fn json_lines(&self) -> Vec<Value> {
        let mut out = vec![json!({"event": "shift", "report": self.kind, "shift": self.shift})];
        for l in self.open.iter().chain(&self.ended_after_close) {
            out.push(json!({"event": "payment", "payment": l}));
        }
        out.push(json!({
            "event": "totals",
            "report": self.kind,
            "shift_id": self.shift.id,
            "cashier": self.shift.user_name,
            "till": self.shift.till_code,
            "first": self.first,
            "last": self.last,
            "totals": self.totals,
        }));
        out
    }

    pub fn write_xlsx(&self, path: &Path, lang: &str) -> Result<()> {
        write_tables(path, &self.tables(lang))
    }

    pub fn write_csv<W: Write>(&self, out: W, lang: &str) -> Result<()> {
        write_csv(out, &self.tables(lang), Lang::from_code(lang))
    }
}

impl DayReport {
    /// The report as tables (totals per cashier and for the till, payments) in `lang`.
    pub fn tables(&self, lang: &str) -> Vec<Table> {
        let l = Lang::from_code(lang);
        let (w, h) = (words(l), heads(l));
        let mut rows = Vec::new();
        for c in &self.cashiers {
            let name = if c.cashier.is_empty() {
                w.no_cashier
            } else {
                &c.cashier
            };
            total_rows(name, &c.totals, w, &mut rows);
        }
        total_rows(
            &format!("{} {}", w.till, self.till_code),
            &self.totals,
            w,
            &mut rows,
        );
        let first: Vec<PaymentLine> = self.first.iter().cloned().collect();
        let last: Vec<PaymentLine> = self.last.iter().cloned().collect();
        vec![
            Table {
                name: h.totals.to_owned(),
                header: totals_header(w, &h),
                rows,
            },
            payments_table(
                &[(w.first, &first), (w.last, &last), (w.open_now, &self.open)],
                w,
                &h,
            ),
        ]
    }

    /// One JSON object a line: each shift, each cashier, each payment not final, then the
    /// till's totals with the audit chain's head.
    pub fn json_lines(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for s in &self.shifts {
            out.push(json!({"event": "shift", "shift": s.shift, "totals": s.totals}));
        }
        for c in &self.cashiers {
            out.push(json!({"event": "cashier", "cashier": c.cashier, "totals": c.totals}));
        }
        for l in &self.open {
            out.push(json!({"event": "payment", "payment": l}));
        }
        out.push(json!({
            "event": "totals",
            "report": "day",
            "date": self.date,
            "till": self.till_code,
            "from_ms": self.from_ms,
            "to_ms": self.to_ms,
            "first": self.first,
            "last": self.last,
            "audit_head": self.audit_head,
            "totals": self.totals,
        }));
        out
    }

    pub fn write_xlsx(&self, path: &Path, lang: &str) -> Result<()> {
        write_tables(path, &self.tables(lang))
    }

    pub fn write_csv<W: Write>(&self, out: W, lang: &str) -> Result<()> {
        write_csv(out, &self.tables(lang), Lang::from_code(lang))
    }
}

/// Tables as CSV for people (the history export's conventions: `;` and a decimal comma for
/// Russian and Uzbek, `,` and a point for English; local times), one after another with an
/// empty line between.
pub fn write_csv<W: Write>(out: W, tables: &[Table], lang: Lang) -> Result<()> {
    let (sep, decimal) = match lang {
        Lang::En => (b',', b'.'),
        _ => (b';', b','),
    };
    let mut out = std::io::BufWriter::new(out);
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\r\n")?;
        }
        let mut line = Vec::new();
        for (j, h) in t.header.iter().enumerate() {
            if j > 0 {
                line.push(sep);
            }
            crate::db::csv::field(&mut line, h, sep);
        }
        line.extend_from_slice(b"\r\n");
        for r in &t.rows {
            for (j, c) in r.iter().enumerate() {
                if j > 0 {
                    line.push(sep);
                }
                match c {
                    Cell::Empty => {}
                    Cell::Text(s) => crate::db::csv::field(&mut line, s, sep),
                    Cell::Count(n) => line.extend_from_slice(n.to_string().as_bytes()),
                    Cell::Money(t) => crate::db::csv::push_amount(&mut line, t.get(), decimal),
                    Cell::Time(ms) => {
                        line.extend_from_slice(crate::time::local_text(*ms).as_bytes())
                    }
                }
            }
            line.extend_from_slice(b"\r\n");
        }
        out.write_all(&line)?;
    }
    out.flush()?;
    Ok(())
}
