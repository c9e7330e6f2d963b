//! Receipts on a loopback "printer": a TCP listener in the test collects what the till
//! sends, and the test reads it back as an ESC/POS printer would: the text through the code
//! page (CP866 or Windows-1251) back to Unicode, the native QR codes' data (`GS ( k`, function
//! 080 stores it, 081 prints it), the cut (`GS V`). A file "printer" through `cashier receipt`.

use std::time::Duration;

use ::till::print::CodePage;
use ::till::State;
use ecommpay::Tiyin;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use super::cli::run;
use super::*;

/// What a printer made of the bytes.
#[derive(Debug, Default)]
pub struct Printed {
    pub lines: Vec<String>,
    pub qr: Vec<String>,
    pub cut: bool,
    pub tables: Vec<u8>,
}

/// Reads ESC/POS as a printer does. Any command it does not know fails the test.
pub fn printed(bytes: &[u8], enc: &'static encoding_rs::Encoding) -> Printed {
    let mut out = Printed::default();
    let (mut line, mut stored) = (Vec::new(), None::<Vec<u8>>);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x0A => {
                out.lines
                    .push(enc.decode_without_bom_handling(&line).0.into_owned());
                line.clear();
                i += 1;
            }
            0x1B => match bytes[i + 1] {
                b'@' => i += 2,
                b't' => {
                    out.tables.push(bytes[i + 2]);
                    i += 3;
                }
                b'd' => {
                    assert!(line.is_empty(), "text ended by a feed, not a line feed");
                    i += 3;
                }
                b'E' | b'a' | b'!' | b'-' | b'G' => i += 3,
                c => panic!("unknown ESC {c:#x} at {i}"),
            },
            0x1D => match bytes[i + 1] {
                b'!' => i += 3,
                b'V' => {
                    out.cut = true;
                    i += if matches!(bytes[i + 2], 65 | 66) {
                        4
                    } else {
                        3
                    };
                }
                b'(' if bytes[i + 2] == b'k' => {
                    let n = bytes[i + 3] as usize + 256 * bytes[i + 4] as usize;
                    let p = &bytes[i + 5..i + 5 + n];
                    match (p[0], p[1]) {
                        (49, 80) => {
                            assert_eq!(p[2], 48);
                            stored = Some(p[3..].to_vec());
                        }
                        (49, 81) => {
                            let data = stored.take().expect("a QR printed after its data");
                            out.qr.push(String::from_utf8(data).unwrap());
                        }
                        (49, 65 | 67 | 69) => {}
                        other => panic!("unknown GS ( k {other:?}"),
                    }
                    i += 5 + n;
                }
                c => panic!("unknown GS {c:#x} at {i}"),
            },
            c if c < 0x20 => panic!("unknown control byte {c:#x} at {i}"),
            _ => {
                line.push(b);
                i += 1;
            }
        }
    }
    assert!(
        line.is_empty(),
        "text after the last line feed: {line:02x?}"
    );
    out
}

/// A network printer on loopback: each connection's bytes, once it closes.
async fn loopback_printer() -> (String, mpsc::UnboundedReceiver<Vec<u8>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("tcp://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf).await;
                let _ = tx.send(buf);
            });
        }
    });
    (addr, rx)
}

async fn next_slip(rx: &mut mpsc::UnboundedReceiver<Vec<u8>>) -> Vec<u8> {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a slip within 20 s")
        .expect("the printer runs")
}

/// A label and its value on one 48-character line, as an 80 mm slip sets them.
fn pair(label: &str, value: &str) -> String {
    let gap = 48 - label.chars().count() - value.chars().count();
    format!("{label}{}{value}", " ".repeat(gap))
}

fn trimmed(p: &Printed) -> Vec<String> {
    p.lines.iter().map(|l| l.trim().to_owned()).collect()
}

