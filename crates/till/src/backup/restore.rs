//! Restoring a backup: decrypt and check everything in a staging folder beside the target,
//! then write the keyring entries (under a new till id), then put the files in place.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use super::{
    damaged, files, read_limited, secret_string, sibling, Cleanup, Hashing, Manifest, DIR, FORMAT,
    VERSION,
};
use crate::config::{self, defaults, Config};
use crate::core::{META_KEY_CHECK, META_PEPPER_CHECK};
use crate::db::{audit, cards, Db};
use crate::error::{Result, TillError};
use crate::keystore::{names, KeyStore, OsKeyring};
use crate::pepper::PinPepper;
use crate::vault::CardVault;
use crate::Till;

/// What [`Till::restore_backup`] put in place.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub data_dir: PathBuf,
    /// The restored till's new id (its keyring entries are named by it).
    pub till_id: String,
    /// The id of the till the backup was made of.
    pub from_till_id: String,
    pub till_code: String,
    /// When the backup was made (ms since the Unix epoch).
    pub created_at: i64,
    pub with_secret: bool,
    pub payments: i64,
    pub audit_rows: u64,
}

/// A backup decrypted into a staging folder, not yet checked against its database.
struct Unpacked {
    manifest: Manifest,
    config: Config,
    keys: BTreeMap<String, Zeroizing<String>>,
    /// The staged database file.
    db: PathBuf,
}

impl Till {
    /// Restores the backup `from` (encrypted to `passphrase`) into `data_dir`, on any computer
    /// and for any OS user: the users sign in with their PINs, saved cards pay out, history
    /// and the audit chain are as they were. Everything is decrypted and checked first; a
    /// wrong passphrase ([`TillError::BackupWrongPassphrase`]) or a damaged file
    /// ([`TillError::BackupDamaged`]) writes nothing. A folder that already holds a till is
    /// refused unless `replace` ([`TillError::RestoreTargetHasTill`]); other files there (the
    /// app's `demo/` folder) stay. Returns the opened till.
    pub fn restore_backup(
        from: &Path,
        passphrase: &str,
        data_dir: &Path,
        replace: bool,
    ) -> Result<(Till, Restored)> {
        if passphrase.is_empty() {
            return Err(TillError::PassphraseEmpty);
        }
        let holds_till = [defaults::DB_FILE, defaults::CONFIG_FILE]
            .iter()
            .any(|f| data_dir.join(f).exists());
        if holds_till && !replace {
            return Err(TillError::RestoreTargetHasTill(data_dir.to_owned()));
        }
        // A till replaced must not be taking payments meanwhile (the app, `cashier sale`).
        let engine = if holds_till {
            Some(crate::lock::acquire(data_dir, "cashier backup restore")?)
        } else {
            None
        };
        let reader = decrypt(from, passphrase)?;

        // From here on something may be written: into a staging folder, removed on failure.
        if let Some(parent) = data_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| TillError::DataDir {
                path: parent.to_owned(),
                detail: e.to_string(),
            })?;
        }
        let staging = sibling(data_dir, "restore");
        std::fs::create_dir(&staging).map_err(|e| TillError::DataDir {
            path: staging.clone(),
            detail: e.to_string(),
        })?;
        let mut staging_cleanup = Cleanup(Some(staging.clone()));
        let mut unpacked = unpack(reader, &staging)?;
        check_database(&unpacked)?;

        // The checks hold: the new till's keys, then its files.
        let old_keys = holds_till.then(|| OsKeyring::for_data_dir(data_dir));
        let from_till_id = unpacked.manifest.till_id.clone();
        unpacked.config.till_id = config::new_till_id();
        let keys = OsKeyring::for_till_id(&unpacked.config.till_id);
        let written = write_keys(&keys, &unpacked.keys)?;
        let placed = unpacked
            .config
            .save(&staging)
            .and_then(|()| place(&staging, data_dir));
        if let Err(e) = placed {
            for name in &written {
                let _ = keys.delete(name);
            }
            return Err(e);
        }
        staging_cleanup.disarm();
        if let Some(old) = old_keys {
            for name in names::ALL.into_iter().chain([super::PASSPHRASE_ENTRY]) {
                if let Err(e) = old.delete(name) {
                    tracing::warn!("the replaced till's keyring entry {name} stays: {e}");
                }
            }
        }

        drop(engine); // the restored till takes it when it drives payments
        let till = Till::open(data_dir)?;
        let m = &unpacked.manifest;
        audit::append(
            &till.core.db().conn,
            "restore",
            "restored",
            &from_till_id,
            &json!({"backup_created_at": m.created_at, "with_secret": m.with_secret, "from_app_version": m.app_version}),
        )?;
        tracing::info!(data_dir = %data_dir.display(), "backup restored");
        let restored = Restored {
            data_dir: data_dir.to_owned(),
            till_id: unpacked.config.till_id.clone(),
            from_till_id,
            till_code: unpacked.config.till_code.clone(),
            created_at: m.created_at,
            with_secret: m.with_secret,
            payments: m.payments,
            audit_rows: m.audit_rows,
        };
        Ok((till, restored))
    }
}

