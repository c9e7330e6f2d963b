//! Every wire name and format of the Data API that the protocol doc (section 7) leaves open, in
//! one place. The doc confirms the endpoint (`POST https://data.ecommpay.com/v1/operations/get`),
//! `token`, `signature` (made with the token's own secret, same algorithm as the Gate),
//! `time_zone` (IANA), `limit` (at most 1000, default 1000), `offset` (default 0) and
//! `operation_created_at` / `operation_completed_at`. Everything marked **[open]** below is our
//! best reading of ECommPay's Data API pages and is not confirmed: if the real API disagrees,
//! change it here and nowhere else.

/// ECommPay's Data API base URL (doc section 7). The client appends [`OPERATIONS_GET`].
pub const PRODUCTION_BASE_URL: &str = "https://data.ecommpay.com/v1";
/// The operations endpoint, under the base URL.
pub const OPERATIONS_GET: &str = "/operations/get";

/// The largest `limit` the Data API accepts (and its default).
pub const MAX_LIMIT: u32 = 1000;

// ---- request -------------------------------------------------------------------------------

/// The Dashboard token (doc: `token`).
pub const TOKEN: &str = "token";
/// **[open]** Where the request carries its signature: a top-level `signature` member (as
/// ECommPay's `/balance/get` example shows), signed over the whole body.
pub const SIGNATURE: &str = "signature";
/// **[open]** The project filter: an array of project ids.
pub const PROJECT_IDS: &str = "project_ids";
/// **[open]** The interval object and its two members.
pub const INTERVAL: &str = "interval";
pub const INTERVAL_FROM: &str = "from";
pub const INTERVAL_TO: &str = "to";
/// The IANA time zone of the interval and of the answer's dates (doc: `time_zone`).
pub const TIME_ZONE: &str = "time_zone";
/// **[open]** The operation type filter: one type as a string (`sale`, `payout`, ...).
pub const OPERATION_TYPE_FILTER: &str = "operation_type";
/// **[open]** The operation status filter: one status as a string. Not among the filters the
/// protocol doc lists: sent only when a caller asks for it.
pub const OPERATION_STATUS_FILTER: &str = "operation_status";
/// Paging (doc: `limit`, `offset`).
pub const LIMIT: &str = "limit";
pub const OFFSET: &str = "offset";
/// The list of answer fields wanted (doc: `fields`). Without it the answer carries only the
/// "required" fields, and which those are is not public, so the client always asks for
/// [`DEFAULT_FIELDS`].
pub const FIELDS: &str = "fields";

/// **[open]** The format of the interval's times, and of the answer's times:
/// `YYYY-MM-DD hh:mm:ss`, wall-clock time in `time_zone` (ECommPay's operation model gives this
/// format for the answer's dates; for the interval it is our assumption).
pub const DATE_TIME_FORMAT: &str = "YYYY-MM-DD hh:mm:ss";

// ---- answer --------------------------------------------------------------------------------

/// **[open]** The array of operations in the answer.
pub const OPERATIONS: &str = "operations";
/// **[open]** Members of one operation.
pub const OP_PROJECT_ID: &str = "project_id";
pub const OP_ID: &str = "operation_id";
pub const OP_PAYMENT_ID: &str = "payment_id";
pub const OP_TYPE: &str = "operation_type";
pub const OP_STATUS: &str = "operation_status";
/// The doc names these two.
pub const OP_CREATED_AT: &str = "operation_created_at";
pub const OP_COMPLETED_AT: &str = "operation_completed_at";
/// **[open]** The amount "as specified in the initial request": an object with
/// [`SUM_AMOUNT`] (integer, minor units: tiyin for UZS) and [`SUM_CURRENCY`].
pub const OP_SUM: &str = "sum_initial";
pub const SUM_AMOUNT: &str = "amount";
pub const SUM_CURRENCY: &str = "currency";
/// **[open]** The payment instrument (a masked card number, a card identifier or a wallet id).
/// Always masked by the client before it is kept anywhere.
pub const OP_INSTRUMENT: &str = "account_number";

/// What the client asks for in [`FIELDS`]: everything it parses.
pub const DEFAULT_FIELDS: &[&str] = &[
    OP_PROJECT_ID,
    OP_ID,
    OP_PAYMENT_ID,
    OP_TYPE,
    OP_STATUS,
    OP_CREATED_AT,
    OP_COMPLETED_AT,
    OP_SUM,
    OP_INSTRUMENT,
];

// ---- rejections ----------------------------------------------------------------------------

/// **[open]** A rejection, read like a Gate rejection: HTTP 4xx and/or `status` = `error`,
/// with `code` and `message` (or the first of `errors[]`).
pub const ERROR_STATUS: &str = "status";
pub const ERROR_STATUS_VALUE: &str = "error";
pub const ERROR_CODE: &str = "code";
pub const ERROR_MESSAGE: &str = "message";
pub const ERROR_LIST: &str = "errors";
