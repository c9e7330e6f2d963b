//! Users, sign-in and who may confirm what (see [`crate::auth`]).

use super::Till;
use crate::auth::{Authority, Session};
use crate::db::users::{self, PinPolicy, Role, User};
use crate::error::{Result, TillError};

impl Till {
    fn pin_policy(&self) -> PinPolicy {
        let t = self.core.config().timing;
        PinPolicy {
            max_attempts: t.pin_max_attempts,
            lockout_ms: t.pin_lockout_ms as i64,
            failures_per_minute: t.pin_failures_per_minute,
        }
    }

    /// Adds a user; on a till with a manager, `auth` is one.
    pub fn add_user(&self, auth: &Authority, name: &str, role: Role, pin: &str) -> Result<User> {
        self.still_valid(auth, "adding a user")?;
        let pepper = self.core.pin_pepper()?;
        users::add(
            &self.core.db().conn,
            name,
            role,
            pin,
            pepper.bytes(),
            auth.actor(),
        )
    }

    /// Adds one of the demo's users, whose PINs its sign-in screen shows: hashed at the least
    /// cost, made again at the full cost when they first sign in ([`users::add_public`]).
    /// Refused for a real till.
    pub fn add_demo_user(&self, name: &str, role: Role, pin: &str) -> Result<User> {
        let demo = self.demo_authority()?;
        let pepper = self.core.pin_pepper()?;
        users::add_public(
            &self.core.db().conn,
            (name, role, pin),
            pepper.bytes(),
            demo.actor(),
        )
    }

    pub fn users(&self) -> Result<Vec<User>> {
        self.core.read(users::list)
    }

    /// Whether the till has an active manager (from then on, every change needs one).
    pub fn has_manager(&self) -> Result<bool> {
        self.core.read(users::has_active_manager)
    }

    /// Checks a PIN: the user when it is right; wrong PINs count towards the lock-out
    /// schedule and the till-wide cap (see [`users::pin`]). Needs the PIN pepper only, except
    /// for a PIN last set before the pepper had its own key: that one needs the card vault
    /// key once more, and is rehashed on success.
    ///
    /// The Argon2 work runs without the database lock (sales, callbacks and every other call
    /// go on meanwhile): the record is read under it, checked, then the outcome is written
    /// under it again against the row as it is by then (see [`users::verify_pin`]).
    pub fn verify_pin(&self, name: &str, pin: &str) -> Result<User> {
        let pepper = self.core.pin_pepper()?;
        let policy = self.pin_policy();
        loop {
            let record = users::pin_record(&self.core.db().conn, name, pin, policy)?;
            let legacy = if record.legacy()? {
                Some(self.core.vault()?.pin_pepper())
            } else {
                None
            };
            let peppers = users::Peppers {
                pin: pepper.bytes(),
                legacy: legacy.as_deref().map(|v| v.as_slice()),
            };
            let check = users::check_pin(&record, pin, peppers)?;
            let db = self.core.db();
            if let Some(user) = users::record_pin_check(&db.conn, name, record, check, policy)? {
                return Ok(user);
            }
        }
    }

    /// Sign-in: a [`Session`] for the user whose PIN this is. A manager whose PIN is shorter
    /// than managers' PINs must be signs in with `pin_change_required` set.
    pub fn sign_in(&self, name: &str, pin: &str) -> Result<Session> {
        self.verify_pin(name, pin).map(Session::new)
    }

    /// The right to make a manager's change, from a manager's name and PIN checked now; or,
    /// with `None`, on a till that has no manager yet (its setup). `what` names the change
    /// in the error when a manager is needed and none was given.
    pub fn authorize(&self, what: &str, manager: Option<(&str, &str)>) -> Result<Authority> {
        match manager {
            Some((name, pin)) => self.manager_by_pin(name, pin).map(Authority::manager),
            None if self.has_manager()? => Err(TillError::ManagerRequired(what.to_owned())),
            None => Ok(Authority::setup()),
        }
    }

    /// The right to make a manager's change for a signed-in manager, as they are in the
    /// database now (still active, still a manager, no PIN change pending).
    pub fn authority(&self, session: &Session) -> Result<Authority> {
        let now = self.core.read(|c| users::get(c, session.name()))?;
        if now.id != session.user().id {
            return Err(TillError::UserNotFound(session.name().to_owned()));
        }
        manager_now(now).map(Authority::manager)
    }

