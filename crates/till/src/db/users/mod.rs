//! Users (cashier or manager): who they are, their role, and the changes managers make to
//! them. How a PIN is hashed and checked, the lock-out and the till-wide cap: [`pin`].
//!
//! The PIN rule lives in one place, [`validate_pin`]: 4 to 12 digits, at least 6 for a
//! manager, for new users, changed and reset PINs alike. A manager whose PIN is shorter (set
//! before the rule) signs in, is flagged `pin_change_required`, and confirms nothing until
//! they chose a new one.
//!
//! Users are never deleted: a manager deactivates them ([`set_active`]), so that history and
//! the audit log keep who did what. An inactive user cannot sign in, so cannot approve or
//! reject anything either; the last active manager cannot be deactivated (nobody could
//! approve a payout or manage users any more). Every change is audited in the same
//! transaction that makes it.

mod argon;
pub mod pin;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

pub use pin::{
    check_pin, pin_record, record_pin_check, validate_pin, verify_pin, Peppers, PinPolicy,
    PEPPER_KEYID,
};

use super::{audit, now_ms};
use crate::error::{Result, TillError};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Cashier,
    Manager,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "cashier" => Ok(Role::Cashier),
            "manager" => Ok(Role::Manager),
            other => Err(TillError::BadRole(other.to_owned())),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
        }
    }
}

/// A user as the app shows it (never the PIN hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// False once a manager deactivated the user: no sign-in, no approvals.
    pub active: bool,
    /// A manager whose PIN is shorter than managers' PINs must be: asked to choose a new one,
    /// and confirms nothing until then.
    pub pin_change_required: bool,
}

/// Whether `name`'s PIN hash uses the old pepper (the caller then loads it before checking).
/// False for an unknown name.
pub fn has_legacy_hash(conn: &Connection, name: &str) -> Result<bool> {
    let stored: Option<String> = conn
        .query_row("SELECT pin_hash FROM users WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?;
    stored.map_or(Ok(false), |s| pin::is_legacy_hash(&s))
}

pub fn validate_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 || n > 64 || name.trim() != name || name.chars().any(char::is_control) {
        return Err(TillError::BadName);
    }
    Ok(())
}

pub fn add(
    conn: &Connection,
    name: &str,
    role: Role,
    pin: &str,
    pepper: &[u8],
    actor: &str,
) -> Result<User> {
    add_hashed(conn, (name, role, pin), actor, |p| pin::hash_pin(p, pepper))
}

/// [`add`] for a user whose PIN everyone knows (the demo's): hashed at Argon2's least cost,
/// and rehashed at the full cost at its first sign-in ([`pin::PUBLIC_M_COST_KIB`]).
pub fn add_public(
    conn: &Connection,
    (name, role, pin): (&str, Role, &str),
    pepper: &[u8],
    actor: &str,
) -> Result<User> {
    add_hashed(conn, (name, role, pin), actor, |p| {
        pin::hash_public_pin(p, pepper)
    })
}

