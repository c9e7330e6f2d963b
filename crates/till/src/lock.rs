//! One engine per data folder. The process that drives payments (sends requests, follows them,
//! runs the callback listener: the app, `cashier sale`, `recover`, `listen`, `payout approve`)
//! holds an OS file lock on `<data folder>/engine.lock` for as long as it runs; a second one is
//! refused with an error that names the holder, so two engines never drive the same payments.
//! Reading (history, cards, payout list, export, doctor) needs no lock. The OS releases the lock
//! when the holder ends, however it ends (a crash, SIGKILL): nothing stale is left behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::{Result, TillError};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "engine.lock";

/// The held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct EngineLock {
    _file: File,
}

/// Takes the engine lock of `data_dir` for `program` (e.g. `cashier sale`), or says who holds
/// it.
pub fn acquire(data_dir: &Path, program: &str) -> Result<EngineLock> {
    let path = data_dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(TillError::EngineBusy {
                holder: if holder.is_empty() {
                    "another program".into()
                } else {
                    holder.to_owned()
                },
                data_dir: data_dir.to_owned(),
            });
        }
        Err(TryLockError::Error(e)) => return Err(e.into()),
    }
    // Who holds it, for the message another process shows (the lock is advisory: the file
    // stays readable).
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    write!(file, "{program} (process {})", std::process::id())?;
    file.flush()?;
    Ok(EngineLock { _file: file })
}

/// The name a process gives when it takes the lock without saying more: its program name.
pub fn default_program() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "a program".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_engine_is_refused_with_the_holders_name_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path(), "cashier listen").unwrap();
        let err = acquire(dir.path(), "cashier sale").unwrap_err();
        assert_eq!(err.code(), "engine_busy");
        let text = err.to_string();
        assert!(text.contains("cashier listen (process "), "{text}");
        drop(first);
        let again = acquire(dir.path(), "cashier sale").unwrap();
        drop(again);
    }
}
