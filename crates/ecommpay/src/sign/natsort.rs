//! PHP's `strnatcmp` (case-sensitive), byte for byte.
//!
//! The reference SDK (PHP) sorts the signed entries with `ksort($params, SORT_NATURAL)`, which
//! calls `strnatcmp_ex`. This is a port of `ext/standard/strnatcmp.c`, including its quirks:
//! leading zeros are skipped at the start of the string only, runs of whitespace are skipped,
//! and a digit run starting with `0` compares "fractionally" (left-aligned). Reading past the
//! end yields `0`, as the NUL terminator does in C.

use std::cmp::Ordering;

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// C's `isspace` in the "C" locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn digit_at(s: &[u8], i: usize) -> bool {
    i < s.len() && is_digit(s[i])
}

/// Right-aligned comparison of two digit runs: the longer run wins, otherwise the first
/// difference (remembered as `bias`) decides.
fn compare_right(a: &[u8], ai: &mut usize, b: &[u8], bi: &mut usize) -> Ordering {
    let mut bias = Ordering::Equal;
    loop {
        let da = digit_at(a, *ai);
        let db = digit_at(b, *bi);
        match (da, db) {
            (false, false) => return bias,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {
                if bias == Ordering::Equal {
                    bias = a[*ai].cmp(&b[*bi]);
                }
            }
        }
        *ai += 1;
        *bi += 1;
    }
}

/// Left-aligned comparison (a run starting with `0`): the first different digit wins.
fn compare_left(a: &[u8], ai: &mut usize, b: &[u8], bi: &mut usize) -> Ordering {
    loop {
        let da = digit_at(a, *ai);
        let db = digit_at(b, *bi);
        match (da, db) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => match a[*ai].cmp(&b[*bi]) {
                Ordering::Equal => {}
                other => return other,
            },
        }
        *ai += 1;
        *bi += 1;
    }
}

/// `strnatcmp(a, b)` as PHP computes it.
pub fn strnatcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len());
    }
    let (mut ai, mut bi) = (0usize, 0usize);
    let mut leading = true;
    loop {
        let mut ca = at(a, ai);
        let mut cb = at(b, bi);

        // Skip over leading zeros (only at the very start of the strings).
        while leading && ca == b'0' && ai + 1 < a.len() && is_digit(a[ai + 1]) {
            ai += 1;
            ca = a[ai];
        }
        while leading && cb == b'0' && bi + 1 < b.len() && is_digit(b[bi + 1]) {
            bi += 1;
            cb = b[bi];
        }
        leading = false;

        // Skip consecutive whitespace.
        while is_space(ca) {
            ai += 1;
            ca = at(a, ai);
        }
        while is_space(cb) {
            bi += 1;
            cb = at(b, bi);
        }

        // Process a run of digits.
        if is_digit(ca) && is_digit(cb) {
            let fractional = ca == b'0' || cb == b'0';
            let result = if fractional {
                compare_left(a, &mut ai, b, &mut bi)
            } else {
                compare_right(a, &mut ai, b, &mut bi)
            };
            if result != Ordering::Equal {
                return result;
            }
            match (ai == a.len(), bi == b.len()) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) => {
                    ca = a[ai];
                    cb = b[bi];
                }
            }
        }

        match ca.cmp(&cb) {
            Ordering::Equal => {}
            other => return other,
        }

        ai += 1;
        bi += 1;
        match (ai >= a.len(), bi >= b.len()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn digits_compare_as_numbers() {
        assert_eq!(strnatcmp("items:2", "items:10"), Less);
        assert_eq!(strnatcmp("items:10", "items:2"), Greater);
        assert_eq!(strnatcmp("items:10:a", "items:10:b"), Less);
        assert_eq!(strnatcmp("a9", "a10"), Less);
    }

    #[test]
    fn otherwise_bytewise_and_case_sensitive() {
        assert_eq!(strnatcmp("a-b", "a0"), Less);
        assert_eq!(strnatcmp("a0", "a:x"), Less);
        assert_eq!(strnatcmp("a:x", "aB"), Less);
        assert_eq!(strnatcmp("aB", "a_b"), Less);
        assert_eq!(strnatcmp("B", "a"), Less);
        assert_eq!(strnatcmp("abc", "abc"), Equal);
        assert_eq!(strnatcmp("ab", "abc"), Less);
        assert_eq!(strnatcmp("", "a"), Less);
    }

    #[test]
    fn php_quirks() {
        // Left-aligned ("fractional") comparison when a run starts with 0.
        assert_eq!(strnatcmp("x05", "x5"), Less);
        assert_eq!(strnatcmp("x0.5", "x0.10"), Less);
        // Leading zeros at the very start are skipped.
        assert_eq!(strnatcmp("007", "7"), Equal);
        // Whitespace runs are skipped.
        assert_eq!(strnatcmp("a b", "ab"), Equal);
    }
}
