// Generated from src-tauri/src/{dto,error}.rs by ts-rs. Do not edit by hand:
// `UPDATE_BINDINGS=1 cargo test -p cashier-app bindings` rewrites it, and CI fails when it
// is stale. Money is integer tiyin; times are Unix milliseconds.

export type ErrorCode = "not_initialised" | "config_invalid" | "data_dir" | "keyring_unavailable" | "keyring_failure" | "secret_missing" | "secret_empty" | "data_key_missing" | "data_key_mismatch" | "keys_missing" | "pin_key_mismatch" | "passphrase_empty" | "passphrase_too_short" | "backup_wrong_passphrase" | "backup_damaged" | "backup_too_new" | "restore_target_has_till" | "backup_not_set_up" | "vault_decrypt" | "database" | "schema_too_new" | "invalid_amount" | "above_limit" | "invalid_request" | "gateway_unreachable" | "gateway_timeout" | "gateway_interrupted" | "gateway_rejected" | "gateway_server_error" | "gateway_malformed" | "gateway_bad_signature" | "credentials_refused" | "needs_connect" | "engine_busy" | "payment_not_found" | "card_not_found" | "payout_request_not_found" | "payout_not_pending" | "payout_expired" | "self_approval" | "not_manager" | "daily_limit" | "return_above_sale" | "sale_not_returnable" | "card_not_of_sale" | "reason_missing" | "user_exists" | "user_not_found" | "user_inactive" | "last_manager" | "wrong_pin" | "locked" | "locked_until_unlocked" | "sign_in_throttled" | "pin_missing" | "manager_pin_too_short" | "pin_change_required" | "manager_required" | "requester_required" | "audit_key" | "bad_pin" | "bad_name" | "bad_role" | "audit_broken" | "listener" | "io" | "data_api_missing" | "data_api_refused" | "data_api_failed" | "no_open_shift" | "shift_not_found" | "spreadsheet" | "not_signed_in" | "forbidden" | "sale_in_progress" | "cancelled" | "already_set_up" | "already_connected";

export type ApiError = { code: ErrorCode, 
/**
 * English detail for logs and managers; the UI shows its translation of `code` first.
 */
message: string, };

export type KindDto = "sale" | "payout";

export type StateDto = "created" | "sending" | "accepted" | "pending" | "success" | "failed";

export type RoleDto = "cashier" | "manager";

export type UserDto = { id: number, name: string, role: RoleDto, 
/**
 * False once a manager deactivated the user (no sign-in, no approvals).
 */
active: boolean, 
/**
 * A manager whose PIN is shorter than managers' PINs must be: the UI asks for a new one
 * at once, and the till confirms nothing of theirs until then.
 */
pin_change_required: boolean, };

export type DemoUser = { name: string, role: RoleDto, pin: string, };

export type DemoInfo = { 
/**
 * Where the sandbox's bot pages are (the QR codes point there).
 */
sandbox_url: string, users: Array<DemoUser>, 
/**
 * ECommPay's production gateway, offered when connecting the till for real.
 */
gateway_url: string, 
/**
 * ECommPay's production Payment Page, offered with it.
 */
payment_page_url: string, 
/**
 * The computer has no Secret Service: the demo's throwaway keys are in a file of its own
 * folder, and a real till cannot be set up here until there is one (the banner says how).
 */
keys_in_file: boolean, };

export type SaleFlowDto = "payment_page" | "gate";

export type FlowReasonDto = "configured" | "listener_public" | "no_inbound";

export type FlowDto = { flow: SaleFlowDto, reason: FlowReasonDto, 
/**
 * `sale.flow` as set; none: automatic.
 */
chosen: SaleFlowDto | null, 
/**
 * Gate with no callback listener the gateway can reach: the link would never arrive.
 */
link_cannot_arrive: boolean, };

export type AppInfo = { version: string, demo: DemoInfo | null, 
/**
 * `uz`, `ru` or `en`.
 */
language: string, till_code: string, user: UserDto | null, 
/**
 * Whether any user exists (if not, the first manager is created at sign-in).
 */
has_users: boolean, gateway_ok: boolean, 
/**
 * How long a sale's QR stays payable (the countdown).
 */
qr_valid_secs: number, 
/**
 * The largest single sale, in tiyin.
 */
sale_max: number, 
/**
 * How sales start (the banner words a lost connection accordingly).
 */
flow: SaleFlowDto, 
/**
 * Late results told before this window listened and not dismissed yet (`late_success`,
 * `late_decline`): shown as if their events had just come.
 */
late: Array<UiEvent>, };

export type FirstScreen = { info: AppInfo, keys_missing: KeysMissingDto | null, sale: SaleView | null, };

export type LinkDto = { url: string, 
/**
 * `GET` or `POST`.
 */
method: string, 
/**
 * False when the link must be opened with POST: a phone cannot do that from a QR code.
 */
scannable: boolean, 
/**
 * The QR code as an SVG document (only when scannable).
 */
qr_svg: string | null, 
/**
 * Signed by the till (Payment Page) or sent by the gateway (Gate).
 */
flow: SaleFlowDto, };

