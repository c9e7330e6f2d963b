//! Errors as the web view sees them: `{code, message}`. The code comes from an exhaustive match
//! over the core's error enum (a new core variant does not compile until it is mapped here);
//! the UI shows its own translated text for the code, and the English `message` as detail.

use ecommpay::gate::GateError;
use serde::Serialize;
use till::keystore::KeyringError;
use till::TillError;
use ts_rs::TS;

/// Every error code the UI can receive. Each has a translation in every language (the UI's
/// dictionaries are typed `Record<ErrorCode, string>`, so a missing one fails `tsc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotInitialised,
    ConfigInvalid,
    DataDir,
    KeyringUnavailable,
    KeyringFailure,
    SecretMissing,
    SecretEmpty,
    DataKeyMissing,
    DataKeyMismatch,
    KeysMissing,
    PinKeyMismatch,
    PassphraseEmpty,
    PassphraseTooShort,
    BackupWrongPassphrase,
    BackupDamaged,
    BackupTooNew,
    RestoreTargetHasTill,
    BackupNotSetUp,
    VaultDecrypt,
    Database,
    SchemaTooNew,
    InvalidAmount,
    AboveLimit,
    InvalidRequest,
    GatewayUnreachable,
    GatewayTimeout,
    GatewayInterrupted,
    GatewayRejected,
    GatewayServerError,
    GatewayMalformed,
    GatewayBadSignature,
    CredentialsRefused,
    NeedsConnect,
    EngineBusy,
    PaymentNotFound,
    CardNotFound,
    PayoutRequestNotFound,
    PayoutNotPending,
    PayoutExpired,
    SelfApproval,
    NotManager,
    DailyLimit,
    ReturnAboveSale,
    SaleNotReturnable,
    CardNotOfSale,
    ReasonMissing,
    UserExists,
    UserNotFound,
    UserInactive,
    LastManager,
    WrongPin,
    Locked,
    LockedUntilUnlocked,
    SignInThrottled,
    PinMissing,
    ManagerPinTooShort,
    PinChangeRequired,
    ManagerRequired,
    RequesterRequired,
    AuditKey,
    BadPin,
    BadName,
    BadRole,
    AuditBroken,
    Listener,
    Io,
    DataApiMissing,
    DataApiRefused,
    DataApiFailed,
    NoOpenShift,
    ShiftNotFound,
    Spreadsheet,
    // ---- the shell's own ----
    /// Nobody is signed in.
    NotSignedIn,
    /// The signed-in user may not do this (a cashier opening settings).
    Forbidden,
    /// A sale is already on screen: a second Enter never starts a second sale.
    SaleInProgress,
    /// The save dialog was closed without choosing a file.
    Cancelled,
    /// Users already exist: the first manager can only be created on an empty till.
    AlreadySetUp,
    /// "Connect to ECommPay" on a till that is not the demo one.
    AlreadyConnected,
}

/// An error for the web view.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    pub code: ErrorCode,
    /// English detail for logs and managers; the UI shows its translation of `code` first.
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

fn gateway(e: &GateError) -> ErrorCode {
    match e {
        GateError::Invalid(_) => ErrorCode::InvalidRequest,
        GateError::Unreachable(_) => ErrorCode::GatewayUnreachable,
        GateError::Timeout(_) => ErrorCode::GatewayTimeout,
        GateError::Interrupted(_) => ErrorCode::GatewayInterrupted,
        GateError::Rejected { .. } => ErrorCode::GatewayRejected,
        GateError::ServerError { .. } => ErrorCode::GatewayServerError,
        GateError::Malformed { .. } => ErrorCode::GatewayMalformed,
        GateError::BadSignature { .. } => ErrorCode::GatewayBadSignature,
    }
}

