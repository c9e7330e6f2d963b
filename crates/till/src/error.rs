//! Every way the till can fail, with a stable machine [`TillError::code`] so that the desktop
//! app can map each kind to `{code, message}` (and, later, a message in the user's language).

use std::path::PathBuf;

use ecommpay::gate::{GateError, RequestError};
use ecommpay::{AmountError, Tiyin};

use crate::keystore::KeyringError;

/// A till failure. Messages are for people; [`TillError::code`] is for programs.
#[derive(Debug, thiserror::Error)]
pub enum TillError {
    #[error("the till is not set up in {0}: run `cashier init` first")]
    NotInitialised(PathBuf),
    #[error("configuration: {0}")]
    Config(String),
    #[error("the data folder {path}: {detail}")]
    DataDir { path: PathBuf, detail: String },
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("no API secret is stored for this till: run `cashier secret set`")]
    SecretMissing,
    #[error("the secret is empty")]
    SecretEmpty,
    #[error("the card vault key is missing from the OS keyring, yet this database holds saved cards or users; restore the keyring or use the data folder it belongs to")]
    DataKeyMissing,
    #[error("the card vault key in the OS keyring does not belong to this database")]
    DataKeyMismatch,
    /// A real till whose keys (the card vault key, the PIN pepper, the API secret) are not in
    /// this computer's keyring: the data folder was copied or restored by hand, the app was
    /// reinstalled with a new keyring, or another OS user opened it. `missing` names the
    /// entries ([`crate::keystore::names`]).
    #[error("{}", keys_missing_text(data_dir, missing))]
    KeysMissing {
        data_dir: PathBuf,
        missing: Vec<&'static str>,
    },
    #[error("the PIN key in the OS keyring does not belong to this database")]
    PinKeyMismatch,
    #[error("the passphrase is empty")]
    PassphraseEmpty,
    #[error("the backup passphrase must be at least {min} characters long")]
    PassphraseTooShort { min: usize },
    #[error("wrong passphrase: this backup does not open with it; nothing was restored")]
    BackupWrongPassphrase,
    #[error("the backup file is damaged or is not a cashier backup ({0}); nothing was restored")]
    BackupDamaged(String),
    #[error("the backup was made by a newer version of the app (format {found}; this build reads up to {known}); nothing was restored")]
    BackupTooNew { found: u32, known: u32 },
    #[error("{} already holds a till: restore into a new or empty folder, or replace that till on purpose (`--replace`)", .0.display())]
    RestoreTargetHasTill(PathBuf),
    #[error("automatic backups are not set up: {0}")]
    BackupNotSetUp(String),
    #[error(
        "a saved card could not be decrypted (card {0}); the keyring's vault key may have changed"
    )]
    VaultDecrypt(i64),
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the database was written by a newer version of the app (schema {found}; this build knows up to {known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("amount: {0}")]
    Amount(#[from] AmountError),
    #[error("the {what} of {amount} so'm is above the limit of {limit} so'm")]
    AboveLimit {
        what: &'static str,
        amount: Tiyin,
        limit: Tiyin,
    },
    #[error("the request was refused before sending: {0}")]
    Request(#[from] RequestError),
    #[error("the gateway: {0}")]
    Gateway(#[from] GateError),
    #[error("the gateway refused these credentials (check the project id and the secret): {0}")]
    CredentialsRefused(String),
    /// The project, the gateway or the secret of a till that has a secret changes only through
    /// the Connect probe (`Till::reconnect`, `cashier connect`).
    #[error("{0} changes only through `cashier connect` (or Settings > Connect), which checks the new credentials with the gateway first; payments of the old gateway are still followed there")]
    NeedsConnect(String),
    /// Another process drives this till's payments (see `lock`).
    #[error("this till (data folder {}) is in use by {holder}: only one program at a time may take payments on it; close that one first (reading history, cards and payout requests still works)", data_dir.display())]
    EngineBusy {
        holder: String,
        data_dir: std::path::PathBuf,
    },
    #[error("no payment {0}")]
    PaymentNotFound(String),
    #[error("no saved card {0}")]
    CardNotFound(i64),
    #[error("no payout request {0}")]
    PayoutRequestNotFound(i64),
    #[error("payout request {id} is {state}: only a pending request can be approved or rejected")]
    PayoutNotPending { id: i64, state: String },
    #[error("payout request {0} has expired (requests are valid for 24 hours)")]
    PayoutExpired(i64),
    #[error("the person who asked for a payout cannot approve it: another manager must")]
    SelfApproval,
    #[error("only a manager can approve a payout")]
    NotManager,
    #[error("today's payouts would total {total} so'm, above the daily limit of {limit} so'm")]
    DailyLimit { total: Tiyin, limit: Tiyin },
    #[error("sale {sale}: returning {amount} so'm would bring the total returned to {total} so'm, above the sale's {sale_amount} so'm")]
    ReturnAboveSale {
        sale: String,
        amount: Tiyin,
        total: Tiyin,
        sale_amount: Tiyin,
    },
    #[error("payment {0} is not a successful sale, so nothing can be returned for it")]
    SaleNotReturnable(String),
    #[error("card {card} is not the card that paid sale {sale}")]
    CardNotOfSale { card: i64, sale: String },
    #[error("the reason is required")]
    ReasonMissing,
    #[error("a user named {0:?} already exists")]
    UserExists(String),
    #[error("no user named {0:?}")]
    UserNotFound(String),
    #[error("wrong name or PIN ({attempts_left} attempts left before the account is locked)")]
    WrongPin { attempts_left: u32 },
    #[error("this account is locked after too many wrong PINs; try again after {until}, or ask a manager to unlock it")]
    Locked { until: String },
    /// The last step of the lock-out schedule: no more tries until a manager unlocks.
    #[error("this account is locked after repeated wrong PINs: only a manager can unlock it now")]
    LockedUntilUnlocked,
    /// The till-wide cap on wrong PINs per minute (across every user) is reached.
    #[error("too many wrong PINs on this till in the last minute; try again after {until}")]
    SignInThrottled { until: String },
    /// An empty PIN: nothing was checked and nothing counted.
    #[error("no PIN was given")]
    PinMissing,
    #[error("a manager's PIN must be 6 to 12 digits")]
    ManagerPinTooShort,
    /// A manager whose PIN is shorter than managers' PINs now must be: they sign in, but
    /// confirm nothing until they chose a new one.
    #[error("{0} must choose a new PIN of 6 to 12 digits first (managers' PINs are at least 6 digits now)")]
    PinChangeRequired(String),
    /// A change that needs a manager once the till has one, asked without one.
    #[error("{0} needs a manager's confirmation: sign in as a manager (on the command line: `--user NAME` and that manager's PIN as the first line of stdin)")]
    ManagerRequired(String),
    /// A payout request names who asks.
    #[error("a payout request must say who asks: sign in (on the command line: `--user NAME` and that user's PIN as the first line of stdin)")]
    RequesterRequired,
    /// The audit log's key could not be used (missing from the keyring, or not loaded).
    #[error("the audit log's key: {0}")]
    AuditKey(String),
    #[error("the account of {0:?} is deactivated: a manager can activate it again")]
    UserInactive(String),
    #[error("this is the last active manager: add or activate another manager first")]
    LastManager,
    #[error("the PIN must be 4 to 12 digits")]
    BadPin,
    #[error("the name must be 1 to 64 characters without control characters")]
    BadName,
    #[error("the role must be `cashier` or `manager`, not {0:?}")]
    BadRole(String),
    #[error("the audit log was altered: row {0} does not match its hash chain")]
    AuditBroken(i64),
    #[error("the callback listener: {0}")]
    Listener(String),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("no Data API token is stored for this till: run `cashier data-api set` (or Settings > Reconciliation)")]
    DataApiMissing,
    #[error("the Data API: {0}")]
    DataApi(#[from] ecommpay::data_api::DataApiError),
    #[error("{0} has no open shift")]
    NoOpenShift(String),
    #[error("no shift {0}")]
    ShiftNotFound(i64),
    #[error("the spreadsheet: {0}")]
    Spreadsheet(String),
}

impl TillError {
    /// A stable snake_case code for programs (the desktop app maps it to a translated message).
    /// Whether waiting may mend it: the database busy, the keyring, the disk or the network
    /// failing for a moment. A follower retries these; the rest need a person.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            TillError::Database(_)
                | TillError::Keyring(_)
                | TillError::Io(_)
                | TillError::Gateway(_)
                | TillError::Listener(_)
        )
    }

    pub fn code(&self) -> &'static str {
        match self {
            TillError::NotInitialised(_) => "not_initialised",
            TillError::Config(_) => "config_invalid",
            TillError::DataDir { .. } => "data_dir",
            TillError::Keyring(e) => e.code(),
            TillError::SecretMissing => "secret_missing",
            TillError::SecretEmpty => "secret_empty",
            TillError::DataKeyMissing => "data_key_missing",
            TillError::DataKeyMismatch => "data_key_mismatch",
            TillError::KeysMissing { .. } => "keys_missing",
            TillError::PinKeyMismatch => "pin_key_mismatch",
            TillError::PassphraseEmpty => "passphrase_empty",
            TillError::PassphraseTooShort { .. } => "passphrase_too_short",
            TillError::BackupWrongPassphrase => "backup_wrong_passphrase",
            TillError::BackupDamaged(_) => "backup_damaged",
            TillError::BackupTooNew { .. } => "backup_too_new",
            TillError::RestoreTargetHasTill(_) => "restore_target_has_till",
            TillError::BackupNotSetUp(_) => "backup_not_set_up",
            TillError::VaultDecrypt(_) => "vault_decrypt",
            TillError::Database(_) => "database",
            TillError::SchemaTooNew { .. } => "schema_too_new",
            TillError::Amount(_) => "invalid_amount",
            TillError::AboveLimit { .. } => "above_limit",
            TillError::Request(_) => "invalid_request",
            TillError::Gateway(e) => gateway_code(e),
            TillError::CredentialsRefused(_) => "credentials_refused",
            TillError::NeedsConnect(_) => "needs_connect",
            TillError::EngineBusy { .. } => "engine_busy",
            TillError::PaymentNotFound(_) => "payment_not_found",
            TillError::CardNotFound(_) => "card_not_found",
            TillError::PayoutRequestNotFound(_) => "payout_request_not_found",
            TillError::PayoutNotPending { .. } => "payout_not_pending",
            TillError::PayoutExpired(_) => "payout_expired",
            TillError::SelfApproval => "self_approval",
            TillError::NotManager => "not_manager",
            TillError::DailyLimit { .. } => "daily_limit",
            TillError::ReturnAboveSale { .. } => "return_above_sale",
            TillError::SaleNotReturnable(_) => "sale_not_returnable",
            TillError::CardNotOfSale { .. } => "card_not_of_sale",
            TillError::ReasonMissing => "reason_missing",
            TillError::UserExists(_) => "user_exists",
            TillError::UserNotFound(_) => "user_not_found",
            TillError::WrongPin { .. } => "wrong_pin",
            TillError::Locked { .. } => "locked",
            TillError::LockedUntilUnlocked => "locked_until_unlocked",
            TillError::SignInThrottled { .. } => "sign_in_throttled",
            TillError::PinMissing => "pin_missing",
            TillError::ManagerPinTooShort => "manager_pin_too_short",
            TillError::PinChangeRequired(_) => "pin_change_required",
            TillError::ManagerRequired(_) => "manager_required",
            TillError::RequesterRequired => "requester_required",
            TillError::AuditKey(_) => "audit_key",
            TillError::UserInactive(_) => "user_inactive",
            TillError::LastManager => "last_manager",
            TillError::BadPin => "bad_pin",
            TillError::BadName => "bad_name",
            TillError::BadRole(_) => "bad_role",
            TillError::AuditBroken(_) => "audit_broken",
            TillError::Listener(_) => "listener",
            TillError::Io(_) => "io",
            TillError::DataApiMissing => "data_api_missing",
            TillError::DataApi(e) if e.is_auth() => "data_api_refused",
            TillError::DataApi(_) => "data_api_failed",
            TillError::NoOpenShift(_) => "no_open_shift",
            TillError::ShiftNotFound(_) => "shift_not_found",
            TillError::Spreadsheet(_) => "spreadsheet",
        }
    }
}

