//! Making a backup: a snapshot of the database through SQLite's online backup API, then one
//! age file written beside its destination and renamed into place (never half a file).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde_json::json;
use zeroize::Zeroizing;

use super::{
    check_new_passphrase, files, secret_string, sibling, BackupReport, Cleanup, FileSum, Manifest,
    DIR, FORMAT, VERSION,
};
use crate::config::defaults;
use crate::db::{audit, now_ms, payments};
use crate::engine::bound::{retired_secret_name, secret_id};
use crate::error::{Result, TillError};
use crate::keystore::names;
use crate::Till;

impl Till {
    /// Writes a backup of this till to `to` (see [`crate::backup`]), encrypted to
    /// `passphrase` (at least [`super::MIN_PASSPHRASE_CHARS`] characters). Safe while sales
    /// run: the database snapshot is consistent, and nothing waits for it. `with_secret`
    /// false leaves the API secret out (it is then entered again after a restore). Audited
    /// (`backup_created`).
    pub fn create_backup(
        &self,
        to: &Path,
        passphrase: &str,
        with_secret: bool,
        actor: &str,
    ) -> Result<BackupReport> {
        check_new_passphrase(passphrase)?;
        // The keys first: a till whose keys are missing cannot make a useful backup.
        self.core.vault()?;
        self.core.pin_pepper()?;
        let keys = self.backup_keys(with_secret)?;
        let with_secret = keys.contains_key(names::API_SECRET);

        let cfg = self.config();
        let config_text = std::fs::read(crate::Config::path(&self.core.data_dir))?;

        // The snapshot, beside the live database (the same protection as the data itself).
        let snap_path = sibling(&self.core.data_dir.join(defaults::DB_FILE), "snapshot");
        let _snap_cleanup = Cleanup(Some(snap_path.clone()));
        let (schema_version, payments, audit_rows) = self.snapshot(&snap_path)?;

        let plain: BTreeMap<&str, &str> =
            keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut keys_json = Zeroizing::new(Vec::with_capacity(4096));
        serde_json::to_writer(&mut *keys_json, &plain)
            .map_err(|e| TillError::Config(e.to_string()))?;
        let created_at = now_ms();
        let mut sums = BTreeMap::new();
        sums.insert(files::CONFIG.to_owned(), FileSum::of(&config_text));
        sums.insert(files::KEYS.to_owned(), FileSum::of(&keys_json));
        sums.insert(files::DB.to_owned(), FileSum::of_file(&snap_path)?);
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            till_id: cfg.till_id.clone(),
            till_code: cfg.till_code.clone(),
            created_at,
            app_version: env!("CARGO_PKG_VERSION").into(),
            schema_version,
            with_secret,
            payments,
            audit_rows,
            files: sums,
        };
        let manifest_json =
            serde_json::to_vec_pretty(&manifest).map_err(|e| TillError::Config(e.to_string()))?;

