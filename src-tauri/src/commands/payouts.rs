//! Payouts: saved cards, requests ("return money" or to a saved card), the approval queue,
//! and a manager's approval with a PIN.

use ecommpay::Tiyin;
use tauri::State;
use till::PayoutInput;

use crate::convert;
use crate::dto::{CardDto, PayoutInputDto, PayoutRequestDto};
use crate::error::ApiResult;
use crate::state::AppState;

#[tauri::command(rename_all = "snake_case")]
pub fn cards(state: State<'_, AppState>) -> ApiResult<Vec<CardDto>> {
    state.signed_in()?;
    Ok(state
        .till()?
        .cards()?
        .into_iter()
        .map(convert::card)
        .collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn request_payout(
    state: State<'_, AppState>,
    input: PayoutInputDto,
) -> ApiResult<PayoutRequestDto> {
    let user = state.signed_in()?;
    let input = PayoutInput {
        card_id: input.card_id,
        amount: Tiyin::new(input.amount),
        reason: input.reason,
        sale_payment_id: input.sale_payment_id,
    };
    let row = state
        .till()?
        .request_payout(&input, Some(&user), &user.name)?;
    Ok(convert::payout_request(row))
}

/// The queue and the decided requests of the last 24 hours and more (newest first).
#[tauri::command(rename_all = "snake_case")]
pub fn payout_requests(state: State<'_, AppState>) -> ApiResult<Vec<PayoutRequestDto>> {
    state.signed_in()?;
    let rows = state.till()?.payout_requests(200)?;
    Ok(rows.into_iter().map(convert::payout_request).collect())
}

/// A manager approves with their own name and PIN; returns the payout's `payment_id`.
#[tauri::command(rename_all = "snake_case")]
pub async fn approve_payout(
    state: State<'_, AppState>,
    request_id: i64,
    manager: String,
    pin: String,
) -> ApiResult<String> {
    state.signed_in()?;
    let handle = state
        .till()?
        .approve_payout(request_id, &manager, &pin)
        .await?;
    Ok(handle.payment_id)
}

/// A manager rejects a pending request with their own name and PIN (a note optional); no
/// money moves. Returns the request as it is now.
#[tauri::command(rename_all = "snake_case")]
pub fn reject_payout(
    state: State<'_, AppState>,
    request_id: i64,
    manager: String,
    pin: String,
    reason: Option<String>,
) -> ApiResult<PayoutRequestDto> {
    state.signed_in()?;
    let reason = reason.filter(|r| !r.trim().is_empty());
    let row = state
        .till()?
        .reject_payout(request_id, &manager, &pin, reason.as_deref())?;
    Ok(convert::payout_request(row))
}
