//! Automatic backups (the app's Settings > Backup): a folder, one backup a day, the last N
//! kept, the passphrase in the keyring, and the time and result of the last one for people to
//! see (a warning after [`defaults::BACKUP_WARN_AFTER_MS`] without a successful one).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use super::{check_new_passphrase, BackupReport};
use crate::config::defaults;
use crate::db::{audit, now_ms};
use crate::error::{Result, TillError};
use crate::Till;

/// The keyring entry of the automatic backups' passphrase (not itself in a backup).
pub const PASSPHRASE_ENTRY: &str = "backup-passphrase";

mod meta {
    pub const LAST_AT: &str = "backup_last_at";
    pub const LAST_OK: &str = "backup_last_ok";
    pub const LAST_DETAIL: &str = "backup_last_detail";
    pub const LAST_CODE: &str = "backup_last_code";
    pub const LAST_SUCCESS_AT: &str = "backup_last_success_at";
}

/// After a failed attempt, the next one is this much later.
const RETRY_AFTER_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Backups as Settings show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupStatus {
    pub folder: Option<String>,
    pub daily: bool,
    pub keep: u32,
    /// Whether the automatic backups' passphrase is in the keyring.
    pub passphrase_set: bool,
    /// The last attempt (ms since the Unix epoch), its result, and the file it wrote or what
    /// went wrong (`last_code`, `last_detail`).
    pub last_at: Option<i64>,
    pub last_ok: Option<bool>,
    pub last_detail: Option<String>,
    pub last_code: Option<String>,
    pub last_success_at: Option<i64>,
    /// No successful backup for 7 days (for a till at least that old).
    pub overdue: bool,
}

impl Till {
    /// The backup settings and the last backup's time and result.
    pub fn backup_status(&self) -> Result<BackupStatus> {
        let cfg = self.config().backup;
        let db = self.core.db();
        let get = |k: &str| db.meta_get(k);
        let num = |k: &str| -> Result<Option<i64>> { Ok(get(k)?.and_then(|v| v.parse().ok())) };
        let last_success_at = num(meta::LAST_SUCCESS_AT)?;
        let since = match last_success_at {
            Some(t) => Some(t),
            // Never: counted from the till's first audit row (its set-up).
            None => db
                .connection()
                .query_row("SELECT min(at) FROM audit_log", [], |r| r.get(0))
                .unwrap_or(None),
        };
        let overdue = since.is_some_and(|t| now_ms() - t > defaults::BACKUP_WARN_AFTER_MS);
        let status = BackupStatus {
            folder: cfg.folder,
            daily: cfg.daily,
            keep: cfg.keep,
            passphrase_set: false,
            last_at: num(meta::LAST_AT)?,
            last_ok: get(meta::LAST_OK)?.map(|v| v == "1"),
            last_detail: get(meta::LAST_DETAIL)?,
            last_code: get(meta::LAST_CODE)?.filter(|c| !c.is_empty()),
            last_success_at,
            overdue,
        };
        drop(db);
        Ok(BackupStatus {
            passphrase_set: self.core.keys.get(PASSPHRASE_ENTRY)?.is_some(),
            ..status
        })
    }

    /// Keeps the automatic backups' passphrase in the keyring (at least
    /// [`super::MIN_PASSPHRASE_CHARS`] characters). Audited, never shown again.
    pub fn set_backup_passphrase(
        &self,
        auth: &crate::auth::Authority,
        passphrase: &str,
    ) -> Result<()> {
        self.still_valid(auth, "the backup passphrase")?;
        check_new_passphrase(passphrase)?;
        self.core.keys.set(PASSPHRASE_ENTRY, passphrase)?;
        audit::append(
            &self.core.db().conn,
            auth.actor(),
            "backup_passphrase_set",
            PASSPHRASE_ENTRY,
            &json!({}),
        )?;
        Ok(())
    }

    /// Whether an automatic backup is due now: daily, with a folder and a passphrase, and
    /// none for a day (an hour after a failed one).
    pub fn backup_due(&self) -> Result<bool> {
        let s = self.backup_status()?;
        if !(s.daily && s.folder.is_some() && s.passphrase_set) {
            return Ok(false);
        }
        let wait = if s.last_ok == Some(false) {
            RETRY_AFTER_MS
        } else {
            DAY_MS
        };
        Ok(match s.last_at {
            None => true,
            Some(t) => now_ms() - t >= wait,
        })
    }

