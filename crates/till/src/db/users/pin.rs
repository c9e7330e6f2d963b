//! Checking a PIN: Argon2id hashes, the lock-out schedule and the till-wide cap on wrong PINs.
//!
//! - **Hashes**: Argon2id at OWASP's minimum or above (19 MiB, 2 passes, 1 lane), with a
//!   per-user salt and the keyring's PIN pepper as Argon2's secret. A hash made with weaker
//!   parameters, or with the old pepper (derived from the card vault key, no `keyid`), still
//!   verifies and is rehashed at that successful sign-in.
//! - **Lock-out**: `max_attempts` wrong PINs in a row lock the account for the first
//!   lock-out's time, then 4x and 96x as long (15 min, 1 h, 24 h at the defaults); after the
//!   third, only a manager unlocks it. A right PIN or a manager's unlock starts the schedule
//!   over. Each wrong PIN is counted by one statement against the row as it is then, so
//!   checks that overlap (the Argon2 work runs outside any lock) each count.
//! - **Till-wide cap**: at most `failures_per_minute` wrong PINs a minute on the whole till,
//!   across every user and unknown names (guessing a few PINs on each of many users); a check
//!   in flight counts as wrong until it ends, so concurrent guesses cannot overshoot.
//! - An empty PIN is "no PIN": nothing is checked or counted.
//! - Timing: an unknown name costs the same Argon2 work and says the same as a wrong PIN.

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, KeyId, Params, ParamsBuilder, PasswordHash, Version};
use chacha20poly1305::aead::OsRng;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::json;

use super::{argon, Role, User};
use crate::db::{audit, now_ms};
use crate::error::{Result, TillError};

/// Lock-out rules.
#[derive(Debug, Clone, Copy)]
pub struct PinPolicy {
    pub max_attempts: u32,
    /// The first lock-out.
    pub lockout_ms: i64,
    /// Wrong PINs a minute on the whole till.
    pub failures_per_minute: u32,
}

/// `locked_until` of an account only a manager can unlock.
pub const UNTIL_UNLOCKED: i64 = i64::MAX;

/// How long lock-out number `n` (1-based, in a row) lasts; `None`: until a manager unlocks.
pub fn lockout_ms(n: u32, first: i64) -> Option<i64> {
    match n {
        1 => Some(first),
        2 => Some(first.saturating_mul(4)),
        3 => Some(first.saturating_mul(96)),
        _ => None,
    }
}

/// The `keyid` of a hash peppered with the keyring's PIN pepper (`pin-pepper`). Argon2 only
/// records it; it does not enter the hash.
pub const PEPPER_KEYID: &[u8] = b"pp1";

/// OWASP's minimum for Argon2id (m = 19 MiB, t = 2, p = 1): a sign-in takes a few tens of
/// milliseconds on an old till PC; the lock-out and the keyring pepper do the rest. The
/// parameters are stored in each hash, so raising them keeps old hashes valid (and rehashes
/// them at the next sign-in).
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 2;

/// The shortest PIN of a manager (a cashier's may be 4 digits).
pub const MANAGER_PIN_MIN: usize = 6;

/// The peppers a PIN check may need: the PIN pepper, and for a hash made before it existed
/// the old one (derived from the card vault key), when the caller could load it.
#[derive(Clone, Copy)]
pub struct Peppers<'a> {
    pub pin: &'a [u8],
    pub legacy: Option<&'a [u8]>,
}

/// The cost of a hash of a PIN everyone knows (the demo's, printed on its sign-in screen):
/// Argon2's least, since hard work protects nothing there, and the demo's users are made while
/// its window starts. Below [`M_COST_KIB`] and [`T_COST`], so that the first sign-in with such
/// a PIN rehashes it at the full cost ([`needs_rehash`]), as a PIN a user sets always is.
pub const PUBLIC_M_COST_KIB: u32 = 8;
pub const PUBLIC_T_COST: u32 = 1;

fn hasher(pepper: &[u8]) -> Result<Argon2<'_>> {
    hasher_at(pepper, M_COST_KIB, T_COST)
}

fn hasher_at(pepper: &[u8], m_cost: u32, t_cost: u32) -> Result<Argon2<'_>> {
    let params = ParamsBuilder::new()
        .m_cost(m_cost)
        .t_cost(t_cost)
        .p_cost(1)
        .keyid(KeyId::new(PEPPER_KEYID).expect("short key id"))
        .build()
        .expect("constant params are valid");
    Argon2::new_with_secret(pepper, Algorithm::Argon2id, Version::V0x13, params)
        .map_err(|e| TillError::Config(format!("argon2: {e}")))
}

fn params_of(stored: &str) -> Result<Params> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| TillError::Config(format!("stored PIN hash: {e}")))?;
    Params::try_from(&parsed).map_err(|e| TillError::Config(format!("stored PIN hash: {e}")))
}

/// Whether a stored hash uses the old pepper (no [`PEPPER_KEYID`]).
pub(super) fn is_legacy_hash(stored: &str) -> Result<bool> {
    Ok(params_of(stored)?.keyid() != PEPPER_KEYID)
}