    /// The demo till's right to set itself up (refused for a real till).
    pub fn demo_authority(&self) -> Result<Authority> {
        if self.core.config().demo {
            Ok(Authority::demo())
        } else {
            Err(TillError::NotManager)
        }
    }

    /// The demo till signs its cashier in at start without a PIN (its PINs are on the screen
    /// anyway); never a deactivated or locked-out user. Refused for a real till.
    pub fn demo_session(&self, name: &str) -> Result<Session> {
        if !self.core.config().demo {
            return Err(TillError::NotManager);
        }
        let (user, locked) = self.core.read(|c| {
            let u = users::get(c, name)?;
            Ok((u, users::is_locked(c, name)?))
        })?;
        if !user.active {
            return Err(TillError::UserInactive(user.name));
        }
        if locked {
            return Err(TillError::LockedUntilUnlocked);
        }
        Ok(Session::new(user))
    }

    /// A manager, by name and PIN checked now.
    pub(crate) fn manager_by_pin(&self, name: &str, pin: &str) -> Result<User> {
        manager_now(self.verify_pin(name, pin)?)
    }

    /// An [`Authority::setup`] made before the first manager was added stops there.
    pub(crate) fn still_valid(&self, auth: &Authority, what: &str) -> Result<()> {
        if auth.manager_user().is_none() && auth.actor() == "setup" && self.has_manager()? {
            return Err(TillError::ManagerRequired(what.to_owned()));
        }
        Ok(())
    }

    /// The keys this till had that this computer's keyring does not hold (entry names, see
    /// [`crate::keystore::names`]); empty when nothing is missing. A real till with missing
    /// keys must say so ([`TillError::KeysMissing`]), never start as something else.
    pub fn missing_keys(&self) -> Result<Vec<&'static str>> {
        self.core.missing_keys()
    }

    /// A user changes their own PIN (the old one is checked, and counts towards the
    /// lock-out when wrong). The new PIN follows [`users::validate_pin`]. Returns the user
    /// as they are now (no PIN change pending), signed in (the old PIN was just checked).
    pub fn change_pin(&self, name: &str, old_pin: &str, new_pin: &str) -> Result<Session> {
        // The rule first, for the role the name has (a wrong old PIN still says wrong PIN).
        if let Ok(u) = self.core.read(|c| users::get(c, name)) {
            users::validate_pin(new_pin, u.role)?;
        }
        let user = self.verify_pin(name, old_pin)?;
        let pepper = self.core.pin_pepper()?;
        users::change_pin(&self.core.db().conn, &user, new_pin, pepper.bytes())?;
        Ok(Session::new(User {
            pin_change_required: false,
            ..user
        }))
    }

    /// A manager (PIN checked) sets `name`'s PIN and lifts any lock-out. Returns the user.
    pub fn reset_pin(
        &self,
        manager: &str,
        manager_pin: &str,
        name: &str,
        new_pin: &str,
    ) -> Result<User> {
        let m = self.manager_by_pin(manager, manager_pin)?;
        let pepper = self.core.pin_pepper()?;
        users::reset_pin(&self.core.db().conn, &m, name, new_pin, pepper.bytes())
    }

    /// A manager (PIN checked) lifts `name`'s lock-out (any step of the schedule). Returns
    /// the user.
    pub fn unlock_user(&self, manager: &str, manager_pin: &str, name: &str) -> Result<User> {
        let m = self.manager_by_pin(manager, manager_pin)?;
        users::unlock(&self.core.db().conn, &m, name)
    }

    /// A manager (PIN checked) deactivates (`active = false`) or reactivates a user. Users are
    /// never deleted, so history keeps who did what; an inactive user cannot sign in, approve
    /// or reject; the last active manager cannot be deactivated ([`TillError::LastManager`]).
    /// Returns the user as it is now.
    pub fn set_user_active(
        &self,
        manager: &str,
        manager_pin: &str,
        name: &str,
        active: bool,
    ) -> Result<User> {
        let m = self.manager_by_pin(manager, manager_pin)?;
        users::set_active(&self.core.db().conn, &m, name, active)
    }
}

/// `u` as a manager who may confirm now: a manager, active, with no PIN change pending.
fn manager_now(u: User) -> Result<User> {
    if u.role != Role::Manager {
        return Err(TillError::NotManager);
    }
    if !u.active {
        return Err(TillError::UserInactive(u.name));
    }
    if u.pin_change_required {
        return Err(TillError::PinChangeRequired(u.name));
    }
    Ok(u)
}
