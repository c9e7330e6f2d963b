//! The app's state: the till (or why it could not start), the signed-in user, the sale on
//! screen, the gateway's health. The till is replaced once when a demo till is connected to the
//! real gateway ([`AppState::switch_to`]); commands hold an `Arc` of the one they started with.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};

use till::listener::ListenerHandle;
use till::{Authority, Role, Session, Till, User};

use crate::demo::Demo;
use crate::dto::SaleView;
use crate::error::{ApiError, ApiResult, ErrorCode};

pub struct AppState {
    /// Set by [`AppState::finish_boot`] (the till starts while the window does), replaced by
    /// [`AppState::switch_to`].
    boot: RwLock<Option<Result<Arc<Booted>, ApiError>>>,
    /// Bumped by every switch: an event forwarder of an earlier till stops when it changes.
    generation: AtomicU64,
    /// Tills switched away from (the demo): kept running so their open payments end normally
    /// against their own sandbox; their events no longer reach the UI.
    retired: Mutex<Vec<Arc<Booted>>>,
    booting: (Mutex<()>, Condvar),
    booted_notify: tokio::sync::Notify,
    /// Who is signed in (a [`Session`]: only a PIN check makes one).
    pub user: Mutex<Option<Session>>,
    pub sale: Mutex<Option<SaleView>>,
    pub gateway_ok: Mutex<bool>,
    /// Late results (a sale paid or declined while nobody watched it) not dismissed yet: a
    /// window that opens after they were told still shows them (see `AppInfo::late`).
    pub late: Mutex<Vec<crate::dto::UiEvent>>,
}

/// A till that started.
pub struct Booted {
    pub till: Till,
    /// In demo mode, the sandbox the till talks to (kept alive as long as the app).
    pub demo: Option<Demo>,
    /// The real till's callback listener, when enabled (see [`Booted::restart_listener`]).
    pub listener: Mutex<Option<ListenerHandle>>,
}

impl Booted {
    /// Applies the callback settings now: stops the listener, and starts it again when it is
    /// enabled (a manager changing them expects them to work without a restart). The demo's
    /// listener belongs to the demo and is not touched.
    pub async fn restart_listener(&self) -> ApiResult<()> {
        if self.demo.is_some() {
            return Ok(());
        }
        let old = lock(&self.listener).take();
        if let Some(l) = old {
            l.stop().await;
        }
        if self.till.config().callback.enabled {
            let l = self.till.start_listener().await?;
            *lock(&self.listener) = Some(l);
        }
        Ok(())
    }
}

