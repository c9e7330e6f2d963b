//! What crosses into the web view, and nothing more: masked cards only, no secret, no card
//! identifier. Money is integer tiyin (`number` in TypeScript, always an integer far below
//! 2^53); times are Unix milliseconds. TypeScript types are generated from these (ts-rs; see
//! `bindings.rs`) into `ui/src/bindings.ts`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Sale or payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KindDto {
    Sale,
    Payout,
}

/// The local state of a payment (see `till::State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StateDto {
    Created,
    Sending,
    Accepted,
    Pending,
    Success,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RoleDto {
    Cashier,
    Manager,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UserDto {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: RoleDto,
    /// False once a manager deactivated the user (no sign-in, no approvals).
    pub active: bool,
    /// A manager whose PIN is shorter than managers' PINs must be: the UI asks for a new one
    /// at once, and the till confirms nothing of theirs until then.
    pub pin_change_required: bool,
}

/// A demo user whose PIN the sign-in screen shows (demo mode only).
#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoUser {
    pub name: String,
    pub role: RoleDto,
    pub pin: String,
}

/// Demo mode: the sandbox runs inside the app.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoInfo {
    /// Where the sandbox's bot pages are (the QR codes point there).
    pub sandbox_url: String,
    pub users: Vec<DemoUser>,
    /// ECommPay's production gateway, offered when connecting the till for real.
    pub gateway_url: String,
    /// ECommPay's production Payment Page, offered with it.
    pub payment_page_url: String,
    /// The computer has no Secret Service: the demo's throwaway keys are in a file of its own
    /// folder, and a real till cannot be set up here until there is one (the banner says how).
    pub keys_in_file: bool,
}

/// How a till starts a sale (see `till::config::SaleFlow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SaleFlowDto {
    /// The till signs a Payment Page link itself: nothing needs to reach the till.
    PaymentPage,
    /// The Gate starts the sale and sends the link by callback: the till must be reachable.
    Gate,
}

/// Why a till uses its flow (see `till::config::FlowReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FlowReasonDto {
    /// A manager chose it (`sale.flow`).
    Configured,
    /// Automatic: the callback listener is on with a public address.
    ListenerPublic,
    /// Automatic: the gateway cannot reach the till.
    NoInbound,
}

/// The flow in use, for Settings (the UI words it in the user's language).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FlowDto {
    pub flow: SaleFlowDto,
    pub reason: FlowReasonDto,
    /// `sale.flow` as set; none: automatic.
    pub chosen: Option<SaleFlowDto>,
    /// Gate with no callback listener the gateway can reach: the link would never arrive.
    pub link_cannot_arrive: bool,
}

/// What the UI needs at start.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub demo: Option<DemoInfo>,
    /// `uz`, `ru` or `en`.
    pub language: String,
    pub till_code: String,
    pub user: Option<UserDto>,
    /// Whether any user exists (if not, the first manager is created at sign-in).
    pub has_users: bool,
    pub gateway_ok: bool,
    /// How long a sale's QR stays payable (the countdown).
    pub qr_valid_secs: u32,
    /// The largest single sale, in tiyin.
    #[ts(type = "number")]
    pub sale_max: i64,
    /// How sales start (the banner words a lost connection accordingly).
    pub flow: SaleFlowDto,
    /// Late results told before this window listened and not dismissed yet (`late_success`,
    /// `late_decline`): shown as if their events had just come.
    pub late: Vec<UiEvent>,
}

/// The cashier's window's first questions in one answer (one IPC round trip at start-up, not
/// three: issue 12): what `app_info`, `keys_missing` and `current_sale` say.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FirstScreen {
    pub info: AppInfo,
    pub keys_missing: Option<crate::backup::KeysMissingDto>,
    pub sale: Option<SaleView>,
}

/// The link the customer opens.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LinkDto {
    pub url: String,
    /// `GET` or `POST`.
    pub method: String,
    /// False when the link must be opened with POST: a phone cannot do that from a QR code.
    pub scannable: bool,
    /// The QR code as an SVG document (only when scannable).
    pub qr_svg: Option<String>,
    /// Signed by the till (Payment Page) or sent by the gateway (Gate).
    pub flow: SaleFlowDto,
}

/// Where the sale on screen stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SalePhase {
    /// Written and sent; no link yet.
    Starting,
    /// The QR is shown; the customer has not paid yet.
    WaitingCustomer,
    /// The customer acted; the bank is deciding.
    Checking,
    Success,
    Declined,
}

