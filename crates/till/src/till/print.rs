//! Receipts: previews, printing on the configured printer, and printing after each paid sale.

use std::time::Duration;

use serde::Serialize;

use super::Till;
use crate::db::payments::{Kind, Payment, State};
use crate::error::{Result, TillError};
use crate::events::TillEvent;
use crate::print::slip::{Context, Laid};
use crate::print::{render, Address, PrinterSettings, Slip};

/// A slip as the app previews it: laid out exactly as it prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub payment_id: String,
    /// Characters per line.
    pub width: usize,
    pub lines: Vec<Laid>,
    /// Whether `printer.address` is set (the app offers "Print" only then).
    pub printer_configured: bool,
}

impl Till {
    fn slip_setup(&self) -> (Context, PrinterSettings) {
        let cfg = self.core.config();
        let ctx = Context {
            language: cfg.language.clone(),
            shop_name: cfg.printer.shop_name.clone(),
            till_code: cfg.till_code.clone(),
        };
        (ctx, cfg.printer)
    }

    /// The slip of a payment: a sale's slip, or a return's (a payout, with the sale it
    /// returns money of).
    pub fn receipt_slip(&self, payment_id: &str) -> Result<Slip> {
        let p = self.payment(payment_id)?;
        let (ctx, _) = self.slip_setup();
        Ok(match p.kind {
            Kind::Sale => Slip::sale(&ctx, &p),
            Kind::Payout => {
                let sale = self.sale_of_payout(&p.payment_id)?;
                Slip::return_of(&ctx, &p, sale.as_ref().map(|s| s.payment_id.as_str()))
            }
        })
    }

    /// The preview of a payment's slip (the sale's detail and result screens).
    pub fn receipt(&self, payment_id: &str) -> Result<Receipt> {
        let slip = self.receipt_slip(payment_id)?;
        let (_, printer) = self.slip_setup();
        let width = printer.width as usize;
        Ok(Receipt {
            payment_id: payment_id.to_owned(),
            width,
            lines: slip.layout(width, printer.code_page),
            printer_configured: printer.address.is_some(),
        })
    }

    /// Prints a payment's slip on the configured printer (`cashier receipt PAYMENT_ID`).
    pub async fn print_receipt(&self, payment_id: &str) -> Result<()> {
        let slip = self.receipt_slip(payment_id)?;
        self.print_slip(&slip).await
    }

    /// The "scan to pay" slip of an open sale: its link as a QR, for a till without a
    /// customer display.
    pub fn pay_slip(&self, payment_id: &str) -> Result<Slip> {
        let p = self.payment(payment_id)?;
        let url = pay_link(&p)?;
        let (ctx, _) = self.slip_setup();
        Ok(Slip::pay_link(&ctx, &p, url))
    }

    /// Prints [`Till::pay_slip`].
    pub async fn print_pay_slip(&self, payment_id: &str) -> Result<()> {
        let slip = self.pay_slip(payment_id)?;
        self.print_slip(&slip).await
    }

    /// Prints a title and lines as they are (the X and Z reports), with the shop's name.
    pub async fn print_lines(&self, title: &str, lines: &[String]) -> Result<()> {
        let (ctx, _) = self.slip_setup();
        self.print_slip(&Slip::text_lines(&ctx, title, lines)).await
    }

    /// A test page on the configured printer (Settings > Printer).
    pub async fn test_print(&self) -> Result<()> {
        let (ctx, printer) = self.slip_setup();
        let address = printer.address.clone().unwrap_or_default();
        self.print_slip(&Slip::test(&ctx, &address, printer.code_page))
            .await
    }

    /// Sends a slip to `printer.address`, in its code page and width, ending with a cut.
    pub async fn print_slip(&self, slip: &Slip) -> Result<()> {
        let (_, printer) = self.slip_setup();
        let Some(address) = printer.address.as_deref() else {
            return Err(TillError::Config(
                "no printer: set printer.address (Settings > Printer)".into(),
            ));
        };
        let address = Address::parse(address)
            .map_err(|e| TillError::Config(format!("printer.address: {e}")))?;
        let bytes = render::escpos(slip, printer.width as usize, printer.code_page)
            .map_err(|e| TillError::Config(format!("printer: {e}")))?;
        address
            .send(&bytes, Duration::from_millis(printer.timeout_ms))
            .await?;
        Ok(())
    }

    /// Prints each paid sale's slip when `printer.after_sale` is on (read at each sale, so
    /// a change in Settings holds at once): a future for the caller's runtime to spawn. It
    /// ends when the till is dropped (it holds the till only weakly). A failed print never
    /// touches the sale: it is logged and handed to `on_error` (the app shows it).
    pub fn print_after_sales(
        &self,
        on_error: impl Fn(&str, TillError) + Send + Sync + 'static,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let core = std::sync::Arc::downgrade(&self.core);
        let mut events = self.subscribe();
        async move {
            loop {
                let e = match events.recv().await {
                    Ok(e) => e,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                let TillEvent::Final {
                    payment_id,
                    kind: Kind::Sale,
                    state: State::Success,
                    ..
                } = e
                else {
                    continue;
                };
                let Some(core) = core.upgrade() else { break };
                let till = Till { core };
                if !till.core.config().printer.after_sale {
                    continue;
                }
                if let Err(err) = till.print_receipt(&payment_id).await {
                    tracing::warn!(%payment_id, error = %err, "the sale's slip did not print");
                    on_error(&payment_id, err);
                }
            }
        }
    }
}

/// An open sale's link a phone can open (a GET link).
fn pay_link(p: &Payment) -> Result<&str> {
    let refuse = |why: &str| {
        Err(TillError::Config(format!(
            "{}: no link to pay: {why}",
            p.payment_id
        )))
    };
    if p.kind != Kind::Sale {
        return refuse("not a sale");
    }
    if p.state.is_final() {
        return refuse("the sale has ended");
    }
    match (&p.redirect_url, p.redirect_method.as_deref()) {
        (Some(url), None | Some("GET")) => Ok(url),
        (Some(_), Some(_)) => refuse("the link is not one a phone can open"),
        (None, _) => refuse("the link has not come yet"),
    }
}
