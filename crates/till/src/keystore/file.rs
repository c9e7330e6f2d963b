//! The demo till's keys in a file of its own folder, for a desktop with no Secret Service (no
//! D-Bus session bus, no provider, or a locked keyring): the demo must start anywhere, and its
//! keys are throwaway (the demo sandbox's own key, and card vault, PIN and audit keys of a till
//! that only ever sees test cards).
//!
//! Only ever for a demo folder: [`super::demo_keyring`] is the one way to get a
//! [`FileKeyStore`] for a till, and it refuses a config that is not the demo's (`config.demo`,
//! which only the app's demo mode sets and `cashier config set` refuses). A real till never
//! reads or writes the file: it keeps "no plaintext fallback" ([`super::till_keyring`]). The
//! demo's keyring entry ([`super::demo::Bundle`]) is the same map of entries in one place.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::{KeyStore, KeyringError};

/// The file in the demo folder that holds the demo's keys when the OS keyring cannot.
pub const DEMO_KEY_FILE: &str = "demo-keys.json";

/// Keys in a JSON file (`{"name": "value"}`), mode 0600, rewritten whole through a temporary
/// file and a rename (never half written).
#[derive(Debug)]
pub struct FileKeyStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileKeyStore {
    pub(super) fn new(path: PathBuf) -> FileKeyStore {
        FileKeyStore {
            path,
            lock: Mutex::new(()),
        }
    }

    /// A new file holding `keys` (one write).
    pub(super) fn create(
        path: PathBuf,
        keys: &BTreeMap<String, String>,
    ) -> std::result::Result<FileKeyStore, KeyringError> {
        let store = FileKeyStore::new(path);
        store.write(keys)?;
        Ok(store)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> std::result::Result<BTreeMap<String, String>, KeyringError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                KeyringError::Failure(format!("{} is not a key file: {e}", self.path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(KeyringError::Failure(format!(
                "{} could not be read: {e}",
                self.path.display()
            ))),
        }
    }

    fn write(&self, map: &BTreeMap<String, String>) -> std::result::Result<(), KeyringError> {
        let fail = |e: std::io::Error| {
            KeyringError::Failure(format!("{} could not be written: {e}", self.path.display()))
        };
        let text = Zeroizing::new(serde_json::to_string_pretty(map).expect("a map of strings"));
        let tmp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(fail)?;
        f.write_all(text.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        drop(f);
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }

    fn change(
        &self,
        f: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> std::result::Result<(), KeyringError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut map = self.read()?;
        f(&mut map);
        self.write(&map)
    }
}

impl KeyStore for FileKeyStore {
    fn get(&self, name: &str) -> std::result::Result<Option<Zeroizing<String>>, KeyringError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        Ok(self.read()?.remove(name).map(Zeroizing::new))
    }

    fn set(&self, name: &str, value: &str) -> std::result::Result<(), KeyringError> {
        self.change(|m| {
            m.insert(name.to_owned(), value.to_owned());
        })
    }

    fn delete(&self, name: &str) -> std::result::Result<(), KeyringError> {
        self.change(|m| {
            m.remove(name);
        })
    }

    fn describe(&self) -> String {
        format!(
            "the demo's own file {} (no OS keyring; never used for a real till)",
            self.path.display()
        )
    }

    fn is_plain_file(&self) -> bool {
        true
    }
}

impl crate::Till {
    /// Whether this till's keys are in a plain file (only ever the demo's, when the computer
    /// has no Secret Service): the app then says that a real till needs one.
    pub fn keys_in_file(&self) -> bool {
        self.core.keys.is_plain_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_keeps_keys_private_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileKeyStore::new(dir.path().join(DEMO_KEY_FILE));
        assert!(s.get("a").unwrap().is_none());
        s.set("a", "one").unwrap();
        s.set("b", "two").unwrap();
        s.delete("b").unwrap();
        assert_eq!(s.get("a").unwrap().unwrap().as_str(), "one");
        assert!(s.get("b").unwrap().is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(s.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner reads the key file");
        }
        assert!(s.is_plain_file());
    }
}
