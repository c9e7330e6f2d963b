//! `cashier reconcile --date YYYY-MM-DD` and `cashier data-api set`: the till's day against
//! ECommPay's records (the Data API). `--json`: one `reconcile_item` object per line, the
//! `reconciled` summary last. Exit 0 when nothing differs, 1 when differences were found
//! (another till's payments are listed but are no difference of this till's), 2 on error.

use clap::Subcommand;
use serde_json::{json, Value};
use till::reconcile::{Item, Report};
use till::{Till, TillError};
use zeroize::Zeroizing;

use crate::auth::authority;
use crate::out::{read_stdin_line, som, tagged, Out, DECLINED, OK};

#[derive(Debug, Subcommand)]
pub enum DataApiCmd {
    /// Store the Data API's Dashboard token and the secret made with it (not the project
    /// secret) in the OS keyring: the token on the first line of stdin, its secret on the next.
    /// Once the till has a manager: `--user`, the manager's PIN first, then token and secret.
    Set {
        /// A manager, once the till has one (their PIN is then the first line of stdin).
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
}

pub fn data_api(till: &Till, cmd: DataApiCmd, out: Out) -> Result<i32, TillError> {
    match cmd {
        DataApiCmd::Set { user } => {
            let auth = authority(till, "the Data API token", user.as_deref())?;
            let token = Zeroizing::new(read_stdin_line()?);
            let secret = Zeroizing::new(read_stdin_line()?);
            till.set_data_api(&auth, &token, &secret)?;
            out.either(
                &json!({"event": "data_api_set"}),
                "The Data API token and its secret are stored in the OS keyring.",
            );
            Ok(OK)
        }
    }
}

fn amount(a: Option<ecommpay::Tiyin>, raw: Option<&str>) -> String {
    match (a, raw) {
        (Some(a), _) => som(a),
        (None, Some(r)) => format!("{r} (not an amount in tiyin)"),
        (None, None) => "-".into(),
    }
}

fn line(i: &Item) -> String {
    let kind = serde_json::to_value(i.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!(
        "{}{kind}: {} {} at {}; till: {} {}; gateway: {} {}\n    {}",
        if i.loud { "!!! " } else { "" },
        i.payment_type,
        i.payment_id,
        i.at.as_deref().unwrap_or("-"),
        i.till_state.as_deref().unwrap_or("no record"),
        amount(i.till_amount, None),
        i.gateway_status.as_deref().unwrap_or("not listed"),
        amount(i.gateway_amount, i.gateway_amount_raw.as_deref()),
        i.action
    )
}

/// Prints a report as the contract says and returns the exit code.
pub fn print(r: &Report, out: Out) -> i32 {
    for i in &r.items {
        out.either(&tagged("reconcile_item", i), line(i));
    }
    for id in &r.missed_successes {
        eprintln!(
            "!!! {id}: the customer paid, but the till recorded it as not paid. Tell a manager."
        );
    }
    let mut summary = match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m,
        _ => Default::default(),
    };
    summary.remove("items");
    summary.insert("event".into(), json!("reconciled"));
    out.either(
        &Value::Object(summary),
        format!(
            "{}: {} payments of this till, {} agree; {} difference(s); {} payment(s) of other tills; {} operations from the gateway ({} pages, time zone {}).",
            r.date,
            r.till_payments,
            r.matched,
            r.differences,
            r.other_tills,
            r.operations_fetched,
            r.pages,
            r.time_zone
        ),
    );
    if r.has_differences() {
        DECLINED
    } else {
        OK
    }
}

pub async fn reconcile(till: &Till, date: &str, out: Out) -> Result<i32, TillError> {
    let day = till::time::parse_date(date)
        .ok_or_else(|| TillError::Config(format!("--date: {date:?} is not a date YYYY-MM-DD")))?;
    let report = till.reconcile_day(day, "cli").await?;
    Ok(print(&report, out))
}
