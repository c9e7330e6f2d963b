//! Receipts: a payment's slip as the printer lays it out (the preview), printing it, the
//! "scan to pay" slip, a manager's test page, and the after-sale print (`printer.after_sale`),
//! whose failures reach the windows as the `print_failed` event, never the sale.

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use till::print::Laid;
use till::Till;
use ts_rs::TS;

use super::{blocking, ready};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The Tauri event of a slip that did not print after a sale.
pub const PRINT_FAILED: &str = "print_failed";

/// A slip as it prints: lines of `width` characters (spaces included), QR codes as SVG.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReceiptDto {
    pub payment_id: String,
    pub width: u32,
    pub lines: Vec<ReceiptLineDto>,
    /// Whether a printer is set (`printer.address`): "Print" is offered only then.
    pub printer_configured: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReceiptLineDto {
    Text {
        text: String,
        bold: bool,
    },
    /// Double width and height (the amount).
    Big {
        text: String,
    },
    Qr {
        data: String,
        svg: Option<String>,
    },
}

/// The payload of [`PRINT_FAILED`].
#[derive(Debug, Clone, Serialize, TS)]
pub struct PrintFailedDto {
    pub payment_id: String,
    pub error: ApiError,
}

fn line(l: Laid) -> ReceiptLineDto {
    match l {
        Laid::Text { text, bold } => ReceiptLineDto::Text { text, bold },
        Laid::Big { text } => ReceiptLineDto::Big { text },
        Laid::Qr { data } => ReceiptLineDto::Qr {
            svg: crate::qr::svg(&data),
            data,
        },
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn receipt_preview(
    state: State<'_, AppState>,
    payment_id: String,
) -> ApiResult<ReceiptDto> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    blocking(move || {
        let r = till.receipt(&payment_id)?;
        Ok(ReceiptDto {
            payment_id: r.payment_id,
            width: r.width as u32,
            lines: r.lines.into_iter().map(line).collect(),
            printer_configured: r.printer_configured,
        })
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn print_receipt(state: State<'_, AppState>, payment_id: String) -> ApiResult<()> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    Ok(till.print_receipt(&payment_id).await?)
}

/// An open sale's link as a QR on paper, for a till without a customer display.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_pay_slip(state: State<'_, AppState>, payment_id: String) -> ApiResult<()> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    Ok(till.print_pay_slip(&payment_id).await?)
}

/// Settings > Printer: a test page on the saved printer (a manager's).
#[tauri::command(rename_all = "snake_case")]
pub async fn test_print(state: State<'_, AppState>) -> ApiResult<()> {
    ready(&state).await;
    state.manager()?;
    let till = state.till()?;
    Ok(till.test_print().await?)
}

/// Prints each paid sale of `till` while it lives (when `printer.after_sale` says so);
/// a failure is logged by the core and told to the windows.
pub fn print_after_sales(app: &AppHandle, till: &Till) {
    let app = app.clone();
    let work = till.print_after_sales(move |payment_id, e| {
        let payload = PrintFailedDto {
            payment_id: payment_id.to_owned(),
            error: ApiError::from(e),
        };
        if let Err(err) = app.emit(PRINT_FAILED, payload) {
            tracing::warn!("print_failed not delivered: {err}");
        }
    });
    tauri::async_runtime::spawn(work);
}
