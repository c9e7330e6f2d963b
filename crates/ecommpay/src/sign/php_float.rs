//! PHP's rendering of a float as a string (`(string)$float` with `precision = 14`).
//!
//! The gateway is PHP: when a callback carries a float, the signature was made over PHP's
//! rendering of it (`100.0` is `100`, `1e-7` is `1.0E-7`). We never send floats; this exists so
//! that verifying such a callback agrees with the gateway. It ports `zend_gcvt(value, 14, '.', 'E')`
//! over a correctly rounded 14-significant-digit decimal expansion, which is what `zend_dtoa`
//! mode 2 returns.

/// Significant digits PHP uses for `(string)$float` (`precision` ini default).
const PRECISION: i32 = 14;

/// Renders `v` as PHP 7+/8 does for string conversion.
pub fn php_float_to_string(v: f64) -> String {
    if v.is_nan() {
        return "NAN".into();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-INF".into() } else { "INF".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }

    // `{:.13e}` gives exactly 14 significant digits, correctly rounded: "d.ddddddddddddde±x".
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, v.abs());
    let (mantissa, exp) = sci.split_once('e').expect("exponent in {:e} output");
    let exp: i32 = exp.parse().expect("integer exponent");
    let mut digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    // zend_dtoa's `decpt`: the position of the decimal point relative to the digits.
    let decpt = exp + 1;

    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    let d = digits.as_bytes();
    if if decpt < 0 {
        decpt < -3
    } else {
        decpt > PRECISION
    } {
        // Exponential format, e.g. 1.0E-7, 1.5E+20.
        let e = decpt - 1;
        out.push(d[0] as char);
        out.push('.');
        if d.len() == 1 {
            out.push('0');
        } else {
            out.push_str(&digits[1..]);
        }
        out.push('E');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&e.abs().to_string());
    } else if decpt <= 0 {
        // 0.000ddd
        out.push_str("0.");
        for _ in 0..(-decpt) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let decpt = decpt as usize;
        for i in 0..decpt {
            out.push(if i < d.len() { d[i] as char } else { '0' });
        }
        if d.len() > decpt {
            out.push('.');
            out.push_str(&digits[decpt..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::php_float_to_string as p;

    #[test]
    fn matches_php_outputs() {
        // Each pair was printed by PHP 8.2: `php -r 'echo (string)X;'`.
        let cases: &[(f64, &str)] = &[
            (1.5, "1.5"),
            (0.1, "0.1"),
            (100.0, "100"),
            (1e-7, "1.0E-7"),
            (12345.678, "12345.678"),
            (0.0001, "0.0001"),
            (0.00001, "1.0E-5"),
            (1e14, "1.0E+14"),
            (1e13, "10000000000000"),
            (123456789012345.0, "1.2345678901234E+14"),
            (-2.5, "-2.5"),
            (0.30000000000000004, "0.3"),
            (1.0 / 3.0, "0.33333333333333"),
            (2.5e-5, "2.5E-5"),
            (1e100, "1.0E+100"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1e15, "1.0E+15"),
            (99999999999999.5, "1.0E+14"),
            (0.000123456789012345, "0.00012345678901234"),
        ];
        for (v, want) in cases {
            assert_eq!(p(*v), *want, "rendering {v:e}");
        }
    }
}
