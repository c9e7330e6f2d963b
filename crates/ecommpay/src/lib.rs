//! The ECommPay Gate protocol for the "card partner" (Uzbekistan) method.
//!
//! Everything here is pure protocol: no Tauri, no SQLite, no knowledge of tills or users.
//! - [`sign`]: the byte-exact signature (protocol doc section 1);
//! - [`Secret`]: the project secret, which never prints and is wiped on drop.

pub mod secret;
pub mod sign;

pub use secret::{EmptySecret, Secret};
