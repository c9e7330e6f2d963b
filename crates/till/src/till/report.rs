//! A till's report, returns from the sale, sign-in tiles: reads for the people at the till.

use std::io::Write;

use super::Till;
use crate::db::history::{self, HistoryFilter};
use crate::error::Result;

impl Till {
    /// The totals of everything `filter` matches (paid, not paid, returned, net).
    pub fn history_totals(&self, filter: &HistoryFilter) -> Result<history::Totals> {
        self.core.read(|c| history::totals(c, filter))
    }

    /// The CSV export in a style (the app's: the user's language and local time).
    pub fn export_csv_as<W: Write>(
        &self,
        out: W,
        filter: &HistoryFilter,
        style: crate::db::csv::CsvStyle,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        self.core
            .read(|c| crate::db::csv::export(c, filter, style, out, progress))
    }

    /// What is left to return of a sale (the rule a payout request is checked by).
    pub fn returnable(&self, sale_payment_id: &str) -> Result<crate::db::returns::Returnable> {
        self.core
            .read(|c| crate::db::returns::returnable(c, sale_payment_id))
    }

    /// The sales these returns belong to.
    pub fn sale_refs(&self, payment_ids: &[String]) -> Result<Vec<crate::db::returns::SaleRef>> {
        self.core
            .read(|c| crate::db::returns::sale_refs(c, payment_ids))
    }

    /// The sale a payout returns money of, if any.
    pub fn sale_of_payout(
        &self,
        payout_payment_id: &str,
    ) -> Result<Option<crate::db::returns::SaleRef>> {
        self.core
            .read(|c| crate::db::returns::sale_of_payout(c, payout_payment_id))
    }

    /// Every user as a sign-in tile (with a lock-out that holds now, and the last sign-in).
    pub fn sign_in_tiles(&self) -> Result<Vec<crate::db::sign_in::UserTile>> {
        self.core.read(crate::db::sign_in::tiles)
    }

    /// Where the user's shift started ("this shift" in history).
    pub fn current_shift_start(&self, user_id: i64) -> Result<Option<i64>> {
        self.core
            .read(|c| crate::db::sign_in::current_shift_start(c, user_id))
    }
}
