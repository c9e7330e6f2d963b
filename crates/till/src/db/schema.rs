//! The schema as an append-only list of migrations: a released migration is never edited,
//! only followed by a new one. `PRAGMA user_version` records how many ran.
//!
//! Conventions: STRICT tables; money is INTEGER tiyin; times are INTEGER milliseconds since
//! the Unix epoch (UTC); no column ever holds the API secret or a card identifier in clear.

pub const MIGRATIONS: &[&str] = &[
    // 1: the whole first schema.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash        TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    created_at      INTEGER NOT NULL,
    last_sign_in    INTEGER
) STRICT;

-- Saved cards: the identifier only sealed (token_enc), found by a keyed fingerprint.
CREATE TABLE cards (
    id               INTEGER PRIMARY KEY,
    fingerprint      TEXT NOT NULL UNIQUE,
    token_enc        BLOB NOT NULL,
    masked           TEXT NOT NULL,
    customer_id      TEXT NOT NULL,
    first_payment_id TEXT NOT NULL,
    first_used_at    INTEGER NOT NULL,
    last_used_at     INTEGER NOT NULL,
    use_count        INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE payout_requests (
    id              INTEGER PRIMARY KEY,
    card_id         INTEGER NOT NULL REFERENCES cards(id),
    sale_id         INTEGER REFERENCES payments(id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    reason          TEXT NOT NULL,
    requested_by    INTEGER REFERENCES users(id),
    requested_name  TEXT NOT NULL,
    requested_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'expired')),
    payment_row     INTEGER REFERENCES payments(id)
) STRICT;
CREATE INDEX payout_requests_status ON payout_requests(status, requested_at);
CREATE INDEX payout_requests_sale ON payout_requests(sale_id);

CREATE TABLE payout_approvals (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL UNIQUE REFERENCES payout_requests(id),
    approver_id INTEGER NOT NULL REFERENCES users(id),
    decided_at  INTEGER NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('approved', 'rejected'))
) STRICT;

-- Sales and payouts. `stage` only grows (forward-only state machine, see engine::state).
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    payment_id      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('sale', 'payout')),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    currency        TEXT NOT NULL DEFAULT 'UZS',
    project_id      INTEGER NOT NULL,
    customer_id     TEXT NOT NULL,
    customer_ip     TEXT NOT NULL,
    description     TEXT,
    card_id         INTEGER REFERENCES cards(id),
    masked_card     TEXT,
    card_last4      TEXT,
    state           TEXT NOT NULL CHECK (state IN ('created', 'sending', 'accepted', 'pending', 'success', 'failed')),
    stage           INTEGER NOT NULL,
    gateway_status  TEXT,
    code            TEXT,
    message         TEXT,
    request_id      TEXT,
    redirect_url    TEXT,
    redirect_method TEXT,
    created_by      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    answered_at     INTEGER,
    final_at        INTEGER,
    follow_until    INTEGER NOT NULL,
    abandoned_at    INTEGER,
    send_attempts   INTEGER NOT NULL DEFAULT 0,
    poll_count      INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    flagged         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX payments_created ON payments(created_at, id);
CREATE INDEX payments_state_created ON payments(state, created_at);
CREATE INDEX payments_kind_created ON payments(kind, created_at);
CREATE INDEX payments_amount_created ON payments(amount, created_at);
CREATE INDEX payments_masked_created ON payments(masked_card, created_at);
CREATE INDEX payments_last4_created ON payments(card_last4, created_at);
CREATE INDEX payments_open ON payments(stage) WHERE stage < 4;

-- Every gateway message (answer, status, callback), redacted (no account.number), with
-- whether its signature held and whether it was applied.
CREATE TABLE gateway_messages (
    id           INTEGER PRIMARY KEY,
    payment_row  INTEGER REFERENCES payments(id),
    payment_id   TEXT,
    source       TEXT NOT NULL CHECK (source IN ('answer', 'status', 'callback', 'error')),
    received_at  INTEGER NOT NULL,
    http_status  INTEGER,
    signature    TEXT NOT NULL CHECK (signature IN ('verified', 'absent', 'bad', 'none')),
    status       TEXT,
    applied      INTEGER NOT NULL DEFAULT 0,
    flag         TEXT,
    raw          TEXT NOT NULL
) STRICT;
CREATE INDEX gateway_messages_payment ON gateway_messages(payment_row, id);
CREATE INDEX gateway_messages_payment_id ON gateway_messages(payment_id);

