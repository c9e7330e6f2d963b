//! Users (cashier or manager) and their PINs: Argon2id with a per-user salt and the keyring's
//! PIN pepper ([`crate::pepper`]: a copy of the database alone cannot be brute-forced), and a
//! lock-out after repeated wrong PINs (a 4-digit PIN is only safe behind one).
//!
//! Hashes made before the pepper had its own key were peppered with a key derived from the
//! card vault key. A hash says which pepper it uses (Argon2's `keyid` parameter is
//! [`PEPPER_KEYID`] for the PIN pepper, absent for the old one); an old hash still verifies
//! (the caller passes the old pepper, [`Peppers::legacy`]) and is rehashed with the PIN
//! pepper at that successful sign-in.
//!
//! The PIN rule lives in one place, [`validate_pin`]: 4 to 12 digits, for new users, changed
//! and reset PINs alike.
//!
//! Users are never deleted: a manager deactivates them ([`set_active`]), so that history and
//! the audit log keep who did what. An inactive user cannot sign in, so cannot approve or
//! reject anything either; the last active manager cannot be deactivated (nobody could
//! approve a payout or manage users any more). Every change is audited in the same
//! transaction that makes it.

use argon2::password_hash::SaltString;
use argon2::{
    Algorithm, Argon2, KeyId, Params, ParamsBuilder, PasswordHash, PasswordHasher,
    PasswordVerifier, Version,
};
use chacha20poly1305::aead::OsRng;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

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
}

/// Lock-out rules.
#[derive(Debug, Clone, Copy)]
pub struct PinPolicy {
    pub max_attempts: u32,
    pub lockout_ms: i64,
}

/// The `keyid` of a hash peppered with the keyring's PIN pepper (`pin-pepper`). Argon2 only
/// records it; it does not enter the hash.
pub const PEPPER_KEYID: &[u8] = b"pp1";

/// The peppers a PIN check may need: the PIN pepper, and for a hash made before it existed
/// the old one (derived from the card vault key), when the caller could load it.
#[derive(Clone, Copy)]
pub struct Peppers<'a> {
    pub pin: &'a [u8],
    pub legacy: Option<&'a [u8]>,
}

// Memory 8 MiB, 2 passes: a sign-in at a till must feel instant even on an old PC; the
// lock-out and the keyring pepper do the heavy lifting against guessing. The parameters are
// stored in each hash, so raising them later keeps old hashes valid.
fn hasher(pepper: &[u8]) -> Result<Argon2<'_>> {
    let params = ParamsBuilder::new()
        .m_cost(8 * 1024)
        .t_cost(2)
        .p_cost(1)
        .keyid(KeyId::new(PEPPER_KEYID).expect("short key id"))
        .build()
        .expect("constant params are valid");
    Argon2::new_with_secret(pepper, Algorithm::Argon2id, Version::V0x13, params)
        .map_err(|e| TillError::Config(format!("argon2: {e}")))
}

/// Whether a stored hash uses the old pepper (no [`PEPPER_KEYID`]).
fn is_legacy_hash(stored: &str) -> Result<bool> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| TillError::Config(format!("stored PIN hash: {e}")))?;
    let params = Params::try_from(&parsed)
        .map_err(|e| TillError::Config(format!("stored PIN hash: {e}")))?;
    Ok(params.keyid() != PEPPER_KEYID)
}

/// Whether `name`'s PIN hash uses the old pepper (the caller then loads it before checking).
/// False for an unknown name.
pub fn has_legacy_hash(conn: &Connection, name: &str) -> Result<bool> {
    let stored: Option<String> = conn
        .query_row("SELECT pin_hash FROM users WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?;
    stored.map_or(Ok(false), |s| is_legacy_hash(&s))
}

/// The one PIN rule: 4 to 12 ASCII digits.
pub fn validate_pin(pin: &str) -> Result<()> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(TillError::BadPin)
    }
}

pub fn validate_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 || n > 64 || name.trim() != name || name.chars().any(char::is_control) {
        return Err(TillError::BadName);
    }
    Ok(())
}

fn hash_pin(pin: &str, pepper: &[u8]) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher(pepper)?
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| TillError::Config(format!("argon2: {e}")))?
        .to_string())
}

