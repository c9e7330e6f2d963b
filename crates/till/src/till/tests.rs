use super::*;
use crate::auth::Authority;
use crate::db::payouts::RequestStatus;
use crate::db::users::Role;
use crate::keystore::MemoryKeyStore;

/// A till on an in-memory database and key store, with a secret (nothing is ever sent:
/// every path tested here ends before the gateway), a saved card and three users.
fn till() -> (Till, i64) {
    let mut cfg = Config {
        project_id: 1,
        gateway_url: "http://127.0.0.1:9".into(),
        till_code: "T1".into(),
        ..Config::default()
    };
    cfg.timing.pin_max_attempts = 3;
    cfg.validate().unwrap();
    let t = Till::from_parts(
        // A folder of its own (kept: the till outlives this function), for the engine lock.
        tempfile::tempdir().unwrap().keep(),
        cfg,
        Db::open_in_memory().unwrap(),
        Box::new(MemoryKeyStore::default()),
    );
    let setup = Authority::setup();
    t.set_secret(&setup, "unit-secret").unwrap();
    t.add_user(&setup, "anna", Role::Cashier, "1111").unwrap();
    t.add_user(&setup, "boss", Role::Manager, "222222").unwrap();
    // Once boss exists, setup is over: a manager adds the next one.
    assert_eq!(
        code(t.add_user(&setup, "dina", Role::Manager, "333333")),
        "manager_required"
    );
    let boss = t
        .authorize("adding a user", Some(("boss", "222222")))
        .unwrap();
    t.add_user(&boss, "dina", Role::Manager, "333333").unwrap();
    let vault = t.core.vault().unwrap();
    let token = ecommpay::CardToken::new("1743-00112233445566778899AABBCCDDEEFF").unwrap();
    let card = cards::save(
        &t.core.db().conn,
        &vault,
        &token,
        "860003******7890",
        "cust-1",
        "T1-S-1",
    )
    .unwrap();
    (t, card)
}

fn request(t: &Till, card: i64, who: &str, pin: &str) -> PayoutRequestRow {
    let u = t.sign_in(who, pin).unwrap();
    t.request_payout(
        &PayoutInput {
            card_id: card,
            amount: Tiyin::new(10_000),
            reason: "refund".into(),
            sale_payment_id: None,
        },
        &u,
    )
    .unwrap()
}

fn actions(t: &Till) -> Vec<(String, String, String)> {
    audit::recent(&t.core.db().conn, 100)
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.action, e.subject))
        .collect()
}

fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
    r.unwrap_err().code()
}

#[tokio::test]
async fn a_manager_rejects_a_request_and_it_can_never_be_approved() {
    let (t, card) = till();
    let mut rx = t.subscribe();
    let req = request(&t, card, "anna", "1111");
    // Only a manager, with the right PIN.
    assert_eq!(
        code(t.reject_payout(req.id, "anna", "1111", None)),
        "not_manager"
    );
    assert_eq!(
        code(t.reject_payout(req.id, "boss", "0000", None)),
        "wrong_pin"
    );
    assert_eq!(
        code(t.reject_payout(999, "boss", "222222", None)),
        "payout_request_not_found"
    );
    let row = t
        .reject_payout(req.id, "boss", "222222", Some("  wrong card  "))
        .unwrap();
    assert_eq!(row.status, RequestStatus::Rejected);
    assert_eq!(row.approver.as_deref(), Some("boss"));
    assert_eq!(row.decision_note.as_deref(), Some("wrong card"));
    assert!(row.decided_at.is_some() && row.payment_id.is_none());
    // The event: decided, not approved, no payout.
    loop {
        match rx.try_recv().unwrap() {
            TillEvent::PayoutDecided {
                request_id,
                approved,
                payment_id,
            } => {
                assert_eq!((request_id, approved, payment_id), (req.id, false, None));
                break;
            }
            _ => continue,
        }
    }
    // Final: neither approved nor rejected again.
    let err = t
        .approve_payout(req.id, "dina", "333333")
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), "payout_not_pending");
    assert_eq!(
        code(t.reject_payout(req.id, "dina", "333333", None)),
        "payout_not_pending"
    );
    let listed = &t.payout_requests(10).unwrap()[0];
    assert_eq!(
        (listed.status, listed.payment_id.clone()),
        (RequestStatus::Rejected, None)
    );
    assert_eq!(
        t.core
            .db()
            .conn
            .query_row("SELECT count(*) FROM payments", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        0,
        "no payout was written"
    );
    assert!(actions(&t).contains(&("boss".into(), "payout_rejected".into(), req.id.to_string())));
    t.verify_audit().unwrap();
}