        let part = sibling(to, "part");
        let mut part_cleanup = Cleanup(Some(part.clone()));
        write_archive(
            &part,
            passphrase,
            &[
                (files::MANIFEST, Source::Bytes(&manifest_json)),
                (files::CONFIG, Source::Bytes(&config_text)),
                (files::KEYS, Source::Bytes(&keys_json)),
                (files::DB, Source::File(&snap_path)),
            ],
            created_at,
        )?;
        std::fs::rename(&part, to)?;
        part_cleanup.disarm();
        let bytes = std::fs::metadata(to)?.len();
        audit::append(
            &self.core.db().conn,
            actor,
            "backup_created",
            &to.display().to_string(),
            &json!({"bytes": bytes, "with_secret": with_secret, "payments": payments, "audit_rows": audit_rows}),
        )?;
        tracing::info!(path = %to.display(), bytes, with_secret, "backup written");
        Ok(BackupReport {
            path: to.to_owned(),
            bytes,
            created_at,
            till_id: cfg.till_id,
            with_secret,
            payments,
            audit_rows,
        })
    }

    /// The keyring entries a backup carries, by name.
    fn backup_keys(&self, with_secret: bool) -> Result<BTreeMap<String, Zeroizing<String>>> {
        let mut keys = BTreeMap::new();
        for name in [names::DATA_KEY, names::PIN_PEPPER, names::AUDIT_KEY] {
            let v = self
                .core
                .keys
                .get(name)?
                .ok_or_else(|| self.core.keys_missing().unwrap_or_else(|e| e))?;
            keys.insert(name.to_owned(), v);
        }
        if with_secret {
            if let Some(current) = self.core.keys.get(names::API_SECRET)? {
                // Replaced secrets that still sign open payments go along.
                let current_id = secret_id(&ecommpay::Secret::new(current.as_str()));
                for id in payments::open_secret_ids(&self.core.db().conn)? {
                    let name = retired_secret_name(&id);
                    if id != current_id {
                        if let Some(v) = self.core.keys.get(&name)? {
                            keys.insert(name, v);
                        }
                    }
                }
                keys.insert(names::API_SECRET.to_owned(), current);
            }
            // The Data API's token and its secret are credentials too: they go with the
            // API secret, or not at all.
            for name in [names::DATA_API_TOKEN, names::DATA_API_SECRET] {
                if let Some(v) = self.core.keys.get(name)? {
                    keys.insert(name.to_owned(), v);
                }
            }
        }
        Ok(keys)
    }

    /// Copies the database to `dest` with SQLite's online backup API, from a read-only
    /// connection of its own, in one step (WAL: one consistent snapshot, while writers go
    /// on). Checks the copy; returns its schema version, payment count and audit rows.
    fn snapshot(&self, dest: &Path) -> Result<(i64, i64, u64)> {
        let src = Connection::open_with_flags(
            self.core.data_dir.join(defaults::DB_FILE),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        src.busy_timeout(Duration::from_secs(10))?;
        let mut dst = Connection::open(dest)?;
        {
            // All pages in one step: one read transaction, so one consistent snapshot (in WAL
            // mode a reader holds no writer up; a step of some pages would restart whenever
            // another connection writes).
            use rusqlite::backup::StepResult;
            let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
            let mut tries = 0;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    _ if tries < 200 => {
                        tries += 1;
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    _ => {
                        return Err(TillError::Database(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the database stayed busy for 10 s".into()),
                        )))
                    }
                }
            }
        }
        drop(src);
        // A single file with no journal beside it.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        let ok: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(TillError::Config(format!(
                "the database snapshot failed its check: {ok}"
            )));
        }
        audit::install_key(&dst, self.core.audit_key()?)?;
        let audit_rows = audit::verify(&dst)?.rows;
        let schema: i64 = dst.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let payments: i64 = dst.query_row("SELECT count(*) FROM payments", [], |r| r.get(0))?;
        dst.close().map_err(|(_, e)| e)?;
        Ok((schema, payments, audit_rows))
    }
}

/// What goes into one entry: bytes, or a file streamed from disk (the database snapshot can
/// be large).
enum Source<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

/// Writes the tar of `entries` (under [`DIR`]), age-encrypted to `passphrase`, to `path`, and
/// syncs it to disk.
fn write_archive(
    path: &Path,
    passphrase: &str,
    entries: &[(&str, Source<'_>)],
    created_at: i64,
) -> Result<()> {
    let file = File::create(path)?;
    let encryptor = age::Encryptor::with_user_passphrase(secret_string(passphrase));
    let age_out = encryptor.wrap_output(BufWriter::new(file))?;
    let mut tar = tar::Builder::new(age_out);
    tar.mode(tar::HeaderMode::Deterministic);
    for (name, source) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_mode(0o600);
        header.set_mtime((created_at / 1000).max(0) as u64);
        header.set_entry_type(tar::EntryType::Regular);
        let path = format!("{DIR}/{name}");
        match source {
            Source::Bytes(bytes) => {
                header.set_size(bytes.len() as u64);
                tar.append_data(&mut header, path, *bytes)?;
            }
            Source::File(p) => {
                let f = File::open(p)?;
                header.set_size(f.metadata()?.len());
                tar.append_data(&mut header, path, f)?;
            }
        }
    }
    let age_out = tar.into_inner()?;
    let mut buffered = age_out.finish()?;
    buffered.flush()?;
    let file = buffered.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}
