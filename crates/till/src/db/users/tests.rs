use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use chacha20poly1305::aead::OsRng;

use super::pin::{lockout_ms, UNTIL_UNLOCKED};
use super::*;
use crate::db::Db;

const PEPPER: &[u8] = b"pepper-for-tests-32-bytes-long!!";
const P: Peppers<'static> = Peppers {
    pin: PEPPER,
    legacy: None,
};

fn policy() -> PinPolicy {
    PinPolicy {
        max_attempts: 3,
        lockout_ms: 60_000,
        failures_per_minute: 100,
    }
}

fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
    r.unwrap_err().code()
}

/// The lock-out ends (as if its time had passed).
fn let_lock_pass(db: &Db) {
    db.conn
        .execute(
            "UPDATE users SET locked_until = 1 WHERE locked_until IS NOT NULL",
            [],
        )
        .unwrap();
}

#[test]
fn add_verify_and_lock_out() {
    let db = Db::open_in_memory().unwrap();
    let u = add(
        &db.conn,
        "Dilnoza",
        Role::Manager,
        "654321",
        PEPPER,
        "setup",
    )
    .unwrap();
    assert_eq!(u.role, Role::Manager);
    let stored: String = db
        .conn
        .query_row("SELECT pin_hash FROM users", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains("654321"));
    assert!(stored.contains("m=19456,t=2,p=1"), "{stored}");
    assert_eq!(
        code(add(
            &db.conn,
            "Dilnoza",
            Role::Cashier,
            "1111",
            PEPPER,
            "setup"
        )),
        "user_exists"
    );
    assert_eq!(
        verify_pin(&db.conn, "Dilnoza", "654321", P, policy()).unwrap(),
        u
    );
    // The pepper matters: the same PIN with another pepper fails.
    let other = Peppers {
        pin: b"other",
        legacy: None,
    };
    assert_eq!(
        code(verify_pin(&db.conn, "Dilnoza", "654321", other, policy())),
        "wrong_pin"
    );
    assert!(matches!(
        verify_pin(&db.conn, "Dilnoza", "000000", P, policy()),
        Err(TillError::WrongPin { attempts_left: 1 })
    ));
    assert_eq!(
        code(verify_pin(&db.conn, "Dilnoza", "000000", P, policy())),
        "locked"
    );
    // Locked: even the right PIN is refused now.
    assert_eq!(
        code(verify_pin(&db.conn, "Dilnoza", "654321", P, policy())),
        "locked"
    );
    assert_eq!(
        code(verify_pin(&db.conn, "nobody", "4321", P, policy())),
        "wrong_pin"
    );
    assert!(audit::verify(&db.conn).unwrap().rows >= 3);
}

