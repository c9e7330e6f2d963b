//! The cashier's shift: whether one is open (since when), opening it by hand, the X report,
//! closing it with the PIN (the Z report on screen), and a manager's day report across
//! shifts; reports saved as CSV or XLSX. Reports come as the core's text lines in the
//! language on screen (the same lines the printer prints).

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use till::db::shifts::{OpenedHow, Shift};
use till::report::{DayReport, ReportKind, ShiftReport};
use ts_rs::TS;

use super::{blocking, ready};
use crate::dto::ExportDone;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;

/// A shift.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShiftDto {
    #[ts(type = "number")]
    pub id: i64,
    pub cashier: String,
    pub till_code: String,
    #[ts(type = "number")]
    pub opened_at: i64,
    /// `sign_in` or `explicit`.
    pub opened_how: String,
    #[ts(type = "number | null")]
    pub closed_at: Option<i64>,
}

/// A report's text lines in each language (a language switch shows it again at once).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportLinesDto {
    pub uz: Vec<String>,
    pub ru: Vec<String>,
    pub en: Vec<String>,
}

impl ReportLinesDto {
    fn of(f: impl Fn(&str) -> Vec<String>) -> ReportLinesDto {
        ReportLinesDto {
            uz: f("uz"),
            ru: f("ru"),
            en: f("en"),
        }
    }
}

/// A report as the screen shows it: its text lines, and the figures the screen marks.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportDto {
    /// `x`, `z`, `shift` (a closed shift read again) or `day`.
    pub kind: String,
    pub shift: Option<ShiftDto>,
    pub lines: ReportLinesDto,
    #[ts(type = "number")]
    pub paid_count: u64,
    #[ts(type = "number")]
    pub paid_sum: i64,
    #[ts(type = "number")]
    pub net: i64,
    /// Payments not final (at the close, for a Z report): still followed.
    pub open: Vec<String>,
}

/// A report's or the history's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormatDto {
    Csv,
    Xlsx,
}

fn shift_dto(s: &Shift) -> ShiftDto {
    ShiftDto {
        id: s.id,
        cashier: s.user_name.clone(),
        till_code: s.till_code.clone(),
        opened_at: s.opened_at,
        opened_how: s.opened_how.clone(),
        closed_at: s.closed_at,
    }
}

fn shift_report_dto(r: &ShiftReport) -> ReportDto {
    ReportDto {
        kind: match r.kind {
            ReportKind::X => "x",
            ReportKind::Z => "z",
            ReportKind::Shift => "shift",
        }
        .into(),
        shift: Some(shift_dto(&r.shift)),
        lines: ReportLinesDto::of(|l| r.text_lines(l)),
        paid_count: r.totals.paid.count,
        paid_sum: r.totals.paid.sum.get(),
        net: r.totals.net.get(),
        open: r.open.iter().map(|l| l.payment_id.clone()).collect(),
    }
}

fn day_report_dto(r: &DayReport) -> ReportDto {
    ReportDto {
        kind: "day".into(),
        shift: None,
        lines: ReportLinesDto::of(|l| r.text_lines(l)),
        paid_count: r.totals.paid.count,
        paid_sum: r.totals.paid.sum.get(),
        net: r.totals.net.get(),
        open: r.open.iter().map(|l| l.payment_id.clone()).collect(),
    }
}

fn parse_date(date: &str) -> ApiResult<till::time::NaiveDate> {
    till::time::parse_date(date)
        .ok_or_else(|| ApiError::new(ErrorCode::ConfigInvalid, "the date is YYYY-MM-DD"))
}

/// The signed-in user's open shift, if any.
#[tauri::command(rename_all = "snake_case")]
pub async fn shift_status(state: State<'_, AppState>) -> ApiResult<Option<ShiftDto>> {
    ready(&state).await;
    let user = state.signed_in()?;
    let till = state.till()?;
    let s = blocking(move || Ok(till.current_shift(user.id)?)).await?;
    Ok(s.as_ref().map(shift_dto))
}

/// Opens the signed-in user's shift (the open one is kept).
#[tauri::command(rename_all = "snake_case")]
pub async fn open_shift(state: State<'_, AppState>) -> ApiResult<ShiftDto> {
    ready(&state).await;
    let session = state
        .session()
        .ok_or_else(|| ApiError::new(ErrorCode::NotSignedIn, "nobody is signed in"))?;
    let till = state.till()?;
    let s = blocking(move || Ok(till.open_shift(&session, OpenedHow::Explicit)?)).await?;
    Ok(shift_dto(&s))
}

/// The X report of the signed-in user's open shift.
#[tauri::command(rename_all = "snake_case")]
pub async fn x_report(state: State<'_, AppState>) -> ApiResult<ReportDto> {
    ready(&state).await;
    let user = state.signed_in()?;
    let till = state.till()?;
    blocking(move || {
        let r = till.x_report(user.id, &user.name)?;
        Ok(shift_report_dto(&r))
    })
    .await
}

