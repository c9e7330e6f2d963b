//! History as CSV, streamed from one read-only snapshot, in one of two styles:
//!
//! - [`CsvStyle::Machine`] (the `cashier` CLI, scripts): English column names, comma, UTC
//!   times, the local states as stored, amounts as `15000.50`.
//! - [`CsvStyle::People`] (the app's export): the user's language, local time, what
//!   spreadsheet apps there expect (`;` and a decimal comma for Russian and Uzbek, `,` and a
//!   decimal point for English), the plain state (paid, not paid, in progress) beside the
//!   technical one, and returns as negative amounts so that a column sum is the net.
//!
//! Both defuse cells that a spreadsheet would run as a formula (a leading `= + - @`, tab or
//! carriage return; OWASP's CSV injection list).

use std::io::Write;

use chrono::{Local, Offset, TimeZone};
use rusqlite::{params_from_iter, Connection};

use super::history::{where_clause, HistoryFilter};
use crate::error::Result;

/// The language of a people's export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvLang {
    Uz,
    Ru,
    En,
}

impl CsvLang {
    /// From a till's `language` setting (`uz`, `ru`, `en`; anything else: Uzbek).
    pub fn from_code(code: &str) -> CsvLang {
        match code {
            "ru" => CsvLang::Ru,
            "en" => CsvLang::En,
            _ => CsvLang::Uz,
        }
    }
}

/// How the CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvStyle {
    Machine,
    People(CsvLang),
}

/// The machine style's header.
pub const CSV_HEADER: &str = "payment_id,type,amount_uzs,currency,state,gateway_status,masked_card,created_at_utc,final_at_utc,code,message,flagged\n";