-- Append-only, hash-chained audit log: triggers refuse edits, the chain shows them anyway.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
    // 2: users are deactivated, never deleted (history keeps who did what); a decision on a
    // payout request may carry a note (the reason of a rejection).
    r#"
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE payout_approvals ADD COLUMN note TEXT;
"#,
    // 3: a sale is made through the Gate or the Payment Page (the till signs the link itself);
    // a Payment Page link stops working at `link_expires_at` (its `best_before`).
    r#"
ALTER TABLE payments ADD COLUMN flow TEXT NOT NULL DEFAULT 'gate' CHECK (flow IN ('gate', 'payment_page'));
ALTER TABLE payments ADD COLUMN link_expires_at INTEGER;
"#,
    // 4: a payment is bound to the gateway that knows it: the Gate and Payment Page URLs it was
    // made with and which secret signed it (a key id, never the secret). NULL for payments made
    // before: they were made with the config of their time, filled in when the till opens.
    r#"
ALTER TABLE payments ADD COLUMN gateway_url TEXT;
ALTER TABLE payments ADD COLUMN payment_page_url TEXT;
ALTER TABLE payments ADD COLUMN secret_id TEXT;
"#,
    // 5: a sale still open when an engine starts was interrupted (the app or the command that
    // showed it stopped); its late result, either way, is raised like an abandoned sale's.
    r#"
ALTER TABLE payments ADD COLUMN interrupted_at INTEGER;
"#,
    // 6: callbacks refused for their signature are not stored one row each (an attacker could
    // fill the disk): a few samples, redacted and cut short, for whoever investigates.
    r#"
CREATE TABLE rejected_callbacks (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    sample      TEXT NOT NULL
) STRICT;
"#,
    // 7: PIN lock-outs escalate (`lockouts`: how many in a row, reset by a right PIN or a
    // manager); a manager with a PIN shorter than managers' PINs must be is asked to change
    // it; every PIN check of the till is counted for the till-wide cap on wrong PINs a
    // minute (`ok` NULL while checked, 0 wrong, 1 right); the audit log is an HMAC chain
    // under a keyring key (`alg`; rows written before the key existed stay plain SHA-256).
    r#"
ALTER TABLE users ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pin_change_required INTEGER NOT NULL DEFAULT 0 CHECK (pin_change_required IN (0, 1));
CREATE TABLE sign_in_attempts (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    ok INTEGER CHECK (ok IN (0, 1))
) STRICT;
CREATE INDEX sign_in_attempts_at ON sign_in_attempts(at);
ALTER TABLE audit_log ADD COLUMN alg TEXT NOT NULL DEFAULT 'sha256' CHECK (alg IN ('sha256', 'hmac'));
"#,
    // 8: a cashier's shift, opened at sign-in or by hand and closed by hand (at most one open
    // per user: this database is one till); a payment belongs to the shift open when it was
    // written (`shift_id`, set at creation, never moved: a sale still open at the close ends
    // in the shift it began in).
    r#"
CREATE TABLE shifts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    user_name  TEXT NOT NULL,
    till_code  TEXT NOT NULL,
    opened_at  INTEGER NOT NULL,
    opened_how TEXT NOT NULL CHECK (opened_how IN ('sign_in', 'explicit')),
    closed_at  INTEGER,
    closed_by  TEXT,
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
) STRICT;
CREATE UNIQUE INDEX shifts_one_open ON shifts(user_id) WHERE closed_at IS NULL;
CREATE INDEX shifts_opened ON shifts(opened_at);
ALTER TABLE payments ADD COLUMN shift_id INTEGER REFERENCES shifts(id);
CREATE INDEX payments_shift ON payments(shift_id, created_at) WHERE shift_id IS NOT NULL;
"#,
];
