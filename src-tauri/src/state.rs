//! The app's state: the till (or why it could not start), the signed-in user, the sale on
//! screen, the gateway's health.

use std::sync::Mutex;

use till::listener::ListenerHandle;
use till::{Role, Till, User};

use crate::demo::Demo;
use crate::dto::SaleView;
use crate::error::{ApiError, ApiResult, ErrorCode};

pub struct AppState {
    boot: Result<Booted, ApiError>,
    pub user: Mutex<Option<User>>,
    pub sale: Mutex<Option<SaleView>>,
    pub gateway_ok: Mutex<bool>,
}

/// A till that started.
pub struct Booted {
    pub till: Till,
    /// In demo mode, the sandbox the till talks to (kept alive as long as the app).
    pub demo: Option<Demo>,
    /// The real till's callback listener, when enabled.
    pub _listener: Option<ListenerHandle>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    pub fn new(boot: Result<Booted, ApiError>, user: Option<User>) -> AppState {
        AppState {
            boot,
            user: Mutex::new(user),
            sale: Mutex::new(None),
            gateway_ok: Mutex::new(true),
        }
    }

    pub fn booted(&self) -> ApiResult<&Booted> {
        self.boot.as_ref().map_err(Clone::clone)
    }

    pub fn till(&self) -> ApiResult<&Till> {
        Ok(&self.booted()?.till)
    }

    pub fn demo(&self) -> Option<&Demo> {
        self.boot.as_ref().ok().and_then(|b| b.demo.as_ref())
    }

    pub fn current_user(&self) -> Option<User> {
        lock(&self.user).clone()
    }

    pub fn set_user(&self, u: Option<User>) {
        *lock(&self.user) = u;
    }

    /// The signed-in user, or `not_signed_in`.
    pub fn signed_in(&self) -> ApiResult<User> {
        self.current_user()
            .ok_or_else(|| ApiError::new(ErrorCode::NotSignedIn, "nobody is signed in"))
    }

    /// The signed-in manager, or `forbidden`.
    pub fn manager(&self) -> ApiResult<User> {
        let u = self.signed_in()?;
        if u.role != Role::Manager {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "only a manager can do this",
            ));
        }
        Ok(u)
    }

    pub fn sale(&self) -> Option<SaleView> {
        lock(&self.sale).clone()
    }

    /// Applies `f` to the sale on screen; returns the new view when it changed.
    pub fn update_sale(
        &self,
        f: impl FnOnce(&mut Option<SaleView>) -> bool,
    ) -> Option<Option<SaleView>> {
        let mut slot = lock(&self.sale);
        f(&mut slot).then(|| slot.clone())
    }

    pub fn gateway_ok(&self) -> bool {
        *lock(&self.gateway_ok)
    }

    /// Sets the gateway's health; true when it changed.
    pub fn set_gateway_ok(&self, ok: bool) -> bool {
        let mut slot = lock(&self.gateway_ok);
        let changed = *slot != ok;
        *slot = ok;
        changed
    }
}