/// The words of a people's export (the CSV's, and the XLSX history sheet's too).
pub(crate) struct Words {
    pub sep: u8,
    pub decimal: u8,
    pub header: [&'static str; 13],
    pub sale: &'static str,
    pub payout: &'static str,
    pub paid: &'static str,
    pub not_paid: &'static str,
    pub returned: &'static str,
    pub not_returned: &'static str,
    pub open: &'static str,
    pub abandoned: &'static str,
    pub yes: &'static str,
}

pub(crate) fn words(lang: CsvLang) -> Words {
    match lang {
        CsvLang::En => Words {
            sep: b',',
            decimal: b'.',
            header: [
                "Time",
                "Payment",
                "Type",
                "Amount",
                "Currency",
                "Result",
                "State",
                "Bank status",
                "Card",
                "Finished",
                "Code",
                "Message",
                "Flagged",
            ],
            sale: "Sale",
            payout: "Return",
            paid: "Paid",
            not_paid: "Not paid",
            returned: "Returned",
            not_returned: "Not returned",
            open: "In progress",
            abandoned: "Not paid (still watched)",
            yes: "yes",
        },
        CsvLang::Ru => Words {
            sep: b';',
            decimal: b',',
            header: [
                "Время",
                "Платёж",
                "Тип",
                "Сумма",
                "Валюта",
                "Итог",
                "Состояние",
                "Статус банка",
                "Карта",
                "Завершён",
                "Код",
                "Сообщение",
                "Проверить",
            ],
            sale: "Продажа",
            payout: "Возврат",
            paid: "Оплачено",
            not_paid: "Не оплачено",
            returned: "Возвращено",
            not_returned: "Не возвращено",
            open: "В процессе",
            abandoned: "Не оплачено (ещё отслеживается)",
            yes: "да",
        },
        CsvLang::Uz => Words {
            sep: b';',
            decimal: b',',
            header: [
                "Vaqt",
                "To'lov",
                "Turi",
                "Summa",
                "Valyuta",
                "Natija",
                "Holat",
                "Bank holati",
                "Karta",
                "Yakunlangan",
                "Kod",
                "Xabar",
                "Tekshirish",
            ],
            sale: "Sotuv",
            payout: "Qaytarish",
            paid: "To'landi",
            not_paid: "To'lanmadi",
            returned: "Qaytarildi",
            not_returned: "Qaytarilmadi",
            open: "Jarayonda",
            abandoned: "To'lanmadi (hali kuzatilmoqda)",
            yes: "ha",
        },
    }
}

/// Writes every matching row as CSV (UTF-8, RFC 4180 quoting), newest first; calls
/// `progress` with the count every 10 000 rows. Returns the number of rows.
pub fn export<W: Write>(
    conn: &Connection,
    f: &HistoryFilter,
    style: CsvStyle,
    out: W,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let w = match style {
        CsvStyle::Machine => {
            out.write_all(CSV_HEADER.as_bytes())?;
            None
        }
        CsvStyle::People(lang) => {
            let w = words(lang);
            let mut line = Vec::new();
            for (i, h) in w.header.iter().enumerate() {
                if i > 0 {
                    line.push(w.sep);
                }
                field(&mut line, h, w.sep);
            }
            line.extend_from_slice(b"\r\n");
            out.write_all(&line)?;
            Some(w)
        }
    };
    let (cond, args) = where_clause(f, None);
    let sql = format!(
        "SELECT payment_id, kind, amount, currency, state, gateway_status, masked_card, created_at, final_at, code, message, flagged, abandoned_at
         FROM payments {cond} ORDER BY created_at DESC, id DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    let mut n: u64 = 0;
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut clock = LocalClock::default();
    while let Some(r) = rows.next()? {
        line.clear();
        let text =
            |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str().unwrap_or("")) };
        match &w {
            None => {
                field(&mut line, text(0)?, b',');
                line.push(b',');
                line.extend_from_slice(text(1)?.as_bytes());
                line.push(b',');
                push_amount(&mut line, r.get(2)?, b'.');
                line.push(b',');
                line.extend_from_slice(text(3)?.as_bytes());
                line.push(b',');
                line.extend_from_slice(text(4)?.as_bytes());
                line.push(b',');
                field(&mut line, text(5)?, b',');
                line.push(b',');
                field(&mut line, text(6)?, b',');
                line.push(b',');
                utc_text(&mut line, r.get(7)?);
                line.push(b',');
                if let Some(t) = r.get::<_, Option<i64>>(8)? {
                    utc_text(&mut line, t);
                }
                line.push(b',');
                field(&mut line, text(9)?, b',');
                line.push(b',');
                field(&mut line, text(10)?, b',');
                line.push(b',');
                line.push(if r.get::<_, i64>(11)? != 0 {
                    b'1'
                } else {
                    b'0'
                });
                line.push(b'\n');
            }
            Some(w) => {
                let sep = w.sep;
                let payout = text(1)? == "payout";
                let state = text(4)?;
                let abandoned = r.get::<_, Option<i64>>(12)?.is_some();
                let result = match (state, payout) {
                    ("success", false) => w.paid,
                    ("success", true) => w.returned,
                    ("failed", false) => w.not_paid,
                    ("failed", true) => w.not_returned,
                    (_, false) if abandoned => w.abandoned,
                    _ => w.open,
                };
                clock.push(&mut line, r.get(7)?);
                line.push(sep);
                field(&mut line, text(0)?, sep);
                line.push(sep);
                line.extend_from_slice(if payout { w.payout } else { w.sale }.as_bytes());
                line.push(sep);
                let amount: i64 = r.get(2)?;
                push_amount(&mut line, if payout { -amount } else { amount }, w.decimal);
                line.push(sep);
                field(&mut line, text(3)?, sep);
                line.push(sep);
                field(&mut line, result, sep);
                line.push(sep);
                field(&mut line, state, sep);
                line.push(sep);
                field(&mut line, text(5)?, sep);
                line.push(sep);
                field(&mut line, text(6)?, sep);
                line.push(sep);
                if let Some(t) = r.get::<_, Option<i64>>(8)? {
                    clock.push(&mut line, t);
                }
                line.push(sep);
                field(&mut line, text(9)?, sep);
                line.push(sep);
                field(&mut line, text(10)?, sep);
                line.push(sep);
                if r.get::<_, i64>(11)? != 0 {
                    field(&mut line, w.yes, sep);
                }
                line.extend_from_slice(b"\r\n");
            }
        }
        out.write_all(&line)?;
        n += 1;
        if n.is_multiple_of(10_000) {
            progress(n);
        }
    }
    out.flush()?;
    progress(n);
    Ok(n)
}