/// Opens `from` and decrypts its age header with `passphrase`: the plaintext stream.
fn decrypt(from: &Path, passphrase: &str) -> Result<impl Read> {
    let file = File::open(from).map_err(|e| {
        TillError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", from.display()),
        ))
    })?;
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file)).map_err(age_error)?;
    if !decryptor.is_scrypt() {
        return Err(damaged(
            "this age file is encrypted to a key, not to a passphrase",
        ));
    }
    let identity = age::scrypt::Identity::new(secret_string(passphrase));
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(age_error)
}

fn age_error(e: age::DecryptError) -> TillError {
    use age::DecryptError as D;
    match e {
        D::DecryptionFailed | D::NoMatchingKeys | D::KeyDecryptionFailed => {
            TillError::BackupWrongPassphrase
        }
        D::InvalidHeader | D::UnknownFormat => damaged("not an age file, or its header is damaged"),
        D::InvalidMac => damaged("its header is damaged"),
        D::ExcessiveWork { .. } => {
            damaged("its passphrase work factor is far above this computer's")
        }
        D::Io(e) => damaged(e),
        other => damaged(other),
    }
}

/// Reads the tar from `reader`: the manifest first (its format and version), the config and
/// keys into memory, the database into `staging`; then checks each file's size and hash.
fn unpack(reader: impl Read, staging: &Path) -> Result<Unpacked> {
    let mut archive = tar::Archive::new(reader);
    let mut manifest: Option<Manifest> = None;
    let mut config_text = None;
    let mut keys_json: Option<Zeroizing<Vec<u8>>> = None;
    let mut sums = BTreeMap::new();
    let db = staging.join(defaults::DB_FILE);
    for entry in archive.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(damaged("an entry is not a plain file"));
        }
        let path = entry
            .path()
            .map_err(damaged)?
            .to_string_lossy()
            .into_owned();
        let name = path
            .strip_prefix(DIR)
            .and_then(|p| p.strip_prefix('/'))
            .ok_or_else(|| damaged(format!("unexpected entry {path:?}")))?
            .to_owned();
        if manifest.is_none() && name != files::MANIFEST {
            return Err(damaged("the manifest is not the first entry"));
        }
        match name.as_str() {
            files::MANIFEST if manifest.is_none() => {
                let bytes = read_limited(&mut entry, 64 * 1024, "the manifest")?;
                let m: Manifest = serde_json::from_slice(&bytes)
                    .map_err(|e| damaged(format!("the manifest: {e}")))?;
                if m.format != FORMAT {
                    return Err(damaged(format!("not a cashier backup ({:?})", m.format)));
                }
                if m.version > VERSION {
                    return Err(TillError::BackupTooNew {
                        found: m.version,
                        known: VERSION,
                    });
                }
                manifest = Some(m);
            }
            files::CONFIG if config_text.is_none() => {
                let bytes = read_limited(&mut entry, 1024 * 1024, "the config")?;
                sums.insert(name, super::FileSum::of(&bytes));
                config_text = Some(bytes);
            }
            files::KEYS if keys_json.is_none() => {
                let bytes = Zeroizing::new(read_limited(&mut entry, 1024 * 1024, "the keys")?);
                sums.insert(name, super::FileSum::of(&bytes));
                keys_json = Some(bytes);
            }
            files::DB if !sums.contains_key(files::DB) => {
                let mut out = Hashing::new(File::create(&db)?);
                std::io::copy(&mut entry, &mut out).map_err(damaged)?;
                let (file, sum) = out.into_parts();
                file.sync_all()?;
                sums.insert(name, sum);
            }
            _ => return Err(damaged(format!("unexpected or repeated entry {path:?}"))),
        }
    }
    // Read to the very end, so that age checks the last chunk (a cut file shows here).
    std::io::copy(&mut archive.into_inner(), &mut std::io::sink()).map_err(damaged)?;

    let manifest = manifest.ok_or_else(|| damaged("no manifest"))?;
    if sums != manifest.files {
        return Err(damaged(
            "a file inside does not match the manifest (missing, cut or altered)",
        ));
    }
    let text = config_text.ok_or_else(|| damaged("no config"))?;
    let config: Config = std::str::from_utf8(&text)
        .map_err(damaged)
        .and_then(|t| toml::from_str(t).map_err(|e| damaged(format!("the config: {e}"))))?;
    config.validate()?;
    if config.till_id != manifest.till_id {
        return Err(damaged(
            "the config belongs to another till than the manifest",
        ));
    }
    let keys_json = keys_json.ok_or_else(|| damaged("no keys"))?;
    let raw: BTreeMap<String, String> =
        serde_json::from_slice(&keys_json).map_err(|_| damaged("the keys are not readable"))?;
    let keys = raw
        .into_iter()
        .map(|(k, v)| (k, Zeroizing::new(v)))
        .collect();
    Ok(Unpacked {
        manifest,
        config,
        keys,
        db,
    })
}