/// The code of a core error: exhaustive on purpose (no `_` arm).
pub fn code_of(e: &TillError) -> ErrorCode {
    use ErrorCode as C;
    match e {
        TillError::NotInitialised(_) => C::NotInitialised,
        TillError::Config(_) => C::ConfigInvalid,
        TillError::DataDir { .. } => C::DataDir,
        TillError::Keyring(KeyringError::Unavailable(_)) => C::KeyringUnavailable,
        TillError::Keyring(KeyringError::Failure(_)) => C::KeyringFailure,
        TillError::SecretMissing => C::SecretMissing,
        TillError::SecretEmpty => C::SecretEmpty,
        TillError::DataKeyMissing => C::DataKeyMissing,
        TillError::DataKeyMismatch => C::DataKeyMismatch,
        TillError::KeysMissing { .. } => C::KeysMissing,
        TillError::PinKeyMismatch => C::PinKeyMismatch,
        TillError::PassphraseEmpty => C::PassphraseEmpty,
        TillError::PassphraseTooShort { .. } => C::PassphraseTooShort,
        TillError::BackupWrongPassphrase => C::BackupWrongPassphrase,
        TillError::BackupDamaged(_) => C::BackupDamaged,
        TillError::BackupTooNew { .. } => C::BackupTooNew,
        TillError::RestoreTargetHasTill(_) => C::RestoreTargetHasTill,
        TillError::BackupNotSetUp(_) => C::BackupNotSetUp,
        TillError::VaultDecrypt(_) => C::VaultDecrypt,
        TillError::Database(_) => C::Database,
        TillError::SchemaTooNew { .. } => C::SchemaTooNew,
        TillError::Amount(_) => C::InvalidAmount,
        TillError::AboveLimit { .. } => C::AboveLimit,
        TillError::Request(_) => C::InvalidRequest,
        TillError::Gateway(g) => gateway(g),
        TillError::CredentialsRefused(_) => C::CredentialsRefused,
        TillError::NeedsConnect(_) => C::NeedsConnect,
        TillError::EngineBusy { .. } => C::EngineBusy,
        TillError::PaymentNotFound(_) => C::PaymentNotFound,
        TillError::CardNotFound(_) => C::CardNotFound,
        TillError::PayoutRequestNotFound(_) => C::PayoutRequestNotFound,
        TillError::PayoutNotPending { .. } => C::PayoutNotPending,
        TillError::PayoutExpired(_) => C::PayoutExpired,
        TillError::SelfApproval => C::SelfApproval,
        TillError::NotManager => C::NotManager,
        TillError::DailyLimit { .. } => C::DailyLimit,
        TillError::ReturnAboveSale { .. } => C::ReturnAboveSale,
        TillError::SaleNotReturnable(_) => C::SaleNotReturnable,
        TillError::CardNotOfSale { .. } => C::CardNotOfSale,
        TillError::ReasonMissing => C::ReasonMissing,
        TillError::UserExists(_) => C::UserExists,
        TillError::UserNotFound(_) => C::UserNotFound,
        TillError::UserInactive(_) => C::UserInactive,
        TillError::LastManager => C::LastManager,
        TillError::WrongPin { .. } => C::WrongPin,
        TillError::Locked { .. } => C::Locked,
        TillError::LockedUntilUnlocked => C::LockedUntilUnlocked,
        TillError::SignInThrottled { .. } => C::SignInThrottled,
        TillError::PinMissing => C::PinMissing,
        TillError::ManagerPinTooShort => C::ManagerPinTooShort,
        TillError::PinChangeRequired(_) => C::PinChangeRequired,
        TillError::ManagerRequired(_) => C::ManagerRequired,
        TillError::RequesterRequired => C::RequesterRequired,
        TillError::AuditKey(_) => C::AuditKey,
        TillError::BadPin => C::BadPin,
        TillError::BadName => C::BadName,
        TillError::BadRole(_) => C::BadRole,
        TillError::AuditBroken(_) => C::AuditBroken,
        TillError::Listener(_) => C::Listener,
        TillError::Io(_) => C::Io,
        TillError::DataApiMissing => C::DataApiMissing,
        TillError::DataApi(e) if e.is_auth() => C::DataApiRefused,
        TillError::DataApi(_) => C::DataApiFailed,
        TillError::NoOpenShift(_) => C::NoOpenShift,
        TillError::ShiftNotFound(_) => C::ShiftNotFound,
        TillError::Spreadsheet(_) => C::Spreadsheet,
    }
}

impl From<TillError> for ApiError {
    fn from(e: TillError) -> ApiError {
        ApiError::new(code_of(&e), e.to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The shell's codes agree with the core's own `code()` for every core error it maps, so
    /// the CLI and the app speak of the same failure with the same word.
    #[test]
    fn codes_match_the_core() {
        let samples = [
            TillError::SecretMissing,
            TillError::WrongPin { attempts_left: 2 },
            TillError::SelfApproval,
            TillError::Gateway(GateError::Timeout("x".into())),
            TillError::Gateway(GateError::Unreachable("x".into())),
            TillError::Keyring(KeyringError::Unavailable("x".into())),
            TillError::Keyring(KeyringError::Failure("x".into())),
            TillError::Config("x".into()),
            TillError::PayoutExpired(3),
            TillError::UserInactive("a".into()),
            TillError::LastManager,
            TillError::Amount(ecommpay::AmountError::NotPositive),
            TillError::CredentialsRefused("3261".into()),
        ];
        for e in samples {
            let ours = serde_json::to_value(code_of(&e)).unwrap();
            assert_eq!(ours.as_str(), Some(e.code()), "{e:?}");
        }
        let api: ApiError = TillError::BadPin.into();
        let v = serde_json::to_value(&api).unwrap();
        assert_eq!(v["code"], "bad_pin");
        assert!(v["message"].as_str().unwrap().contains("4 to 12 digits"));
    }
}
