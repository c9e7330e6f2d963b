//! Start-up: the data folder as the CLI finds it (`CASHIER_DATA_DIR`, else the platform's
//! folder), the real till when it has credentials, demo mode otherwise; then every open
//! payment is followed again.

use till::config::resolve_data_dir;
use till::{Till, TillError, User};

use crate::demo;
use crate::error::ApiError;
use crate::state::Booted;

/// The demo till's folder inside the data folder (`cashier --data-dir <dir>/demo` reads it).
pub const DEMO_SUBDIR: &str = "demo";

pub struct Started {
    pub booted: Booted,
    pub user: Option<User>,
}

pub async fn start() -> Result<Started, ApiError> {
    let dir = resolve_data_dir(None)?;
    let real = match Till::open(&dir) {
        Ok(till) => Some(till),
        Err(TillError::NotInitialised(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let started = match real {
        Some(till) if till.secret_configured()? => Started {
            booted: real_till(till).await?,
            user: None,
        },
        _ => {
            let (till, demo, user) = demo::start(&dir.join(DEMO_SUBDIR)).await?;
            Started {
                booted: Booted {
                    till,
                    demo: Some(demo),
                    _listener: None,
                },
                user,
            }
        }
    };
    // Open payments from a previous run are followed to their end (handles are not needed:
    // their events reach the UI through the event forwarder).
    started.booted.till.resume_all()?;
    Ok(started)
}

/// The real till, with its callback listener when enabled.
pub async fn real_till(till: Till) -> Result<Booted, ApiError> {
    let listener = if till.config().callback.enabled {
        Some(till.start_listener().await?)
    } else {
        None
    };
    Ok(Booted {
        till,
        demo: None,
        _listener: listener,
    })
}
