//! ECommPay's Data API (protocol doc section 7): `POST <base>/operations/get`, the list of
//! operations of an interval, for reconciling a till's records with the gateway's.
//!
//! Authenticated by a Dashboard token ([`DataApiToken`]) and the secret generated with it
//! ([`DataApiSecret`]), **never the project secret**; requests are signed and answers verified
//! with the same algorithm as the Gate ([`crate::sign`]). Every wire name the protocol doc
//! leaves open is in [`wire`].
//!
//! # Use
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ecommpay::data_api::{DataApiClient, DataApiConfig, DataApiSecret, DataApiToken, OperationsQuery};
//!
//! let client = DataApiClient::new(
//!     DataApiConfig::new("https://data.ecommpay.com/v1"), // or the sandbox's `<base>/v1`
//!     DataApiToken::new("ZOyTL5shY8ddhpxdQyplRPJYmGV7Kv")?,
//!     DataApiSecret::new("the token's own secret")?,
//! )?;
//! let query = OperationsQuery::builder()
//!     .day(2026, 12, 1)?                       // 00:00:00 to 23:59:59 ...
//!     .time_zone("Asia/Tashkent")              // ... in this zone (IANA)
//!     .project_ids([ecommpay::ProjectId::new(198)?])
//!     .build()?;                               // limit 1000, offset 0 by default
//! for op in client.all_operations(&query).await? {
//!     println!("{} {} {:?} {:?}", op.payment_id, op.operation_id, op.status, op.amount);
//! }
//! # Ok(()) }
//! ```
//!
//! - [`OperationsQuery::builder`]: `interval(from, to)` or `day(y, m, d)` (wall-clock
//!   [`LocalDateTime`]s in the zone), `time_zone` (required), `project_ids`, `operation_type`,
//!   `status`, `limit` (1 to 1000: 1001 is refused here, before anything is sent), `offset`,
//!   `fields` (default [`wire::DEFAULT_FIELDS`]). The fields are public
//!   (`OperationsQuery { offset, ..q }`); [`OperationsQuery::validate`] runs again before every
//!   send.
//! - [`DataApiClient::operations`]: one page. [`DataApiClient::all_operations`]: every page,
//!   each operation once. [`DataApiClient::pages`] gives a [`Pager`] for progress
//!   (`next_page().await`). Paging stops on a short page and fails with
//!   [`DataApiError::Paging`] when a full page brings nothing new (a server ignoring `offset`)
//!   or after [`DataApiConfig::max_pages`].
//! - [`DataApiConfig::new`]: timeouts default to 10 s to connect and 6 min to read (answers can
//!   take about five minutes).
//! - [`DataOperation`]: `payment_id`, `operation_id`, `operation_type` ([`OperationType`]),
//!   `status` ([`crate::PaymentStatus`], unknown ones kept), `amount` ([`crate::Tiyin`]; `None`
//!   unless an integer of minor units), `currency`, `project_id`, `created_at`, `completed_at`,
//!   `instrument` (always masked) and `raw` (every member, the instrument masked).
//! - [`DataApiError`]: `Invalid` (nothing sent), `Unreachable`, `Timeout`, `Interrupted`,
//!   `Rejected { code, message }` ([`DataApiError::is_auth`]: the token or its secret is
//!   wrong), `ServerError`, `BadSignature` (missing or wrong on a successful answer),
//!   `Malformed`, `Paging`. Every call only reads, so any may be retried.
//! - Tests inject a [`crate::gate::Transport`] with [`DataApiClient::with_transport`].

mod client;
mod credentials;
mod error;
mod operation;
mod query;
mod time;
pub mod wire;

#[cfg(test)]
mod tests;

pub use client::{
    DataApiClient, DataApiConfig, OperationsPage, Pager, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_PAGES, DEFAULT_READ_TIMEOUT,
};
pub use credentials::{DataApiSecret, DataApiToken, TokenError};
pub use error::DataApiError;
pub use operation::{mask_instrument, DataOperation, OperationType};
pub use query::{OperationsQuery, OperationsQueryBuilder, QueryError};
pub use time::{DateTimeError, LocalDateTime};
