//! The TypeScript side of the DTOs: `ui/src/bindings.ts`, generated from the Rust types with
//! ts-rs. The test below fails when the file is stale; `UPDATE_BINDINGS=1 cargo test -p
//! cashier-app bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::dto::*;
use crate::error::{ApiError, ErrorCode};

/// The whole generated file.
pub fn typescript() -> String {
    let cfg = Config::default();
    let mut out = String::from(
        "// Generated from src-tauri/src/{dto,error}.rs by ts-rs. Do not edit by hand:\n\
         // `UPDATE_BINDINGS=1 cargo test -p cashier-app bindings` rewrites it, and CI fails when it\n\
         // is stale. Money is integer tiyin; times are Unix milliseconds.\n\n",
    );
    macro_rules! decl {
        ($($t:ty),* $(,)?) => {
            $(
                out.push_str("export ");
                out.push_str(&<$t as TS>::decl(&cfg));
                out.push_str("\n\n");
            )*
        };
    }
    decl!(
        ErrorCode,
        ApiError,
        KindDto,
        StateDto,
        RoleDto,
        UserDto,
        DemoUser,
        DemoInfo,
        SaleFlowDto,
        FlowReasonDto,
        FlowDto,
        AppInfo,
        FirstScreen,
        LinkDto,
        SalePhase,
        SaleView,
        UiEvent,
        HistoryQuery,
        OutcomeDto,
        CursorDto,
        HistoryRowDto,
        HistoryPageDto,
        TimelineEntryDto,
        PaymentDetail,
        CardDto,
        PayoutInputDto,
        PayoutRequestDto,
        SettingDto,
        SettingsView,
        ExportDone,
        crate::backup::BackupStatusDto,
        crate::backup::KeysMissingDto,
        crate::backup::RestoredDto,
        crate::backup::BackupDoneDto,
        SaleRefDto,
        ReturnableDto,
        TotalsDto,
        crate::commands::reconcile::ReconcileItemDto,
        crate::commands::reconcile::ReconcileReportDto,
        crate::commands::reconcile::ReconcileStatusDto,
        crate::commands::print::ReceiptDto,
        crate::commands::print::ReceiptLineDto,
        crate::commands::print::PrintFailedDto,
        UserTileDto,
        crate::commands::shifts::ShiftDto,
        crate::commands::shifts::ReportLinesDto,
        crate::commands::shifts::ReportDto,
        crate::commands::shifts::ExportFormatDto,
        KeypadDto,
        MonitorDto,
        DisplayPrefs,
    );
    out.push_str(&format!(
        "/** The Tauri event every window listens to. */\nexport const EVENT = {:?};\n\n",
        crate::events::EVENT
    ));
    out.push_str("/** Every command the shell offers. */\nexport type Command =\n");
    for name in crate::commands::NAMES {
        out.push_str(&format!("  | {name:?}\n"));
    }
    out.push_str(";\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn bindings_are_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let want = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is stale: run `UPDATE_BINDINGS=1 cargo test -p cashier-app bindings` and commit it",
            path.display()
        );
    }
}