/// The sale on screen (the main window and the customer display both show it).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SaleView {
    pub payment_id: String,
    #[ts(type = "number")]
    pub amount: i64,
    pub phase: SalePhase,
    pub link: Option<LinkDto>,
    /// When the link arrived (the countdown starts there), Unix ms.
    #[ts(type = "number | null")]
    pub link_at: Option<i64>,
    pub masked_card: Option<String>,
    /// The gateway's decline code and message, when declined.
    pub code: Option<String>,
    pub message: Option<String>,
    /// Gate flow: the gateway accepted the sale but no link came (its callbacks are not
    /// reaching the till); the sale is still followed.
    pub link_missing: bool,
}

impl SaleView {
    /// A sale being started: no link, no result yet.
    pub fn starting(payment_id: String, amount: i64) -> SaleView {
        SaleView {
            payment_id,
            amount,
            phase: SalePhase::Starting,
            link: None,
            link_at: None,
            masked_card: None,
            code: None,
            message: None,
            link_missing: false,
        }
    }
}

/// Pushed to the web view as the Tauri event `till` (no polling).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum UiEvent {
    /// The sale on screen changed (also sent to the customer display).
    Sale { sale: Option<SaleView> },
    /// Any payment's state changed (history and payouts refresh on it).
    PaymentChanged { payment_id: String, state: StateDto },
    /// An abandoned sale was paid after all: raise it loudly.
    LateSuccess {
        payment_id: String,
        #[ts(type = "number")]
        amount: i64,
    },
    /// A sale open when the app stopped ended unpaid while nobody watched: raise it too.
    LateDecline {
        payment_id: String,
        #[ts(type = "number")]
        amount: i64,
    },
    /// A gateway message was kept but not applied.
    Flagged { payment_id: String, reason: String },
    /// The gateway is reachable or not.
    Health {
        gateway_ok: bool,
        code: Option<String>,
    },
    PayoutRequested {
        #[ts(type = "number")]
        request_id: i64,
        #[ts(type = "number")]
        amount: i64,
    },
    PayoutDecided {
        #[ts(type = "number")]
        request_id: i64,
        approved: bool,
        payment_id: Option<String>,
    },
    /// CSV export progress (rows written so far).
    ExportProgress {
        #[ts(type = "number")]
        rows: u64,
    },
    /// Events were missed (the UI reloads what it shows).
    Lagged,
    /// The language was switched (the customer display follows the till's).
    Language { language: String },
    /// The running till was replaced (a demo till connected to the real gateway): every window
    /// starts afresh.
    TillChanged,
}

/// History filter (all optional).
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct HistoryQuery {
    #[ts(type = "number | null")]
    pub from_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub to_ms: Option<i64>,
    pub state: Option<StateDto>,
    pub kind: Option<KindDto>,
    #[ts(type = "number | null")]
    pub amount_min: Option<i64>,
    #[ts(type = "number | null")]
    pub amount_max: Option<i64>,
    /// Payment id prefix, masked card, or the card's last four digits.
    pub text: Option<String>,
    /// Paid, not paid or in progress (the plain states; `state` is the technical one).
    #[serde(default)]
    pub outcome: Option<OutcomeDto>,
}

/// The plain states people filter history by (see `till::db::history::Outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeDto {
    Paid,
    NotPaid,
    Open,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS)]
