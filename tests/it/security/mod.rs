//! The security suite (issue 11): each attack an outsider on the shop's network or an insider
//! with a shell would try, run against the real binaries and services (loopback only, bounded
//! loops), each recording one row of a table: attack, tries, applied (must be 0), database
//! growth, time. `scripts/security-table.sh` prints the table after the run (CI does).

mod audit;
mod bypass;
mod listener;
mod network;
mod pins;

use std::io::Write;
use std::time::Duration;

use crate::support::workspace_root;

/// Where the rows go (one tab-separated line each; appended, so parallel tests interleave
/// whole lines).
pub fn rows_file() -> std::path::PathBuf {
    workspace_root().join("artifacts/security/rows.tsv")
}

/// One row of the table: `applied` is how many tries changed anything (the suite asserts 0
/// before it records); `growth` is the database's growth in bytes, where it was measured.
pub(crate) fn record(attack: &str, tries: u64, applied: u64, growth: Option<u64>, took: Duration) {
    let line = format!(
        "{attack}\t{tries}\t{applied}\t{}\t{:.1}\n",
        growth.map_or("-".to_owned(), |g| g.to_string()),
        took.as_secs_f64()
    );
    print!("security row: {line}");
    let path = rows_file();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(line.as_bytes()).unwrap();
}

/// The till database's bytes on disk (the file and its WAL).
pub fn db_bytes(dir: &std::path::Path) -> u64 {
    ["till.sqlite3", "till.sqlite3-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}
