//! Who confirms a change on the command line: `--user NAME`, and that person's PIN as the
//! first line of stdin (what the command itself reads comes on the next lines). The core
//! decides what needs a manager ([`till::Authority`]); without `--user`, a change goes
//! through only on a till that has no manager yet, and otherwise exits 2 saying what to give.

use till::{Authority, Session, Till, TillError};
use zeroize::Zeroizing;

use crate::out::read_stdin_line;

/// The right to make a manager's change named `what`.
pub fn authority(till: &Till, what: &str, user: Option<&str>) -> Result<Authority, TillError> {
    match user {
        Some(name) => {
            let pin = Zeroizing::new(read_stdin_line()?);
            till.authorize(what, Some((name, &pin)))
        }
        None => till.authorize(what, None),
    }
}

/// The signed-in user a payout request names (`--user` is required for it).
pub fn requester(till: &Till, user: Option<&str>) -> Result<Session, TillError> {
    let name = user.ok_or(TillError::RequesterRequired)?;
    let pin = Zeroizing::new(read_stdin_line()?);
    till.sign_in(name, &pin)
}