#[tokio::test]
async fn an_expired_request_can_be_neither_approved_nor_rejected_and_own_rejection_is_fine() {
    let (t, card) = till();
    let old = request(&t, card, "anna", "1111");
    t.core
        .db()
        .conn
        .execute(
            "UPDATE payout_requests SET expires_at = 1 WHERE id = ?1",
            [old.id],
        )
        .unwrap();
    let err = t
        .approve_payout(old.id, "boss", "222222")
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), "payout_expired");
    assert_eq!(
        code(t.reject_payout(old.id, "boss", "222222", None)),
        "payout_expired"
    );
    assert_eq!(
        t.payout_requests(10).unwrap().last().unwrap().status,
        RequestStatus::Expired
    );
    // A manager withdraws their own request: allowed (no money moves), note optional.
    let own = request(&t, card, "boss", "222222");
    let err = t
        .approve_payout(own.id, "boss", "222222")
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), "self_approval");
    let row = t
        .reject_payout(own.id, "boss", "222222", Some("   "))
        .unwrap();
    assert_eq!(
        (row.status, row.decision_note),
        (RequestStatus::Rejected, None)
    );
    let too_long = "x".repeat(256);
    let other = request(&t, card, "anna", "1111");
    assert_eq!(
        code(t.reject_payout(other.id, "boss", "222222", Some(&too_long))),
        "invalid_request"
    );
    assert_eq!(
        t.payout_requests(10).unwrap()[0].status,
        RequestStatus::Requested
    );
}

/// The Argon2 work of a sign-in runs without the database lock: the engine (here, anyone
/// taking the lock) never waits for it.
#[test]
fn a_sign_in_leaves_the_database_free_while_argon2_works() {
    let (t, _) = till();
    let signing = {
        let t = t.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            for _ in 0..3 {
                t.verify_pin("anna", "1111").unwrap();
            }
            started.elapsed() / 3
        })
    };
    let mut longest = std::time::Duration::ZERO;
    while !signing.is_finished() {
        let asked = std::time::Instant::now();
        drop(t.core.db());
        longest = longest.max(asked.elapsed());
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let one = signing.join().unwrap();
    assert!(
        longest < one / 3,
        "the database waited {longest:?} beside sign-ins of {one:?} each"
    );
}

#[test]
fn pins_are_changed_reset_and_unlocked_with_the_same_rule_and_an_audit_row() {
    let (t, _) = till();
    // Own change: the old PIN is checked, the new one follows the rule.
    assert_eq!(code(t.change_pin("anna", "1111", "12")), "bad_pin");
    assert_eq!(
        code(t.change_pin("anna", "1111", "1234567890123")),
        "bad_pin"
    );
    assert_eq!(
        code(t.add_user(
            &t.authorize("test", Some(("boss", "222222"))).unwrap(),
            "zed",
            Role::Cashier,
            "12a4"
        )),
        "bad_pin"
    );
    assert!(matches!(
        t.change_pin("anna", "9999", "5555"),
        Err(TillError::WrongPin { attempts_left: 2 })
    ));
    t.change_pin("anna", "1111", "5555").unwrap();
    assert_eq!(code(t.verify_pin("anna", "1111")), "wrong_pin");
    t.verify_pin("anna", "5555").unwrap();

    // Lock anna out, then a manager unlocks her.
    for _ in 0..3 {
        let _ = t.verify_pin("anna", "0000");
    }
    assert_eq!(code(t.verify_pin("anna", "5555")), "locked");
    assert_eq!(code(t.unlock_user("anna", "5555", "anna")), "locked");
    assert_eq!(code(t.unlock_user("boss", "0000", "anna")), "wrong_pin");
    assert_eq!(
        code(t.unlock_user("boss", "222222", "nobody")),
        "user_not_found"
    );
    t.unlock_user("boss", "222222", "anna").unwrap();
    t.verify_pin("anna", "5555").unwrap();

    // Locked again; a reset sets a new PIN and unlocks.
    for _ in 0..3 {
        let _ = t.verify_pin("anna", "0000");
    }
    assert_eq!(code(t.reset_pin("boss", "222222", "anna", "1")), "bad_pin");
    let boss = t.authorize("test", Some(("boss", "222222"))).unwrap();
    t.add_user(&boss, "carl", Role::Cashier, "7777").unwrap();
    assert_eq!(
        code(t.reset_pin("carl", "7777", "anna", "4444")),
        "not_manager"
    );
    t.reset_pin("boss", "222222", "anna", "4444").unwrap();
    assert_eq!(code(t.verify_pin("anna", "5555")), "wrong_pin");
    t.verify_pin("anna", "4444").unwrap();

    let a = actions(&t);
    for (actor, action) in [
        ("anna", "pin_changed"),
        ("boss", "user_unlocked"),
        ("boss", "pin_reset"),
    ] {
        assert!(
            a.contains(&(actor.into(), action.into(), "anna".into())),
            "{actor} {action}: {a:?}"
        );
    }
    // No PIN in the audit log or the users table in clear.
    let dump: String = t
        .core
        .db()
        .conn
        .query_row("SELECT group_concat(detail, ' ') FROM audit_log", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!dump.contains("4444") && !dump.contains("5555"), "{dump}");
    t.verify_audit().unwrap();
}