/// Whether `pin` matches `stored`, with the pepper the hash names. An old hash without the
/// old pepper at hand is an error (the card vault key is missing), never a wrong PIN.
fn pin_matches(pin: &str, stored: &str, peppers: Peppers<'_>) -> Result<bool> {
    let pepper = if is_legacy_hash(stored)? {
        peppers.legacy.ok_or(TillError::DataKeyMissing)?
    } else {
        peppers.pin
    };
    let parsed = PasswordHash::new(stored)
        .map_err(|e| TillError::Config(format!("stored PIN hash: {e}")))?;
    Ok(hasher(pepper)?
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok())
}

pub fn add(
    conn: &Connection,
    name: &str,
    role: Role,
    pin: &str,
    pepper: &[u8],
    actor: &str,
) -> Result<User> {
    validate_name(name)?;
    validate_pin(pin)?;
    let hash = hash_pin(pin, pepper)?;
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
    })
}

pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare("SELECT id, name, role, active FROM users ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, role, active) = row?;
        out.push(User {
            id,
            name,
            role: Role::parse(&role)?,
            active,
        });
    }
    Ok(out)
}

/// One user by name.
pub fn get(conn: &Connection, name: &str) -> Result<User> {
    let row: Option<(i64, String, bool)> = conn
        .query_row(
            "SELECT id, role, active FROM users WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (id, role, active) = row.ok_or_else(|| TillError::UserNotFound(name.to_owned()))?;
    Ok(User {
        id,
        name: name.to_owned(),
        role: Role::parse(&role)?,
        active,
    })
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// Checks a PIN. Wrong PINs count towards the lock-out; a right one resets the count.
/// An unknown name costs the same work and says the same thing as a wrong PIN.
///
/// Three steps, so that a caller holding a lock around `conn` can release it for the Argon2
/// work in the middle (`Till::verify_pin` does: sales go on meanwhile): [`pin_record`] reads,
/// [`check_pin`] hashes (no database), [`record_pin_check`] writes the outcome against the
/// row as it is by then, so concurrent checks each count.
pub fn verify_pin(
    conn: &Connection,
    name: &str,
    pin: &str,
    peppers: Peppers<'_>,
    policy: PinPolicy,
) -> Result<User> {
    loop {
        let record = pin_record(conn, name)?;
        let check = check_pin(record.as_ref(), pin, peppers)?;
        if let Some(user) = record_pin_check(conn, name, record, check, policy)? {
            return Ok(user);
        }
    }
}

/// A user's PIN hash as read for a check.
pub struct PinRecord {
    id: i64,
    role: String,
    stored: String,
}

impl PinRecord {
    /// Whether the hash uses the old pepper (the caller then loads it for [`check_pin`]).
    pub fn legacy(&self) -> Result<bool> {
        is_legacy_hash(&self.stored)
    }
}

/// What [`check_pin`] found.
pub struct PinCheck {
    matched: bool,
    /// A right PIN under an old hash: its new hash (made here, out of any lock).
    rehash: Option<String>,
}

/// Step 1 of [`verify_pin`]: `name`'s record (`None`: no such user). A locked-out user is
/// refused here, before any Argon2 work.
pub fn pin_record(conn: &Connection, name: &str) -> Result<Option<PinRecord>> {
    let row: Option<(i64, String, String, Option<i64>)> = conn
        .query_row(
            "SELECT id, role, pin_hash, locked_until FROM users WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((id, role, stored, locked_until)) = row else {
        return Ok(None);
    };
    if let Some(until) = locked_until.filter(|u| *u > now_ms()) {
        return Err(TillError::Locked {
            until: crate::time::local_text(until),
        });
    }
    Ok(Some(PinRecord { id, role, stored }))
}

/// Step 2: Argon2, no database. An unknown name (`None`) costs the same and never matches, so
/// timing does not tell which names exist.
pub fn check_pin(record: Option<&PinRecord>, pin: &str, peppers: Peppers<'_>) -> Result<PinCheck> {
    let Some(r) = record else {
        let _ = hash_pin(pin, peppers.pin);
        return Ok(PinCheck {
            matched: false,
            rehash: None,
        });
    };
    let matched = pin_matches(pin, &r.stored, peppers)?;
    // The old pepper hangs on the card vault key: a right PIN moves to the PIN pepper.
    let rehash = if matched && is_legacy_hash(&r.stored)? {
        Some(hash_pin(pin, peppers.pin)?)
    } else {
        None
    };
    Ok(PinCheck { matched, rehash })
}

/// Step 3: writes the outcome in one transaction, against the row as it is now (another
/// check may have counted or locked meanwhile: each wrong PIN counts once, and a lock-out
/// set in between holds). `Ok(None)`: the PIN was changed in between; check again.
pub fn record_pin_check(
    conn: &Connection,
    name: &str,
    record: Option<PinRecord>,
    check: PinCheck,
    policy: PinPolicy,
) -> Result<Option<User>> {
    let Some(r) = record else {
        return Err(TillError::WrongPin {
            attempts_left: policy.max_attempts,
        });
    };
    let now = now_ms();
    // Each transaction writes first, so it holds the write lock before it reads anything.
    let tx = conn.unchecked_transaction()?;
    if check.matched {
        let signed_in = tx.execute(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in = ?2
             WHERE id = ?1 AND pin_hash = ?3 AND active = 1 AND coalesce(locked_until, 0) <= ?2",
            params![r.id, now, r.stored],
        )?;
        if signed_in == 0 {
            return why_not(&tx, name, &r, true).map(|()| None);
        }
        if let Some(hash) = &check.rehash {
            tx.execute(
                "UPDATE users SET pin_hash = ?2 WHERE id = ?1",
                params![r.id, hash],
            )?;
        }
        tx.commit()?;
        return Ok(Some(User {
            id: r.id,
            name: name.to_owned(),
            role: Role::parse(&r.role)?,
            active: true,
        }));
    }
    let failed: Option<u32> = tx
        .query_row(
            "UPDATE users SET failed_attempts = failed_attempts + 1
             WHERE id = ?1 AND pin_hash = ?3 AND coalesce(locked_until, 0) <= ?2
             RETURNING failed_attempts",
            params![r.id, now, r.stored],
            |row| row.get(0),
        )
        .optional()?;
    let Some(failed) = failed else {
        return why_not(&tx, name, &r, false).map(|()| None);
    };
    let result = if failed >= policy.max_attempts {
        let until = now + policy.lockout_ms;
        tx.execute(
            "UPDATE users SET failed_attempts = 0, locked_until = ?2 WHERE id = ?1",
            params![r.id, until],
        )?;
        audit::append(&tx, name, "user_locked", name, &json!({"until": until}))?;
        TillError::Locked {
            until: crate::time::local_text(until),
        }
    } else {
        audit::append(&tx, name, "wrong_pin", name, &json!({"failed": failed}))?;
        TillError::WrongPin {
            attempts_left: policy.max_attempts - failed,
        }
    };
    tx.commit()?;
    Err(result)
}

/// Why [`record_pin_check`] changed no row: locked out meanwhile, or deactivated (said only
/// to someone who knows the PIN: `matched`), both errors; or the PIN itself changed (`Ok`:
/// check again).
fn why_not(conn: &Connection, name: &str, r: &PinRecord, matched: bool) -> Result<()> {
    let (stored, locked_until, active): (String, Option<i64>, bool) = conn.query_row(
        "SELECT pin_hash, locked_until, active FROM users WHERE id = ?1",
        [r.id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    if stored != r.stored {
        return Ok(());
    }
    if let Some(until) = locked_until.filter(|u| *u > now_ms()) {
        return Err(TillError::Locked {
            until: crate::time::local_text(until),
        });
    }
    if matched && !active {
        return Err(TillError::UserInactive(name.to_owned()));
    }
    Ok(()) // a lock-out that ended in between: check again
}

/// `user` (whose PIN was just checked) sets their own new PIN.
pub fn change_pin(conn: &Connection, user: &User, new_pin: &str, pepper: &[u8]) -> Result<()> {
    validate_pin(new_pin)?;
    let hash = hash_pin(new_pin, pepper)?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE users SET pin_hash = ?2 WHERE id = ?1",
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
    validate_pin(new_pin)?;
    let target = get(conn, name)?;
    let hash = hash_pin(new_pin, pepper)?;
    let tx = conn.unchecked_transaction()?;
    let was_locked = is_locked(&tx, target.id)?;
    tx.execute(
        "UPDATE users SET pin_hash = ?2, failed_attempts = 0, locked_until = NULL WHERE id = ?1",
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
    let was_locked = is_locked(&tx, target.id)?;
    tx.execute(
        "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
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

fn is_locked(conn: &Connection, id: i64) -> Result<bool> {
    let until: Option<i64> =
        conn.query_row("SELECT locked_until FROM users WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    Ok(until.is_some_and(|u| u > now_ms()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    const PEPPER: &[u8] = b"pepper-for-tests-32-bytes-long!!";
    const P: Peppers<'static> = Peppers {
        pin: PEPPER,
        legacy: None,
    };

    fn policy() -> PinPolicy {
        PinPolicy {
            max_attempts: 3,
            lockout_ms: 60_000,
        }
    }

    #[test]
    fn add_verify_and_lock_out() {
        let db = Db::open_in_memory().unwrap();
        let u = add(&db.conn, "Dilnoza", Role::Manager, "4321", PEPPER, "setup").unwrap();
        assert_eq!(u.role, Role::Manager);
        let stored: String = db
            .conn
            .query_row("SELECT pin_hash FROM users", [], |r| r.get(0))
            .unwrap();
        assert!(stored.starts_with("$argon2id$") && !stored.contains("4321"));
        assert_eq!(
            add(&db.conn, "Dilnoza", Role::Cashier, "1111", PEPPER, "setup")
                .unwrap_err()
                .code(),
            "user_exists"
        );
        assert_eq!(
            verify_pin(&db.conn, "Dilnoza", "4321", P, policy()).unwrap(),
            u
        );
        // The pepper matters: the same PIN with another pepper fails.
        assert_eq!(
            verify_pin(
                &db.conn,
                "Dilnoza",
                "4321",
                Peppers {
                    pin: b"other",
                    legacy: None
                },
                policy()
            )
            .unwrap_err()
            .code(),
            "wrong_pin"
        );
        assert!(matches!(
            verify_pin(&db.conn, "Dilnoza", "0000", P, policy()),
            Err(TillError::WrongPin { attempts_left: 1 })
        ));
        assert_eq!(
            verify_pin(&db.conn, "Dilnoza", "0000", P, policy())
                .unwrap_err()
                .code(),
            "locked"
        );
        // Locked: even the right PIN is refused now.
        assert_eq!(
            verify_pin(&db.conn, "Dilnoza", "4321", P, policy())
                .unwrap_err()
                .code(),
            "locked"
        );
        assert_eq!(
            verify_pin(&db.conn, "nobody", "4321", P, policy())
                .unwrap_err()
                .code(),
            "wrong_pin"
        );
        assert!(audit::verify(&db.conn).unwrap() >= 3);
    }

    /// Checks whose Argon2 work overlaps (the lock released in between, as `Till` does) each
    /// count, a lock-out set in between holds, and a PIN changed in between is checked again.
    #[test]
    fn overlapping_checks_count_once_each() {
        let db = Db::open_in_memory().unwrap();
        add(&db.conn, "Aziz", Role::Cashier, "4321", PEPPER, "setup").unwrap();
        let c = &db.conn;
        let reads: Vec<_> = (0..3).map(|_| pin_record(c, "Aziz").unwrap()).collect();
        let outcomes: Vec<_> = reads
            .into_iter()
            .map(|r| {
                let check = check_pin(r.as_ref(), "0000", P).unwrap();
                record_pin_check(c, "Aziz", r, check, policy()).unwrap_err()
            })
            .collect();
        assert!(matches!(
            outcomes[..],
            [
                TillError::WrongPin { attempts_left: 2 },
                TillError::WrongPin { attempts_left: 1 },
                TillError::Locked { .. }
            ]
        ));
        // The right PIN, read before a lock-out set while its hash was being checked.
        c.execute("UPDATE users SET locked_until = NULL", [])
            .unwrap();
        let r = pin_record(c, "Aziz").unwrap();
        let check = check_pin(r.as_ref(), "4321", P).unwrap();
        for _ in 0..3 {
            let _ = verify_pin(c, "Aziz", "0000", P, policy());
        }
        let err = record_pin_check(c, "Aziz", r, check, policy()).unwrap_err();
        assert_eq!(err.code(), "locked");
        // Deactivated in between: said to whoever knows the PIN.
        c.execute("UPDATE users SET locked_until = NULL", [])
            .unwrap();
        let r = pin_record(c, "Aziz").unwrap();
        let check = check_pin(r.as_ref(), "4321", P).unwrap();
        c.execute("UPDATE users SET active = 0", []).unwrap();
        let err = record_pin_check(c, "Aziz", r, check, policy()).unwrap_err();
        assert_eq!(err.code(), "user_inactive");
        c.execute("UPDATE users SET active = 1", []).unwrap();
        // The PIN changed in between: nothing recorded, check again (the old one is wrong now).
        let r = pin_record(c, "Aziz").unwrap();
        let check = check_pin(r.as_ref(), "4321", P).unwrap();
        let user = get(c, "Aziz").unwrap();
        change_pin(c, &user, "5555", PEPPER).unwrap();
        assert!(record_pin_check(c, "Aziz", r, check, policy())
            .unwrap()
            .is_none());
        assert_eq!(
            verify_pin(c, "Aziz", "4321", P, policy())
                .unwrap_err()
                .code(),
            "wrong_pin"
        );
        assert_eq!(verify_pin(c, "Aziz", "5555", P, policy()).unwrap(), user);
        assert!(audit::verify(c).unwrap() > 5);
    }

    #[test]
    fn an_old_hash_verifies_with_the_old_pepper_and_is_rehashed_once() {
        let db = Db::open_in_memory().unwrap();
        const OLD: &[u8] = b"old-pepper-from-the-vault-key!!!";
        add(&db.conn, "Aziz", Role::Manager, "4321", PEPPER, "setup").unwrap();
        let stored = |db: &Db| -> String {
            db.conn
                .query_row("SELECT pin_hash FROM users", [], |r| r.get(0))
                .unwrap()
        };
        assert!(stored(&db).contains("keyid="), "{}", stored(&db));
        assert!(!has_legacy_hash(&db.conn, "Aziz").unwrap());
        // A hash as the old code made it: no keyid, the vault-derived pepper.
        let params = Params::new(8 * 1024, 2, 1, None).unwrap();
        let old = Argon2::new_with_secret(OLD, Algorithm::Argon2id, Version::V0x13, params)
            .unwrap()
            .hash_password(b"4321", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        db.conn
            .execute("UPDATE users SET pin_hash = ?1", [&old])
            .unwrap();
        assert!(has_legacy_hash(&db.conn, "Aziz").unwrap());
        // Without the old pepper: an error, never "wrong PIN" (nothing counted).
        assert_eq!(
            verify_pin(&db.conn, "Aziz", "4321", P, policy())
                .unwrap_err()
                .code(),
            "data_key_missing"
        );
        let both = Peppers {
            pin: PEPPER,
            legacy: Some(OLD),
        };
        assert_eq!(
            verify_pin(&db.conn, "Aziz", "0000", both, policy())
                .unwrap_err()
                .code(),
            "wrong_pin"
        );
        assert_eq!(stored(&db), old, "a wrong PIN rehashes nothing");
        verify_pin(&db.conn, "Aziz", "4321", both, policy()).unwrap();
        assert_ne!(stored(&db), old);
        assert!(!has_legacy_hash(&db.conn, "Aziz").unwrap());
        // From now on the PIN pepper alone is enough.
        verify_pin(&db.conn, "Aziz", "4321", P, policy()).unwrap();
    }

    #[test]
    fn input_rules() {
        assert!(validate_pin("123").is_err());
        assert!(validate_pin("12a4").is_err());
        assert!(validate_pin("1234567890123").is_err());
        assert!(validate_pin("123456").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name(" a").is_err());
        assert!(validate_name("Aziz").is_ok());
        assert!(Role::parse("boss").is_err());
    }
}
