//! What the benchmarks share.

use std::sync::Mutex;

use till::keystore::{KeyStore, KeyringError};
use zeroize::Zeroizing;

/// An in-memory key store: the benchmark must not touch the desktop's keyring.
#[derive(Default)]
pub struct BenchKeys(Mutex<std::collections::HashMap<String, String>>);

impl KeyStore for BenchKeys {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .map(Zeroizing::new))
    }
    fn set(&self, name: &str, value: &str) -> Result<(), KeyringError> {
        self.0.lock().unwrap().insert(name.into(), value.into());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), KeyringError> {
        self.0.lock().unwrap().remove(name);
        Ok(())
    }
    fn describe(&self) -> String {
        "bench".into()
    }
}
