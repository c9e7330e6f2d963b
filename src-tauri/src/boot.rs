//! Start-up: the data folder as the CLI finds it (`CASHIER_DATA_DIR`, else the platform's
//! folder), the real till when it has credentials, demo mode otherwise; then every open
//! payment is followed again. Also the one later change of till: demo to real
//! ([`switch_to_real`]), and the demo's wind-down after it.

use std::sync::Mutex;

use tauri::Manager;
use till::config::resolve_data_dir;
use till::{Session, Till, TillError};

use crate::demo;
use crate::error::ApiError;
use crate::state::Booted;

/// The demo till's folder inside the data folder (`cashier --data-dir <dir>/demo` reads it).
pub const DEMO_SUBDIR: &str = "demo";

pub struct Started {
    pub booted: Booted,
    pub user: Option<Session>,
    /// The till's events from before its open payments were resumed (for the forwarder).
    pub events: Option<tokio::sync::broadcast::Receiver<till::TillEvent>>,
}

/// The nice value of the start-up thread (see [`yield_to_window`]).
pub const START_NICE: i32 = 10;

/// Lowers the calling thread's priority (Linux: the nice value is per thread), so that on a
/// two-core till PC the window (GTK, WebKit's processes, the X server) gets the CPU first and
/// the till's start-up (keyring, SQLite, the demo cashier's Argon2 hash) takes what is left:
/// the window does not wait for it until the page's first command, which comes later (issue 12:
/// start-up, measured by scripts/bench-app.sh). The priority is never raised again (an
/// unprivileged thread cannot), so the thread must not make lasting threads: the async
/// runtime's workers are made before it starts (main.rs), its work runs on the runtime or
/// itself, and it ends with the start-up; `tests/it/app/startup.rs` checks that every thread
/// left at the sale screen runs at the normal priority. Elsewhere: nothing.
pub fn yield_to_window() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), START_NICE)
    {
        tracing::debug!("the start-up keeps its priority: {e}");
    }
}

pub async fn start() -> Result<Started, ApiError> {
    let dir = resolve_data_dir(None)?;
    let real = match Till::open(&dir) {
        Ok(till) => Some(till),
        Err(TillError::NotInitialised(_)) => None,
        Err(e) => return Err(e.into()),
    };
    crate::state::mark("boot: real till looked for");
    let started = match real {
        // A real till whose keys are not in this keyring: never the demo in its place. It
        // starts as it is (nothing followed: nothing could be sent), and the UI says what is
        // missing and what helps (`keys_missing`, "Restore from a backup").
        Some(till) if !till.missing_keys()?.is_empty() => {
            tracing::error!(data_dir = %dir.display(), "this till's keys are not in the keyring");
            return Ok(Started {
                booted: Booted {
                    till,
                    demo: None,
                    listener: Mutex::new(None),
                },
                user: None,
                events: None,
            });
        }
        Some(till) if till.secret_configured()? => Started {
            booted: real_till(till).await?,
            user: None,
            events: None,
        },
        _ => {
            let (till, demo, user) = demo::start(&dir.join(DEMO_SUBDIR)).await?;
            Started {
                booted: Booted {
                    till,
                    demo: Some(demo),
                    listener: Mutex::new(None),
                },
                user,
                events: None,
            }
        }
    };
    // Open payments from a previous run are followed to their end (handles are not needed:
    // their events reach the UI through the event forwarder, which reads from this receiver:
    // taken first, so that a late result said at once is not lost).
    let mut started = started;
    started.events = Some(started.booted.till.subscribe());
    started.booted.till.resume_all()?;
    crate::state::mark("boot: open payments resumed");
    Ok(started)
}

/// Replaces the running (demo) till by the real `till`: its open payments are followed, its
/// events reach the UI instead of the demo's, the demo winds down, and every window is told to
/// start afresh (`till_changed`).
pub async fn switch_to_real(app: &tauri::AppHandle, till: Till) -> Result<(), ApiError> {
    let t = till.clone();
    crate::commands::blocking(move || Ok(t.resume_all().map(drop)?)).await?;
    let booted = real_till(till.clone()).await?;
    let generation = app.state::<crate::state::AppState>().switch_to(booted);
    crate::events::forward(app.clone(), till, generation);
    tauri::async_runtime::spawn(wind_down_retired(app.clone()));
    crate::events::emit(app, crate::dto::UiEvent::TillChanged);
    Ok(())
}

/// How often a till switched away from is checked for open payments.
const WIND_DOWN_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// After a switch (demo to real): each retired till keeps running until its last open payment
/// is final, then its demo gateway and listener stop (no stray server left on the LAN).
async fn wind_down_retired(app: tauri::AppHandle) {
    loop {
        tokio::time::sleep(WIND_DOWN_EVERY).await;
        let (idle, left) = app.state::<crate::state::AppState>().take_idle_retired();
        for booted in idle {
            // A command may still hold it for a moment: then it simply drops later.
            if let Ok(Booted {
                demo: Some(demo), ..
            }) = std::sync::Arc::try_unwrap(booted)
            {
                demo.shutdown().await;
            }
        }
        if left == 0 {
            return;
        }
    }
}

/// The real till, with its callback listener when enabled.
pub async fn real_till(till: Till) -> Result<Booted, ApiError> {
    let booted = Booted {
        till,
        demo: None,
        listener: Mutex::new(None),
    };
    booted.restart_listener().await?;
    Ok(booted)
}

/// The demo started in place of a till that could not start (the fatal page's "Start the
/// demo"): in its own folder with its own keys, signed in as at a normal start; every window
/// starts afresh (`till_changed`).
pub async fn demo_instead(app: &tauri::AppHandle) -> Result<(), ApiError> {
    let dir = resolve_data_dir(None)?;
    let (till, demo, user) = demo::start(&dir.join(DEMO_SUBDIR)).await?;
    let events = till.subscribe();
    till.resume_all()?;
    let state = app.state::<crate::state::AppState>();
    let generation = state.switch_to(Booted {
        till: till.clone(),
        demo: Some(demo),
        listener: Mutex::new(None),
    });
    state.set_user(user);
    crate::events::forward_from(app.clone(), till, generation, events);
    crate::health::start_probe(app.clone());
    crate::events::emit(app, crate::dto::UiEvent::TillChanged);
    Ok(())
}
