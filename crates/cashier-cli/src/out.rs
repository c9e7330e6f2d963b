//! Output: JSON lines (`--json`) or text for people. Errors carry the core's stable code.

use std::io::Write;

use serde::Serialize;
use serde_json::{json, Value};
use till::TillError;

/// Exit codes.
pub const OK: i32 = 0;
pub const DECLINED: i32 = 1;
pub const ERROR: i32 = 2;

#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub json: bool,
}

impl Out {
    /// One JSON object on its own line (flushed at once: tests and scripts read it live).
    pub fn json_line<T: Serialize>(&self, v: &T) {
        let mut stdout = std::io::stdout().lock();
        let _ = serde_json::to_writer(&mut stdout, v);
        let _ = stdout.write_all(b"\n");
        let _ = stdout.flush();
    }

    /// A line for people (only without `--json`).
    pub fn text(&self, s: impl AsRef<str>) {
        if !self.json {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{}", s.as_ref());
            let _ = stdout.flush();
        }
    }

    /// JSON line with `--json`, else the text.
    pub fn either<T: Serialize>(&self, v: &T, text: impl AsRef<str>) {
        if self.json {
            self.json_line(v);
        } else {
            self.text(text);
        }
    }

    pub fn error(&self, e: &TillError) -> i32 {
        self.error_parts(e.code(), &e.to_string())
    }

    pub fn error_parts(&self, code: &str, message: &str) -> i32 {
        if self.json {
            self.json_line(&json!({"event": "error", "code": code, "message": message}));
        } else {
            eprintln!("error: {message} [{code}]");
        }
        ERROR
    }
}

/// A value with an `event` field added in front (for rows printed as lines).
pub fn tagged<T: Serialize>(event: &str, v: &T) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("event".into(), Value::String(event.into()));
    if let Ok(Value::Object(m)) = serde_json::to_value(v) {
        obj.extend(m);
    }
    Value::Object(obj)
}

/// Reads the first line of stdin (a PIN or a secret), without its line break.
pub fn read_stdin_line() -> std::io::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_line(&mut s)?;
    while s.ends_with('\n') || s.ends_with('\r') {
        s.pop();
    }
    Ok(s)
}

/// `15 000.50 so'm`.
pub fn som(t: ecommpay::Tiyin) -> String {
    let (whole, frac) = t.split();
    let digits = whole.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if t.get() < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02} so'm", frac.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn som_groups_thousands() {
        assert_eq!(som(ecommpay::Tiyin::new(1_500_050)), "15 000.50 so'm");
        assert_eq!(som(ecommpay::Tiyin::new(5)), "0.05 so'm");
        assert_eq!(som(ecommpay::Tiyin::new(100_000_000)), "1 000 000.00 so'm");
    }
}