/// 15 minutes, 1 hour, 24 hours, then only a manager: the number of guesses whose answer is
/// told never exceeds `max_attempts` per step, and the schedule does not start over at each
/// lock-out (only a right PIN or a manager resets it).
#[test]
fn the_lock_out_escalates_then_needs_a_manager() {
    let db = Db::open_in_memory().unwrap();
    add(&db.conn, "boss", Role::Manager, "246810", PEPPER, "setup").unwrap();
    add(&db.conn, "anna", Role::Cashier, "1111", PEPPER, "setup").unwrap();
    let first = policy().lockout_ms;
    let until = |db: &Db| -> i64 {
        db.conn
            .query_row(
                "SELECT locked_until FROM users WHERE name = 'anna'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut told = 0;
    for (step, expected) in [
        (1, Some(first)),
        (2, Some(4 * first)),
        (3, Some(96 * first)),
    ] {
        assert_eq!(lockout_ms(step, first), expected);
        for _ in 0..3 {
            match verify_pin(&db.conn, "anna", "9999", P, policy()) {
                Err(TillError::WrongPin { .. }) => told += 1,
                Err(TillError::Locked { .. }) => told += 1,
                other => panic!("{other:?}"),
            }
        }
        // Locked now: further guesses are refused before any check.
        for _ in 0..5 {
            assert_eq!(
                code(verify_pin(&db.conn, "anna", "1111", P, policy())),
                "locked"
            );
        }
        let lasts = until(&db) - now_ms();
        let expected = expected.unwrap();
        assert!(
            lasts > expected - 5_000 && lasts <= expected,
            "lock-out {step} lasts {lasts} ms, expected {expected}"
        );
        let_lock_pass(&db);
    }
    for _ in 0..3 {
        let _ = verify_pin(&db.conn, "anna", "9999", P, policy());
        told += 1;
    }
    assert_eq!(until(&db), UNTIL_UNLOCKED);
    assert_eq!(told, 12, "3 guesses per step, 4 steps");
    // Time does not help any more; the right PIN neither.
    db.conn
        .execute("UPDATE users SET failed_attempts = 0", [])
        .unwrap();
    assert_eq!(
        code(verify_pin(&db.conn, "anna", "1111", P, policy())),
        "locked_until_unlocked"
    );
    let boss = verify_pin(&db.conn, "boss", "246810", P, policy()).unwrap();
    unlock(&db.conn, &boss, "anna").unwrap();
    verify_pin(&db.conn, "anna", "1111", P, policy()).unwrap();
    // Unlocked and signed in: the schedule starts over at 15 minutes.
    for _ in 0..3 {
        let _ = verify_pin(&db.conn, "anna", "9999", P, policy());
    }
    let lasts = until(&db) - now_ms();
    assert!(lasts <= first && lasts > first - 5_000, "{lasts}");
}

#[test]
fn the_till_wide_cap_stops_guessing_across_users_and_an_empty_pin_is_no_pin() {
    let db = Db::open_in_memory().unwrap();
    for name in ["a1", "a2", "a3", "a4"] {
        add(&db.conn, name, Role::Cashier, "1111", PEPPER, "setup").unwrap();
    }
    let cap = PinPolicy {
        failures_per_minute: 5,
        ..policy()
    };
    // An empty PIN: nothing checked, nothing counted (a manager's Enter on an empty field).
    for _ in 0..10 {
        assert_eq!(code(verify_pin(&db.conn, "a1", "", P, cap)), "pin_missing");
    }
    // Two wrong PINs on each user (below each user's own lock-out), and an unknown name.
    let mut outcomes = Vec::new();
    for name in ["a1", "a2", "nobody", "a3", "a4", "a1"] {
        for _ in 0..2 {
            outcomes.push(code(verify_pin(&db.conn, name, "9999", P, cap)));
        }
    }
    let wrong = outcomes.iter().filter(|c| **c == "wrong_pin").count();
    let locked = outcomes.iter().filter(|c| **c == "locked").count();
    assert_eq!(wrong + locked, 5, "{outcomes:?}");
    assert!(
        outcomes[5..].iter().all(|c| *c == "sign_in_throttled"),
        "{outcomes:?}"
    );
    // Even the right PIN waits for the minute.
    assert_eq!(
        code(verify_pin(&db.conn, "a4", "1111", P, cap)),
        "sign_in_throttled"
    );
    // A minute later.
    db.conn
        .execute("UPDATE sign_in_attempts SET at = at - 61000", [])
        .unwrap();
    verify_pin(&db.conn, "a4", "1111", P, cap).unwrap();
    let failed: i64 = db
        .conn
        .query_row(
            "SELECT failed_attempts FROM users WHERE name = 'a1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 2, "the empty PINs counted nothing");
}

/// Checks whose Argon2 work overlaps (the lock released in between, as `Till` does) each
/// count, a lock-out set in between holds, and a PIN changed in between is checked again.
#[test]
fn overlapping_checks_count_once_each() {
    let db = Db::open_in_memory().unwrap();
    add(&db.conn, "Aziz", Role::Cashier, "4321", PEPPER, "setup").unwrap();
    let c = &db.conn;
    let reads: Vec<_> = (0..3)
        .map(|_| pin_record(c, "Aziz", "0000", policy()).unwrap())
        .collect();
    let outcomes: Vec<_> = reads
        .into_iter()
        .map(|r| {
            let check = check_pin(&r, "0000", P).unwrap();
            record_pin_check(c, "Aziz", r, check, policy()).unwrap_err()
        })
        .collect();
    assert!(matches!(
        outcomes[..],
        [
            TillError::WrongPin { attempts_left: 2 },
            TillError::WrongPin { attempts_left: 1 },
            TillError::Locked { .. }
        ]
    ));
    // The right PIN, read before a lock-out set while its hash was being checked.
    let_lock_pass(&db);
    let r = pin_record(c, "Aziz", "4321", policy()).unwrap();
    let check = check_pin(&r, "4321", P).unwrap();
    for _ in 0..3 {
        let _ = verify_pin(c, "Aziz", "0000", P, policy());
    }
    let err = record_pin_check(c, "Aziz", r, check, policy()).unwrap_err();
    assert_eq!(err.code(), "locked");
    // Deactivated in between: said to whoever knows the PIN.
    c.execute("UPDATE users SET locked_until = NULL", [])
        .unwrap();
    let r = pin_record(c, "Aziz", "4321", policy()).unwrap();
    let check = check_pin(&r, "4321", P).unwrap();
    c.execute("UPDATE users SET active = 0", []).unwrap();
    let err = record_pin_check(c, "Aziz", r, check, policy()).unwrap_err();
    assert_eq!(err.code(), "user_inactive");
    c.execute("UPDATE users SET active = 1", []).unwrap();
    // The PIN changed in between: nothing recorded, check again (the old one is wrong now).
    let r = pin_record(c, "Aziz", "4321", policy()).unwrap();
    let check = check_pin(&r, "4321", P).unwrap();
    let user = get(c, "Aziz").unwrap();
    change_pin(c, &user, "5555", PEPPER).unwrap();
    assert!(record_pin_check(c, "Aziz", r, check, policy())
        .unwrap()
        .is_none());
    assert_eq!(
        code(verify_pin(c, "Aziz", "4321", P, policy())),
        "wrong_pin"
    );
    assert_eq!(verify_pin(c, "Aziz", "5555", P, policy()).unwrap(), user);
    assert!(audit::verify(c).unwrap().rows > 5);
}

fn hash_with(pepper: &[u8], m: u32, t: u32, keyid: Option<&[u8]>, pin: &str) -> String {
    let mut b = argon2::ParamsBuilder::new();
    b.m_cost(m).t_cost(t).p_cost(1);
    if let Some(k) = keyid {
        b.keyid(argon2::KeyId::new(k).unwrap());
    }
    let params: Params = b.build().unwrap();
    Argon2::new_with_secret(pepper, Algorithm::Argon2id, Version::V0x13, params)
        .unwrap()
        .hash_password(pin.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
}

fn stored(db: &Db) -> String {
    db.conn
        .query_row("SELECT pin_hash FROM users", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_old_hash_verifies_with_the_old_pepper_and_is_rehashed_once() {
    let db = Db::open_in_memory().unwrap();
    const OLD: &[u8] = b"old-pepper-from-the-vault-key!!!";
    add(&db.conn, "Aziz", Role::Manager, "654321", PEPPER, "setup").unwrap();
    assert!(stored(&db).contains("keyid="), "{}", stored(&db));
    assert!(!has_legacy_hash(&db.conn, "Aziz").unwrap());
    // A hash as the old code made it: no keyid, the vault-derived pepper, 8 MiB.
    let old = hash_with(OLD, 8 * 1024, 2, None, "654321");
    db.conn
        .execute("UPDATE users SET pin_hash = ?1", [&old])
        .unwrap();
    assert!(has_legacy_hash(&db.conn, "Aziz").unwrap());
    // Without the old pepper: an error, never "wrong PIN" (nothing counted).
    assert_eq!(
        code(verify_pin(&db.conn, "Aziz", "654321", P, policy())),
        "data_key_missing"
    );
    let both = Peppers {
        pin: PEPPER,
        legacy: Some(OLD),
    };
    assert_eq!(
        code(verify_pin(&db.conn, "Aziz", "000000", both, policy())),
        "wrong_pin"
    );
    assert_eq!(stored(&db), old, "a wrong PIN rehashes nothing");
    verify_pin(&db.conn, "Aziz", "654321", both, policy()).unwrap();
    assert_ne!(stored(&db), old);
    assert!(!has_legacy_hash(&db.conn, "Aziz").unwrap());
    assert!(stored(&db).contains("m=19456,t=2"));
    // From now on the PIN pepper alone is enough.
    verify_pin(&db.conn, "Aziz", "654321", P, policy()).unwrap();
}

/// A hash with the PIN pepper but parameters below OWASP's minimum (what this till made
/// before: 8 MiB) is made again at the next right PIN.
#[test]
fn a_weak_hash_is_rehashed_at_sign_in() {
    let db = Db::open_in_memory().unwrap();
    add(&db.conn, "anna", Role::Cashier, "1111", PEPPER, "setup").unwrap();
    let weak = hash_with(PEPPER, 8 * 1024, 2, Some(PEPPER_KEYID), "1111");
    db.conn
        .execute("UPDATE users SET pin_hash = ?1", [&weak])
        .unwrap();
    let _ = verify_pin(&db.conn, "anna", "2222", P, policy());
    assert_eq!(stored(&db), weak, "a wrong PIN rehashes nothing");
    verify_pin(&db.conn, "anna", "1111", P, policy()).unwrap();
    assert!(stored(&db).contains("m=19456,t=2,p=1"), "{}", stored(&db));
    let again = stored(&db);
    verify_pin(&db.conn, "anna", "1111", P, policy()).unwrap();
    assert_eq!(stored(&db), again, "rehashed once");
}

/// A user whose PIN everyone knows (the demo's) is hashed at the least cost, checked like any
/// other (with the pepper), and made again at the full cost at its first sign-in.
#[test]
fn a_public_pin_is_hashed_cheaply_and_rehashed_at_its_first_sign_in() {
    let db = Db::open_in_memory().unwrap();
    add_public(&db.conn, ("Kassir", Role::Cashier, "1111"), PEPPER, "demo").unwrap();
    let cheap = stored(&db);
    assert!(
        cheap.contains("m=8,t=1,p=1") && cheap.contains("keyid="),
        "{cheap}"
    );
    assert!(!cheap.contains("1111"));
    assert_eq!(
        code(add_public(
            &db.conn,
            ("Kassir", Role::Cashier, "1111"),
            PEPPER,
            "demo"
        )),
        "user_exists"
    );
    assert_eq!(
        code(add_public(
            &db.conn,
            ("Boss", Role::Manager, "2222"),
            PEPPER,
            "demo"
        )),
        "manager_pin_too_short",
        "the PIN rules hold"
    );
    let other = Peppers {
        pin: b"another-pepper-of-32-bytes-long!",
        legacy: None,
    };
    assert_eq!(
        code(verify_pin(&db.conn, "Kassir", "1111", other, policy())),
        "wrong_pin",
        "peppered: the hash alone does not sign in"
    );
    let_lock_pass(&db);
    assert_eq!(
        code(verify_pin(&db.conn, "Kassir", "2222", P, policy())),
        "wrong_pin"
    );
    assert_eq!(stored(&db), cheap, "a wrong PIN rehashes nothing");
    verify_pin(&db.conn, "Kassir", "1111", P, policy()).unwrap();
    assert!(stored(&db).contains("m=19456,t=2,p=1"), "{}", stored(&db));
    verify_pin(&db.conn, "Kassir", "1111", P, policy()).unwrap();
}

/// Managers' PINs are 6 digits or more; one set before the rule signs in flagged, and the
/// flag goes with a new PIN.
#[test]
fn a_short_manager_pin_is_refused_and_an_old_one_must_change() {
    let db = Db::open_in_memory().unwrap();
    assert_eq!(
        code(add(
            &db.conn,
            "boss",
            Role::Manager,
            "2222",
            PEPPER,
            "setup"
        )),
        "manager_pin_too_short"
    );
    let boss = add(&db.conn, "boss", Role::Manager, "222222", PEPPER, "setup").unwrap();
    add(&db.conn, "anna", Role::Cashier, "1111", PEPPER, "setup").unwrap();
    assert_eq!(
        code(reset_pin(&db.conn, &boss, "boss", "3333", PEPPER)),
        "manager_pin_too_short"
    );
    reset_pin(&db.conn, &boss, "anna", "3333", PEPPER).unwrap();
    // A 4-digit manager PIN from before the rule.
    let old = hash_with(PEPPER, M, 2, Some(PEPPER_KEYID), "2222");
    db.conn
        .execute("UPDATE users SET pin_hash = ?1 WHERE name = 'boss'", [&old])
        .unwrap();
    let u = verify_pin(&db.conn, "boss", "2222", P, policy()).unwrap();
    assert!(u.pin_change_required);
    assert!(get(&db.conn, "boss").unwrap().pin_change_required);
    assert_eq!(
        code(change_pin(&db.conn, &u, "4444", PEPPER)),
        "manager_pin_too_short"
    );
    change_pin(&db.conn, &u, "444444", PEPPER).unwrap();
    let u = verify_pin(&db.conn, "boss", "444444", P, policy()).unwrap();
    assert!(!u.pin_change_required);
    assert!(!get(&db.conn, "anna").unwrap().pin_change_required);
}

const M: u32 = super::pin::M_COST_KIB;

#[test]
fn input_rules() {
    assert!(validate_pin("123", Role::Cashier).is_err());
    assert!(validate_pin("12a4", Role::Cashier).is_err());
    assert!(validate_pin("1234567890123", Role::Cashier).is_err());
    assert!(validate_pin("1234", Role::Cashier).is_ok());
    assert!(validate_pin("12345", Role::Manager).is_err());
    assert!(validate_pin("123456", Role::Manager).is_ok());
    assert!(validate_name("").is_err());
    assert!(validate_name(" a").is_err());
    assert!(validate_name("Aziz").is_ok());
    assert!(Role::parse("boss").is_err());
}