    /// Writes a backup into the backup folder now, with the keyring's passphrase and the API
    /// secret, removes this till's oldest backups there beyond `backup.keep`, and records the
    /// time and result (success or failure) for [`Till::backup_status`].
    pub fn backup_now(&self, actor: &str) -> Result<BackupReport> {
        let result = self.backup_into_folder(actor);
        let db = self.core.db();
        let now = now_ms().to_string();
        let (ok, detail, code) = match &result {
            Ok(r) => ("1", r.path.display().to_string(), String::new()),
            Err(e) => ("0", e.to_string(), e.code().to_owned()),
        };
        for (k, v) in [
            (meta::LAST_AT, now.as_str()),
            (meta::LAST_OK, ok),
            (meta::LAST_DETAIL, detail.as_str()),
            (meta::LAST_CODE, code.as_str()),
        ] {
            db.meta_set(k, v)?;
        }
        if result.is_ok() {
            db.meta_set(meta::LAST_SUCCESS_AT, &now)?;
        }
        drop(db);
        if let Err(e) = &result {
            tracing::warn!(code = e.code(), "the automatic backup failed: {e}");
        }
        result
    }

    fn backup_into_folder(&self, actor: &str) -> Result<BackupReport> {
        let cfg = self.config();
        let folder = cfg
            .backup
            .folder
            .as_deref()
            .ok_or_else(|| TillError::BackupNotSetUp("no backup folder is chosen".into()))?;
        let passphrase = self
            .core
            .keys
            .get(PASSPHRASE_ENTRY)?
            .ok_or_else(|| TillError::BackupNotSetUp("no backup passphrase is set".into()))?;
        let folder = Path::new(folder);
        if !folder.is_dir() {
            return Err(TillError::DataDir {
                path: folder.to_owned(),
                detail: "the backup folder is not there (is the USB stick or the share connected?)"
                    .into(),
            });
        }
        let prefix = file_prefix(&cfg.till_code, &cfg.till_id);
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let path = folder.join(format!("{prefix}{stamp}.age"));
        let report = self.create_backup(&path, &passphrase, true, actor)?;
        prune(folder, &prefix, cfg.backup.keep as usize, &path);
        Ok(report)
    }
}

/// The start of this till's backup file names: `cashier-<till code>-<8 of the till id>-`.
fn file_prefix(till_code: &str, till_id: &str) -> String {
    let short: String = till_id.chars().take(8).collect();
    format!("cashier-{till_code}-{short}-")
}

/// Removes this till's backups in `folder` beyond the newest `keep` (names sort by time);
/// never `just_written`, never another till's file. Failures only warn.
fn prune(folder: &Path, prefix: &str, keep: usize, just_written: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut ours: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".age"))
        })
        .collect();
    ours.sort();
    ours.reverse();
    for old in ours.into_iter().skip(keep) {
        if old != just_written {
            if let Err(e) = std::fs::remove_file(&old) {
                tracing::warn!(path = %old.display(), "an old backup stays: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_keeps_the_newest_of_this_till_only() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = file_prefix("T1", "0123456789abcdef0123456789abcdef");
        assert_eq!(prefix, "cashier-T1-01234567-");
        for stamp in ["20260101-000000", "20260102-000000", "20260103-000000"] {
            std::fs::write(dir.path().join(format!("{prefix}{stamp}.age")), b"x").unwrap();
        }
        let other = dir.path().join("cashier-T1-ffffffff-20250101-000000.age");
        std::fs::write(&other, b"x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        let newest = dir.path().join(format!("{prefix}20260103-000000.age"));
        prune(dir.path(), &prefix, 2, &newest);
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "cashier-T1-01234567-20260102-000000.age",
                "cashier-T1-01234567-20260103-000000.age",
                "cashier-T1-ffffffff-20250101-000000.age",
                "notes.txt"
            ]
        );
    }
}
