//! Shifts and their reports, and spreadsheets of history (see [`crate::report`]).

use std::path::Path;

use serde_json::json;

use super::Till;
use crate::auth::Session;
use crate::db::history::HistoryFilter;
use crate::db::shifts::{self, OpenedHow, Shift};
use crate::db::users::Role;
use crate::error::{Result, TillError};
use crate::report::{self, DayReport, Lang, ShiftReport};
use crate::time::NaiveDate;

impl Till {
    /// Opens the signed-in user's shift (or returns the one open: at most one per user).
    pub fn open_shift(&self, session: &Session, how: OpenedHow) -> Result<Shift> {
        let till_code = self.core.config().till_code.clone();
        let u = session.user();
        let (shift, _) = shifts::open(&self.core.db().conn, u.id, &u.name, &till_code, how)?;
        Ok(shift)
    }

    /// What signing in to the app does: a cashier's shift opens (managers open theirs by
    /// hand, so that approving a payout does not start one). Returns the open shift, if any.
    pub fn shift_at_sign_in(&self, session: &Session) -> Result<Option<Shift>> {
        if session.user().role == Role::Cashier {
            return self.open_shift(session, OpenedHow::SignIn).map(Some);
        }
        self.current_shift(session.user().id)
    }

    /// The user's open shift.
    pub fn current_shift(&self, user_id: i64) -> Result<Option<Shift>> {
        self.core.read(|c| shifts::open_of(c, user_id))
    }

    /// Closes the signed-in user's open shift: its Z report, made in the close's transaction
    /// (its totals are kept in the audit log's `shift_closed` row). Payments still open stay
    /// followed and end in this shift.
    pub fn close_shift(&self, session: &Session) -> Result<ShiftReport> {
        let u = session.user();
        let mut z = None;
        shifts::close(&self.core.db().conn, u.id, &u.name, &u.name, |c, s, at| {
            let r = report::shift_report_at_close(c, s, at)?;
            let detail = json!({
                "till": s.till_code,
                "totals": r.totals,
                "open": r.open.iter().map(|l| &l.payment_id).collect::<Vec<_>>(),
            });
            z = Some(r);
            Ok(detail)
        })?;
        z.ok_or_else(|| TillError::NoOpenShift(u.name.clone()))
    }

    /// A shift's report now: X while it is open, the closed shift's (with what ended after
    /// the close) once closed.
    pub fn shift_report(&self, shift_id: i64) -> Result<ShiftReport> {
        self.core.read(|c| report::shift_report(c, shift_id))
    }

    /// The X report of the user's open shift.
    pub fn x_report(&self, user_id: i64, name: &str) -> Result<ShiftReport> {
        let shift = self
            .current_shift(user_id)?
            .ok_or_else(|| TillError::NoOpenShift(name.to_owned()))?;
        self.shift_report(shift.id)
    }

    /// The latest shifts, newest first.
    pub fn recent_shifts(&self, limit: u32) -> Result<Vec<Shift>> {
        self.core.read(|c| shifts::recent(c, limit))
    }

    /// The day report of a local day, across shifts, with the audit chain's head.
    pub fn day_report(&self, date: NaiveDate) -> Result<DayReport> {
        let from = crate::time::local_day_start(date);
        let to = crate::time::local_day_start(date.succ_opt().unwrap_or(date));
        let head = self.audit_head()?;
        let till_code = self.core.config().till_code.clone();
        let text = date.format("%Y-%m-%d").to_string();
        self.core
            .read(|c| report::day_report(c, &text, &till_code, from, to, head))
    }

    /// The filtered history as an XLSX file in `lang` (typed cells, one frozen header row).
    pub fn export_history_xlsx(
        &self,
        path: &Path,
        filter: &HistoryFilter,
        lang: &str,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        let lang = Lang::from_code(lang);
        self.core
            .read(|c| crate::export::history_xlsx(c, filter, lang, path, progress))
    }
}