export type SalePhase = "starting" | "waiting_customer" | "checking" | "success" | "declined";

export type SaleView = { payment_id: string, amount: number, phase: SalePhase, link: LinkDto | null, 
/**
 * When the link arrived (the countdown starts there), Unix ms.
 */
link_at: number | null, masked_card: string | null, 
/**
 * The gateway's decline code and message, when declined.
 */
code: string | null, message: string | null, 
/**
 * Gate flow: the gateway accepted the sale but no link came (its callbacks are not
 * reaching the till); the sale is still followed.
 */
link_missing: boolean, };

export type UiEvent = { "event": "sale", sale: SaleView | null, } | { "event": "payment_changed", payment_id: string, state: StateDto, } | { "event": "late_success", payment_id: string, amount: number, } | { "event": "late_decline", payment_id: string, amount: number, } | { "event": "flagged", payment_id: string, reason: string, } | { "event": "health", gateway_ok: boolean, code: string | null, } | { "event": "payout_requested", request_id: number, amount: number, } | { "event": "payout_decided", request_id: number, approved: boolean, payment_id: string | null, } | { "event": "export_progress", rows: number, } | { "event": "lagged" } | { "event": "language", language: string, } | { "event": "till_changed" };

export type HistoryQuery = { from_ms: number | null, to_ms: number | null, state: StateDto | null, kind: KindDto | null, amount_min: number | null, amount_max: number | null, 
/**
 * Payment id prefix, masked card, or the card's last four digits.
 */
text: string | null, 
/**
 * Paid, not paid or in progress (the plain states; `state` is the technical one).
 */
outcome: OutcomeDto | null, };

export type OutcomeDto = "paid" | "not_paid" | "open";

export type CursorDto = { created_at: number, id: number, };

export type HistoryRowDto = { id: number, payment_id: string, kind: KindDto, amount: number, state: StateDto, gateway_status: string | null, masked_card: string | null, created_at: number, final_at: number | null, code: string | null, message: string | null, flagged: boolean, abandoned: boolean, };

export type HistoryPageDto = { rows: Array<HistoryRowDto>, next: CursorDto | null, };

export type TimelineEntryDto = { id: number, 
/**
 * `answer`, `status`, `callback` or `error`.
 */
source: string, received_at: number, http_status: number | null, 
/**
 * `verified`, `absent`, `bad` or `none`.
 */
signature: string, status: string | null, applied: boolean, flag: string | null, raw: unknown, };

export type PaymentDetail = { row: HistoryRowDto, created_by: string | null, description: string | null, timeline: Array<TimelineEntryDto>, 
/**
 * How much of this sale may still be returned (sales that succeeded), in tiyin.
 */
returnable: boolean, card_id: number | null, 
/**
 * A sale: what has been returned of it and what is left (the "Return money" button).
 */
returns: ReturnableDto | null, 
/**
 * A payout: the sale whose money it returned, if any.
 */
returns_sale: SaleRefDto | null, };

export type CardDto = { id: number, masked: string, first_payment_id: string, last_used_at: number, use_count: number, };

export type PayoutInputDto = { card_id: number, amount: number, reason: string, 
/**
 * "Return money" of this sale.
 */
sale_payment_id: string | null, };

export type PayoutRequestDto = { id: number, masked_card: string, sale_payment_id: string | null, amount: number, reason: string, requested_name: string, requested_at: number, expires_at: number, 
/**
 * `requested`, `approved`, `rejected` or `expired`.
 */
status: string, approver: string | null, 
/**
 * The deciding manager's note (the reason of a rejection), if any.
 */
decision_note: string | null, payment_id: string | null, payment_state: string | null, 
/**
 * The sale this request returns money of (its id, time and amount), if any.
 */
sale: SaleRefDto | null, };

export type SettingDto = { key: string, value: string, };

export type SettingsView = { values: Array<SettingDto>, secret_configured: boolean, users: Array<UserDto>, data_dir: string, flow: FlowDto, };

export type ExportDone = { path: string, rows: number, };

export type BackupStatusDto = { folder: string | null, daily: boolean, keep: number, 
/**
 * Whether a passphrase for automatic backups is kept in the keyring.
 */
passphrase_set: boolean, last_at: number | null, last_ok: boolean | null, 
/**
 * The file written, or the English detail of what went wrong.
 */
last_detail: string | null, 
/**
 * What went wrong, as an error code (translated by the UI).
 */
last_code: string | null, last_success_at: number | null, 
/**
 * No successful backup for 7 days: the UI warns.
 */
overdue: boolean, };

export type KeysMissingDto = { 
/**
 * Keyring entry names: `api-secret`, `data-key`, `pin-pepper`.
 */
missing: Array<string>, data_dir: string, };

export type RestoredDto = { till_code: string, 
/**
 * When the backup was made.
 */
created_at: number, with_secret: boolean, payments: number, };

export type BackupDoneDto = { path: string, bytes: number, };