#[tokio::test]
async fn inactive_users_cannot_sign_in_or_decide_and_the_last_manager_stays() {
    let (t, card) = till();
    let req = request(&t, card, "anna", "1111");
    assert_eq!(
        code(t.set_user_active("anna", "1111", "boss", false)),
        "not_manager"
    );
    let u = t.set_user_active("boss", "222222", "anna", false).unwrap();
    assert!(!u.active);
    // Idempotent: no second audit row.
    let before = actions(&t).len();
    t.set_user_active("boss", "222222", "anna", false).unwrap();
    assert_eq!(actions(&t).len(), before);
    assert_eq!(code(t.verify_pin("anna", "1111")), "user_inactive");
    // A wrong PIN on an inactive account says wrong_pin, not whether the account exists.
    assert_eq!(code(t.verify_pin("anna", "0000")), "wrong_pin");
    assert_eq!(code(t.change_pin("anna", "1111", "4444")), "user_inactive");
    let listed = t.users().unwrap();
    assert!(!listed.iter().find(|u| u.name == "anna").unwrap().active);

    // dina deactivated: she can no longer approve or reject.
    t.set_user_active("boss", "222222", "dina", false).unwrap();
    let err = t
        .approve_payout(req.id, "dina", "333333")
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), "user_inactive");
    assert_eq!(
        code(t.reject_payout(req.id, "dina", "333333", None)),
        "user_inactive"
    );
    assert_eq!(
        code(t.reset_pin("dina", "333333", "anna", "4444")),
        "user_inactive"
    );
    // boss is the last active manager: cannot deactivate himself.
    assert_eq!(
        code(t.set_user_active("boss", "222222", "boss", false)),
        "last_manager"
    );
    assert!(t.verify_pin("boss", "222222").unwrap().active);
    // Reactivate dina; now boss may step down, and dina is the last one.
    t.set_user_active("boss", "222222", "dina", true).unwrap();
    t.set_user_active("boss", "222222", "boss", false).unwrap();
    assert_eq!(code(t.verify_pin("boss", "222222")), "user_inactive");
    assert_eq!(
        code(t.set_user_active("dina", "333333", "dina", false)),
        "last_manager"
    );
    t.set_user_active("dina", "333333", "anna", true).unwrap();
    t.verify_pin("anna", "1111").unwrap();
    // The request anna made while inactive-then-active is still decidable.
    t.reject_payout(req.id, "dina", "333333", None).unwrap();
    let a = actions(&t);
    for (actor, action, subject) in [
        ("boss", "user_deactivated", "anna"),
        ("boss", "user_deactivated", "dina"),
        ("boss", "user_activated", "dina"),
        ("boss", "user_deactivated", "boss"),
        ("dina", "user_activated", "anna"),
    ] {
        assert!(
            a.contains(&(actor.into(), action.into(), subject.into())),
            "{actor} {action} {subject}: {a:?}"
        );
    }
    t.verify_audit().unwrap();
}

/// The demo's shortcuts (users with public PINs hashed cheaply, a session without a PIN) are
/// never a real till's.
#[test]
fn a_real_till_refuses_the_demos_shortcuts() {
    let (t, _) = till();
    assert!(!t.core.config().demo);
    assert_eq!(
        code(t.add_demo_user("Kassir", Role::Cashier, "1111")),
        "not_manager"
    );
    assert_eq!(code(t.demo_session("anna")), "not_manager");
    assert!(t.users().unwrap().iter().all(|u| u.name != "Kassir"));
}