/// The machine style (see the module's notes).
pub fn export_csv<W: Write>(
    conn: &Connection,
    f: &HistoryFilter,
    out: W,
    progress: impl FnMut(u64),
) -> Result<u64> {
    export(conn, f, CsvStyle::Machine, out, progress)
}

/// A CSV field: quoted when needed, and a leading `= + - @`, tab or carriage return defused
/// so that a spreadsheet never runs a gateway-provided text as a formula.
pub(crate) fn field(out: &mut Vec<u8>, s: &str, sep: u8) {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula
        || s.bytes()
            .any(|b| b == sep || b == b'"' || b == b'\n' || b == b'\r');
    if !quote {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    out.push(b'"');
    if formula {
        out.push(b'\'');
    }
    for b in s.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Digits of `n` (>= 0), left-padded with zeros to `width`.
fn push_num(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    out.extend_from_slice(&buf[start..]);
}

/// Tiyin as so'm with two decimals (`15000.50`, or `15000,50` with a decimal comma), like
/// `Tiyin`'s `Display`, without `fmt`. A negative amount (a return) starts with `-`: a
/// number, never defused as a formula.
pub(crate) fn push_amount(out: &mut Vec<u8>, tiyin: i64, decimal: u8) {
    if tiyin < 0 {
        out.push(b'-');
    }
    let abs = tiyin.unsigned_abs();
    push_num(out, abs / 100, 1);
    out.push(decimal);
    push_num(out, abs % 100, 2);
}

/// `YYYY-MM-DD hh:mm:ss` of `ms` shifted by `offset_s`, without a date library in the loop.
fn civil_text(out: &mut Vec<u8>, ms: i64, offset_s: i64, t: u8, z: bool) {
    let secs = ms.div_euclid(1000) + offset_s;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u64;
    // Howard Hinnant's civil_from_days.
    let z_ = days + 719_468;
    let era = z_.div_euclid(146_097);
    let doe = z_ - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    push_num(out, y.max(0) as u64, 4);
    out.push(b'-');
    push_num(out, m as u64, 2);
    out.push(b'-');
    push_num(out, d as u64, 2);
    out.push(t);
    push_num(out, sod / 3600, 2);
    out.push(b':');
    push_num(out, sod % 3600 / 60, 2);
    out.push(b':');
    push_num(out, sod % 60, 2);
    if z {
        out.push(b'Z');
    }
}

/// `2026-11-27T13:05:09Z`.
pub(crate) fn utc_text(out: &mut Vec<u8>, ms: i64) {
    civil_text(out, ms, 0, b'T', true);
}

/// Local time (`2026-11-27 18:05:09`), the zone's offset looked up once per hour of time.
#[derive(Default)]
struct LocalClock {
    hour: Option<i64>,
    offset_s: i64,
}

impl LocalClock {
    fn push(&mut self, out: &mut Vec<u8>, ms: i64) {
        let hour = ms.div_euclid(3_600_000);
        if self.hour != Some(hour) {
            self.hour = Some(hour);
            self.offset_s = match Local.timestamp_millis_opt(ms) {
                chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                    i64::from(t.offset().fix().local_minus_utc())
                }
                chrono::LocalResult::None => 0,
            };
        }
        civil_text(out, ms, self.offset_s, b' ', false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_match_chrono() {
        let mut c = LocalClock::default();
        for ms in [0_i64, 1_764_248_709_000, 1_790_000_000_123] {
            let mut v = Vec::new();
            c.push(&mut v, ms);
            assert_eq!(String::from_utf8(v).unwrap(), crate::time::local_text(ms));
        }
    }

    #[test]
    fn a_field_with_the_separator_is_quoted() {
        let mut v = Vec::new();
        field(&mut v, "a;b", b';');
        assert_eq!(v, b"\"a;b\"");
        let mut v = Vec::new();
        field(&mut v, "a,b", b';');
        assert_eq!(v, b"a,b");
        let mut v = Vec::new();
        push_amount(&mut v, -1_500_050, b',');
        assert_eq!(v, b"-15000,50");
    }
}
