//! `cashier receipt PAYMENT_ID`: a payment's slip on the configured printer
//! (`printer.address`), or its text with `--preview`; `--pay` prints an open sale's
//! "scan to pay" slip instead. After `cashier sale`, the slip prints when
//! `printer.after_sale` is on (a failed print is said on stderr and never fails the sale).

use serde_json::json;
use till::{State, Till, TillError};

use crate::out::{Out, OK};

pub async fn receipt(
    till: &Till,
    out: Out,
    payment_id: &str,
    pay: bool,
    preview: bool,
) -> Result<i32, TillError> {
    let slip = if pay {
        till.pay_slip(payment_id)?
    } else {
        till.receipt_slip(payment_id)?
    };
    if preview {
        let cfg = till.config();
        let lines = slip.text(cfg.printer.width as usize, cfg.printer.code_page);
        out.either(
            &json!({"event": "receipt", "payment_id": payment_id, "lines": lines, "qr": slip.qr_codes()}),
            lines.join("\n"),
        );
        return Ok(OK);
    }
    till.print_slip(&slip).await?;
    let printer = till.config().printer.address.unwrap_or_default();
    out.either(
        &json!({"event": "printed", "payment_id": payment_id, "printer": printer}),
        format!("The slip of {payment_id} went to the printer {printer}."),
    );
    Ok(OK)
}

/// After a sale ended: its slip when the sale was paid and `printer.after_sale` is on.
pub async fn after_sale(till: &Till, out: &Out, payment_id: &str) {
    if !till.config().printer.after_sale {
        return;
    }
    if !matches!(till.payment(payment_id), Ok(p) if p.state == State::Success) {
        return;
    }
    match till.print_receipt(payment_id).await {
        Ok(()) => {
            if out.json {
                out.json_line(&json!({"event": "printed", "payment_id": payment_id}));
            }
        }
        Err(e) => eprintln!("The slip did not print ({}): {e}", e.code()),
    }
}