/// A paid sale of 15 000,50 so'm by anna; its payment id.
async fn paid_sale(t: &TestTill) -> String {
    let (h, link) = sale_with_link(t, Tiyin::parse_som("15000.50").unwrap(), Some("anna")).await;
    let pid = h.payment_id.clone();
    pay(&link, "uzcard-ok").await;
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    pid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_sale_prints_its_slip_in_uzbek_and_russian_with_its_id_as_a_qr() {
    let sb = sandbox(|_| {}).await;
    let (printer, mut slips) = loopback_printer().await;
    let t = TestTill::new(
        sb.base_url(),
        &[
            ("printer.address", printer.as_str()),
            ("printer.after_sale", "true"),
            ("printer.shop_name", "Gʻuzal doʻkon"),
            ("language", "uz"),
        ],
    );
    let _printing = tokio::spawn(t.till.print_after_sales(|pid, e| panic!("{pid}: {e}")));
    let pid = paid_sale(&t).await;

    // Printed by itself after the sale (printer.after_sale), in Uzbek, CP866 (table 17).
    let bytes = next_slip(&mut slips).await;
    let p = printed(&bytes, encoding_rs::IBM866);
    assert_eq!(p.tables, vec![17]);
    assert!(p.cut, "the paper is cut");
    assert_eq!(p.qr, vec![pid.clone()], "the QR is the payment id");
    let lines = trimmed(&p);
    for want in [
        "G'uzal do'kon".to_owned(),
        "SOTUV CHEKI".into(),
        pair("Kassa", "IT"),
        pair("Kassir", "anna"),
        "15 000,50 so'm".into(),
        pair("Karta", "860003******7890"),
        pair("To'lov ID", &pid),
        pair("Holat", "To'langan"),
        "Qaytarish uchun chekni saqlang".into(),
    ] {
        assert!(lines.contains(&want), "{want:?} not in {lines:#?}");
    }
    let date = lines
        .iter()
        .find(|l| l.starts_with("Sana "))
        .expect("a date line");
    let p_row = t.till.payment(&pid).unwrap();
    assert!(
        date.ends_with(&::till::time::local_text(p_row.final_at.unwrap())),
        "{date}"
    );
    // What printed is what the app previews.
    let preview = t.till.receipt(&pid).unwrap();
    let slip = t.till.receipt_slip(&pid).unwrap();
    assert_eq!(p.lines, slip.text(48, CodePage::Cp866));
    assert!(preview.printer_configured);
    assert_eq!(preview.width, 48);

    // Russian through Windows-1251 (table 46), printed on demand.
    crate::till::set_setting(&t.till, "language", "ru").unwrap();
    crate::till::set_setting(&t.till, "printer.code_page", "wpc1251").unwrap();
    t.till.print_receipt(&pid).await.unwrap();
    let bytes = next_slip(&mut slips).await;
    assert!(
        !String::from_utf8_lossy(&bytes).contains("Касса"),
        "no UTF-8 Cyrillic reaches the printer"
    );
    let p = printed(&bytes, encoding_rs::WINDOWS_1251);
    assert_eq!(p.tables, vec![46]);
    assert!(p.cut);
    assert_eq!(p.qr, vec![pid.clone()]);
    let lines = trimmed(&p);
    for want in [
        "G'uzal do'kon".to_owned(),
        "ЧЕК ПРОДАЖИ".into(),
        pair("Касса", "IT"),
        pair("Кассир", "anna"),
        "15 000,50 сум".into(),
        pair("Карта", "860003******7890"),
        pair("ID платежа", &pid),
        pair("Статус", "Оплачено"),
        "Сохраните чек для возврата".into(),
    ] {
        assert!(lines.contains(&want), "{want:?} not in {lines:#?}");
    }
    // And CP866 for Russian too.
    crate::till::set_setting(&t.till, "printer.code_page", "cp866").unwrap();
    t.till.print_receipt(&pid).await.unwrap();
    let p = printed(&next_slip(&mut slips).await, encoding_rs::IBM866);
    assert!(trimmed(&p).contains(&pair("Статус", "Оплачено")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scan_to_pay_slip_carries_the_sales_link() {
    let sb = sandbox(|_| {}).await;
    let (printer, mut slips) = loopback_printer().await;
    let t = TestTill::new(sb.base_url(), &[("printer.address", printer.as_str())]);
    let mut rx = t.till.subscribe();
    let h = t
        .till
        .start_sale(Tiyin::new(2_500_000), Some("anna"))
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let link = match wait_event(
        &mut rx,
        20,
        |e| matches!(e, TillEvent::Link { payment_id, .. } if *payment_id == pid),
    )
    .await
    {
        TillEvent::Link { url, .. } => url,
        _ => unreachable!(),
    };
    t.till.print_pay_slip(&pid).await.unwrap();
    let p = printed(&next_slip(&mut slips).await, encoding_rs::IBM866);
    assert_eq!(p.qr, vec![link.clone()], "the QR is the sale's link");
    assert!(p.cut);
    let lines = trimmed(&p);
    assert!(
        lines.contains(&"TO'LOV UCHUN SKANERLANG".to_owned()),
        "{lines:#?}"
    );
    assert!(lines.contains(&"25 000 so'm".to_owned()), "{lines:#?}");
    // The link works: the customer pays from the slip.
    pay(&link, "uzcard-ok").await;
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    let e = t.till.print_pay_slip(&pid).await.unwrap_err();
    assert!(e.to_string().contains("ended"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_lines_print_as_given_and_a_dead_printer_is_an_error() {
    let (printer, mut slips) = loopback_printer().await;
    let t = TestTill::new(
        "http://127.0.0.1:9",
        &[("printer.address", printer.as_str())],
    );
    let lines = vec![
        "Kassir: Dilnoza".to_owned(),
        "Toʻlangan: 3 ta, 45 000 soʻm".to_owned(),
        "Оплачено: 3, 45 000 сум".to_owned(),
    ];
    t.till.print_lines("X-hisobot", &lines).await.unwrap();
    let p = printed(&next_slip(&mut slips).await, encoding_rs::IBM866);
    assert_eq!(
        trimmed(&p),
        vec![
            "X-hisobot",
            &"-".repeat(48),
            "Kassir: Dilnoza",
            "To'langan: 3 ta, 45 000 so'm",
            "Оплачено: 3, 45 000 сум",
        ]
    );
    assert!(p.cut && p.qr.is_empty());
    // The test page.
    t.till.test_print().await.unwrap();
    let p = printed(&next_slip(&mut slips).await, encoding_rs::IBM866);
    assert!(trimmed(&p).contains(&"SINOV CHOP ETISH".to_owned()));
    // Nobody listening: an error quickly, never a hang.
    let closed = format!("tcp://{}", free_addr());
    crate::till::set_setting(&t.till, "printer.address", &closed).unwrap();
    let started = std::time::Instant::now();
    let e = t.till.print_lines("X", &[]).await.unwrap_err();
    assert_eq!(e.code(), "io", "{e}");
    assert!(e.to_string().contains(&closed), "{e}");
    assert!(started.elapsed() < Duration::from_secs(6));
    // Bad addresses are refused as settings.
    for bad in ["http://printer:9100", "tcp://printer", "tcp://printer:0"] {
        assert!(
            crate::till::set_setting(&t.till, "printer.address", bad).is_err(),
            "{bad}"
        );
    }
    crate::till::set_setting(&t.till, "printer.address", "").unwrap();
    let e = t.till.print_lines("X", &[]).await.unwrap_err();
    assert!(e.to_string().contains("printer.address"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cashier_receipt_prints_to_a_file_printer() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[("language", "uz")]);
    let pid = paid_sale(&t).await;
    let file = t.path().join("printer.bin");
    crate::till::set_setting(&t.till, "printer.address", file.to_str().unwrap()).unwrap();
    let d = t.path();
    let (code, lines, err) = run(d, &["receipt", &pid], None).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines[0]["event"], "printed");
    let p = printed(&std::fs::read(&file).unwrap(), encoding_rs::IBM866);
    assert_eq!(p.qr, vec![pid.clone()]);
    assert!(p.cut);
    assert!(trimmed(&p).contains(&pair("To'lov ID", &pid)));
    // A second slip is appended to the file.
    let (code, _, err) = run(d, &["receipt", &pid], None).await;
    assert_eq!(code, 0, "{err}");
    let p = printed(&std::fs::read(&file).unwrap(), encoding_rs::IBM866);
    assert_eq!(p.qr, vec![pid.clone(), pid.clone()]);
    // The preview is the same text, without a printer.
    let (code, lines, _) = run(d, &["receipt", &pid, "--preview"], None).await;
    assert_eq!(code, 0);
    let preview: Vec<String> = serde_json::from_value(lines[0]["lines"].clone()).unwrap();
    assert_eq!(preview, p.lines[..preview.len()].to_vec());
    assert_eq!(lines[0]["qr"][0], pid.as_str());
    // An unknown payment: exit 2 with its code.
    let (code, lines, _) = run(d, &["receipt", "IT-S000000-000000-000000"], None).await;
    assert_eq!(code, 2);
    assert_eq!(lines[0]["code"], "payment_not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_prints_its_slip_naming_the_sale() {
    let sb = sandbox(|_| {}).await;
    let (printer, mut slips) = loopback_printer().await;
    let t = TestTill::new(
        sb.base_url(),
        &[
            ("printer.address", printer.as_str()),
            ("limits.payout_max_tiyin", "10000000"),
        ],
    );
    crate::till::add_user(&t.till, "anna", ::till::Role::Cashier, "1111").unwrap();
    crate::till::add_user(&t.till, "boss", ::till::Role::Manager, "222222").unwrap();
    let anna = t.till.sign_in("anna", "1111").unwrap();
    let sale = paid_sale(&t).await;
    let card = t.till.cards().unwrap()[0].id;
    let req = t
        .till
        .request_payout(
            &::till::PayoutInput {
                card_id: card,
                amount: Tiyin::new(500_000),
                reason: "return".into(),
                sale_payment_id: Some(sale.clone()),
            },
            &anna,
        )
        .unwrap();
    let h = t
        .till
        .approve_payout(req.id, "boss", "222222")
        .await
        .unwrap();
    let payout = h.payment_id.clone();
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    t.till.print_receipt(&payout).await.unwrap();
    let p = printed(&next_slip(&mut slips).await, encoding_rs::IBM866);
    assert!(p.cut);
    assert_eq!(p.qr, vec![sale.clone()], "the QR opens the sale");
    let lines = trimmed(&p);
    for want in [
        "QAYTARISH CHEKI".to_owned(),
        pair("Sotuv", &sale),
        "5 000 so'm".into(),
        pair("Karta", "860003******7890"),
        pair("To'lov ID", &payout),
        pair("Holat", "Qaytarildi"),
    ] {
        assert!(lines.contains(&want), "{want:?} not in {lines:#?}");
    }
}

/// `cashier shift close --print` and `cashier report --date --print`: the Z report and the day
/// report on paper, line for line what the core's report says, in the till's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_z_report_and_the_day_report_print_from_the_cli() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[("language", "ru")]);
    crate::till::add_user(&t.till, "anna", ::till::Role::Cashier, "1111").unwrap();
    let anna = t.till.sign_in("anna", "1111").unwrap();
    let shift = t
        .till
        .open_shift(&anna, ::till::db::shifts::OpenedHow::Explicit)
        .unwrap();
    paid_sale(&t).await;
    let file = t.path().join("printer.bin");
    crate::till::set_setting(&t.till, "printer.address", file.to_str().unwrap()).unwrap();
    let d = t.path();
    let (code, lines, err) = run(
        d,
        &["shift", "close", "--user", "anna", "--print"],
        Some("1111\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines.last().unwrap()["event"], "printed", "{lines:?}");
    let z = t.till.shift_report(shift.id).unwrap().text_lines("ru");
    let p = printed(&std::fs::read(&file).unwrap(), encoding_rs::IBM866);
    assert!(p.cut);
    let got = trimmed(&p);
    assert!(
        got[0].starts_with("Z-"),
        "the Z report's title first: {got:?}"
    );
    // (Read later, the same shift's report has another title and time: the body is the same.)
    for line in z.iter().skip(1).filter(|l| !l.starts_with("Составлен")) {
        assert!(
            got.contains(&line.trim().to_owned()),
            "{line:?} not on paper: {got:?}"
        );
    }
    // The day report, appended to the same printer.
    let today = chrono_today();
    let (code, lines, err) = run(d, &["report", "--date", &today, "--print"], None).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines.last().unwrap()["event"], "printed");
    let p = printed(&std::fs::read(&file).unwrap(), encoding_rs::IBM866);
    let got = trimmed(&p);
    let at = got
        .iter()
        .position(|l| l.starts_with("Вершина цепочки аудита: #"))
        .unwrap_or_else(|| panic!("the audit head on paper: {got:?}"));
    let hash: String = got[at + 1..at + 3].concat();
    assert!(
        hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{hash:?}"
    );
    sb.shutdown().await;
}

fn chrono_today() -> String {
    ::till::time::local_text(::till::db::now_ms())[..10].to_owned()
}