export type SaleRefDto = { payment_id: string, amount: number, created_at: number, };

export type ReturnableDto = { sale: SaleRefDto, card_id: number | null, masked_card: string | null, 
/**
 * A sale that succeeded with a saved card: its money can go back.
 */
eligible: boolean, 
/**
 * Paid back already.
 */
returned: number, 
/**
 * Asked for or on its way back.
 */
pending: number, 
/**
 * What one more return may ask for.
 */
returnable: number, };

export type TotalsDto = { paid_count: number, paid_sum: number, unpaid_count: number, open_count: number, returned_count: number, returned_sum: number, returning_sum: number, 
/**
 * Paid minus returned.
 */
net: number, };

export type ReconcileItemDto = { kind: string, payment_id: string, payment_type: string, till_state: string | null, gateway_status: string | null, 
/**
 * `paid`, `not_paid` or `open`, on each side.
 */
till_outcome: string | null, gateway_outcome: string | null, till_amount: number | null, gateway_amount: number | null, 
/**
 * What the gateway gave when it was not an integer of tiyin.
 */
gateway_amount_raw: string | null, at: string | null, loud: boolean, is_difference: boolean, };

export type ReconcileReportDto = { date: string, time_zone: string, operations_fetched: number, pages: number, till_payments: number, matched: number, differences: number, other_tills: number, missed_successes: Array<string>, items: Array<ReconcileItemDto>, };

export type ReconcileStatusDto = { configured: boolean, last_date: string | null, last_differences: number, missed_successes: Array<string>, };

export type ReceiptDto = { payment_id: string, width: number, lines: Array<ReceiptLineDto>, 
/**
 * Whether a printer is set (`printer.address`): "Print" is offered only then.
 */
printer_configured: boolean, };

export type ReceiptLineDto = { "kind": "text", text: string, bold: boolean, } | { "kind": "big", text: string, } | { "kind": "qr", data: string, svg: string | null, };

export type PrintFailedDto = { payment_id: string, error: ApiError, };

export type UserTileDto = { id: number, name: string, role: RoleDto, 
/**
 * Until when wrong PINs lock the user out (Unix ms), when that is still ahead.
 */
locked_until: number | null, 
/**
 * Locked until a manager unlocks (the last step of the lock-out schedule).
 */
locked_for_good: boolean, 
/**
 * The last sign-in with a PIN, or sign-out in this run (the most recent is pre-selected).
 */
last_sign_in: number | null, };

export type ShiftDto = { id: number, cashier: string, till_code: string, opened_at: number, 
/**
 * `sign_in` or `explicit`.
 */
opened_how: string, closed_at: number | null, };

export type ReportLinesDto = { uz: Array<string>, ru: Array<string>, en: Array<string>, };

export type ReportDto = { 
/**
 * `x`, `z`, `shift` (a closed shift read again) or `day`.
 */
kind: string, shift: ShiftDto | null, lines: ReportLinesDto, paid_count: number, paid_sum: number, net: number, 
/**
 * Payments not final (at the close, for a Z report): still followed.
 */
open: Array<string>, };

export type ExportFormatDto = "csv" | "xlsx";

export type KeypadDto = "auto" | "always" | "never";

export type MonitorDto = { name: string, width: number, height: number, };

export type DisplayPrefs = { keypad: KeypadDto, sound: boolean, customer_fullscreen: boolean, 
/**
 * The monitor chosen for the customer display, if any.
 */
customer_monitor: string | null, monitors: Array<MonitorDto>, };

/** The Tauri event every window listens to. */
export const EVENT = "till";

/** Every command the shell offers. */
export type Command =
  | "app_info"
  | "first_screen"
  | "sign_in"
  | "sign_out"
  | "user_names"
  | "create_first_manager"
  | "set_language"
  | "start_sale"
  | "abandon_sale"
  | "new_sale"
  | "current_sale"
  | "open_customer_display"
  | "history"
  | "payment_detail"
  | "export_history"
  | "cards"
  | "request_payout"
  | "payout_requests"
  | "approve_payout"
  | "reject_payout"
  | "settings"
  | "set_setting"
  | "set_secret"
  | "add_user"
  | "reset_pin"
  | "unlock_user"
  | "set_user_active"
  | "connect_real_till"
  | "reconnect_till"
  | "change_own_pin"
  | "ui_ready"
  | "dismiss_late"
  | "keys_missing"
  | "backup_status"
  | "set_backup"
  | "set_backup_passphrase"
  | "backup_now"
  | "restore_backup"
  | "history_totals"
  | "reconcile_day"
  | "set_data_api"
  | "reconcile_status"
  | "receipt_preview"
  | "print_receipt"
  | "print_pay_slip"
  | "test_print"
  | "returnable"
  | "sign_in_choices"
  | "shift_start"
  | "shift_status"
  | "open_shift"
  | "x_report"
  | "close_shift"
  | "day_report"
  | "export_report"
  | "print_report"
  | "display_prefs"
  | "open_data_folder"
  | "start_demo"
;