pub struct CursorDto {
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub id: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HistoryRowDto {
    #[ts(type = "number")]
    pub id: i64,
    pub payment_id: String,
    pub kind: KindDto,
    #[ts(type = "number")]
    pub amount: i64,
    pub state: StateDto,
    pub gateway_status: Option<String>,
    pub masked_card: Option<String>,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number | null")]
    pub final_at: Option<i64>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub flagged: bool,
    pub abandoned: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HistoryPageDto {
    pub rows: Vec<HistoryRowDto>,
    pub next: Option<CursorDto>,
}

/// One gateway message of a payment. `raw` (redacted JSON) only for managers.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TimelineEntryDto {
    #[ts(type = "number")]
    pub id: i64,
    /// `answer`, `status`, `callback` or `error`.
    pub source: String,
    #[ts(type = "number")]
    pub received_at: i64,
    pub http_status: Option<u16>,
    /// `verified`, `absent`, `bad` or `none`.
    pub signature: String,
    pub status: Option<String>,
    pub applied: bool,
    pub flag: Option<String>,
    #[ts(type = "unknown")]
    pub raw: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PaymentDetail {
    pub row: HistoryRowDto,
    pub created_by: Option<String>,
    pub description: Option<String>,
    pub timeline: Vec<TimelineEntryDto>,
    /// How much of this sale may still be returned (sales that succeeded), in tiyin.
    pub returnable: bool,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    /// A sale: what has been returned of it and what is left (the "Return money" button).
    pub returns: Option<ReturnableDto>,
    /// A payout: the sale whose money it returned, if any.
    pub returns_sale: Option<SaleRefDto>,
}

/// A saved card: masked only.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardDto {
    #[ts(type = "number")]
    pub id: i64,
    pub masked: String,
    pub first_payment_id: String,
    #[ts(type = "number")]
    pub last_used_at: i64,
    #[ts(type = "number")]
    pub use_count: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PayoutInputDto {
    #[ts(type = "number")]
    pub card_id: i64,
    #[ts(type = "number")]
    pub amount: i64,
    pub reason: String,
    /// "Return money" of this sale.
    pub sale_payment_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PayoutRequestDto {
    #[ts(type = "number")]
    pub id: i64,
    pub masked_card: String,
    pub sale_payment_id: Option<String>,
    #[ts(type = "number")]
    pub amount: i64,
    pub reason: String,
    pub requested_name: String,
    #[ts(type = "number")]
    pub requested_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    /// `requested`, `approved`, `rejected` or `expired`.
    pub status: String,
    pub approver: Option<String>,
    /// The deciding manager's note (the reason of a rejection), if any.
    pub decision_note: Option<String>,
    pub payment_id: Option<String>,
    pub payment_state: Option<String>,
    /// The sale this request returns money of (its id, time and amount), if any.
    pub sale: Option<SaleRefDto>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingDto {
    pub key: String,
    pub value: String,
}

/// The settings screen. The secret appears only as "configured" or not.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsView {
    pub values: Vec<SettingDto>,
    pub secret_configured: bool,
    pub users: Vec<UserDto>,
    pub data_dir: String,
    pub flow: FlowDto,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportDone {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// When the sale screen shows its on-screen keypad (`ui.keypad`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeypadDto {
    /// On a touch screen (the window checks for a coarse pointer).
    Auto,
    Always,
    Never,
}

/// A monitor the customer display can be put on.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MonitorDto {
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// How the cashier's window and the customer display look and sound (every user reads them;
/// managers change them with `set_setting`).
#[derive(Debug, Clone, Serialize, TS)]
pub struct DisplayPrefs {
    pub keypad: KeypadDto,
    pub sound: bool,
    pub customer_fullscreen: bool,
    /// The monitor chosen for the customer display, if any.
    pub customer_monitor: Option<String>,
    pub monitors: Vec<MonitorDto>,
}

/// A sale as a return names it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SaleRefDto {
    pub payment_id: String,
    #[ts(type = "number")]
    pub amount: i64,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// What is left to return of a sale (tiyin).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReturnableDto {
    pub sale: SaleRefDto,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    pub masked_card: Option<String>,
    /// A sale that succeeded with a saved card: its money can go back.
    pub eligible: bool,
    /// Paid back already.
    #[ts(type = "number")]
    pub returned: i64,
    /// Asked for or on its way back.
    #[ts(type = "number")]
    pub pending: i64,
    /// What one more return may ask for.
    #[ts(type = "number")]
    pub returnable: i64,
}

/// The totals of a history filter (all of it, not only the loaded page), tiyin.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TotalsDto {
    #[ts(type = "number")]
    pub paid_count: u64,
    #[ts(type = "number")]
    pub paid_sum: i64,
    #[ts(type = "number")]
    pub unpaid_count: u64,
    #[ts(type = "number")]
    pub open_count: u64,
    #[ts(type = "number")]
    pub returned_count: u64,
    #[ts(type = "number")]
    pub returned_sum: i64,
    #[ts(type = "number")]
    pub returning_sum: i64,
    /// Paid minus returned.
    #[ts(type = "number")]
    pub net: i64,
}

/// A user on the sign-in screen.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UserTileDto {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: RoleDto,
    /// Until when wrong PINs lock the user out (Unix ms), when that is still ahead.
    #[ts(type = "number | null")]
    pub locked_until: Option<i64>,
    /// Locked until a manager unlocks (the last step of the lock-out schedule).
    pub locked_for_good: bool,
    /// The last sign-in with a PIN, or sign-out in this run (the most recent is pre-selected).
    #[ts(type = "number | null")]
    pub last_sign_in: Option<i64>,
}