/// Closes the signed-in user's shift once their PIN is checked again (wrong PINs count
/// towards the lock-out): the Z report.
#[tauri::command(rename_all = "snake_case")]
pub async fn close_shift(state: State<'_, AppState>, pin: String) -> ApiResult<ReportDto> {
    ready(&state).await;
    let user = state.signed_in()?;
    let till = state.till()?;
    blocking(move || {
        let session = till.sign_in(&user.name, &pin)?;
        if session.user().id != user.id {
            return Err(ApiError::new(ErrorCode::Forbidden, "another user"));
        }
        let z = till.close_shift(&session)?;
        Ok(shift_report_dto(&z))
    })
    .await
}

/// A manager's day report (`YYYY-MM-DD`, the till's local day).
#[tauri::command(rename_all = "snake_case")]
pub async fn day_report(state: State<'_, AppState>, date: String) -> ApiResult<ReportDto> {
    ready(&state).await;
    state.manager()?;
    let till = state.till()?;
    let d = parse_date(&date)?;
    blocking(move || Ok(day_report_dto(&till.day_report(d)?))).await
}

/// A report asked for by a window: a shift's (`shift_id`, the signed-in user's own unless a
/// manager asks) or, for managers, a day's (`date`).
enum Made {
    Shift(Box<ShiftReport>),
    Day(Box<DayReport>),
}

async fn named_report(
    state: &AppState,
    shift_id: Option<i64>,
    date: Option<String>,
) -> ApiResult<Made> {
    let user = state.signed_in()?;
    let manager = state.manager().is_ok();
    let till = state.till()?;
    let day = match (&date, shift_id) {
        (Some(d), _) if manager => Some(parse_date(d)?),
        (Some(_), _) => return Err(ApiError::new(ErrorCode::Forbidden, "managers only")),
        (None, Some(_)) => None,
        (None, None) => return Err(ApiError::new(ErrorCode::ConfigInvalid, "no report named")),
    };
    blocking(move || match (day, shift_id) {
        (Some(d), _) => Ok(Made::Day(Box::new(till.day_report(d)?))),
        (None, Some(id)) => {
            let r = till.shift_report(id)?;
            if r.shift.user_id != user.id && !manager {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "another cashier's shift",
                ));
            }
            Ok(Made::Shift(Box::new(r)))
        }
        (None, None) => unreachable!("checked above"),
    })
    .await
}

/// Prints a report on the receipt printer (`printer.address`), its lines in `lang`.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_report(
    state: State<'_, AppState>,
    shift_id: Option<i64>,
    date: Option<String>,
    lang: String,
) -> ApiResult<()> {
    ready(&state).await;
    let lines = match named_report(&state, shift_id, date).await? {
        Made::Day(r) => r.text_lines(&lang),
        Made::Shift(r) => r.text_lines(&lang),
    };
    let till = state.till()?;
    let (title, rest) = lines
        .split_first()
        .map_or(("", &[][..]), |(t, r)| (t.as_str(), r));
    Ok(till.print_lines(title, rest).await?)
}

/// Saves a report as CSV or XLSX through the save dialog: a shift's (`shift_id`, the
/// signed-in user's own unless a manager asks) or, for managers, a day's (`date`).
#[tauri::command(rename_all = "snake_case")]
pub async fn export_report(
    app: AppHandle,
    state: State<'_, AppState>,
    shift_id: Option<i64>,
    date: Option<String>,
    format: ExportFormatDto,
    lang: String,
) -> ApiResult<ExportDone> {
    ready(&state).await;
    let made = named_report(&state, shift_id, date).await?;
    let stamp = match &made {
        Made::Day(r) => r.date.clone(),
        Made::Shift(r) => format!("shift-{}", r.shift.id),
    };
    let ext = match format {
        ExportFormatDto::Csv => "csv",
        ExportFormatDto::Xlsx => "xlsx",
    };
    let title = match till::report::Lang::from_code(&lang) {
        till::report::Lang::Uz => "Hisobotni saqlash",
        till::report::Lang::Ru => "Сохранить отчёт",
        till::report::Lang::En => "Save the report",
    };
    let name = format!("cashier-report-{stamp}.{ext}");
    let path = super::history::save_path(&app, title, &name, format).await?;
    let p = path.clone();
    blocking(move || {
        match (&made, format) {
            (Made::Day(r), ExportFormatDto::Xlsx) => r.write_xlsx(&p, &lang)?,
            (Made::Shift(r), ExportFormatDto::Xlsx) => r.write_xlsx(&p, &lang)?,
            (Made::Day(r), ExportFormatDto::Csv) => r.write_csv(
                std::fs::File::create(&p).map_err(till::TillError::from)?,
                &lang,
            )?,
            (Made::Shift(r), ExportFormatDto::Csv) => r.write_csv(
                std::fs::File::create(&p).map_err(till::TillError::from)?,
                &lang,
            )?,
        }
        Ok(())
    })
    .await?;
    Ok(ExportDone {
        path: path.display().to_string(),
        rows: 0,
    })
}
