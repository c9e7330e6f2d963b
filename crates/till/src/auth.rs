//! Who may change what, as values the core asks for: a change to users, settings, the secret
//! or limits takes an [`Authority`], and an [`Authority`] is only ever made by the core, from
//! a manager's PIN checked just now ([`crate::Till::authorize`]), a signed-in manager's
//! [`Session`] ([`crate::Till::authority`]), a till that has no manager yet (its setup), or
//! the demo till. So every tool (the app, the CLI, whatever comes next) gets the same rule
//! without repeating it: once a manager exists, nothing changes without one.
//!
//! The audit log names the person behind each change ([`Authority::actor`]): the manager, or
//! `setup` / `demo`; never an anonymous "operator".

use crate::db::users::{Role, User};

/// A signed-in user: made only by a PIN check ([`crate::Till::sign_in`]).
#[derive(Debug, Clone)]
pub struct Session {
    user: User,
}

impl Session {
    pub(crate) fn new(user: User) -> Session {
        Session { user }
    }

    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn name(&self) -> &str {
        &self.user.name
    }
}

/// The right to make a manager's change now.
#[derive(Debug, Clone)]
pub struct Authority {
    who: Who,
}

#[derive(Debug, Clone)]
enum Who {
    /// A till with no active manager yet: whoever sets it up (the first manager is added
    /// under this).
    Setup,
    /// The demo till, setting itself up.
    Demo,
    /// A manager whose PIN was checked.
    Manager(User),
}

impl Authority {
    pub(crate) fn setup() -> Authority {
        Authority { who: Who::Setup }
    }

    pub(crate) fn demo() -> Authority {
        Authority { who: Who::Demo }
    }

    /// `user` must be an active manager without a pending PIN change (checked by the caller
    /// against the database, just now).
    pub(crate) fn manager(user: User) -> Authority {
        debug_assert!(user.role == Role::Manager && user.active && !user.pin_change_required);
        Authority {
            who: Who::Manager(user),
        }
    }

    /// Who the audit log names.
    pub fn actor(&self) -> &str {
        match &self.who {
            Who::Setup => "setup",
            Who::Demo => "demo",
            Who::Manager(u) => &u.name,
        }
    }

    /// The manager, when a manager confirmed.
    pub fn manager_user(&self) -> Option<&User> {
        match &self.who {
            Who::Manager(u) => Some(u),
            _ => None,
        }
    }
}
