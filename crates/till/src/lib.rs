//! The cashier's core: sales and payouts through ECommPay's card-partner method that never lose
//! or double money, with SQLite history, saved cards, manager approval and the OS keyring.
//! No Tauri here: the desktop app and the `cashier` CLI both sit on [`Till`].
//!
//! # Money safety
//! - Every request that moves money is written to the database (with its `payment_id`) before
//!   it is sent, and is only ever resent with the same `payment_id` and the same body
//!   (rebuilt from the payment's columns, never from stored JSON).
//! - A payment's state only moves forward; late, replayed or reordered messages never move a
//!   final payment back; a message whose amount, currency, type or project differs from the
//!   record is kept and flagged, not applied ([`engine::apply`]).
//! - Open payments are followed by status polling (not before 10 s, backing off) so the result
//!   is right without callbacks; at start, recovery resolves every open payment, and a 3061
//!   (unknown) answer means: resend the same request.
//!
//! # Secrets and card identifiers
//! - The API secret lives only in the OS keyring ([`keystore`]), namespaced per app, build
//!   kind and data folder. For a real till no keyring is an error; there is no plaintext
//!   fallback (only the demo till keeps its throwaway keys in a file of its own folder).
//! - The full card identifier (`account.number`) is never logged, printed, shown, or stored in
//!   clear: saved cards are sealed with ChaCha20-Poly1305 under a random 256-bit data key kept
//!   in the keyring next to the secret, found by a keyed HMAC-SHA256 fingerprint
//!   ([`vault`]); gateway messages are stored only through `ecommpay::redact`, after their
//!   signature was checked on the original. People and UIs see the masked card only.
//! - PINs are Argon2id hashes with a pepper of their own in the keyring ([`pepper`]), so a
//!   lost card vault key never stops sign-in; repeated wrong PINs lock the account for longer
//!   each time, then until a manager unlocks it. The audit log is append-only and an HMAC
//!   chain under a keyring key of its own.
//! - Once a manager exists, every change to users, settings, the secret or limits needs one
//!   ([`auth`]); a payout request names who asks, and they never approve it.
//! - Users are deactivated, never deleted, so history keeps who did what
//!   ([`db::users`]); PIN changes, resets, unlocks and (de)activations are audited.

pub mod auth;
pub mod backup;
pub mod config;
pub mod connect;
mod core;
pub mod db;
pub mod engine;
pub mod error;
pub mod events;
pub mod export;
pub mod hooks;
pub mod keystore;
pub mod listener;
pub mod lock;
pub mod pepper;
pub mod print;
pub mod reconcile;
pub mod report;
mod till;
pub mod time;
pub mod vault;

pub use auth::{Authority, Session};
pub use config::Config;
pub use db::history::{Cursor, HistoryFilter, HistoryRow, Page};
pub use db::payments::{Kind, Payment, State};
pub use db::users::{Role, User};
pub use engine::payout::PayoutInput;
pub use engine::recovery::RecoveryReport;
pub use engine::PaymentHandle;
pub use error::{Result, TillError};
pub use events::TillEvent;
pub use till::{Check, InitOptions, Till};
