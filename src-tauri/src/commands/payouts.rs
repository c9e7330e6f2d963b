//! Payouts: saved cards, requests ("return money" or to a saved card), the approval queue,
//! and a manager's approval with a PIN.

use ecommpay::Tiyin;
use tauri::State;
use till::PayoutInput;

use super::{blocking, blocking_async, ready};
use crate::convert;
use crate::dto::{CardDto, PayoutInputDto, PayoutRequestDto, ReturnableDto};
use crate::error::ApiResult;
use crate::state::AppState;

#[tauri::command(rename_all = "snake_case")]
pub async fn cards(state: State<'_, AppState>) -> ApiResult<Vec<CardDto>> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    blocking(move || Ok(till.cards()?.into_iter().map(convert::card).collect())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn request_payout(
    state: State<'_, AppState>,
    input: PayoutInputDto,
) -> ApiResult<PayoutRequestDto> {
    ready(&state).await;
    state.signed_in()?;
    // Money to a saved card without a sale is a manager's separate action; anyone returns a
    // sale's money (from the sale, never more than is left of it).
    if input.sale_payment_id.is_none() {
        state.manager()?;
    }
    let session = state.session().ok_or_else(|| {
        crate::error::ApiError::new(crate::error::ErrorCode::NotSignedIn, "nobody is signed in")
    })?;
    let input = PayoutInput {
        card_id: input.card_id,
        amount: Tiyin::new(input.amount),
        reason: input.reason,
        sale_payment_id: input.sale_payment_id,
    };
    let till = state.till()?;
    blocking(move || {
        let row = till.request_payout(&input, &session)?;
        Ok(convert::payout_request(row))
    })
    .await
}

/// The queue and the decided requests of the last 24 hours and more (newest first).
#[tauri::command(rename_all = "snake_case")]
pub async fn payout_requests(state: State<'_, AppState>) -> ApiResult<Vec<PayoutRequestDto>> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    blocking(move || {
        let rows = till.payout_requests(200)?;
        let mut ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.sale_payment_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let sales = till.sale_refs(&ids)?;
        Ok(rows
            .into_iter()
            .map(|r| convert::payout_request_of(r, &sales))
            .collect())
    })
    .await
}

/// A manager approves with their own name and PIN; returns the payout's `payment_id`.
#[tauri::command(rename_all = "snake_case")]
pub async fn approve_payout(
    state: State<'_, AppState>,
    request_id: i64,
    manager: String,
    pin: String,
) -> ApiResult<String> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    // The PIN check (Argon2) and the payout's row on the blocking pool; then followed.
    blocking_async(async move {
        let handle = till.approve_payout(request_id, &manager, &pin).await?;
        Ok(handle.payment_id)
    })
    .await
}

/// A manager rejects a pending request with their own name and PIN (a note optional); no
/// money moves. Returns the request as it is now.
#[tauri::command(rename_all = "snake_case")]
pub async fn reject_payout(
    state: State<'_, AppState>,
    request_id: i64,
    manager: String,
    pin: String,
    reason: Option<String>,
) -> ApiResult<PayoutRequestDto> {
    ready(&state).await;
    state.signed_in()?;
    let reason = reason.filter(|r| !r.trim().is_empty());
    let till = state.till()?;
    blocking(move || {
        let row = till.reject_payout(request_id, &manager, &pin, reason.as_deref())?;
        Ok(convert::payout_request(row))
    })
    .await
}

/// What is left to return of a sale (the sale screen's and the detail's "Return money").
#[tauri::command(rename_all = "snake_case")]
pub async fn returnable(
    state: State<'_, AppState>,
    payment_id: String,
) -> ApiResult<ReturnableDto> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    blocking(move || Ok(convert::returnable(&till.returnable(&payment_id)?))).await
}
