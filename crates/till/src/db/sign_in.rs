//! What the sign-in screen shows: every user with whether a lock-out holds now and when each
//! last signed in (read-only; the PIN checks live in `users`). Also where "this shift" starts.

use rusqlite::Connection;
use serde::Serialize;

use super::now_ms;
use super::users::pin::UNTIL_UNLOCKED;
use super::users::Role;
use crate::error::Result;

/// A user as a sign-in tile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserTile {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Until when wrong PINs lock the user out (only when that is still ahead).
    pub locked_until: Option<i64>,
    /// Locked after the last step of the lock-out schedule: until a manager unlocks.
    pub locked_for_good: bool,
    /// The last successful sign-in with a PIN.
    pub last_sign_in: Option<i64>,
}

impl UserTile {
    /// Whether the user may be signed in at all now (without a PIN: the demo's start).
    pub fn can_sign_in(&self) -> bool {
        self.active && self.locked_until.is_none() && !self.locked_for_good
    }
}

/// Every user, by name.
pub fn tiles(conn: &Connection) -> Result<Vec<UserTile>> {
    let now = now_ms();
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, role, active, locked_until, last_sign_in FROM users ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<i64>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, role, active, locked, last) = row?;
        out.push(UserTile {
            id,
            name,
            role: Role::parse(&role)?,
            active,
            locked_until: locked.filter(|u| *u > now && *u != UNTIL_UNLOCKED),
            locked_for_good: locked == Some(UNTIL_UNLOCKED),
            last_sign_in: last,
        });
    }
    Ok(out)
}

/// Where the user's open shift started (none when no shift is open; see `db::shifts`).
pub fn current_shift_start(conn: &Connection, user_id: i64) -> Result<Option<i64>> {
    Ok(super::shifts::open_of(conn, user_id)?.map(|s| s.opened_at))
}
