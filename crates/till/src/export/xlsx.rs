//! XLSX writing (`rust_xlsxwriter`, constant memory: rows go to a temporary file as they are
//! written, so a million-row history never sits in memory).

use std::path::Path;

use chrono::{Local, Offset, TimeZone};
use ecommpay::Tiyin;
use rusqlite::{params_from_iter, Connection};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::db::csv::{words, CsvLang};
use crate::db::history::{where_clause, HistoryFilter};
use crate::error::{Result, TillError};
use crate::report::Lang;

/// The most data rows a sheet holds (Excel's 1,048,576 rows less the header).
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

/// The number format of amounts: thousands grouped, two decimals (the spreadsheet app shows
/// them with its locale's separators).
pub const MONEY_FORMAT: &str = "#,##0.00";
/// The number format of times.
pub const TIME_FORMAT: &str = "yyyy-mm-dd hh:mm:ss";

fn xe(e: XlsxError) -> TillError {
    TillError::Spreadsheet(e.to_string())
}

/// A cell of a report table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Count(u64),
    Money(Tiyin),
    /// Milliseconds since the epoch, shown as local time.
    Time(i64),
}

/// A sheet: a name, one header row, rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The spreadsheet serial date of `ms` in local time.
fn local_serial(ms: i64) -> f64 {
    let offset = match Local.timestamp_millis_opt(ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            i64::from(t.offset().fix().local_minus_utc())
        }
        chrono::LocalResult::None => 0,
    };
    let local_ms = ms + offset * 1000;
    // 1970-01-01 is serial 25569.
    25_569.0 + local_ms as f64 / 86_400_000.0
}

/// So'm as the spreadsheet's number.
pub fn som_number(t: Tiyin) -> f64 {
    t.get() as f64 / 100.0
}

struct Formats {
    header: Format,
    money: Format,
    time: Format,
}

fn formats() -> Formats {
    Formats {
        header: Format::new().set_bold(),
        money: Format::new().set_num_format(MONEY_FORMAT),
        time: Format::new().set_num_format(TIME_FORMAT),
    }
}

/// The header row (bold, frozen) and column widths (`wide`: columns given a width of their
/// own). Widths come first: a constant-memory sheet takes them only before its rows.
fn header(ws: &mut Worksheet, names: &[&str], wide: &[(u16, f64)], f: &Formats) -> Result<()> {
    for (i, h) in names.iter().enumerate() {
        let col = i as u16;
        let width = match wide.iter().find(|(c, _)| *c == col) {
            Some((_, w)) => *w,
            None => match h.chars().count() {
                0..=8 => 12.0,
                n => (n as f64 + 4.0).min(40.0),
            },
        };
        ws.set_column_width(col, width).map_err(xe)?;
        ws.write_string_with_format(0, col, *h, &f.header)
            .map_err(xe)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

fn time_cell(ws: &mut Worksheet, row: u32, col: u16, ms: i64, f: &Formats) -> Result<()> {
    let dt = ExcelDateTime::from_serial_datetime(local_serial(ms)).map_err(xe)?;
    ws.write_datetime_with_format(row, col, &dt, &f.time)
        .map_err(xe)?;
    Ok(())
}

/// A text cell; text a spreadsheet would take for a formula is written as text anyway
/// (`write_string` never makes a formula).
fn text_cell(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<()> {
    if !s.is_empty() {
        ws.write_string(row, col, s).map_err(xe)?;
    }
    Ok(())
}

/// Writes report tables, one sheet each, to `path`.
pub fn write_tables(path: &Path, tables: &[Table]) -> Result<()> {
    let mut wb = Workbook::new();
    let f = formats();
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(&t.name).map_err(xe)?;
        let names: Vec<&str> = t.header.iter().map(String::as_str).collect();
        header(ws, &names, &[(0, 20.0), (1, 20.0)], &f)?;
        for (i, r) in t.rows.iter().enumerate() {
            let row = i as u32 + 1;
            for (j, c) in r.iter().enumerate() {
                let col = j as u16;
                match c {
                    Cell::Empty => {}
                    Cell::Text(s) => text_cell(ws, row, col, s)?,
                    Cell::Count(n) => {
                        ws.write_number(row, col, *n as f64).map_err(xe)?;
                    }
                    Cell::Money(t) => {
                        ws.write_number_with_format(row, col, som_number(*t), &f.money)
                            .map_err(xe)?;
                    }
                    Cell::Time(ms) => time_cell(ws, row, col, *ms, &f)?,
                }
            }
        }
    }
    wb.save(path).map_err(xe)
}

/// The history sheet's name; its header and words are the people's CSV's
/// ([`crate::db::csv::words`]).
fn sheet_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "History",
        Lang::Ru => "История",
        Lang::Uz => "Tarix",
    }
}

