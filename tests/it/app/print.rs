//! Receipts in the app: a manager sets a (file) printer in Settings > Receipt printer and
//! prints a test page; a paid sale's slip prints by itself (`printer.after_sale`) and again
//! from "Print receipt" on the result screen, whose preview shows the slip as it prints; the
//! till's barcode scanner "typing" the slip's payment id on the sale screen opens that sale
//! for a return, and no sale starts. Screenshots in uz, ru and en.

use std::time::{Duration, Instant};

use super::returns::lang;
use super::App;
use crate::till::print::printed;

/// The slips the file printer holds so far (each read back as a printer would).
fn slips(path: &std::path::Path) -> crate::till::print::Printed {
    let bytes = std::fs::read(path).unwrap_or_default();
    printed(&bytes, encoding_rs::IBM866)
}

async fn wait_slips(path: &std::path::Path, n: usize) -> crate::till::print::Printed {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let p = slips(path);
        if p.qr.len() >= n {
            return p;
        }
        assert!(Instant::now() < deadline, "{n} slips not printed: {p:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_prints_its_receipt_and_a_scanned_receipt_opens_the_sale() {
    let app = App::start("print").await;
    let printer = app.data.path().join("printer.bin");
    app.click("[data-testid=sign-out]").await;
    app.wait_css("[data-testid=signin]").await;
    app.select("[data-testid=signin-user]", "Menejer").await;
    app.type_into("[data-testid=signin-pin]", "222222").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=who]", |t| t.starts_with("Menejer"))
        .await;

    // Settings > Receipt printer: the printer, after each sale, a test page.
    app.click("[data-testid=tab-settings]").await;
    app.scroll_to("[data-testid=printer-settings]").await;
    app.type_into(
        "[data-testid='setting-printer.address']",
        printer.to_str().unwrap(),
    )
    .await;
    app.click("[data-testid='setting-printer.address-save']")
        .await;
    app.wait_attr("[data-testid='setting-printer.address']", "value", |v| {
        v.ends_with("printer.bin")
    })
    .await;
    app.click("[data-testid='setting-printer.after_sale']")
        .await;
    // Saved (its message would otherwise race the test page's).
    let config = app.data.path().join("demo/config.toml");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&config)
        .unwrap_or_default()
        .contains("after_sale = true")
    {
        assert!(Instant::now() < deadline, "printer.after_sale not saved");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.click("[data-testid=printer-test]").await;
    app.wait_text("[data-testid=printer-msg]", |t| t.contains("Sinov"))
        .await;
    let p = wait_slips(&printer, 1).await;
    assert!(p.cut);
    assert!(
        p.lines.iter().any(|l| l.contains("SINOV CHOP ETISH")),
        "{p:?}"
    );
    for l in ["ru", "en", "uz"] {
        lang(&app, l).await;
        app.scroll_to("[data-testid=printer-settings]").await;
        app.shot(&format!("print-settings-{l}")).await;
    }

    // A paid sale prints its slip by itself.
    app.click("[data-testid=tab-sale]").await;
    app.sale("15000", "uzcard-ok").await;
    let p = wait_slips(&printer, 2).await;
    let pid = p.qr[1].clone();
    assert!(pid.contains("-S"), "{pid}");
    assert!(p.lines.iter().any(|l| l.contains("To'langan")), "{p:?}");
    // The result screen's preview is that slip; "Print receipt" prints it again.
    app.click("[data-testid=receipt-show]").await;
    let preview = app
        .wait_text("[data-testid=receipt-preview]", |t| t.contains("15 000"))
        .await;
    assert!(preview.contains(&pid), "{preview}");
    assert!(preview.contains("SOTUV CHEKI"), "{preview}");
    let qr = app
        .wait_attr("[data-testid=receipt-qr]", "data-qr", |q| !q.is_empty())
        .await;
    assert_eq!(qr, pid);
    // The preview's QR, read off the screen, is the payment id too.
    assert_eq!(app.wait_qr("print-result-qr").await, pid);
    app.click("[data-testid=receipt-print]").await;
    app.wait_text("[data-testid=receipt-msg]", |t| t.contains("printerga"))
        .await;
    wait_slips(&printer, 3).await;
    for (l, word) in [
        ("ru", "ЧЕК ПРОДАЖИ"),
        ("en", "SALE RECEIPT"),
        ("uz", "SOTUV CHEKI"),
    ] {
        lang(&app, l).await;
        app.wait_text("[data-testid=receipt-preview]", |t| t.contains(word))
            .await;
        app.shot(&format!("print-result-{l}")).await;
    }
    app.click("[data-testid=receipt-show]").await;
    app.next_sale().await;

    // The scanner types the slip's payment id and Enter: the sale opens, no sale starts and
    // the amount field stays empty.
    app.keys(&format!("{pid}{}", char::from(fantoccini::key::Key::Enter)))
        .await;
    app.wait_text("[data-testid=detail]", |t| t.contains(&pid))
        .await;
    app.wait_css("[data-testid=detail-return]").await;
    assert_eq!(
        app.count("[data-testid=sale-state]").await,
        0,
        "no sale started"
    );
    let amount = app
        .wait_attr("[data-testid=amount]", "value", |_| true)
        .await;
    assert_eq!(amount, "", "the scan left nothing in the amount field");
    for l in ["ru", "en", "uz"] {
        lang(&app, l).await;
        app.wait_css("[data-testid=detail-return]").await;
        app.shot(&format!("print-scanned-{l}")).await;
    }
    // Return money from there: the return form names the sale.
    app.click("[data-testid=detail-return]").await;
    app.wait_text("[data-testid=return-for]", |t| t.contains(&pid))
        .await;
    app.stop().await;
}
