//! SQLite: opening (WAL, foreign keys, full sync), migrations, and the repositories.

pub mod audit;
pub mod cards;
pub mod csv;
pub mod history;
pub mod messages;
pub mod payments;
pub mod payouts;
pub(crate) mod readers;
pub mod rejected;
pub mod returns;
pub mod schema;
pub mod shifts;
pub mod sign_in;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{Result, TillError};

/// Milliseconds since the Unix epoch: every time column.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// One connection to the till's database.
pub struct Db {
    pub(crate) conn: Connection,
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        let conn = Connection::open(path)?;
        Self::setup(conn)
    }

    /// An in-memory database (unit tests), with a throwaway audit key installed.
    pub fn open_in_memory() -> Result<Db> {
        let db = Self::setup(Connection::open_in_memory()?)?;
        let key = crate::pepper::Key256::generate(crate::pepper::Purpose::AuditLog).0;
        audit::install_key(&db.conn, std::sync::Arc::new(key))?;
        Ok(db)
    }

    /// A read-only connection to the database at `path`, which [`Db::open`] has set up (WAL,
    /// migrated): nothing is migrated or written here. In WAL mode its reads never block the
    /// writer, nor wait for it (a long CSV export holds only its own snapshot).
    pub fn open_read_only(path: &Path) -> Result<Db> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // The journal mode belongs to the file (the writer set WAL); a read-only connection
        // cannot change it, only say which one it is.
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(TillError::Config(format!(
                "{} is not in WAL mode ({mode}): open it for writing first",
                path.display()
            )));
        }
        Ok(Db { conn })
    }

    /// The database file, or `None` for an in-memory database (which has no other connection).
    pub fn file_path(&self) -> Option<PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    }

    fn setup(conn: Connection) -> Result<Db> {
        // Another process (a second `cashier` command, the desktop app) may hold a write lock
        // for a moment: wait rather than fail.
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a payment row must survive a power cut once the request it describes is sent.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut db = Db { conn };
        db.migrate()?;
        Ok(db)
    }

    /// Runs the migrations not yet applied, each in its own transaction.
    fn migrate(&mut self) -> Result<()> {
        let known = schema::MIGRATIONS.len() as i64;
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > known {
            return Err(TillError::SchemaTooNew {
                found: current,
                known,
            });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The raw connection, for the benchmark and for tests that tamper on purpose.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_sets_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        let db = Db::open(&path).unwrap();
        assert_eq!(
            db.schema_version().unwrap(),
            schema::MIGRATIONS.len() as i64
        );
        let mode: String = db
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = db
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        drop(db);
        // Re-opening runs nothing again.
        let db = Db::open(&path).unwrap();
        db.meta_set("k", "v").unwrap();
        assert_eq!(db.meta_get("k").unwrap().as_deref(), Some("v"));
        // STRICT: a float into an INTEGER money column is refused.
        let err = db.conn.execute(
            "INSERT INTO cards(fingerprint, token_enc, masked, customer_id, first_payment_id, first_used_at, last_used_at) VALUES ('f', x'00', 'm', 'c', 'p', 1.5, 1)",
            [],
        );
        assert!(err.is_err());
    }

    #[test]
    fn migration_2_keeps_existing_users_active() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO users(name, role, pin_hash, created_at) VALUES ('old', 'manager', 'h', 1)",
                [],
            )
            .unwrap();
        }
        let db = Db::open(&path).unwrap();
        assert_eq!(
            db.schema_version().unwrap(),
            schema::MIGRATIONS.len() as i64
        );
        let u = users::list(&db.conn).unwrap();
        assert_eq!((u[0].name.as_str(), u[0].active), ("old", true));
        assert!(db.conn.execute("UPDATE users SET active = 2", []).is_err());
    }

    #[test]
    fn migration_3_keeps_existing_payments_as_gate_sales() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
            conn.execute_batch(schema::MIGRATIONS[1]).unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute(
                "INSERT INTO payments(payment_id, kind, amount, project_id, customer_id, customer_ip, state, stage, created_at, follow_until)
                 VALUES ('OLD-1', 'sale', 100, 1, 'c', '127.0.0.1', 'pending', 3, 1, 2)",
                [],
            )
            .unwrap();
        }
        let db = Db::open(&path).unwrap();
        let p = payments::get(&db.conn, "OLD-1").unwrap();
        assert_eq!(
            (p.flow, p.link_expires_at),
            (crate::config::SaleFlow::Gate, None)
        );
        assert!(db
            .conn
            .execute("UPDATE payments SET flow = 'telegram'", [])
            .is_err());
    }

    #[test]
    fn a_read_only_connection_reads_beside_the_writer_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        let db = Db::open(&path).unwrap();
        assert_eq!(db.file_path().as_deref(), Some(path.as_path()));
        assert_eq!(Db::open_in_memory().unwrap().file_path(), None);
        db.meta_set("k", "1").unwrap();
        let ro = Db::open_read_only(&path).unwrap();
        assert_eq!(ro.meta_get("k").unwrap().as_deref(), Some("1"));
        assert!(ro.meta_set("k", "2").is_err(), "read-only");
        // A read left open (an export mid-way) keeps its snapshot; the writer goes on.
        let mut stmt = ro.conn.prepare("SELECT key FROM meta").unwrap();
        let mut rows = stmt.query([]).unwrap();
        assert!(rows.next().unwrap().is_some());
        let t = std::time::Instant::now();
        db.meta_set("k", "3").unwrap();
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "the writer did not wait"
        );
        drop(rows);
        drop(stmt);
        assert_eq!(ro.meta_get("k").unwrap().as_deref(), Some("3"));
        // A file nobody set up is refused, not silently read in rollback mode.
        let other = dir.path().join("plain.sqlite3");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t(x)")
            .unwrap();
        assert!(Db::open_read_only(&other).is_err());
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        let db = Db::open(&path).unwrap();
        db.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(db);
        assert_eq!(Db::open(&path).err().unwrap().code(), "schema_too_new");
    }
}
