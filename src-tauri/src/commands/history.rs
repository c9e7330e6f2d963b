//! History pages (keyset paging in SQL), a payment's detail with its timeline, CSV export.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use till::db::csv::{CsvLang, CsvStyle};
use till::Kind;

use super::{blocking, ready};
use crate::convert;
use crate::dto::{
    CursorDto, ExportDone, HistoryPageDto, HistoryQuery, PaymentDetail, TotalsDto, UiEvent,
};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::events::emit;
use crate::state::AppState;

/// Reads through a read-only connection of the core's (never waiting for the engine's writes
/// or for an export), on the blocking pool.
#[tauri::command(rename_all = "snake_case")]
pub async fn history(
    state: State<'_, AppState>,
    filter: HistoryQuery,
    after: Option<CursorDto>,
    limit: u32,
) -> ApiResult<HistoryPageDto> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    blocking(move || {
        let page = till.history(
            &convert::filter(&filter),
            after.map(convert::cursor_in),
            limit,
        )?;
        Ok(HistoryPageDto {
            rows: page.rows.into_iter().map(convert::history_row).collect(),
            next: page.next.map(convert::cursor),
        })
    })
    .await
}

/// A payment and its gateway messages; the raw JSON (redacted by the core) for managers only.
#[tauri::command(rename_all = "snake_case")]
pub async fn payment_detail(
    state: State<'_, AppState>,
    payment_id: String,
) -> ApiResult<PaymentDetail> {
    ready(&state).await;
    let manager = state.manager().is_ok();
    state.signed_in()?;
    let till = state.till()?;
    blocking(move || {
        let p = till.payment(&payment_id)?;
        let timeline = till.payment_timeline(&payment_id)?;
        let returns = match p.kind {
            Kind::Sale => Some(till.returnable(&payment_id)?),
            Kind::Payout => None,
        };
        let returns_sale = match p.kind {
            Kind::Payout => till.sale_of_payout(&payment_id)?,
            Kind::Sale => None,
        };
        Ok(PaymentDetail {
            row: convert::payment_row(&p),
            created_by: p.created_by.clone(),
            description: p.description.clone(),
            timeline: timeline
                .into_iter()
                .map(|e| convert::timeline_entry(e, manager))
                .collect(),
            returnable: returns.as_ref().is_some_and(|r| r.returnable.get() > 0),
            card_id: p.card_id,
            returns: returns.as_ref().map(convert::returnable),
            returns_sale: returns_sale.as_ref().map(convert::sale_ref),
        })
    })
    .await
}

/// The totals of everything the filter matches (not only the loaded page): the report's bar.
#[tauri::command(rename_all = "snake_case")]
pub async fn history_totals(
    state: State<'_, AppState>,
    filter: HistoryQuery,
) -> ApiResult<TotalsDto> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    blocking(move || {
        Ok(convert::totals(
            &till.history_totals(&convert::filter(&filter))?,
        ))
    })
    .await
}

/// The save dialog's title in the till's language.
fn dialog_title(lang: CsvLang) -> &'static str {
    match lang {
        CsvLang::Uz => "Tarixni CSV faylga saqlash",
        CsvLang::Ru => "Сохранить историю в CSV",
        CsvLang::En => "Save the history as CSV",
    }
}

/// Where to write: the save dialog, or `CASHIER_EXPORT_DIR` when set (automation and tests,
/// where no person is there to answer a dialog).
async fn choose_path(app: &AppHandle, lang: CsvLang) -> ApiResult<PathBuf> {
    let name = format!(
        "cashier-history-{}.csv",
        till::time::file_stamp(till::db::now_ms())
    );
    if let Some(dir) = std::env::var_os("CASHIER_EXPORT_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join(name));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title(dialog_title(lang))
        .add_filter("CSV", &["csv"]);
    if let Some(w) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&w);
    }
    dialog.set_file_name(&name).save_file(move |p| {
        let _ = tx.send(p);
    });
    let chosen = rx.await.ok().flatten();
    chosen
        .and_then(|p| p.into_path().ok())
        .ok_or_else(|| ApiError::new(ErrorCode::Cancelled, "no file chosen"))
}

/// Writes the filtered history as CSV, with `export_progress` events. The export streams from
/// a read-only connection of its own on the blocking pool: sales, their results and every other
/// command go on while it runs.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_history(
    app: AppHandle,
    state: State<'_, AppState>,
    filter: HistoryQuery,
) -> ApiResult<ExportDone> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    let lang = CsvLang::from_code(&till.config().language);
    let path = choose_path(&app, lang).await?;
    let (p, a) = (path.clone(), app.clone());
    let rows = blocking(move || {
        let file = std::fs::File::create(&p).map_err(till::TillError::from)?;
        let style = CsvStyle::People(lang);
        Ok(
            till.export_csv_as(file, &convert::filter(&filter), style, |rows| {
                emit(&a, UiEvent::ExportProgress { rows })
            })?,
        )
    })
    .await?;
    Ok(ExportDone {
        path: path.display().to_string(),
        rows,
    })
}
