//! `cashier shift`: a cashier's shift (open, close with the Z report, the X report, the list)
//! and `cashier history --xlsx`. Who: `--user NAME`, their PIN as the first line of stdin.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;
use till::db::shifts::OpenedHow;
use till::report::ShiftReport;
use till::{HistoryFilter, Till, TillError};
use zeroize::Zeroizing;

use crate::out::{read_stdin_line, tagged, Out, OK};

#[derive(Debug, Subcommand)]
pub enum ShiftCmd {
    /// Open your shift (the one open is kept: at most one per user). PIN on stdin.
    Open {
        #[arg(long, value_name = "NAME")]
        user: String,
    },
    /// Close your shift and print its Z report (payments still open are listed; they stay
    /// followed and end in this shift). PIN on stdin.
    Close {
        #[arg(long, value_name = "NAME")]
        user: String,
        /// Also write the Z report as CSV to FILE.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write the Z report as XLSX to FILE.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
        /// Also print it on the receipt printer (`printer.address`).
        #[arg(long)]
        print: bool,
    },
    /// The X report of your open shift (any time; nothing changes). PIN on stdin.
    X {
        #[arg(long, value_name = "NAME")]
        user: String,
        /// Also print it on the receipt printer (`printer.address`).
        #[arg(long)]
        print: bool,
    },
    /// The latest shifts.
    List {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

fn session(till: &Till, name: &str) -> Result<till::Session, TillError> {
    let pin = Zeroizing::new(read_stdin_line()?);
    till.sign_in(name, &pin)
}

/// Prints a shift report: its text lines in the till's language, or its JSON lines.
pub fn print_shift(till: &Till, r: &ShiftReport, out: Out) {
    if out.json {
        for v in r.json_lines() {
            out.json_line(&v);
        }
    } else {
        for l in r.text_lines(&till.config().language) {
            out.text(l);
        }
    }
}

/// Prints a report's text lines on the receipt printer (its first line as the slip's title).
pub async fn print_on_paper(till: &Till, lines: Vec<String>, out: Out) -> Result<(), TillError> {
    let (title, rest) = lines
        .split_first()
        .map_or(("", &[][..]), |(t, r)| (t.as_str(), r));
    till.print_lines(title, rest).await?;
    out.either(
        &json!({"event": "printed", "lines": lines.len()}),
        "Printed on the receipt printer.",
    );
    Ok(())
}

/// Writes a report's files (CSV, XLSX) in the till's language.
pub fn write_files(
    csv: Option<&Path>,
    xlsx: Option<&Path>,
    write_csv: impl FnOnce(std::fs::File) -> Result<(), TillError>,
    write_xlsx: impl FnOnce(&Path) -> Result<(), TillError>,
) -> Result<(), TillError> {
    if let Some(p) = csv {
        write_csv(std::fs::File::create(p)?)?;
    }
    if let Some(p) = xlsx {
        write_xlsx(p)?;
    }
    Ok(())
}

pub async fn shift(till: &Till, out: Out, action: ShiftCmd) -> Result<i32, TillError> {
    let lang = till.config().language;
    match action {
        ShiftCmd::Open { user } => {
            let s = session(till, &user)?;
            let shift = till.open_shift(&s, OpenedHow::Explicit)?;
            out.either(
                &tagged("shift_open", &shift),
                format!(
                    "Shift #{} of {} open since {}.",
                    shift.id,
                    shift.user_name,
                    till::time::local_text(shift.opened_at)
                ),
            );
            Ok(OK)
        }
        ShiftCmd::Close {
            user,
            csv,
            xlsx,
            print,
        } => {
            let s = session(till, &user)?;
            let z = till.close_shift(&s)?;
            print_shift(till, &z, out);
            write_files(
                csv.as_deref(),
                xlsx.as_deref(),
                |f| z.write_csv(f, &lang),
                |p| z.write_xlsx(p, &lang),
            )?;
            if print {
                // The shift is closed either way; a printer that fails says so (exit 2).
                print_on_paper(till, z.text_lines(&lang), out).await?;
            }
            Ok(OK)
        }
        ShiftCmd::X { user, print } => {
            let s = session(till, &user)?;
            let x = till.x_report(s.user().id, s.name())?;
            print_shift(till, &x, out);
            if print {
                print_on_paper(till, x.text_lines(&lang), out).await?;
            }
            Ok(OK)
        }
        ShiftCmd::List { limit } => {
            let shifts = till.recent_shifts(limit)?;
            if out.json {
                for s in &shifts {
                    out.json_line(&tagged("shift", s));
                }
            } else {
                out.text(format!(
                    "{:>5}  {:<16} {:<19}  {:<19}",
                    "id", "cashier", "opened", "closed"
                ));
                for s in &shifts {
                    out.text(format!(
                        "{:>5}  {:<16} {:<19}  {}",
                        s.id,
                        s.user_name,
                        till::time::local_text(s.opened_at),
                        s.closed_at
                            .map_or_else(|| "open".to_owned(), till::time::local_text)
                    ));
                }
            }
            Ok(OK)
        }
    }
}

/// `cashier history --xlsx FILE`: every matching row, in the till's language.
pub fn history_xlsx(
    till: &Till,
    out: Out,
    filter: &HistoryFilter,
    path: &Path,
) -> Result<i32, TillError> {
    let n = till.export_history_xlsx(path, filter, &till.config().language, |_| {})?;
    out.either(
        &json!({"event": "exported", "rows": n, "path": path}),
        format!("{n} rows written to {}", path.display()),
    );
    Ok(OK)
}
