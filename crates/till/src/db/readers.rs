//! Read-only connections for what people read (history pages, a payment's detail and
//! timeline, saved cards, users, CSV export), beside the engine's one writing connection. In
//! WAL mode a reader never waits for the writer and the writer never waits for a reader, so a
//! million-row export holds only its own connection (and its snapshot) while sales go on.

use std::path::PathBuf;
use std::sync::Mutex;

use super::Db;
use crate::error::Result;

/// Idle connections kept for the next read; more are opened while reads overlap (an export
/// and a history page), and closed again beyond this.
const KEEP_IDLE: usize = 4;

/// A small pool of read-only connections to one database file.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Db>>,
}

impl Readers {
    pub fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// An idle reader, or a new one.
    pub fn take(&self) -> Result<Db> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match idle {
            Some(db) => Ok(db),
            None => Db::open_read_only(&self.path),
        }
    }

    /// Gives a reader back for the next read.
    pub fn put(&self, db: Db) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP_IDLE {
            idle.push(db);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_reads_get_their_own_connections_and_a_few_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        let _writer = Db::open(&path).unwrap();
        let r = Readers::new(path);
        let held: Vec<Db> = (0..KEEP_IDLE + 2).map(|_| r.take().unwrap()).collect();
        for db in held {
            r.put(db);
        }
        assert_eq!(r.idle.lock().unwrap().len(), KEEP_IDLE);
        assert!(r.take().unwrap().meta_set("k", "v").is_err(), "read-only");
    }
}
