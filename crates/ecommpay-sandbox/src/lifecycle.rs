//! What happens to a payment after it is accepted: the sale waits for the customer on the bot
//! page (or expires), the payout is decided after its delay (or declined at its limit).
//! Every transition happens once, under the ledger lock, and only forward; money moves only in
//! the transitions to `success`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::callbacks;
use crate::cards::{CardOutcome, TestCard, TEST_CARDS};
use crate::codes;
use crate::payment::{status, Interface, Kind, Payment};
use crate::state::{lock, Ledger, Shared};
use crate::validate::GateError;

/// The validated fields of a new sale or payout.
#[derive(Debug, Clone)]
pub(crate) struct NewPayment {
    pub payment_id: String,
    pub customer_id: String,
    pub amount: u64,
    pub currency: String,
    pub description: String,
    pub merchant_callback_url: Option<String>,
    pub callback_delay: Duration,
    pub callbacks_disabled: bool,
    pub interface: Interface,
    /// A Payment Page link's `best_before`, kept for the record.
    pub best_before: Option<String>,
}

fn insert(
    ledger: &mut Ledger,
    np: NewPayment,
    kind: Kind,
    status: &'static str,
    request_id: &str,
) -> Result<(), GateError> {
    // One id space per project for sales and payouts alike.
    if ledger.payments.contains_key(&np.payment_id) {
        return Err(GateError::new(codes::PAYMENT_ID_EXISTS));
    }
    let now = SystemTime::now();
    let operation_id = 9_708_000_000_000 + ledger.next_seq();
    let provider_payment_id = (632_000 + ledger.next_seq()).to_string();
    let redirect_token = (kind == Kind::Sale).then(|| ledger.new_token(&np.payment_id));
    if let Some(t) = &redirect_token {
        ledger.tokens.insert(t.clone(), np.payment_id.clone());
    }
    let p = Payment {
        id: np.payment_id.clone(),
        kind,
        interface: np.interface,
        status,
        amount: np.amount,
        currency: np.currency,
        description: np.description,
        customer_id: np.customer_id,
        account_number: None,
        masked_card: None,
        request_id: request_id.to_owned(),
        operation_id,
        provider_payment_id,
        created: now,
        updated: now,
        code: codes::SUCCESS,
        redirect_token,
        merchant_callback_url: np.merchant_callback_url,
        callbacks_disabled: np.callbacks_disabled,
        callback_delay: np.callback_delay,
        best_before: np.best_before,
        money_moved: 0,
        callbacks: Vec::new(),
    };
    ledger.payments.insert(np.payment_id, p);
    Ok(())
}

/// Accepts a sale: it waits for the customer (`awaiting redirect result`, callback with the
/// redirect data) until paid, cancelled or expired.
pub(crate) fn accept_sale(
    sh: &Arc<Shared>,
    np: NewPayment,
    request_id: &str,
) -> Result<(), GateError> {
    let id = np.payment_id.clone();
    insert(
        &mut lock(&sh.ledger),
        np,
        Kind::Sale,
        status::AWAITING_REDIRECT,
        request_id,
    )?;
    callbacks::emit(sh, &id);
    let expiry = {
        let cfg = sh.cfg();
        cfg.scaled(cfg.sale_expiry)
    };
    let sh2 = sh.clone();
    sh.spawn(async move {
        tokio::time::sleep(expiry).await;
        // Err means the customer acted in time: nothing to expire.
        let _ = finish_sale(&sh2, &id, None, codes::TIME_OUT);
    });
    Ok(())
}

/// Accepts a payout to a card the customer owns.
pub(crate) fn accept_payout(
    sh: &Arc<Shared>,
    np: NewPayment,
    account: String,
    request_id: &str,
) -> Result<(), GateError> {
    let id = np.payment_id.clone();
    {
        let mut ledger = lock(&sh.ledger);
        if ledger.payments.contains_key(&id) {
            return Err(GateError::new(codes::PAYMENT_ID_EXISTS));
        }
        if !TEST_CARDS.iter().any(|c| c.account_number() == account) {
            return Err(GateError::new(codes::CARD_NOT_FOUND));
        }
        let owned = ledger
            .owners
            .get(&account)
            .is_some_and(|o| o.contains(&np.customer_id));
        if !owned {
            return Err(GateError::new(codes::CARD_NOT_OWNED));
        }
        let card = TEST_CARDS.iter().find(|c| c.account_number() == account);
        insert(
            &mut ledger,
            np,
            Kind::Payout,
            status::PROCESSING,
            request_id,
        )?;
        if let Some(p) = ledger.payments.get_mut(&id) {
            p.account_number = Some(account);
            p.masked_card = card.map(TestCard::masked);
        }
    }
    callbacks::emit(sh, &id);
    let (delay, limit) = {
        let cfg = sh.cfg();
        (cfg.payout_delay, cfg.scaled(cfg.payout_limit))
    };
    let sh2 = sh.clone();
    sh.spawn(async move {
        if delay >= limit {
            tokio::time::sleep(limit).await;
            finish_payout(&sh2, &id, Some(codes::TIME_OUT));
        } else {
            tokio::time::sleep(delay).await;
            finish_payout(&sh2, &id, None);
        }
    });
    Ok(())
}

