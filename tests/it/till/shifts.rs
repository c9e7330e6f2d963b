//! Shifts and their reports (issue 13): two cashiers' shifts with sales paid, declined,
//! expired and abandoned and a return close with Z totals equal to the sums of their
//! payments, computed here independently from the database's rows (read with SQLite
//! directly); a payment open at the close is listed and ends in its shift; the day report;
//! the XLSX files read back (calamine) against the database; the CLI's `shift` and `report`.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use ::till::db::shifts::OpenedHow;
use ::till::report::{Note, ReportKind, Sum, Totals};
use ::till::{PaymentHandle, PayoutInput, Role, State};
use calamine::{open_workbook, Data, Reader, Xlsx};
use ecommpay::Tiyin;

use super::cli::run;
use super::{pay, sandbox, TestTill};

/// Starts a sale as `who`; returns its handle and link.
async fn start(t: &TestTill, amount: i64, who: Option<&str>) -> (PaymentHandle, String) {
    super::sale_with_link(t, Tiyin::new(amount), who).await
}

async fn sale(t: &TestTill, amount: i64, who: &str, card: &str, want: State) -> String {
    let (h, link) = start(t, amount, Some(who)).await;
    let pid = h.payment_id.clone();
    pay(&link, card).await;
    assert_eq!(h.wait().await.unwrap().state, want);
    pid
}

/// One payment row as the database has it.
#[derive(Debug, Clone)]
struct Row {
    payment_id: String,
    kind: String,
    amount: i64,
    state: String,
    gateway_status: Option<String>,
    abandoned: bool,
    is_return: bool,
    shift_id: Option<i64>,
    created_at: i64,
    final_at: Option<i64>,
}

fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        dir.join(::till::config::defaults::DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

fn rows(dir: &Path, cond: &str) -> Vec<Row> {
    let c = db(dir);
    let sql = format!(
        "SELECT p.payment_id, p.kind, p.amount, p.state, p.gateway_status, p.abandoned_at IS NOT NULL,
                r.sale_id IS NOT NULL, p.shift_id, p.created_at, p.final_at
         FROM payments p LEFT JOIN payout_requests r ON r.payment_row = p.id WHERE {cond}
         ORDER BY p.created_at DESC, p.id DESC"
    );
    let mut stmt = c.prepare(&sql).unwrap();
    stmt.query_map([], |r| {
        Ok(Row {
            payment_id: r.get(0)?,
            kind: r.get(1)?,
            amount: r.get(2)?,
            state: r.get(3)?,
            gateway_status: r.get(4)?,
            abandoned: r.get(5)?,
            is_return: r.get(6)?,
            shift_id: r.get(7)?,
            created_at: r.get(8)?,
            final_at: r.get(9)?,
        })
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

/// The totals the rows add up to, by the report's rules written out again here.
fn expected(rows: &[Row]) -> HashMap<&'static str, (u64, i64)> {
    let mut m: HashMap<&'static str, (u64, i64)> = HashMap::new();
    for r in rows {
        let open = r.state != "success" && r.state != "failed";
        let bucket = match (r.kind.as_str(), r.state.as_str()) {
            ("sale", "success") => "paid",
            ("sale", "failed") if r.gateway_status.as_deref() == Some("link_expired") => "expired",
            ("sale", "failed") => "declined",
            ("sale", _) if open && r.abandoned => "abandoned",
            ("sale", _) => "open",
            ("payout", "success") if r.is_return => "returns",
            ("payout", "success") => "payouts",
            ("payout", "failed") => "payouts_failed",
            _ => "payouts_open",
        };
        let e = m.entry(bucket).or_default();
        e.0 += 1;
        e.1 += r.amount;
    }
    m
}

fn assert_totals(t: &Totals, rows: &[Row], what: &str) {
    let e = expected(rows);
    let get = |k: &str| e.get(k).copied().unwrap_or((0, 0));
    let pair = |s: Sum| (s.count, s.sum.get());
    assert_eq!(pair(t.paid), get("paid"), "{what}: paid");
    assert_eq!(pair(t.declined), get("declined"), "{what}: declined");
    assert_eq!(pair(t.expired), get("expired"), "{what}: expired");
    assert_eq!(pair(t.abandoned), get("abandoned"), "{what}: abandoned");
    assert_eq!(pair(t.open), get("open"), "{what}: open");
    assert_eq!(pair(t.returns), get("returns"), "{what}: returns");
    assert_eq!(pair(t.payouts), get("payouts"), "{what}: payouts");
    assert_eq!(
        pair(t.payouts_failed),
        get("payouts_failed"),
        "{what}: payouts failed"
    );
    assert_eq!(
        pair(t.payouts_open),
        get("payouts_open"),
        "{what}: payouts open"
    );
    assert_eq!(
        t.net.get(),
        get("paid").1 - get("returns").1 - get("payouts").1,
        "{what}: net"
    );
    assert_eq!(
        t.payments(),
        rows.len() as u64,
        "{what}: every row counted once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_cashiers_shifts_close_with_z_totals_equal_to_their_payments() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(
        sb.base_url(),
        &[
            ("limits.payout_max_tiyin", "10000000"),
            ("timing.sale_payable_ms", "4000"),
            ("timing.link_expiry_margin_ms", "300"),
        ],
    );
    crate::till::add_user(&t.till, "anna", Role::Cashier, "1111").unwrap();
    crate::till::add_user(&t.till, "bek", Role::Cashier, "2222").unwrap();
    crate::till::add_user(&t.till, "boss", Role::Manager, "222222").unwrap();

    // Anna's shift opens at her sign-in; Bek opens his by hand; one open shift per user.
    let anna = t.till.sign_in("anna", "1111").unwrap();
    let a = t
        .till
        .shift_at_sign_in(&anna)
        .unwrap()
        .expect("a cashier's shift");
    assert_eq!(a.opened_how, "sign_in");
    let bek = t.till.sign_in("bek", "2222").unwrap();
    let b = t.till.open_shift(&bek, OpenedHow::Explicit).unwrap();
    assert_eq!(t.till.open_shift(&bek, OpenedHow::Explicit).unwrap(), b);
    assert_eq!(t.till.shift_at_sign_in(&bek).unwrap(), Some(b.clone()));
    assert_ne!(a.id, b.id);
    let boss = t.till.sign_in("boss", "222222").unwrap();
    assert_eq!(
        t.till.shift_at_sign_in(&boss).unwrap(),
        None,
        "managers open by hand"
    );
    assert_eq!(
        t.till.current_shift_start(anna.user().id).unwrap(),
        Some(a.opened_at),
        "'this shift' in history starts at the open shift"
    );

    // Anna: a sale whose link expires unopened (runs while the rest goes on), two paid, one
    // declined. Bek: one paid, one declined.
    let (expiring, _) = start(&t, 100_000, Some("anna")).await;
    let expired_id = expiring.payment_id.clone();
    let a_paid = sale(&t, 1_500_000, "anna", "uzcard-ok", State::Success).await;
    sale(&t, 700_000, "anna", "uzcard-ok", State::Success).await;
    sale(&t, 250_000, "anna", "uzcard-nofunds", State::Failed).await;
    sale(&t, 900_000, "bek", "uzcard-ok", State::Success).await;
    sale(&t, 300_000, "bek", "uzcard-nofunds", State::Failed).await;

    // Bek returns 2 000 so'm of Anna's sale (the customer came to his counter); the boss
    // approves: the return is Bek's, the cashier who asked.
    let card = t.till.payment(&a_paid).unwrap().card_id.unwrap();
    let req = t
        .till
        .request_payout(
            &PayoutInput {
                card_id: card,
                amount: Tiyin::new(200_000),
                reason: "return".into(),
                sale_payment_id: Some(a_paid.clone()),
            },
            &bek,
        )
        .unwrap();
    let h = t
        .till
        .approve_payout(req.id, "boss", "222222")
        .await
        .unwrap();
    let return_id = h.payment_id.clone();
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    let e = expiring.wait().await.unwrap();
    assert_eq!(
        (e.state, e.gateway_status.as_deref()),
        (State::Failed, Some("link_expired"))
    );

    // At the close: Anna's last sale abandoned (still followed), Bek's last one waiting for
    // the customer.
    let (abandoning, _) = start(&t, 50_000, Some("anna")).await;
    let abandoned_id = abandoning.payment_id.clone();
    assert!(t.till.abandon_sale(&abandoned_id, "anna").unwrap());
    let (open_sale, open_link) = start(&t, 400_000, Some("bek")).await;
    let open_id = open_sale.payment_id.clone();

    let za = t.till.close_shift(&anna).unwrap();
    let zb = t.till.close_shift(&bek).unwrap();
    let rows_a = rows(t.path(), &format!("p.shift_id = {}", a.id));
    let rows_b = rows(t.path(), &format!("p.shift_id = {}", b.id));
    assert_eq!(za.kind, ReportKind::Z);
    assert!(za.shift.closed_at.is_some());
    assert_eq!(rows_a.len(), 5, "{rows_a:?}");
    assert_eq!(rows_b.len(), 4, "{rows_b:?}");
    assert!(rows_b.iter().any(|r| r.payment_id == return_id));
    assert!(rows_a.iter().any(|r| r.payment_id == expired_id));
    assert_totals(&za.totals, &rows_a, "Anna's Z");
    assert_totals(&zb.totals, &rows_b, "Bek's Z");
    // The figures themselves, so a rule changed on both sides still shows.
    assert_eq!(
        (za.totals.paid.count, za.totals.paid.sum.get()),
        (2, 2_200_000)
    );
    assert_eq!(
        (
            za.totals.declined.count,
            za.totals.expired.count,
            za.totals.abandoned.count
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (zb.totals.returns.count, zb.totals.returns.sum.get()),
        (1, 200_000)
    );
    assert_eq!(zb.totals.net.get(), 900_000 - 200_000);
    assert_eq!(zb.totals.open.count, 1);
    // First and last payments, and what was still open at the close.
    let first_a = rows_a.last().unwrap();
    assert_eq!(za.first.as_ref().unwrap().payment_id, first_a.payment_id);
    assert_eq!(za.last.as_ref().unwrap().payment_id, abandoned_id);
    assert_eq!(
        za.open
            .iter()
            .map(|l| l.payment_id.as_str())
            .collect::<Vec<_>>(),
        vec![abandoned_id.as_str()]
    );
    assert_eq!(
        zb.open
            .iter()
            .map(|l| l.payment_id.as_str())
            .collect::<Vec<_>>(),
        vec![open_id.as_str()]
    );
    assert!(zb.open.iter().all(|l| l.note == Some(Note::Open)));
    assert_eq!(
        t.till.close_shift(&bek).unwrap_err().code(),
        "no_open_shift"
    );
    assert_eq!(t.till.current_shift_start(bek.user().id).unwrap(), None);

    // The Z report as text in each language names the figures and the open sale.
    let en = zb.text_lines("en");
    assert!(en[0].starts_with("Z REPORT"), "{en:?}");
    assert!(
        en.iter()
            .any(|l| l.starts_with("Paid sales") && l.ends_with("1 · 9 000 so'm")),
        "{en:?}"
    );
    assert!(
        en.iter()
            .any(|l| l.starts_with("Net") && l.ends_with("7 000 so'm")),
        "{en:?}"
    );
    assert!(en.iter().any(|l| l.contains(&open_id)), "{en:?}");
    let ru = zb.text_lines("ru");
    assert!(ru[0].starts_with("Z-ОТЧЁТ"), "{ru:?}");
    assert!(
        ru.iter()
            .any(|l| l.starts_with("Возвраты") && l.ends_with("1 · 2 000 сум")),
        "{ru:?}"
    );
    let uz = zb.text_lines("uz");
    assert!(uz[0].starts_with("Z HISOBOT"), "{uz:?}");
    assert!(
        uz.iter()
            .any(|l| l.starts_with("Sof tushum") && l.ends_with("7 000 so'm")),
        "{uz:?}"
    );
    for l in en.iter().chain(&ru).chain(&uz) {
        assert!(l.chars().count() <= ::till::report::WIDTH, "{l:?}");
    }

    // The Z report as CSV for people (Russian: `;` and a decimal comma).
    let mut csv = Vec::new();
    zb.write_csv(&mut csv, "ru").unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("Кассир;Что;Количество;Сумма\r\n"), "{csv}");
    assert!(csv.contains("bek;Возвраты;1;2000,00\r\n"), "{csv}");
    assert!(csv.contains("bek;Итого;;7000,00\r\n"), "{csv}");
    assert!(csv.contains(&format!(";{open_id};")), "{csv}");

    // The sale open at the close is paid afterwards: it ends in Bek's shift, noted.
    pay(&open_link, "uzcard-ok").await;
    assert_eq!(open_sale.wait().await.unwrap().state, State::Success);
    let later = t.till.shift_report(b.id).unwrap();
    assert_eq!(later.kind, ReportKind::Shift);
    assert_eq!(
        rows(t.path(), &format!("p.payment_id = '{open_id}'"))[0].shift_id,
        Some(b.id)
    );
    assert_totals(
        &later.totals,
        &rows(t.path(), &format!("p.shift_id = {}", b.id)),
        "Bek later",
    );
    assert_eq!(later.totals.paid.count, 2);
    assert!(later.open.is_empty());
    assert_eq!(later.ended_after_close.len(), 1);
    assert_eq!(later.ended_after_close[0].payment_id, open_id);
    assert_eq!(later.ended_after_close[0].note, Some(Note::EndedAfterClose));
    assert!(later
        .text_lines("en")
        .iter()
        .any(|l| l.contains("(ended after the close)")));
    // A sale made once Anna's shift is closed belongs to no shift.
    let (after, _) = start(&t, 10_000, Some("anna")).await;
    t.till.abandon_sale(&after.payment_id, "anna").unwrap();
    assert_eq!(
        rows(t.path(), &format!("p.payment_id = '{}'", after.payment_id))[0].shift_id,
        None
    );

    // The day report: every payment of today, per cashier, the audit chain's head on it.
    let today = ::till::time::local_date(::till::db::now_ms());
    let day = t.till.day_report(today).unwrap();
    let all = rows(
        t.path(),
        &format!(
            "p.created_at >= {} AND p.created_at < {}",
            day.from_ms, day.to_ms
        ),
    );
    assert_totals(&day.totals, &all, "the day");
    let anna_rows: Vec<Row> = all
        .iter()
        .filter(|r| r.shift_id == Some(a.id) || r.payment_id == after.payment_id)
        .cloned()
        .collect();
    let anna_day = day.cashiers.iter().find(|c| c.cashier == "anna").unwrap();
    assert_totals(&anna_day.totals, &anna_rows, "Anna's day");
    assert_eq!(day.shifts.len(), 2);
    let head = t.till.audit_head().unwrap().expect("an audit head");
    assert_eq!(day.audit_head.as_ref(), Some(&head));
    for l in ["uz", "ru", "en"] {
        for line in day.text_lines(l) {
            assert!(line.chars().count() <= ::till::report::WIDTH, "{line:?}");
        }
    }
    let text = day.text_lines("ru").join("\n");
    assert!(text.contains(&head.hash[..20]), "{text}");
    let json = day.json_lines();
    assert_eq!(json.last().unwrap()["event"], "totals", "the totals last");
    assert_eq!(json.last().unwrap()["audit_head"]["id"], head.id);

    // History as XLSX: typed cells equal the database, header frozen.
    let xlsx = t.path().join("history.xlsx");
    let n = t
        .till
        .export_history_xlsx(&xlsx, &Default::default(), "ru", |_| {})
        .unwrap();
    let db_rows = rows(t.path(), "1");
    assert_eq!(n as usize, db_rows.len());
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = wb.worksheet_range("История").unwrap();
    let cells: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(cells.len(), db_rows.len() + 1, "one header row");
    assert_eq!(cells[0][0], Data::String("Время".into()));
    assert_eq!(cells[0][3], Data::String("Сумма".into()));
    for (c, r) in cells[1..].iter().zip(&db_rows) {
        assert_eq!(c[1], Data::String(r.payment_id.clone()));
        let signed = if r.kind == "payout" {
            -r.amount
        } else {
            r.amount
        };
        match &c[3] {
            Data::Float(f) => assert_eq!((f * 100.0).round() as i64, signed, "{}", r.payment_id),
            other => panic!("amount not a number: {other:?}"),
        }
        assert_eq!(c[6], Data::String(r.state.clone()));
        match &c[0] {
            Data::DateTime(d) => assert_eq!(
                serial_text(d.as_f64()),
                ::till::time::local_text(r.created_at)
            ),
            other => panic!("time not a date: {other:?}"),
        }
        match (&c[9], r.final_at) {
            (Data::DateTime(d), Some(f)) => {
                assert_eq!(serial_text(d.as_f64()), ::till::time::local_text(f))
            }
            (Data::Empty, None) => {}
            (other, f) => panic!("finished {other:?} vs {f:?}"),
        }
    }
    assert_frozen_header(&xlsx, "xl/worksheets/sheet1.xml");

    // The day report as XLSX: the till's net row equals the rows' net.
    let day_xlsx = t.path().join("day.xlsx");
    day.write_xlsx(&day_xlsx, "en").unwrap();
    let mut wb: Xlsx<_> = open_workbook(&day_xlsx).unwrap();
    let totals = wb.worksheet_range("Totals").unwrap();
    let net_row = totals
        .rows()
        .find(|r| r[0] == Data::String("Till IT".into()) && r[1] == Data::String("Net".into()))
        .expect("the till's net row");
    let e = expected(&all);
    let net = e.get("paid").map_or(0, |v| v.1)
        - e.get("returns").map_or(0, |v| v.1)
        - e.get("payouts").map_or(0, |v| v.1);
    assert_eq!(net_row[3], Data::Float(net as f64 / 100.0));
    let paid_row = totals
        .rows()
        .find(|r| r[0] == Data::String("anna".into()) && r[1] == Data::String("Paid sales".into()))
        .unwrap();
    assert_eq!(paid_row[2], Data::Float(2.0));
    assert_eq!(paid_row[3], Data::Float(22_000.0));
    assert_frozen_header(&day_xlsx, "xl/worksheets/sheet1.xml");
    sb.shutdown().await;
}

/// `YYYY-MM-DD hh:mm:ss` of a spreadsheet serial date (to the second).
fn serial_text(serial: f64) -> String {
    let ms = ((serial - 25_569.0) * 86_400_000.0).round() as i64;
    let secs = ms.div_euclid(1000);
    chrono_like(secs)
}

fn chrono_like(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// The sheet's first row is frozen (a pane split below it).
fn assert_frozen_header(file: &Path, sheet: &str) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(sheet)
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#),
        "{}",
        &xml[..xml.len().min(2000)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_opens_and_closes_a_shift_and_prints_the_day_report() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    super::cli::setup(dir.path(), sb.base_url(), &[]).await;
    let d = dir.path();
    let (code, lines, err) = run(d, &["shift", "open", "--user", "anna"], Some("1111\n")).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines[0]["event"], "shift_open");
    let id = lines[0]["id"].as_i64().unwrap();
    // A wrong PIN opens nothing.
    let (code, lines, _) = run(d, &["shift", "close", "--user", "anna"], Some("9999\n")).await;
    assert_eq!((code, lines[0]["code"].as_str()), (2, Some("wrong_pin")));
    let (code, lines, _) = run(d, &["shift", "x", "--user", "anna"], Some("1111\n")).await;
    assert_eq!(code, 0);
    assert_eq!(lines.last().unwrap()["report"], "x");
    let z = d.join("z.xlsx");
    let (code, lines, err) = run(
        d,
        &[
            "shift",
            "close",
            "--user",
            "anna",
            "--xlsx",
            z.to_str().unwrap(),
        ],
        Some("1111\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines[0]["event"], "shift");
    let last = lines.last().unwrap();
    assert_eq!(
        (last["event"].as_str(), last["report"].as_str()),
        (Some("totals"), Some("z"))
    );
    assert_eq!(last["shift_id"], id);
    assert_eq!(last["totals"]["paid"]["count"], 0);
    assert!(z.exists());
    let (code, lines, _) = run(d, &["shift", "close", "--user", "anna"], Some("1111\n")).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("no_open_shift"))
    );

    let today = ::till::time::local_date(::till::db::now_ms())
        .format("%Y-%m-%d")
        .to_string();
    let (code, lines, err) = run(d, &["report", "--date", &today], None).await;
    assert_eq!(code, 0, "{err}");
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "totals");
    assert_eq!(last["date"], today.as_str());
    assert!(last["audit_head"]["hash"].as_str().unwrap().len() >= 32);
    assert!(lines
        .iter()
        .any(|l| l["event"] == "shift" && l["shift"]["id"] == id));
    // The text in the till's language (Uzbek by default) ends with the audit head.
    let out = std::process::Command::new(crate::support::bin("cashier"))
        .args([
            "--data-dir",
            d.to_str().unwrap(),
            "report",
            "--date",
            &today,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("KUNLIK HISOBOT"), "{text}");
    assert!(text.contains("Audit zanjiri boshi: #"), "{text}");
    let (code, lines, _) = run(d, &["report", "--date", "2026-13-01"], None).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("config_invalid"))
    );

    // `history --xlsx`: every row, typed.
    let h = d.join("h.xlsx");
    let (code, lines, err) = run(d, &["history", "--xlsx", h.to_str().unwrap()], None).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines[0]["event"], "exported");
    assert_eq!(lines[0]["rows"], 0);
    let mut wb: Xlsx<_> = open_workbook(&h).unwrap();
    let sheet = wb.worksheet_range("Tarix").unwrap();
    assert_eq!(sheet.rows().count(), 1, "the header only");
    sb.shutdown().await;
}