fn csv_lang(lang: Lang) -> CsvLang {
    match lang {
        Lang::En => CsvLang::En,
        Lang::Ru => CsvLang::Ru,
        Lang::Uz => CsvLang::Uz,
    }
}

/// Writes every row `f` matches to `path` as XLSX in `lang` (the columns of the people's CSV:
/// local times as dates, amounts as so'm numbers, returns negative so a column sum is the
/// net), newest first; calls `progress` every 10 000 rows. Returns the number of rows. More
/// rows than a sheet holds is an error before anything is written.
pub fn history_xlsx(
    conn: &Connection,
    f: &HistoryFilter,
    lang: Lang,
    path: &Path,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let (cond, args) = where_clause(f, None);
    let count: i64 = conn.query_row(
        &format!("SELECT count(*) FROM payments {cond}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    if count as u64 > XLSX_MAX_ROWS {
        return Err(TillError::Spreadsheet(format!(
            "{count} rows are more than a sheet holds ({XLSX_MAX_ROWS}): narrow the filter"
        )));
    }
    let w = words(csv_lang(lang));
    let fm = formats();
    let mut wb = Workbook::new();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The temporary rows go next to the file (the same disk the file needs anyway).
        wb.set_tempdir(dir).map_err(xe)?;
    }
    let ws = wb.add_worksheet_with_constant_memory().map_err(xe)?;
    ws.set_name(sheet_name(lang)).map_err(xe)?;
    header(ws, &w.header, &[(0, 20.0), (1, 28.0), (9, 20.0)], &fm)?;
    let sql = format!(
        "SELECT payment_id, kind, amount, currency, state, gateway_status, masked_card, created_at, final_at, code, message, flagged, abandoned_at
         FROM payments {cond} ORDER BY created_at DESC, id DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    let mut n: u64 = 0;
    while let Some(r) = rows.next()? {
        let row = n as u32 + 1;
        let text =
            |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str().unwrap_or("")) };
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
        time_cell(ws, row, 0, r.get(7)?, &fm)?;
        text_cell(ws, row, 1, text(0)?)?;
        text_cell(ws, row, 2, if payout { w.payout } else { w.sale })?;
        let amount: i64 = r.get(2)?;
        let signed = Tiyin::new(if payout { -amount } else { amount });
        ws.write_number_with_format(row, 3, som_number(signed), &fm.money)
            .map_err(xe)?;
        text_cell(ws, row, 4, text(3)?)?;
        text_cell(ws, row, 5, result)?;
        text_cell(ws, row, 6, state)?;
        text_cell(ws, row, 7, text(5)?)?;
        text_cell(ws, row, 8, text(6)?)?;
        if let Some(t) = r.get::<_, Option<i64>>(8)? {
            time_cell(ws, row, 9, t, &fm)?;
        }
        text_cell(ws, row, 10, text(9)?)?;
        text_cell(ws, row, 11, text(10)?)?;
        if r.get::<_, i64>(11)? != 0 {
            text_cell(ws, row, 12, w.yes)?;
        }
        n += 1;
        if n.is_multiple_of(10_000) {
            progress(n);
        }
    }
    wb.save(path).map_err(xe)?;
    progress(n);
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_count_from_1900() {
        // 1970-01-01 00:00 UTC is 25569 in UTC; local adds the zone's offset only.
        let s = local_serial(0);
        assert!((s - 25_569.0).abs() <= 1.0, "{s}");
        assert_eq!(som_number(Tiyin::new(1_500_050)), 15_000.5);
    }
}
