//! Spreadsheets: history and reports as XLSX files with typed cells (amounts as numbers in
//! so'm with a number format, times as dates in local time), one frozen header row.
//!
//! Money stays integer tiyin everywhere in the till; only here, at the file's edge, an amount
//! becomes the spreadsheet's number of so'm (`tiyin / 100`, which every spreadsheet shows and
//! sums to the tiyin: a double holds any amount the till allows exactly to the cent).

pub mod xlsx;

pub use xlsx::{history_xlsx, Cell, Table, XLSX_MAX_ROWS};
