//! The gateway codes the sandbox answers with, and the HTTP status each rejection uses.
//!
//! The protocol doc leaves open which HTTP status goes with which error; the sandbox's choice is
//! below. Clients must key on `code`, never on the HTTP status.

use axum::http::StatusCode;

/// Operation succeeded (callbacks' `operation.code`).
pub const SUCCESS: u32 = 0;
/// A required field is missing. The sandbox also uses it for a field present with a wrong
/// type or value (amount not a positive integer, currency not UZS, extra_param not uzcard): the
/// public material names no separate "wrong format" code, and both mean "fix the request, do not
/// retry". The `errors[].message` tells the two apart.
pub const FIELD: u32 = 2004;
/// The project is unknown.
pub const UNKNOWN_PROJECT: u32 = 2442;
/// The payment method is unknown (the Payment Page's `force_payment_method`).
pub const UNKNOWN_METHOD: u32 = 2541;
/// `payment_id` already used in this project (sales and payouts share one space).
pub const PAYMENT_ID_EXISTS: u32 = 3041;
/// No such payment (status) or request (status/request).
pub const NOT_FOUND: u32 = 3061;
/// Card identifier (`account.number`) unknown.
pub const CARD_NOT_FOUND: u32 = 3221;
/// The customer does not own that card identifier.
pub const CARD_NOT_OWNED: u32 = 3241;
/// The signature does not match.
pub const BAD_SIGNATURE: u32 = 3261;
/// The signature is missing or empty.
pub const EMPTY_SIGNATURE: u32 = 3262;
/// Payout declined: the merchant balance is short.
pub const MERCHANT_BALANCE_SHORT: u32 = 504;
/// Payout declined: amount above the allowed maximum.
pub const PAYOUT_ABOVE_MAX: u32 = 904;
/// Sale declined: insufficient funds on the customer's card.
pub const INSUFFICIENT_FUNDS: u32 = 20105;
/// Sale declined: the customer cancelled.
pub const CUSTOMER_CANCELLED: u32 = 20301;
/// Declined by the platform itself: the sale expired or the payout passed its limit.
pub const TIME_OUT: u32 = 20602;

/// The message that goes with a code.
pub fn message(code: u32) -> &'static str {
    match code {
        SUCCESS => "Success",
        FIELD => "Required field is missing or invalid",
        UNKNOWN_PROJECT => "Project not found",
        UNKNOWN_METHOD => "Unknown payment method",
        PAYMENT_ID_EXISTS => "Payment ID already exists",
        NOT_FOUND => "Transaction not found",
        CARD_NOT_FOUND => "Card token not found",
        CARD_NOT_OWNED => "Card token does not belong to the customer",
        BAD_SIGNATURE => "Invalid signature",
        EMPTY_SIGNATURE => "Signature is empty",
        MERCHANT_BALANCE_SHORT => "Insufficient merchant balance",
        PAYOUT_ABOVE_MAX => "Payout amount is above the allowed maximum",
        INSUFFICIENT_FUNDS => "Insufficient funds on customer account",
        CUSTOMER_CANCELLED => "Cancelled by customer",
        TIME_OUT => "Time-out",
        _ => "Error",
    }
}

/// The HTTP status of a rejection with `code`.
pub fn http_status(code: u32) -> StatusCode {
    match code {
        BAD_SIGNATURE | EMPTY_SIGNATURE | UNKNOWN_PROJECT => StatusCode::UNAUTHORIZED,
        CARD_NOT_OWNED => StatusCode::FORBIDDEN,
        NOT_FOUND | CARD_NOT_FOUND => StatusCode::NOT_FOUND,
        PAYMENT_ID_EXISTS => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Codes travel as strings, as `operation.code` does in the seed's callbacks.
pub(crate) fn as_string<S: serde::Serializer>(code: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(code)
}