/// Checks the name and PIN before any hashing, then adds the user with `hash(pin)`.
fn add_hashed(
    conn: &Connection,
    (name, role, pin): (&str, Role, &str),
    actor: &str,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<User> {
    validate_name(name)?;
    validate_pin(pin, role)?;
    let hash = hash(pin)?;
    let tx = conn.unchecked_transaction()?;
    let exists: bool = tx
        .query_row("SELECT 1 FROM users WHERE name = ?1", [name], |_| Ok(()))
        .optional()?
        .is_some();
    if exists {
        return Err(TillError::UserExists(name.to_owned()));
    }
    tx.execute(
        "INSERT INTO users(name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, role.as_str(), hash, now_ms()],
    )?;
    let id = tx.last_insert_rowid();
    audit::append(
        &tx,
        actor,
        "user_added",
        name,
        &json!({"role": role.as_str()}),
    )?;
    tx.commit()?;
    Ok(User {
        id,
        name: name.to_owned(),
        role,
        active: true,
        pin_change_required: false,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn
        .prepare("SELECT id, name, role, active, pin_change_required FROM users ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, bool>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, role, active, pin_change_required) = row?;
        out.push(User {
            id,
            name,
            role: Role::parse(&role)?,
            active,
            pin_change_required,
        });
    }
    Ok(out)
}

/// One user by name.
pub fn get(conn: &Connection, name: &str) -> Result<User> {
    let row: Option<(i64, String, bool, bool)> = conn
        .query_row(
            "SELECT id, role, active, pin_change_required FROM users WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (id, role, active, pin_change_required) =
        row.ok_or_else(|| TillError::UserNotFound(name.to_owned()))?;
    Ok(User {
        id,
        name: name.to_owned(),
        role: Role::parse(&role)?,
        active,
        pin_change_required,
    })
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// Whether the till has an active manager (from then on, changes need one).
pub fn has_active_manager(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM users WHERE role = 'manager' AND active = 1 LIMIT 1",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// `user` (whose PIN was just checked) sets their own new PIN.
pub fn change_pin(conn: &Connection, user: &User, new_pin: &str, pepper: &[u8]) -> Result<()> {
    validate_pin(new_pin, user.role)?;
    let hash = pin::hash_pin(new_pin, pepper)?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE users SET pin_hash = ?2, pin_change_required = 0 WHERE id = ?1",
        params![user.id, hash],
    )?;
    audit::append(&tx, &user.name, "pin_changed", &user.name, &json!({}))?;
    tx.commit()?;
    Ok(())
}

/// `manager` (whose PIN was just checked) gives `name` a new PIN and lifts any lock-out.
pub fn reset_pin(
    conn: &Connection,
    manager: &User,
    name: &str,
    new_pin: &str,
    pepper: &[u8],
) -> Result<User> {
    require_manager(manager)?;
    let target = get(conn, name)?;
    validate_pin(new_pin, target.role)?;
    let hash = pin::hash_pin(new_pin, pepper)?;
    let tx = conn.unchecked_transaction()?;
    let was_locked = is_locked_id(&tx, target.id)?;
    tx.execute(
        "UPDATE users SET pin_hash = ?2, failed_attempts = 0, lockouts = 0, locked_until = NULL,
             pin_change_required = 0 WHERE id = ?1",
        params![target.id, hash],
    )?;
    audit::append(
        &tx,
        &manager.name,
        "pin_reset",
        name,
        &json!({"was_locked": was_locked}),
    )?;
    tx.commit()?;
    Ok(target)
}

/// `manager` (whose PIN was just checked) lifts `name`'s lock-out and wrong-PIN count.
pub fn unlock(conn: &Connection, manager: &User, name: &str) -> Result<User> {
    require_manager(manager)?;
    let target = get(conn, name)?;
    let tx = conn.unchecked_transaction()?;
    let was_locked = is_locked_id(&tx, target.id)?;
    tx.execute(
        "UPDATE users SET failed_attempts = 0, lockouts = 0, locked_until = NULL WHERE id = ?1",
        [target.id],
    )?;
    audit::append(
        &tx,
        &manager.name,
        "user_unlocked",
        name,
        &json!({"was_locked": was_locked}),
    )?;
    tx.commit()?;
    Ok(target)
}

/// `manager` (whose PIN was just checked) deactivates or reactivates `name`. Setting the state
/// a user already has changes nothing and writes nothing. The last active manager cannot be
/// deactivated (checked in the same statement that deactivates, so two tills cannot race
/// past it).
pub fn set_active(conn: &Connection, manager: &User, name: &str, active: bool) -> Result<User> {
    require_manager(manager)?;
    let target = get(conn, name)?;
    if target.active == active {
        return Ok(target);
    }
    let tx = conn.unchecked_transaction()?;
    let changed = if active {
        tx.execute("UPDATE users SET active = 1 WHERE id = ?1", [target.id])?
    } else {
        tx.execute(
            "UPDATE users SET active = 0 WHERE id = ?1 AND active = 1 AND (role != 'manager'
                OR (SELECT count(*) FROM users WHERE role = 'manager' AND active = 1 AND id != ?1) > 0)",
            [target.id],
        )?
    };
    if changed != 1 {
        return Err(if !active && target.role == Role::Manager {
            TillError::LastManager
        } else {
            TillError::UserNotFound(name.to_owned())
        });
    }
    audit::append(
        &tx,
        &manager.name,
        if active {
            "user_activated"
        } else {
            "user_deactivated"
        },
        name,
        &json!({"role": target.role.as_str()}),
    )?;
    tx.commit()?;
    Ok(User { active, ..target })
}

fn require_manager(u: &User) -> Result<()> {
    if u.role == Role::Manager && u.active {
        Ok(())
    } else {
        Err(TillError::NotManager)
    }
}

/// Whether `name` is locked out now (any step of the schedule).
pub fn is_locked(conn: &Connection, name: &str) -> Result<bool> {
    let until: Option<i64> = conn
        .query_row(
            "SELECT locked_until FROM users WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(until.is_some_and(|u| u > now_ms()))
}

fn is_locked_id(conn: &Connection, id: i64) -> Result<bool> {
    let until: Option<i64> =
        conn.query_row("SELECT locked_until FROM users WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    Ok(until.is_some_and(|u| u > now_ms()))
}

#[cfg(test)]
mod tests;
