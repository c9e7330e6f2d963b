//! `cashier report`: a manager's day report across shifts (`--date`), with the audit chain's
//! head, or one shift's report (`--shift`); in the till's language, `--json` one object a
//! line with the totals last, `--csv FILE` / `--xlsx FILE` as files. Reads only.

use std::path::PathBuf;

use clap::Args;
use till::{Till, TillError};

use crate::out::{Out, OK};
use crate::shift::{print_on_paper, print_shift, write_files};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The till's local day.
    #[arg(long, value_name = "YYYY-MM-DD", required_unless_present = "shift")]
    pub date: Option<String>,
    /// One shift's report instead (X while open).
    #[arg(long, value_name = "ID", conflicts_with = "date")]
    pub shift: Option<i64>,
    /// Also write the report as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also write the report as XLSX to FILE.
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Also print it on the receipt printer (`printer.address`).
    #[arg(long)]
    pub print: bool,
}

pub async fn report(till: &Till, out: Out, a: ReportArgs) -> Result<i32, TillError> {
    let lang = till.config().language;
    if let Some(id) = a.shift {
        let r = till.shift_report(id)?;
        print_shift(till, &r, out);
        write_files(
            a.csv.as_deref(),
            a.xlsx.as_deref(),
            |f| r.write_csv(f, &lang),
            |p| r.write_xlsx(p, &lang),
        )?;
        if a.print {
            print_on_paper(till, r.text_lines(&lang), out).await?;
        }
        return Ok(OK);
    }
    let text = a.date.unwrap_or_default();
    let date = till::time::parse_date(&text)
        .ok_or_else(|| TillError::Config(format!("--date {text:?}: expected YYYY-MM-DD")))?;
    let r = till.day_report(date)?;
    if out.json {
        for v in r.json_lines() {
            out.json_line(&v);
        }
    } else {
        for l in r.text_lines(&lang) {
            out.text(l);
        }
    }
    write_files(
        a.csv.as_deref(),
        a.xlsx.as_deref(),
        |f| r.write_csv(f, &lang),
        |p| r.write_xlsx(p, &lang),
    )?;
    if a.print {
        print_on_paper(till, r.text_lines(&lang), out).await?;
    }
    Ok(OK)
}