/// When the process started (set first thing in `main`), for the start-up marks.
pub static PROCESS_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// A start-up mark: `CASHIER_LOG=startup=info` prints each phase's time since the process
/// started (see `scripts/bench-app.sh`).
pub fn mark(phase: &str) {
    if let Some(t0) = PROCESS_START.get() {
        tracing::info!(target: "startup", ms = t0.elapsed().as_millis() as u64, "{phase}");
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    /// The state before the till has started (see [`AppState::finish_boot`]).
    pub fn starting() -> AppState {
        AppState {
            boot: RwLock::new(None),
            generation: AtomicU64::new(0),
            retired: Mutex::new(Vec::new()),
            booting: (Mutex::new(()), Condvar::new()),
            booted_notify: tokio::sync::Notify::new(),
            user: Mutex::new(None),
            sale: Mutex::new(None),
            gateway_ok: Mutex::new(true),
            late: Mutex::new(Vec::new()),
        }
    }

    fn get(&self) -> Option<Result<Arc<Booted>, ApiError>> {
        self.boot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The till has started (or could not): sets it and the user to start signed in as, and
    /// wakes the commands waiting for it. Only the first call counts.
    pub fn finish_boot(&self, boot: Result<Booted, ApiError>, user: Option<Session>) {
        let _guard = lock(&self.booting.0);
        let mut slot = self.boot.write().unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return;
        }
        // The user first: whoever sees the till started also sees who is signed in.
        self.set_user(user);
        *slot = Some(boot.map(Arc::new));
        drop(slot);
        mark("till started");
        self.booting.1.notify_all();
        self.booted_notify.notify_waiters();
    }

    /// Replaces the running till (a demo till connected to the real gateway): nobody is signed
    /// in, no sale is on screen, and the old till keeps running in the background until its
    /// open payments end. Returns the new generation (see [`AppState::is_current`]).
    pub fn switch_to(&self, booted: Booted) -> u64 {
        let _guard = lock(&self.booting.0);
        let mut slot = self.boot.write().unwrap_or_else(|e| e.into_inner());
        let old = slot.replace(Ok(Arc::new(booted)));
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        drop(slot);
        if let Some(Ok(old)) = old {
            lock(&self.retired).push(old);
        }
        self.set_user(None);
        *lock(&self.sale) = None;
        *lock(&self.gateway_ok) = true;
        generation
    }

    /// Takes out the retired tills whose payments are all final (for the caller to stop);
    /// returns them and how many stay.
    pub fn take_idle_retired(&self) -> (Vec<Arc<Booted>>, usize) {
        let mut retired = lock(&self.retired);
        let (idle, busy): (Vec<_>, Vec<_>) = retired
            .drain(..)
            .partition(|b| b.till.open_payments().is_ok_and(|n| n == 0));
        *retired = busy;
        let left = retired.len();
        (idle, left)
    }

    /// The current till's generation (0 for the one started with the app).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether `generation` is still the running till's.
    pub fn is_current(&self, generation: u64) -> bool {
        self.generation() == generation
    }

    /// Waits, without blocking a thread, until the till has started (or could not). The UI's
    /// first command waits here, so the main thread (GTK's) never waits for the start-up.
    pub async fn started(&self) {
        static FIRST: std::sync::Once = std::sync::Once::new();
        FIRST.call_once(|| mark("first command from the page"));
        loop {
            let notified = self.booted_notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so a finish_boot in between is not missed.
            notified.as_mut().enable();
            if self.get().is_some() {
                return;
            }
            notified.await;
        }
    }

    /// The start-up's outcome, waiting for it while the till is still starting (the UI's first
    /// command, `app_info`, awaits [`AppState::started`] instead, so other commands come after).
    fn boot(&self) -> Result<Arc<Booted>, ApiError> {
        if let Some(boot) = self.get() {
            return boot;
        }
        let mut guard = lock(&self.booting.0);
        loop {
            if let Some(boot) = self.get() {
                return boot;
            }
            guard = self
                .booting
                .1
                .wait(guard)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn booted(&self) -> ApiResult<Arc<Booted>> {
        self.boot()
    }

    /// The running till (a cheap clone sharing its database and events).
    pub fn till(&self) -> ApiResult<Till> {
        Ok(self.booted()?.till.clone())
    }

    /// Whether the running till is the demo one.
    pub fn is_demo(&self) -> bool {
        self.boot().is_ok_and(|b| b.demo.is_some())
    }

    pub fn current_user(&self) -> Option<User> {
        self.session().map(|s| s.user().clone())
    }

    /// The signed-in session.
    pub fn session(&self) -> Option<Session> {
        // The user to start signed in as comes with the start-up.
        let _ = self.boot();
        lock(&self.user).clone()
    }

    pub fn set_user(&self, u: Option<Session>) {
        *lock(&self.user) = u;
    }

    /// The signed-in manager's right to change things now (as they are in the database: still
    /// active, still a manager, no PIN change pending), or `forbidden`/the core's refusal.
    pub fn authority(&self, till: &Till) -> ApiResult<Authority> {
        self.manager()?;
        let s = self
            .session()
            .ok_or_else(|| ApiError::new(ErrorCode::NotSignedIn, "nobody is signed in"))?;
        Ok(till.authority(&s)?)
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
