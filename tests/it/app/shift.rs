//! The shift screen (issue 13): the cashier opens a shift, sells (one paid, one declined),
//! looks at the X report, closes the shift with the PIN and sees the Z report on screen; its
//! figures equal what the database says of that shift (read back with the `cashier` CLI).
//! Screenshots of the shift screen and the Z report in uz, ru, en.

use super::returns::lang;
use super::App;
use crate::support::bin;

/// The shift report's JSON lines as the CLI reads them from the app's data folder.
fn cli_report(app: &App, shift: &str) -> Vec<serde_json::Value> {
    let out = std::process::Command::new(bin("cashier"))
        .args(["report", "--json", "--shift", shift])
        .env("CASHIER_DATA_DIR", app.data.path().join("demo"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cashier_closes_the_shift_and_sees_the_z_report() {
    // A file stands in for the receipt printer.
    let app = App::start_with("shift", |dir| {
        let printer = dir.join("printer.bin");
        super::tills::demo_config(dir, &[("printer.address", printer.to_str().unwrap())]);
    })
    .await;
    // The demo signs its cashier in without a PIN: no shift yet; she opens one.
    app.click("[data-testid=tab-shift]").await;
    app.wait_css("[data-testid=shift-none]").await;
    app.click("[data-testid=shift-open-button]").await;
    let shift = app
        .wait_attr("[data-testid=shift-open]", "data-shift", |s| !s.is_empty())
        .await;
    app.wait_text("[data-testid=shift-open]", |t| t.contains("ochiq"))
        .await;

    app.click("[data-testid=tab-sale]").await;
    app.sale("40000", "uzcard-ok").await;
    app.next_sale().await;
    app.sale("25000", "uzcard-nofunds").await;
    app.next_sale().await;

    // The X report, any time.
    app.click("[data-testid=tab-shift]").await;
    app.click("[data-testid=shift-x]").await;
    app.wait_attr("[data-testid=shift-report]", "data-kind", |k| k == "x")
        .await;
    app.wait_text("[data-testid=shift-report-paid]", |t| {
        t == "To'langan: 1 · 40 000 so'm"
    })
    .await;
    for (l, title) in [("uz", "X HISOBOT"), ("ru", "X-ОТЧЁТ"), ("en", "X REPORT")] {
        lang(&app, l).await;
        app.wait_text("[data-testid=shift-report-lines]", |t| t.starts_with(title))
            .await;
        app.shot(&format!("shift-x-{l}")).await;
    }
    lang(&app, "uz").await;

    // Closing asks for the PIN; a wrong one closes nothing.
    app.click("[data-testid=shift-close]").await;
    app.type_into("[data-testid=shift-pin]", "9999").await;
    app.click("[data-testid=shift-close-confirm]").await;
    app.wait_attr("[data-testid=shift-error]", "data-code", |c| {
        c == "wrong_pin"
    })
    .await;
    app.wait_css("[data-testid=shift-open]").await;
    app.type_into("[data-testid=shift-pin]", "1111").await;
    app.shot("shift-close-pin-uz").await;
    app.click("[data-testid=shift-close-confirm]").await;
    app.wait_attr("[data-testid=shift-report]", "data-kind", |k| k == "z")
        .await;
    app.wait_css("[data-testid=shift-closed]").await;
    app.wait_css("[data-testid=shift-none]").await;

    // The Z report's figures on screen equal the database's for this shift.
    let lines = cli_report(&app, &shift);
    let totals = lines.last().unwrap();
    assert_eq!(totals["event"], "totals");
    assert_eq!(totals["report"], "shift", "the shift is closed now");
    let t = &totals["totals"];
    assert_eq!(
        (t["paid"]["count"].as_u64(), t["paid"]["sum"].as_i64()),
        (Some(1), Some(4_000_000)),
        "{totals}"
    );
    assert_eq!(
        (
            t["declined"]["count"].as_u64(),
            t["declined"]["sum"].as_i64()
        ),
        (Some(1), Some(2_500_000))
    );
    assert_eq!(t["net"].as_i64(), Some(4_000_000));
    app.wait_text("[data-testid=shift-report-paid]", |t| {
        t == "To'langan: 1 · 40 000 so'm"
    })
    .await;
    app.wait_text("[data-testid=shift-report-net]", |t| {
        t == "Sof tushum: 40 000 so'm"
    })
    .await;
    let text = app.text("[data-testid=shift-report-lines]").await;
    assert!(text.starts_with("Z HISOBOT"), "{text}");
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line in {text}"))
            .to_owned()
    };
    assert!(
        line("To'langan sotuvlar").ends_with("1 · 40 000 so'm"),
        "{text}"
    );
    assert!(line("Rad etilgan").ends_with("1 · 25 000 so'm"), "{text}");
    assert!(line("Sof tushum").ends_with("40 000 so'm"), "{text}");
    assert!(line("Kassir").ends_with("Kassir"), "{text}");
    for (l, title, paid) in [
        ("uz", "Z HISOBOT", "To'langan: 1 · 40 000 so'm"),
        ("ru", "Z-ОТЧЁТ", "Оплачено: 1 · 40 000 сум"),
        ("en", "Z REPORT", "Paid: 1 · 40 000 so'm"),
    ] {
        lang(&app, l).await;
        app.wait_text("[data-testid=shift-report-lines]", |t| t.starts_with(title))
            .await;
        app.wait_text("[data-testid=shift-report-paid]", |t| t == paid)
            .await;
        app.shot(&format!("shift-z-{l}")).await;
    }
    // The Z report saved as XLSX (the export folder stands in for the dialog).
    app.click("[data-testid=shift-report-xlsx]").await;
    let saved = app
        .wait_text("[data-testid=shift-report-saved]", |t| t.contains(".xlsx"))
        .await;
    assert!(saved.contains(&format!("shift-{shift}")), "{saved}");
    // On paper too: the closed shift's report in the language on screen (English now), then
    // the cut.
    app.click("[data-testid=shift-report-print]").await;
    app.wait_text("[data-testid=shift-report-saved]", |t| {
        t.contains("printer")
    })
    .await;
    let paper = std::fs::read(app.data.path().join("printer.bin")).unwrap();
    let has = |needle: &[u8]| paper.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(b"SHIFT REPORT") && has(b"Kassir") && has(b"40 000 so'm"),
        "the Z report on paper: {:?}",
        String::from_utf8_lossy(&paper)
    );
    assert!(has(&[0x1D, 0x56]), "the paper cut");

    // History's export as XLSX: typed cells (amounts as numbers of so'm, times as dates).
    lang(&app, "uz").await;
    app.click("[data-testid=tab-history]").await;
    app.wait_count("[data-testid=history-row]", 2).await;
    app.click("[data-testid=export-xlsx]").await;
    let done = app
        .wait_text("[data-testid=export-done]", |t| t.contains(".xlsx"))
        .await;
    app.shot("shift-history-xlsx-uz").await;
    let file = std::fs::read_dir(app.exports.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("cashier-history-"))
        .expect("the history's XLSX");
    assert!(done.contains(&file.display().to_string()), "{done}");
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = wb.worksheet_range("Tarix").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 3, "a header and two sales");
    assert_eq!(rows[0][3], Data::String("Summa".into()));
    let mut amounts: Vec<f64> = rows[1..]
        .iter()
        .map(|r| match r[3] {
            Data::Float(f) => f,
            ref other => panic!("{other:?}"),
        })
        .collect();
    amounts.sort_by(f64::total_cmp);
    assert_eq!(amounts, vec![25_000.0, 40_000.0]);
    assert!(rows[1..].iter().all(|r| matches!(r[0], Data::DateTime(_))));

    // A manager's day report across shifts, with the audit chain's head printed on it.
    app.click("[data-testid=sign-out]").await;
    app.wait_css("[data-testid=signin]").await;
    app.click("[data-testid=user-tile][data-user=Menejer]")
        .await;
    app.type_into("[data-testid=signin-pin]", "222222").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;
    app.click("[data-testid=tab-shift]").await;
    // A manager's shift is opened by hand (approving a payout starts none).
    app.wait_css("[data-testid=shift-none]").await;
    app.click("[data-testid=day-show]").await;
    app.wait_text("[data-testid=day-report-paid]", |t| {
        t == "To'langan: 1 · 40 000 so'm"
    })
    .await;
    let text = app.text("[data-testid=day-report-lines]").await;
    assert!(text.starts_with("KUNLIK HISOBOT"), "{text}");
    assert!(text.contains("Audit zanjiri boshi: #"), "{text}");
    assert!(text.contains("Kassir:"), "per cashier: {text}");
    for (l, title) in [
        ("uz", "KUNLIK HISOBOT"),
        ("ru", "ОТЧЁТ ЗА ДЕНЬ"),
        ("en", "DAY REPORT"),
    ] {
        lang(&app, l).await;
        app.wait_text("[data-testid=day-report-lines]", |t| t.starts_with(title))
            .await;
        app.scroll_to("[data-testid=day-report-lines]").await;
        app.shot(&format!("shift-day-{l}")).await;
    }
    app.stop().await;
}
