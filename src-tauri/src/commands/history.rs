//! History pages (keyset paging in SQL), a payment's detail with its timeline, CSV export.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use till::db::csv::{CsvLang, CsvStyle};
use till::Kind;

use super::shifts::ExportFormatDto;
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
fn dialog_title(lang: CsvLang, format: ExportFormatDto) -> &'static str {
    match (lang, format) {
        (CsvLang::Uz, ExportFormatDto::Csv) => "Tarixni CSV faylga saqlash",
        (CsvLang::Ru, ExportFormatDto::Csv) => "Сохранить историю в CSV",
        (CsvLang::En, ExportFormatDto::Csv) => "Save the history as CSV",
        (CsvLang::Uz, ExportFormatDto::Xlsx) => "Tarixni Excel (XLSX) faylga saqlash",
        (CsvLang::Ru, ExportFormatDto::Xlsx) => "Сохранить историю в Excel (XLSX)",
        (CsvLang::En, ExportFormatDto::Xlsx) => "Save the history as Excel (XLSX)",
    }
}

/// GTK's file chooser opens at a size computed from the font (822 px tall here: its Save
/// button off an 800 px screen; a window manager would not always fix that). Once it shows, a
/// dialog taller or wider than the screen the till's window is on is made to fit it (on the
/// main thread, where Tauri runs GTK); checked for a few seconds after it was asked for.
fn fit_save_dialog(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    {
        let Some(w) = app.get_webview_window("main") else {
            return;
        };
        let Ok(Some(m)) = w.current_monitor() else {
            return;
        };
        let screen = m.size().to_logical::<i32>(m.scale_factor());
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            for _ in 0..50 {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let (tx, rx) = tokio::sync::oneshot::channel();
                let asked = app.run_on_main_thread(move || {
                    let _ = tx.send(fit_file_choosers(screen.width, screen.height));
                });
                if asked.is_err() || matches!(rx.await, Ok(true)) {
                    return;
                }
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// Resizes every visible file chooser that does not fit the screen; true once one was seen.
#[cfg(target_os = "linux")]
fn fit_file_choosers(screen_w: i32, screen_h: i32) -> bool {
    use gtk::prelude::*;
    let (max_w, max_h) = ((screen_w - 80).max(400), (screen_h * 3 / 4).max(300));
    let mut seen = false;
    for w in gtk::Window::list_toplevels() {
        let Ok(dialog) = w.downcast::<gtk::FileChooserDialog>() else {
            continue;
        };
        if !dialog.is_visible() {
            continue;
        }
        seen = true;
        let (w, h) = dialog.size();
        if w > max_w || h > max_h {
            dialog.resize(w.min(max_w), h.min(max_h));
            dialog.set_position(gtk::WindowPosition::Center);
            let (nw, nh) = (w.min(max_w), h.min(max_h));
            dialog.move_((screen_w - nw).max(0) / 2, (screen_h - nh).max(0) / 2);
        }
    }
    seen
}

/// Where to write: the save dialog, or `CASHIER_EXPORT_DIR` when set (automation and tests,
/// where no person is there to answer a dialog).
async fn choose_path(
    app: &AppHandle,
    lang: CsvLang,
    format: ExportFormatDto,
) -> ApiResult<PathBuf> {
    let ext = if format == ExportFormatDto::Xlsx {
        "xlsx"
    } else {
        "csv"
    };
    let name = format!(
        "cashier-history-{}.{ext}",
        till::time::file_stamp(till::db::now_ms())
    );
    save_path(app, dialog_title(lang, format), &name, format).await
}

/// The save dialog titled `title`, proposing `name` (or `CASHIER_EXPORT_DIR/name`).
pub(crate) async fn save_path(
    app: &AppHandle,
    title: &str,
    name: &str,
    format: ExportFormatDto,
) -> ApiResult<PathBuf> {
    if let Some(dir) = std::env::var_os("CASHIER_EXPORT_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join(name));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (label, ext) = match format {
        ExportFormatDto::Csv => ("CSV", "csv"),
        ExportFormatDto::Xlsx => ("Excel (XLSX)", "xlsx"),
    };
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(label, &[ext]);
    if let Some(w) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&w);
    }
    dialog.set_file_name(name).save_file(move |p| {
        let _ = tx.send(p);
    });
    fit_save_dialog(app);
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
    format: Option<ExportFormatDto>,
) -> ApiResult<ExportDone> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    let code = till.config().language;
    let lang = CsvLang::from_code(&code);
    let format = format.unwrap_or(ExportFormatDto::Csv);
    let path = choose_path(&app, lang, format).await?;
    let (p, a) = (path.clone(), app.clone());
    let rows = blocking(move || {
        if format == ExportFormatDto::Xlsx {
            let progress = |rows| emit(&a, UiEvent::ExportProgress { rows });
            return Ok(till.export_history_xlsx(&p, &convert::filter(&filter), &code, progress)?);
        }
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
