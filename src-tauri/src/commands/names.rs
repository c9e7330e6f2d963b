// Included by commands/mod.rs and by build.rs (one list for both).
/// Every command's name: `build.rs` declares the same list, so each gets an `allow-<name>`
/// permission and the capabilities grant exactly what each window uses.
// Read by build.rs and by the bindings generator (a test), not by the app itself.
#[allow(dead_code)]
pub const NAMES: &[&str] = &[
    "app_info",
    "sign_in",
    "sign_out",
    "user_names",
    "create_first_manager",
    "set_language",
    "start_sale",
    "abandon_sale",
    "new_sale",
    "current_sale",
    "open_customer_display",
    "history",
    "payment_detail",
    "export_history",
    "cards",
    "request_payout",
    "payout_requests",
    "approve_payout",
    "reject_payout",
    "settings",
    "set_setting",
    "set_secret",
    "add_user",
    "reset_pin",
    "unlock_user",
    "set_user_active",
    "connect_real_till",
    "change_own_pin",
    "ui_ready",
];