/// What [`TillError::KeysMissing`] says: exactly what is missing, where the data folder is,
/// and what helps.
fn keys_missing_text(data_dir: &std::path::Path, missing: &[&str]) -> String {
    let names: Vec<&str> = missing
        .iter()
        .map(|m| match *m {
            crate::keystore::names::API_SECRET => "the API secret",
            crate::keystore::names::DATA_KEY => "the card vault key",
            crate::keystore::names::PIN_PEPPER => "the PIN key",
            crate::keystore::names::AUDIT_KEY => "the audit log's key",
            other => other,
        })
        .collect();
    let what = if names.is_empty() {
        String::new()
    } else {
        format!(" (missing: {})", names.join(", "))
    };
    let secret_only = missing == [crate::keystore::names::API_SECRET];
    format!(
        "this till's keys are not in this computer's keyring{what}: restore from a backup \
         (`cashier backup restore --from FILE --data-dir DIR`, with `--replace` to restore over \
         this folder; in the app: \"Restore from a backup\"), or open this data folder as the \
         OS user, on the computer, that set the till up{}; data folder: {}",
        if secret_only {
            "; or enter the API secret again (`cashier secret set`)"
        } else {
            ""
        },
        data_dir.display()
    )
}

/// The code of a gateway failure: what kind of failure, so that the UI can say what to do.
pub fn gateway_code(e: &GateError) -> &'static str {
    match e {
        GateError::Invalid(_) => "invalid_request",
        GateError::Unreachable(_) => "gateway_unreachable",
        GateError::Timeout(_) => "gateway_timeout",
        GateError::Interrupted(_) => "gateway_interrupted",
        GateError::Rejected { .. } => "gateway_rejected",
        GateError::ServerError { .. } => "gateway_server_error",
        GateError::Malformed { .. } => "gateway_malformed",
        GateError::BadSignature { .. } => "gateway_bad_signature",
    }
}

pub type Result<T, E = TillError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_distinct_where_it_matters() {
        let samples = [
            TillError::SecretMissing,
            TillError::DataKeyMissing,
            TillError::KeysMissing {
                data_dir: PathBuf::from("/d"),
                missing: vec!["data-key"],
            },
            TillError::SelfApproval,
            TillError::WrongPin { attempts_left: 2 },
            TillError::UserInactive("a".into()),
            TillError::LastManager,
            TillError::NotManager,
            TillError::Gateway(GateError::Timeout("x".into())),
            TillError::Keyring(KeyringError::Unavailable("x".into())),
        ];
        let codes: Vec<_> = samples.iter().map(|e| e.code()).collect();
        for c in &codes {
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{c}"
            );
        }
        let mut dedup = codes.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), codes.len());
    }
}
