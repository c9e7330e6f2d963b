//! The command line. Names, flags and `--json` lines are a contract (issue 4): change them
//! only together with the tests that hold them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cashier",
    version,
    about = "The till's command line: sales, payouts, history, cards, checks"
)]
pub struct Cli {
    /// The data folder (config, database); default: the platform's config folder.
    #[arg(long, global = true, env = "CASHIER_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// One JSON object per line on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up (or update) the till: config, database, card vault key in the OS keyring.
    Init {
        #[arg(long)]
        project_id: u64,
        #[arg(long)]
        gateway_url: String,
        #[arg(long)]
        till_code: String,
        /// ECommPay's Payment Page (`.../payment`); default: the production one.
        #[arg(long, value_name = "URL")]
        payment_page_url: Option<String>,
        /// How sales are made. `payment_page`: the till signs the link itself and needs no
        /// inbound connection (works on any shop desktop). `gate`: the gateway starts the sale
        /// and sends the link by callback, so the callback listener must be reachable from the
        /// internet. Default: `gate` only when the listener is on with a public URL.
        #[arg(long, value_name = "payment_page|gate", value_parser = ["payment_page", "gate"])]
        flow: Option<String>,
        /// Changing a till that has a manager: that manager (PIN as the first line of stdin).
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
    /// Move a set-up till to another project, gateway or secret. The new credentials are
    /// checked with the gateway first (nothing changes when it refuses them); payments made
    /// before are still followed at the gateway and project they were made with. The new secret
    /// is the first line on stdin (an empty line keeps the current one); with `--user`, the
    /// manager's PIN comes first and the secret on the next line.
    Connect {
        #[arg(long)]
        project_id: u64,
        #[arg(long)]
        gateway_url: String,
        #[arg(long, value_name = "URL")]
        payment_page_url: Option<String>,
        /// A manager, once the till has one (their PIN is then the first line of stdin).
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
    /// The API secret.
    Secret {
        #[command(subcommand)]
        action: SecretCmd,
    },
    /// Users (cashiers and managers).
    User {
        #[command(subcommand)]
        action: UserCmd,
    },
    /// Take a payment: prints the customer's link as a QR code, then the states as they come.
    /// Exit 0 on success, 1 declined, 2 error.
    Sale {
        /// In so'm: `15000` or `15000.50`.
        #[arg(long)]
        amount: String,
    },
    /// Past sales and payouts.
    History(HistoryArgs),
    /// Saved cards (masked only).
    Cards,
    /// Payouts to saved cards.
    Payout {
        #[command(subcommand)]
        action: PayoutCmd,
    },
    /// Check the config, the keyring, the gateway and the signature.
    Doctor,
    /// Resolve every payment that is not final (run at start; safe to run any time).
    Recover {
        /// Keep following open payments until they are final or their follow limit passes.
        #[arg(long)]
        wait: bool,
    },
    /// Show a payment another process drives (the app, `cashier sale`): its link and its result
    /// as they reach the database, then exit as `sale` does. Reads only.
    Watch { payment_id: String },
    /// Print a payment's slip on `printer.address` (`--preview`: its text here; `--pay`: an
    /// open sale's "scan to pay" slip).
    Receipt {
        payment_id: String,
        #[arg(long)]
        pay: bool,
        #[arg(long)]
        preview: bool,
    },
    /// Every gateway message of one payment, in order (redacted).
    Timeline { payment_id: String },
    /// Settings.
    Config {
        #[command(subcommand)]
        action: ConfigCmd,
    },
    /// Run the callback listener (if enabled) and follow open payments until stopped.
    Listen,
    /// Backups: one encrypted file (the age format, to a passphrase) with a snapshot of the
    /// database, the config and the keys, to restore on any computer.
    Backup {
        #[command(subcommand)]
        action: BackupCmd,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditCmd,
    },
    /// Shifts: open, close (the Z report), the X report, the list.
    Shift {
        #[command(subcommand)]
        action: crate::shift::ShiftCmd,
    },
    /// A day's report across shifts (with the audit chain's head), or one shift's.
    Report(crate::report::ReportArgs),
    /// Compare a day of this till's payments with ECommPay's records (the Data API): exit 0
    /// when nothing differs, 1 when differences were found, 2 on error.
    Reconcile {
        /// The till's local day (in `time_zone`).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
    },
    /// The Data API's token and secret (reconciliation).
    DataApi {
        #[command(subcommand)]
        action: crate::reconcile::DataApiCmd,
    },
}

#[derive(Debug, Subcommand)]
pub enum BackupCmd {
    /// Write a backup of this till to FILE; the passphrase (at least 8 characters) is the first
    /// line of stdin. Safe while the app or a sale runs.
    Create {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// Leave the API secret out (enter it again after a restore: `cashier secret set`).
        #[arg(long)]
        without_secret: bool,
        /// A manager, once the till has one (PIN first on stdin, then the passphrase): a
        /// backup carries the till's keys.
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
    /// Restore a backup into the data folder (`--data-dir`; any computer, any OS user); the
    /// passphrase is the first line of stdin. Nothing is written unless every check holds.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace the till that the data folder holds.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check the audit log's HMAC chain: exit 0 when it holds (printing its head), 2 naming
    /// the first row that does not.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum SecretCmd {
    /// Read the secret from stdin into the OS keyring. Once the till has a manager: `--user`,
    /// the manager's PIN first, the secret on the next line.
    Set {
        /// A manager, once the till has one (their PIN is then the first line of stdin).
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add a user; the PIN is read from stdin (4 to 12 digits, at least 6 for a manager).
    /// Once the till has a manager: `--user`, that manager's PIN first, the new user's PIN on
    /// the next line.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["cashier", "manager"])]
        role: String,
        /// A manager, once the till has one (their PIN is then the first line of stdin).
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
    /// List users.
    List,
    /// Change your own PIN: the old PIN, then the new one, on two lines of stdin.
    Pin {
        #[arg(long)]
        name: String,
    },
    /// A manager sets a user's PIN and unlocks them: the manager's PIN, then the new PIN, on
    /// two lines of stdin.
    ResetPin {
        #[arg(long)]
        name: String,
        /// The manager.
        #[arg(long)]
        user: String,
    },
    /// A manager lifts a user's lock-out (manager's PIN on stdin).
    Unlock {
        #[arg(long)]
        name: String,
        /// The manager.
        #[arg(long)]
        user: String,
    },
    /// A manager deactivates a user (manager's PIN on stdin): no sign-in, no approvals;
    /// history keeps the name. The last active manager cannot be deactivated.
    Deactivate {
        #[arg(long)]
        name: String,
        /// The manager.
        #[arg(long)]
        user: String,
    },
    /// A manager activates a deactivated user again (manager's PIN on stdin).
    Activate {
        #[arg(long)]
        name: String,
        /// The manager.
        #[arg(long)]
        user: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PayoutCmd {
    /// Ask for a payout to a saved card.
    Request {
        /// The saved card's id (see `cashier cards`).
        #[arg(long)]
        card: i64,
        /// In so'm.
        #[arg(long)]
        amount: String,
        #[arg(long)]
        reason: String,
        /// Return the money of this sale (the total returned never exceeds it).
        #[arg(long, value_name = "PAYMENT_ID")]
        sale: Option<String>,
        /// Who asks (required: their PIN is the first line of stdin); they can never approve
        /// it themselves.
        #[arg(long)]
        user: Option<String>,
    },
    /// Approve a request as a manager (PIN on stdin); sends the payout and follows it.
    Approve {
        id: i64,
        #[arg(long)]
        user: String,
    },
    /// Reject a request as a manager (PIN on stdin); no money moves. A manager may reject
    /// their own request.
    Reject {
        id: i64,
        #[arg(long)]
        user: String,
        /// Why (shown in `payout list` and kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Payout requests and what became of them.
    List,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Every setting.
    Show,
    /// Change one setting, e.g. `timing.first_poll_ms 10000`. Once the till has a manager:
    /// `--user NAME`, that manager's PIN as the first line of stdin.
    Set {
        key: String,
        value: String,
        /// A manager, once the till has one (their PIN is then the first line of stdin).
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// From this local day (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub from: Option<String>,
    /// To this local day (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: Option<String>,
    /// created, sending, accepted, pending, success, failed.
    #[arg(long)]
    pub status: Option<String>,
    /// sale or payout.
    #[arg(long = "type")]
    pub kind: Option<String>,
    /// Exactly this amount (so'm).
    #[arg(long)]
    pub amount: Option<String>,
    #[arg(long)]
    pub min_amount: Option<String>,
    #[arg(long)]
    pub max_amount: Option<String>,
    /// A payment id prefix, a masked card (with `*`) or a card's last four digits.
    #[arg(long)]
    pub text: Option<String>,
    /// Rows to show (table and JSON; CSV exports everything).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Export every matching row as CSV.
    #[arg(long)]
    pub csv: bool,
    /// Export every matching row as XLSX to FILE (typed cells, the till's language).
    #[arg(long, value_name = "FILE", conflicts_with = "csv")]
    pub xlsx: Option<PathBuf>,
}
