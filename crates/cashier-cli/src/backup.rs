//! `cashier backup create|restore` and `cashier audit verify`. The passphrase is the first
//! line of stdin, never an argument (arguments show in `ps`), and is never printed.

use std::path::Path;

use serde_json::json;
use till::{Till, TillError};

use crate::out::{read_stdin_line, tagged, Out, OK};

pub fn create(
    till: &Till,
    to: &Path,
    with_secret: bool,
    actor: &str,
    out: Out,
) -> Result<i32, TillError> {
    let passphrase = zeroize::Zeroizing::new(read_stdin_line()?);
    let report = till.create_backup(to, &passphrase, with_secret, actor)?;
    out.either(
        &tagged("backup_created", &report),
        format!(
            "Backup written to {} ({} bytes; {} payments; {}). Keep the passphrase apart from the \
             file: without it nothing opens the backup.",
            report.path.display(),
            report.bytes,
            report.payments,
            if report.with_secret {
                "with the API secret"
            } else {
                "without the API secret: enter it again after a restore"
            }
        ),
    );
    Ok(OK)
}

pub fn restore(dir: &Path, from: &Path, replace: bool, out: Out) -> Result<i32, TillError> {
    let passphrase = zeroize::Zeroizing::new(read_stdin_line()?);
    let (_till, r) = Till::restore_backup(from, &passphrase, dir, replace)?;
    out.either(
        &tagged("restored", &r),
        format!(
            "Till {} restored into {} from the backup of {} ({} payments).{}\nNext: `cashier doctor`; users sign in with their PINs.",
            r.till_code,
            r.data_dir.display(),
            till::time::local_text(r.created_at),
            r.payments,
            if r.with_secret {
                ""
            } else {
                " The backup has no API secret: enter it with `cashier secret set`."
            }
        ),
    );
    Ok(OK)
}

pub fn audit_verify(till: &Till, out: Out) -> Result<i32, TillError> {
    let v = till.verify_audit()?;
    let head = v
        .head
        .as_ref()
        .map(|h| format!("row {} {}", h.id, h.hash))
        .unwrap_or_else(|| "empty".into());
    out.either(
        &json!({"event": "audit_verified", "rows": v.rows, "unkeyed": v.unkeyed, "head": v.head}),
        format!(
            "The audit log's chain holds ({} rows{}). Head: {head}",
            v.rows,
            if v.unkeyed > 0 {
                format!(", the first {} from before its key", v.unkeyed)
            } else {
                String::new()
            }
        ),
    );
    Ok(OK)
}
