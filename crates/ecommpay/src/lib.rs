//! The ECommPay Gate protocol for the "card partner" (Uzbekistan) method.
//!
//! Everything here is pure protocol: no Tauri, no SQLite, no knowledge of tills or users.
//! - [`sign`]: the byte-exact signature (protocol doc section 1);
//! - [`gate`]: typed requests, a transport, the client and its errors (section 2);
//! - [`callback`]: verifying and parsing callbacks (section 4);
//! - [`report`]: the payment as a callback or status answer describes it;
//! - [`payment_page`]: signed Payment Page links (section 6);
//! - [`data_api`]: the Data API's `/operations/get`, for reconciliation (section 7);
//! - [`Secret`], [`Tiyin`], ids: newtypes that keep secrets, money and ids apart.

pub mod callback;
pub mod data_api;
pub mod gate;
pub mod ids;
pub mod money;
pub mod payment_page;
pub mod redirect;
pub mod report;
pub mod secret;
pub mod sign;
pub mod status;

pub use callback::{verify_callback, Callback, CallbackError};
pub use ids::{CardToken, CustomerId, IdError, PaymentId, ProjectId, RequestId};
pub use money::{AmountError, Currency, Tiyin};
pub use redirect::{RedirectData, RedirectMethod};
pub use report::{redact, PaymentReport};
pub use secret::{EmptySecret, Secret};
pub use status::{Finality, PaymentStatus};