/// Whether a stored hash should be made again at the next right PIN: the old pepper, or
/// parameters below today's.
fn needs_rehash(stored: &str) -> Result<bool> {
    let p = params_of(stored)?;
    Ok(p.keyid() != PEPPER_KEYID || p.m_cost() < M_COST_KIB || p.t_cost() < T_COST)
}

/// The PIN rule: 4 to 12 ASCII digits for everyone, at least [`MANAGER_PIN_MIN`] for a
/// manager.
pub fn validate_pin(pin: &str, role: Role) -> Result<()> {
    if !((4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())) {
        return Err(TillError::BadPin);
    }
    if role == Role::Manager && pin.len() < MANAGER_PIN_MIN {
        return Err(TillError::ManagerPinTooShort);
    }
    Ok(())
}

pub(super) fn hash_pin(pin: &str, pepper: &[u8]) -> Result<String> {
    hash_with(pin, &hasher(pepper)?)
}

/// A hash of a PIN everyone knows (see [`PUBLIC_M_COST_KIB`]).
pub(super) fn hash_public_pin(pin: &str, pepper: &[u8]) -> Result<String> {
    hash_with(pin, &hasher_at(pepper, PUBLIC_M_COST_KIB, PUBLIC_T_COST)?)
}

fn hash_with(pin: &str, hasher: &Argon2<'_>) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon::hash(
        hasher,
        Algorithm::Argon2id,
        Version::V0x13,
        pin.as_bytes(),
        salt.as_salt(),
    )
    .map_err(|e| TillError::Config(format!("argon2: {e}")))?
    .to_string())
}

/// Whether `pin` matches `stored`, with the pepper the hash names (and the parameters it
/// records). An old hash without the old pepper at hand is an error (the card vault key is
/// missing), never a wrong PIN.
fn pin_matches(pin: &str, stored: &str, peppers: Peppers<'_>) -> Result<bool> {
    let pepper = if is_legacy_hash(stored)? {
        peppers.legacy.ok_or(TillError::DataKeyMissing)?
    } else {
        peppers.pin
    };
    let parsed = PasswordHash::new(stored)
        .map_err(|e| TillError::Config(format!("stored PIN hash: {e}")))?;
    // As `verify_password(..).is_ok()` did: a stored hash Argon2 cannot check never matches.
    Ok(argon::verify(pepper, pin.as_bytes(), &parsed).unwrap_or(false))
}

/// Checks a PIN in one go (the three steps below, holding `conn` throughout). Wrong PINs
/// count towards the lock-out; a right one resets the count.
pub fn verify_pin(
    conn: &Connection,
    name: &str,
    pin: &str,
    peppers: Peppers<'_>,
    policy: PinPolicy,
) -> Result<User> {
    loop {
        let record = pin_record(conn, name, pin, policy)?;
        let check = check_pin(&record, pin, peppers)?;
        if let Some(user) = record_pin_check(conn, name, record, check, policy)? {
            return Ok(user);
        }
    }
}

/// A check under way: the user's PIN hash as read (`None`: no such user) and the till-wide
/// attempt it is counted as.
pub struct PinRecord {
    user: Option<(i64, String, String)>,
    attempt: i64,
}

impl PinRecord {
    /// Whether the hash uses the old pepper (the caller then loads it for [`check_pin`]).
    pub fn legacy(&self) -> Result<bool> {
        match &self.user {
            Some((_, _, stored)) => is_legacy_hash(stored),
            None => Ok(false),
        }
    }
}

/// What [`check_pin`] found.
pub struct PinCheck {
    matched: bool,
    /// A right PIN under an old hash: its new hash (made here, out of any lock).
    rehash: Option<String>,
    /// A right PIN of a manager shorter than managers' PINs must be now.
    too_short_for_role: bool,
}

