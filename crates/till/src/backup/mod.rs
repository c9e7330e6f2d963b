//! Backups: everything a till needs to live on another computer, in one encrypted file.
//!
//! The file is in the [age](https://age-encryption.org/v1) format, encrypted to a passphrase
//! (age's scrypt recipient), so the standard `age` tool opens it too (`age -d`). Inside is a
//! plain tar with one folder, `cashier-backup/`:
//!
//! - `manifest.json`: [`Manifest`] (the format and its version, the till id and code, when it
//!   was made, the schema, what it holds, each file's size and SHA-256);
//! - `config.toml`: the till's config, as it was;
//! - `keys.json`: the keyring entries by name (the card vault key, the PIN pepper, and unless
//!   made without it the API secret, with any replaced secret still signing open payments);
//! - `till.sqlite3`: a consistent snapshot of the database, taken with SQLite's online backup
//!   API from a connection of its own, so it is safe while the app or `cashier` run.
//!
//! Restoring ([`crate::Till::restore_backup`]) decrypts and checks everything before writing
//! anything: the format, each file's hash, the config, the database (it opens, passes
//! `quick_check`, its audit chain holds), and that the keys are the ones the database was
//! made with (their check values; a saved card opens). Only then are the keyring entries
//! written, under a new till id (a restored till is a new installation, and never shares
//! entries with the till it came from), and the data folder put in place. A wrong passphrase
//! or a damaged file writes nothing.
//!
//! Neither the secret nor a card identifier is ever printed, logged or written outside the
//! encrypted file (the database holds cards sealed only).

mod auto;
mod create;
mod restore;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, TillError};
use crate::vault::hex;

pub use auto::{BackupStatus, PASSPHRASE_ENTRY};
pub use restore::Restored;

/// The `format` of every manifest.
pub const FORMAT: &str = "cashier-backup";
/// The newest format version this build writes and reads.
pub const VERSION: u32 = 1;
/// The folder every entry of the tar is in.
pub(crate) const DIR: &str = "cashier-backup";
/// The shortest passphrase a new backup accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The names of the files inside.
pub(crate) mod files {
    pub const MANIFEST: &str = "manifest.json";
    pub const CONFIG: &str = "config.toml";
    pub const KEYS: &str = "keys.json";
    pub const DB: &str = "till.sqlite3";
}

/// What a backup says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub till_id: String,
    pub till_code: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// The app version that made it.
    pub app_version: String,
    /// The database's schema version (`PRAGMA user_version`).
    pub schema_version: i64,
    /// Whether the API secret is inside.
    pub with_secret: bool,
    pub payments: i64,
    pub audit_rows: u64,
    /// Every file but the manifest: its size and SHA-256 (hex).
    pub files: BTreeMap<String, FileSum>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    pub bytes: u64,
    pub sha256: String,
}

impl FileSum {
    pub(crate) fn of(bytes: &[u8]) -> FileSum {
        FileSum {
            bytes: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        }
    }

    /// The sum of a file, streamed.
    pub(crate) fn of_file(path: &std::path::Path) -> Result<FileSum> {
        let mut hashing = Hashing::new(std::io::sink());
        std::io::copy(&mut std::fs::File::open(path)?, &mut hashing)?;
        Ok(hashing.sum())
    }
}

/// A writer that hashes and counts what passes through it.
pub(crate) struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: std::io::Write> Hashing<W> {
    pub(crate) fn new(inner: W) -> Hashing<W> {
        Hashing {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    pub(crate) fn sum(self) -> FileSum {
        FileSum {
            bytes: self.bytes,
            sha256: hex(&self.hash.finalize()),
        }
    }

    pub(crate) fn into_parts(self) -> (W, FileSum) {
        let sum = FileSum {
            bytes: self.bytes,
            sha256: hex(&self.hash.clone().finalize()),
        };
        (self.inner, sum)
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What [`crate::Till::create_backup`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub path: PathBuf,
    /// The file's size.
    pub bytes: u64,
    pub created_at: i64,
    pub till_id: String,
    pub with_secret: bool,
    pub payments: i64,
    pub audit_rows: u64,
}

/// The passphrase rule for a new backup: at least [`MIN_PASSPHRASE_CHARS`] characters.
pub fn check_new_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.is_empty() {
        return Err(TillError::PassphraseEmpty);
    }
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(TillError::PassphraseTooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

fn secret_string(passphrase: &str) -> age::secrecy::SecretString {
    age::secrecy::SecretString::from(passphrase.to_owned())
}

/// A damaged-file error with what was wrong.
fn damaged(what: impl std::fmt::Display) -> TillError {
    TillError::BackupDamaged(what.to_string())
}

/// Reads all of `r`, refusing more than `limit` bytes (a small file inside a backup that claims
/// to be huge is damage, not data).
fn read_limited(r: &mut impl Read, limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| damaged(format!("{what}: {e}")))?;
    if out.len() as u64 > limit {
        return Err(damaged(format!("{what} is too large")));
    }
    Ok(out)
}

/// A file name beside `path` for writing before a rename (same folder, so the rename is
/// atomic), unique to this process and moment.
fn sibling(path: &std::path::Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    let unique = &crate::config::new_till_id()[..12];
    path.with_file_name(format!(".{name}.{tag}-{unique}"))
}

/// Removes a file or folder when dropped, unless disarmed.
struct Cleanup(Option<PathBuf>);

impl Cleanup {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            for ext in ["-wal", "-shm", "-journal"] {
                let mut side = p.clone().into_os_string();
                side.push(ext);
                let _ = std::fs::remove_file(PathBuf::from(side));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_rules() {
        assert_eq!(
            check_new_passphrase("").unwrap_err().code(),
            "passphrase_empty"
        );
        assert_eq!(
            check_new_passphrase("short").unwrap_err().code(),
            "passphrase_too_short"
        );
        // Characters, not bytes: eight Cyrillic letters are enough.
        check_new_passphrase("пароль12").unwrap();
    }
}