/// The staged database opens, passes `quick_check`, its audit chain holds, and the keys are
/// the ones it was made with (check values; a saved card opens).
fn check_database(u: &Unpacked) -> Result<()> {
    let db = Db::open(&u.db)?;
    let conn = db.connection();
    let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(damaged(format!("the database fails its check: {ok}")));
    }
    if let Some(text) = u.keys.get(names::AUDIT_KEY) {
        let key = crate::pepper::Key256::from_base64(text, crate::pepper::Purpose::AuditLog)
            .map_err(|_| damaged("the audit key"))?;
        if db.meta_get(crate::core::META_AUDIT_CHECK)?.as_deref() != Some(&key.check_value()) {
            return Err(damaged(
                "the audit key inside does not belong to its database",
            ));
        }
        audit::install_key(conn, std::sync::Arc::new(key))?;
    }
    // (A backup from before the audit key: its rows are all plain, and verify says so.)
    audit::verify(conn)?;
    let key = u
        .keys
        .get(names::DATA_KEY)
        .ok_or_else(|| damaged("the card vault key is not inside"))?;
    let vault = CardVault::from_base64(key).map_err(|_| damaged("the card vault key"))?;
    if let Some(check) = db.meta_get(META_KEY_CHECK)? {
        if check != vault.check_value() {
            return Err(damaged(
                "the card vault key inside does not belong to its database",
            ));
        }
    }
    if let Some(check) = db.meta_get(META_PEPPER_CHECK)? {
        let pepper = u
            .keys
            .get(names::PIN_PEPPER)
            .ok_or_else(|| damaged("the PIN key is not inside"))?;
        let pepper = PinPepper::from_base64(pepper, crate::pepper::Purpose::PinPepper)
            .map_err(|_| damaged("the PIN key"))?;
        if check != pepper.check_value() {
            return Err(damaged(
                "the PIN key inside does not belong to its database",
            ));
        }
    }
    let first_card: Option<i64> = conn
        .query_row("SELECT min(id) FROM cards", [], |r| r.get(0))
        .unwrap_or(None);
    if let Some(id) = first_card {
        cards::token(conn, &vault, id)
            .map_err(|_| damaged("a saved card does not open with the key inside"))?;
    }
    Ok(())
}

/// Writes every entry of `values` to `keys`; on a failure removes what it wrote. Returns the
/// names written.
fn write_keys(
    keys: &OsKeyring,
    values: &BTreeMap<String, Zeroizing<String>>,
) -> Result<Vec<String>> {
    let mut written: Vec<String> = Vec::new();
    for (name, value) in values {
        if let Err(e) = keys.set(name, value) {
            for n in &written {
                let _ = keys.delete(n);
            }
            return Err(e.into());
        }
        written.push(name.clone());
    }
    Ok(written)
}

/// Moves the staged database and config into `data_dir`: the whole staging folder when
/// `data_dir` does not exist, else file by file (a replaced till's journal files first).
fn place(staging: &Path, data_dir: &Path) -> Result<()> {
    if !data_dir.exists() {
        std::fs::rename(staging, data_dir)?;
        return Ok(());
    }
    for side in ["-wal", "-shm", "-journal"] {
        let p = data_dir.join(format!("{}{side}", defaults::DB_FILE));
        if p.exists() {
            std::fs::remove_file(p)?;
        }
    }
    for f in [defaults::DB_FILE, defaults::CONFIG_FILE] {
        std::fs::rename(staging.join(f), data_dir.join(f))?;
    }
    std::fs::remove_dir_all(staging)?;
    Ok(())
}
