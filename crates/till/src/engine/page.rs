//! The Payment Page flow (protocol doc section 6): the till signs the link itself, so a sale
//! needs no network call to start and no inbound connection to get its link. The payment
//! exists at the gateway only once the customer opens the link; until then a status request
//! answers 3061, which here means "not opened yet", never "lost", and is never a reason to
//! send anything. Past the link's `best_before` (plus a margin) with the gateway still not
//! knowing it, the sale ends "not paid: the link expired"; a payment that turns up later is
//! still applied (see `apply`).

use chrono::{DateTime, Local, SecondsFormat};
use ecommpay::payment_page::CardPartnerPage;
use ecommpay::{CustomerId, PaymentId, ProjectId};

use crate::config::SaleFlow;
use crate::core::Core;
use crate::db::now_ms;
use crate::db::payments::{self, Payment, LINK_EXPIRED};
use crate::engine::send::Sent;
use crate::error::{Result, TillError};

/// `best_before` as PHP's `DateTime::format('c')` writes it: local time with its offset.
pub fn best_before_text(at_ms: i64) -> String {
    DateTime::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .with_timezone(&Local)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn bad_id(e: ecommpay::IdError) -> TillError {
    TillError::Config(format!("cannot make a Payment Page link: {e}"))
}

impl Core {
    /// The signed link of Payment Page sale `p`, from its own columns.
    pub(crate) fn page_link(&self, p: &Payment) -> Result<String> {
        let cfg = self.config();
        let secret = self.secret_for(p)?;
        let expires = p
            .link_expires_at
            .unwrap_or_else(|| now_ms() + cfg.timing.sale_payable_ms as i64);
        let force = cfg.sale.force_payment_method.trim();
        let page = CardPartnerPage {
            project_id: ProjectId::new(p.project_id).map_err(bad_id)?,
            payment_id: PaymentId::new(p.payment_id.clone()).map_err(bad_id)?,
            amount: p.amount,
            customer_id: CustomerId::new(p.customer_id.clone()).map_err(bad_id)?,
            description: p.description.clone(),
            language_code: Some(cfg.language.clone()),
            best_before: Some(best_before_text(expires)),
            force_payment_method: (!force.is_empty()).then(|| force.to_owned()),
        };
        Ok(page.url(self.page_url_for(p).trim_end_matches('/'), &secret))
    }

    /// "Sends" a Payment Page sale: the link is written with the payment (it is handed to the
    /// customer, who may or may not open it: `sending`), then announced. Nothing goes out.
    pub(crate) fn open_page(&self, p: &Payment) -> Result<Sent> {
        let url = self.page_link(p)?;
        let fresh = {
            let db = self.db();
            let tx = db.conn.unchecked_transaction()?;
            payments::mark_sending(&tx, p.id)?;
            payments::set_link(&tx, p.id, &url, "GET")?;
            let fresh = payments::by_row(&tx, p.id)?;
            tx.commit()?;
            fresh
        };
        // The stored link wins (a link made before a restart stays the one on screen).
        self.announce_record(&fresh);
        Ok(Sent::LinkMade)
    }

    /// A Payment Page sale the gateway does not know (3061): not opened yet. Ends it "link
    /// expired" once `best_before` plus the margin has passed; returns whether it did.
    pub(crate) fn page_not_opened(&self, p: &Payment) -> Result<bool> {
        let margin = self.config().timing.link_expiry_margin_ms as i64;
        let expires = p.link_expires_at.unwrap_or(p.created_at);
        if now_ms() <= expires + margin {
            return Ok(false);
        }
        tracing::info!(payment_id = %p.payment_id, "the Payment Page link expired unopened");
        self.fail_locally(
            p,
            "till",
            LINK_EXPIRED,
            LINK_EXPIRED,
            "the customer did not open the payment link before it expired; nothing was paid",
        )?;
        Ok(true)
    }
}

/// Whether `p` is a sale made through the Payment Page.
pub(crate) fn is_page_sale(p: &Payment) -> bool {
    p.kind == payments::Kind::Sale && p.flow == SaleFlow::PaymentPage
}