/// Why a bot action did not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BotError {
    UnknownToken,
    UnknownCard,
    /// The sale is no longer waiting; carries its status.
    NotWaiting(String),
}

/// The customer paid with `card` on the bot page.
pub(crate) fn pay(sh: &Arc<Shared>, token: &str, card: &TestCard) -> Result<String, BotError> {
    let id = payment_of(sh, token)?;
    let code = match card.outcome {
        CardOutcome::Success => codes::SUCCESS,
        CardOutcome::InsufficientFunds => codes::INSUFFICIENT_FUNDS,
    };
    finish_sale(sh, &id, Some(card), code).map_err(BotError::NotWaiting)?;
    Ok(id)
}

/// The customer pressed Cancel on the bot page.
pub(crate) fn cancel(sh: &Arc<Shared>, token: &str) -> Result<String, BotError> {
    let id = payment_of(sh, token)?;
    finish_sale(sh, &id, None, codes::CUSTOMER_CANCELLED).map_err(BotError::NotWaiting)?;
    Ok(id)
}

fn payment_of(sh: &Shared, token: &str) -> Result<String, BotError> {
    lock(&sh.ledger)
        .tokens
        .get(token)
        .cloned()
        .ok_or(BotError::UnknownToken)
}

/// Ends a waiting sale with `code` (0 = success). Returns the current status as the error
/// when the sale is no longer waiting, so that nothing happens twice.
fn finish_sale(
    sh: &Arc<Shared>,
    id: &str,
    card: Option<&TestCard>,
    code: u32,
) -> Result<(), String> {
    {
        let mut ledger = lock(&sh.ledger);
        let ledger = &mut *ledger;
        let Some(p) = ledger.payments.get_mut(id) else {
            return Err("unknown".into());
        };
        if p.status != status::AWAITING_REDIRECT {
            return Err(p.status.to_owned());
        }
        p.updated = SystemTime::now();
        p.code = code;
        if let Some(card) = card {
            p.account_number = Some(card.account_number());
            p.masked_card = Some(card.masked());
        }
        if code == codes::SUCCESS {
            p.status = status::SUCCESS;
            p.money_moved += 1;
            ledger.balance = ledger.balance.saturating_add(p.amount);
            if let Some(number) = &p.account_number {
                ledger
                    .owners
                    .entry(number.clone())
                    .or_default()
                    .insert(p.customer_id.clone());
            }
        } else {
            p.status = status::DECLINE;
        }
    }
    callbacks::emit(sh, id);
    Ok(())
}

/// Decides a processing payout: `forced` declines it with that code (the limit passed);
/// otherwise 904 above the maximum, 504 when the balance is short, else success.
fn finish_payout(sh: &Arc<Shared>, id: &str, forced: Option<u32>) {
    let payout_max = sh.cfg().payout_max;
    {
        let mut ledger = lock(&sh.ledger);
        let ledger = &mut *ledger;
        let Some(p) = ledger.payments.get_mut(id) else {
            return;
        };
        if p.status != status::PROCESSING {
            return;
        }
        p.updated = SystemTime::now();
        let code = forced.unwrap_or(if p.amount > payout_max {
            codes::PAYOUT_ABOVE_MAX
        } else if p.amount > ledger.balance {
            codes::MERCHANT_BALANCE_SHORT
        } else {
            codes::SUCCESS
        });
        p.code = code;
        if code == codes::SUCCESS {
            ledger.balance -= p.amount;
            p.money_moved += 1;
            p.status = status::SUCCESS;
        } else {
            p.status = status::DECLINE;
        }
    }
    callbacks::emit(sh, id);
}