/// Step 1: refuses an empty PIN, a locked-out user and a till over its cap of wrong PINs
/// before any Argon2 work; otherwise records the attempt (wrong until step 3 says
/// otherwise) and reads the user's record.
pub fn pin_record(
    conn: &Connection,
    name: &str,
    pin: &str,
    policy: PinPolicy,
) -> Result<PinRecord> {
    if pin.is_empty() {
        return Err(TillError::PinMissing);
    }
    let now = now_ms();
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let row: Option<(i64, String, String, Option<i64>)> = tx
        .query_row(
            "SELECT id, role, pin_hash, locked_until FROM users WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    if let Some((_, _, _, Some(until))) = &row {
        locked_error(*until, now)?;
    }
    let (wrong, oldest): (u32, Option<i64>) = tx.query_row(
        "SELECT count(*), min(at) FROM sign_in_attempts WHERE at > ?1 AND coalesce(ok, 0) = 0",
        [now - 60_000],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if wrong >= policy.failures_per_minute {
        let until = oldest.unwrap_or(now) + 60_000;
        return Err(TillError::SignInThrottled {
            until: crate::time::local_text(until),
        });
    }
    tx.execute(
        "DELETE FROM sign_in_attempts WHERE at < ?1",
        [now - 3_600_000],
    )?;
    tx.execute("INSERT INTO sign_in_attempts(at) VALUES (?1)", [now])?;
    let attempt = tx.last_insert_rowid();
    tx.commit()?;
    Ok(PinRecord {
        user: row.map(|(id, role, stored, _)| (id, role, stored)),
        attempt,
    })
}

/// The error of an account locked until `until`, if it still is at `now`.
fn locked_error(until: i64, now: i64) -> Result<()> {
    if until == UNTIL_UNLOCKED {
        Err(TillError::LockedUntilUnlocked)
    } else if until > now {
        Err(TillError::Locked {
            until: crate::time::local_text(until),
        })
    } else {
        Ok(())
    }
}

/// Step 2: Argon2, no database. An unknown name costs the same and never matches, so timing
/// does not tell which names exist.
pub fn check_pin(record: &PinRecord, pin: &str, peppers: Peppers<'_>) -> Result<PinCheck> {
    let Some((_, role, stored)) = &record.user else {
        let _ = hash_pin(pin, peppers.pin);
        return Ok(PinCheck {
            matched: false,
            rehash: None,
            too_short_for_role: false,
        });
    };
    let matched = pin_matches(pin, stored, peppers)?;
    let rehash = if matched && needs_rehash(stored)? {
        Some(hash_pin(pin, peppers.pin)?)
    } else {
        None
    };
    Ok(PinCheck {
        matched,
        rehash,
        too_short_for_role: matched && role == "manager" && pin.len() < MANAGER_PIN_MIN,
    })
}

/// Step 3: writes the outcome in one transaction, against the row as it is now (another
/// check may have counted or locked meanwhile: each wrong PIN counts once, and a lock-out
/// set in between holds). `Ok(None)`: the PIN was changed in between; check again.
pub fn record_pin_check(
    conn: &Connection,
    name: &str,
    record: PinRecord,
    check: PinCheck,
    policy: PinPolicy,
) -> Result<Option<User>> {
    let now = now_ms();
    // Each transaction writes first, so it holds the write lock before it reads anything.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE sign_in_attempts SET ok = ?2 WHERE id = ?1",
        params![record.attempt, check.matched],
    )?;
    let Some((id, role, stored)) = record.user else {
        tx.commit()?;
        return Err(TillError::WrongPin {
            attempts_left: policy.max_attempts,
        });
    };
    if check.matched {
        let signed_in = tx.execute(
            "UPDATE users SET failed_attempts = 0, lockouts = 0, locked_until = NULL,
                 last_sign_in = ?2, pin_change_required = ?4
             WHERE id = ?1 AND pin_hash = ?3 AND active = 1 AND coalesce(locked_until, 0) <= ?2",
            params![id, now, stored, check.too_short_for_role],
        )?;
        if signed_in == 0 {
            why_not(&tx, name, id, &stored, true)?;
            // Not signed in: the attempt stays counted as wrong.
            tx.execute(
                "UPDATE sign_in_attempts SET ok = 0 WHERE id = ?1",
                [record.attempt],
            )?;
            tx.commit()?;
            return Ok(None);
        }
        if let Some(hash) = &check.rehash {
            tx.execute(
                "UPDATE users SET pin_hash = ?2 WHERE id = ?1",
                params![id, hash],
            )?;
        }
        tx.commit()?;
        return Ok(Some(User {
            id,
            name: name.to_owned(),
            role: Role::parse(&role)?,
            active: true,
            pin_change_required: check.too_short_for_role,
        }));
    }
    // The wrong PIN, counted in one statement against the row as it is now.
    let counted: Option<(u32, u32)> = tx
        .query_row(
            "UPDATE users SET failed_attempts = failed_attempts + 1
             WHERE id = ?1 AND pin_hash = ?3 AND coalesce(locked_until, 0) <= ?2
             RETURNING failed_attempts, lockouts",
            params![id, now, stored],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((failed, lockouts)) = counted else {
        let why = why_not(&tx, name, id, &stored, false);
        tx.commit()?;
        return why.map(|()| None);
    };
    let result = if failed >= policy.max_attempts {
        let n = lockouts + 1;
        let until = lockout_ms(n, policy.lockout_ms).map_or(UNTIL_UNLOCKED, |ms| now + ms);
        tx.execute(
            "UPDATE users SET failed_attempts = 0, lockouts = ?2, locked_until = ?3 WHERE id = ?1",
            params![id, n, until],
        )?;
        let detail = if until == UNTIL_UNLOCKED {
            json!({"lockout": n, "until": "unlocked by a manager"})
        } else {
            json!({"lockout": n, "until": until})
        };
        audit::append(&tx, name, "user_locked", name, &detail)?;
        locked_error(until, now).expect_err("just locked")
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
fn why_not(conn: &Connection, name: &str, id: i64, seen: &str, matched: bool) -> Result<()> {
    let (stored, locked_until, active): (String, Option<i64>, bool) = conn.query_row(
        "SELECT pin_hash, locked_until, active FROM users WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    if stored != seen {
        return Ok(());
    }
    if let Some(until) = locked_until {
        locked_error(until, now_ms())?;
    }
    if matched && !active {
        return Err(TillError::UserInactive(name.to_owned()));
    }
    Ok(()) // a lock-out that ended in between: check again
}
