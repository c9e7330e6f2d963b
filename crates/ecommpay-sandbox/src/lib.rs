//! A faithful simulator of ECommPay's Gate and Payment Page for the "card partner"
//! (Uzbekistan) method, for the tests and for the app's demo mode. It is written from the protocol doc
//! (`shared/docs/ecommpay-protocol.md`) and the gateway's own description of the method, and is
//! strict where the gateway is strict: a client that passes here should pass there.
//!
//! Run it in-process with [`Sandbox::start`], or alone as the `ecommpay-sandbox` binary:
//! `ecommpay-sandbox --listen 127.0.0.1:PORT --project-id N` (secret from `ECOMMPAY_SECRET`;
//! the first line on stdout is the base URL; SIGTERM or Ctrl-C stops it). `--help` lists the
//! other flags.
//!
//! # Gate endpoints
//!
//! Every call is `POST` with a JSON body. The checks run in this order, and the first failing
//! one answers HTTP 4xx `{"status":"error","code","message"}` (codes as strings, like
//! `operation.code` in callbacks), plus `errors: [{code,message,field}]` for field problems and
//! `request_id` once the request got past the project check:
//!
//! | check | code | HTTP |
//! |---|---|---|
//! | body not a JSON object | 2004 (field `body`) | 400 |
//! | signature missing or empty (`general.signature`; top-level `signature` for status/request) | 3262 | 401 |
//! | signature wrong (anything that does not verify over the whole body, non-strings included) | 3261 | 401 |
//! | project id missing | 2004 | 400 |
//! | project id not the sandbox's | 2442 | 401 |
//! | a required field missing | 2004, message and `errors[].field` name it | 400 |
//! | a field with a wrong type or value (see below) | 2004 (sandbox choice, see [`codes::FIELD`]) | 400 |
//! | `payment_id` already used in the project, by a sale or a payout | 3041 | 409 |
//! | status: unknown payment (see [`NotFoundStyle`] for the other placement); status/request: unknown request | 3061 | 404 |
//! | payout: `account.number` not a card identifier the sandbox issues | 3221 | 404 |
//! | payout: `customer.id` never paid a sale with that card | 3241 | 403 |
//!
//! Clients must key on `code`; which HTTP status goes with which code is the sandbox's choice.
//!
//! - `POST /v2/payment/card-partner/sale`: requires `general.project_id`, `general.payment_id`,
//!   `customer.id`, `customer.ip_address` (an IP address), `payment.amount`, `payment.currency`,
//!   and `payment.extra_param` = `"uzcard"` (the seed says the Gate sale must pass it).
//!   Optional: `general.merchant_callback_url` (http/https), `payment.description`,
//!   `callback.delay` (0..=600 s, scaled by the time factor), `callback.force_disable` (0/1).
//! - `POST /v2/payment/card-partner/payout`: the same without `extra_param`, plus
//!   `account.number`.
//! - Amounts must be positive JSON integers (tiyin): `100.0`, `"100"`, `0`, `-5` are refused.
//!   The currency must be exactly `"UZS"`. Strings must be strings (a numeric `customer.id` is
//!   refused), the project id a JSON integer.
//! - Accepted: HTTP 200 `{"project_id","payment_id","request_id","status":"success"}`
//!   (unsigned, as at the gateway).
//! - `POST /v2/payment/status` `{"general":{"project_id","payment_id","signature"}}`: HTTP 200
//!   with the payment now, signed with a top-level `signature`. By default
//!   ([`StatusShape::Operations`]) in the shape ECommPay's own plugins parse: `project_id`,
//!   `payment{id,type,status,date,method,sum,description}`, `operations` (an array, latest
//!   last; a card partner sale or payout is one operation, its status moving forward:
//!   `id,type,status,date,created_date,request_id,sum_initial,sum_converted,code,message,
//!   provider`), `customer{id}`, `account{number}` and `provider_extra_fields{masked_card}`
//!   once known, and `errors: []`. With [`StatusShape::Operation`] the callback's shape (one
//!   `operation`, no `errors`). It carries the redirect data while a sale waits only if
//!   [`SandboxConfig::status_redirect_data`] is on (default off). An unknown payment is the
//!   HTTP 404 rejection above by default ([`NotFoundStyle::HttpError`]), or with
//!   [`NotFoundStyle::PaymentError`] HTTP 200
//!   `{"payment":{"status":"error"},"errors":[{"code":3061,"message":"Transaction not found"}]}`
//!   (the code a JSON integer), unsigned: it carries no payment details.
//! - `POST /v2/payment/status/request` `{"project_id","request_id","signature"}`: HTTP 200
//!   `{"project_id","request_id","payment_id","status":"success"}` for an accepted request, or
//!   `"status":"error"` with that request's `code`, `message` and `errors`; signed at the top.
//!
//! # Payment Page
//!
//! `GET /payment?<params>&signature=<sig>` (the path is [`payment_page::PATH`]): the link a
//! till signs itself (protocol doc section 6). The checks, their order and codes, and the HTML
//! pages are in [`payment_page`]; in short: a refusal is an HTML page, HTTP 401 (3262, 3261)
//! or 400 (2004, 2442, 2541, 3041), whose code [`payment_page::error_code`] reads from
//! `<div id="error" data-code="NNNN">`, and nothing is created. A good link creates the sale
//! when it is opened (until then `/v2/payment/status` says 3061) and answers HTTP 302 to the
//! bot page; the sale then lives like a Gate sale (record `interface: payment_page`).
//! Opened again while it waits: the same bot page; after it ended: a page with its status
//! ([`payment_page::finished_status`]).
//!
//! # Data API
//!
//! `POST /v1/operations/get` (so a client's base is `<base url>/v1`): the operations of an
//! interval from the sandbox's own payments, every sale and payout of the project whichever
//! till made it. The token and its secret are given at start ([`SandboxConfig::data_api`];
//! the binary's `--data-api-token TOKEN` with the secret in `ECOMMPAY_DATA_SECRET`); they are
//! not the project's. The checks, codes and the answer's shape are in [`data_api`]; the wire
//! names the protocol doc leaves open are the sandbox's reading, in [`data_api::names`]; the
//! time zones it knows are [`data_api::zones::TIME_ZONES`]. Differences for reconciliation tests are
//! planted through the control API ([`data_api::plant`]).
//!
//! # Lifecycle
//!
//! - Sale (Gate or Payment Page): accepted → callback `awaiting redirect result` with the
//!   redirect data `{"method":"GET","url":"<public url>/bot/<token>","body":{}}` → the
//!   customer acts on the bot page → callback `success` with `account.number` and
//!   `provider_extra_fields.masked_card`, or `decline` 20105 (the insufficient-funds card, with
//!   the card fields) or 20301 (Cancel). Not acted on within `sale_expiry` (scaled): `decline`
//!   20602. A success adds the amount to the merchant balance and makes the customer an owner
//!   of the card.
//! - Payout: accepted (card known, owned by `customer.id`) → callback `processing` → after
//!   `payout_delay` (real time): `decline` 904 above `payout_max`, `decline` 504 when the
//!   merchant balance is short, else `success` (balance reduced). If `payout_delay` reaches
//!   `payout_limit` (scaled, default 24 h) the sandbox declines it itself at the limit: 20602.
//! - Transitions happen once and only forward; `money_moved` in the payment record counts
//!   actual money movements (the exactly-once check).
//! - The redirect data's layout (doc section 3) is switchable: the key `redirect_data`,
//!   `redirectData` or `return_url` ([`RedirectKey`]); `body` `{}` or `[]`
//!   ([`SandboxConfig::redirect_body_array`]); an extra `"encrypted": []`
//!   ([`SandboxConfig::redirect_encrypted`]); `method` `GET` or `POST` ([`RedirectMethod`]).
//!
//! # Callbacks
//!
//! Sent to [`SandboxConfig::callback_url`] if set, else `general.merchant_callback_url`; none
//! when neither is given or `callback.force_disable` is 1. Signed with the project secret, the
//! signature at the top or in `general` ([`SignaturePlacement`]); no member is ever `null`.
//! Callbacks carry one `operation` whatever [`StatusShape`] says.
//! Delivered when answered HTTP 200 exactly; otherwise retried on ECommPay's schedule
//! ([`clock::retry_wait`], where "retry n" is the n-th repetition, the (n+1)-th request):
//! retries 1–6 after 10 s each, retry n ≥ 7 after 70 + 10·1.12^(n−4) s (retry 7: ≈ 84 s)
//! while that is at most 4 h (up to retry 68), then every 4 h; at most 120 requests (the last
//! is retry 119, ≈ 10.1 days in) and none later than 11 days after the first — all scaled by
//! [`SandboxConfig::time_factor`]. First attempts go out in the order the callbacks were
//! produced; retries run on their own.
//!
//! # Control API (`/_sandbox/`, JSON)
//!
//! | request | effect |
//! |---|---|
//! | `POST /_sandbox/faults` `{"mode","count"?,"hang_ms"?,"when"?,"path"?}` | the next `count` (default 1) Gate requests (whose path starts with `path`, if given) get the fault. `mode`: `http500` (HTML 500), `hang` (wait `hang_ms`, default 30000), `close` (connection closed, no answer), `malformed` (200 with truncated JSON), `bad_signature` (request applied, answer's signature wrong; the unsigned accepted answer gets a wrong top-level one), `unsigned` (request applied, the answer's signature removed). `when`: `before` (default: the request is not applied; for `hang` it is applied after the wait, unless the client gave up) or `after` (applied, then the fault) |
//! | `DELETE /_sandbox/faults` | forget queued Gate and callback faults |
//! | `POST /_sandbox/callbacks` `{"mode","count"?}` | the next `count` callbacks: `drop` (never sent), `duplicate` (sent twice), `reorder` (held and sent right after the next one, or after `reorder_hold_max` if none comes), `bad_signature` |
//! | `GET /_sandbox/payments/<payment_id>` | the sandbox's record ([`PaymentRecord`]): status, type, `interface` (`gate` / `payment_page`), amount, code, card, `best_before` (Payment Page), `money_moved`, `callbacks_sent`, `callbacks_delivered`, the callback log; 404 if unknown |
//! | `GET /_sandbox/payments` | every record |
//! | `POST /_sandbox/config` ([`ConfigPatch`]) | change switches at runtime (the table below, and callback URL, delays, limits, time factor, payout max, merchant balance, shop name) |
//! | `GET /_sandbox/state` | a [`StateSummary`] (balance, counts, switches) |
//! | `GET /_sandbox/cards` | the simulated cards with their `account.number` ([`CardInfo`]) |
//! | `POST /_sandbox/reset` | forget payments, requests, owners, faults and timers; restore the balance |
//! | `POST /_sandbox/data_api/payments` ([`PlantedPayment`]) | a payment made at the gateway as if by another till: `payment_id`, `type` (`sale`/`payout`), `status` (`success`, `decline`, `processing`, `awaiting redirect result`), `amount`, `created_at` (ISO 8601); no callbacks, no timers; 409 if the id exists |
//! | `POST /_sandbox/data_api/bulk` ([`BulkPlant`]) | `count` (≤ 100 000) such payments `<prefix>-000001`..., `spacing_ms` apart from `created_at`: a test aid to fill an interval fast |
//! | `POST /_sandbox/data_api/lost` `{"payment_id"}` | the gateway "lost" it: the Data API no longer lists it (status requests still know it); 404 if unknown |
//! | `POST /_sandbox/data_api/status` `{"payment_id","status"}` | the Data API reports `status` (any text) for it; `null` undoes; 404 if unknown |
//!
//! The same operations are methods of [`Control`], from [`RunningSandbox::control`].
//!
//! # Switches
//!
//! The layouts the protocol doc leaves open, each a [`SandboxConfig`] field, a [`ConfigPatch`]
//! field of the same name (JSON values as below), a binary flag, and shown in [`StateSummary`]:
//!
//! | field | values (default first) | binary flag |
//! |---|---|---|
//! | `status_shape` | `"operations"`, `"operation"` | `--status-shape operation` |
//! | `not_found_style` | `"http_error"`, `"payment_error"` | `--not-found-style payment_error` |
//! | `redirect_key` | `"redirect_data"`, `"redirectData"`, `"return_url"` | `--redirect-key KEY` (`--redirect-camel` = `redirectData`) |
//! | `redirect_body_array` | `false`, `true` | `--redirect-body-array` |
//! | `redirect_encrypted` | `false`, `true` | `--redirect-encrypted` |
//! | `redirect_method` | `"GET"`, `"POST"` | — |
//! | `status_redirect_data` | `false`, `true` | `--status-redirect-data` |
//! | `signature_placement` | `"top"`, `"general"` | `--signature-in-general` |
//! | `payment_page_method` | `"card-partner"`, any code | `--payment-page-method CODE` |
//!
//! # Bot page
//!
//! `GET /bot/<token>`: a page for a phone or a browser with the shop, the amount
//! (`150 000 so'm`), the test cards (two that succeed, one with insufficient funds) and Pay and
//! Cancel buttons. `POST /bot/<token>/pay` (form field `card`: `uzcard-ok` (default),
//! `humo-ok`, `uzcard-nofunds`) and `POST /bot/<token>/decline` do the same for tests: 200
//! when applied, 409 when the sale no longer waits (nothing changes), 404 unknown token, 400
//! unknown card.

mod body;
pub mod bot;
mod callbacks;
pub mod cards;
pub mod clock;
pub mod codes;
pub mod config;
mod control;
pub mod data_api;
pub mod faults;
mod gate;
mod lifecycle;
pub mod payment;
pub mod payment_page;
mod server;
mod state;
mod validate;

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub use config::{
    defaults, ConfigPatch, DataApiAccess, NotFoundStyle, RedirectKey, RedirectMethod,
    SandboxConfig, SignaturePlacement, StatusShape,
};
pub use control::{CardInfo, Control, StateSummary};
pub use data_api::plant::{BulkPlant, PlantError, PlantedPayment};
pub use faults::{CallbackFault, CallbackFaultSpec, GateFaultMode, GateFaultSpec, When};
pub use payment::{CallbackLog, Interface, Kind, PaymentRecord};

/// Why the sandbox did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// The entry point.
pub struct Sandbox;

impl Sandbox {
    /// Binds `listen` (port 0 picks a free port) and serves until
    /// [`RunningSandbox::shutdown`]. Must be called within a Tokio runtime.
    pub async fn start(
        config: SandboxConfig,
        listen: SocketAddr,
    ) -> Result<RunningSandbox, StartError> {
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: listen,
                source,
            })?;
        let local = listener.local_addr().map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?;
        // An unspecified address (0.0.0.0) is not one to call; loopback reaches it.
        let host = if local.ip().is_unspecified() {
            match local {
                SocketAddr::V4(_) => "127.0.0.1".to_owned(),
                SocketAddr::V6(_) => "[::1]".to_owned(),
            }
        } else {
            match local {
                SocketAddr::V4(a) => a.ip().to_string(),
                SocketAddr::V6(a) => format!("[{}]", a.ip()),
            }
        };
        let base_url = format!("http://{host}:{}", local.port());

        let (jobs, rx) = mpsc::unbounded_channel();
        let sh = state::Shared::new(config, base_url.clone(), jobs);
        let control = Control { sh: sh.clone() };
        let app = Router::new()
            .merge(gate::routes(sh.clone()))
            .merge(bot::routes(sh.clone()))
            .merge(payment_page::routes(sh.clone()))
            .merge(data_api::routes(sh.clone()))
            .merge(control::routes(control.clone()));

        let dispatcher = tokio::spawn(callbacks::dispatcher(sh.clone(), rx));
        let (stop, stop_rx) = watch::channel(false);
        let server = tokio::spawn(server::serve(listener, app, stop_rx));
        tracing::info!(%base_url, "ecommpay sandbox listening");
        Ok(RunningSandbox {
            base_url,
            local_addr: local,
            control,
            stop,
            server,
            dispatcher,
        })
    }
}

/// A sandbox that is serving.
pub struct RunningSandbox {
    base_url: String,
    local_addr: SocketAddr,
    control: Control,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    dispatcher: JoinHandle<()>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The control plane.
    pub fn control(&self) -> Control {
        self.control.clone()
    }

    /// Stops serving: closes the listener and every connection, stops every timer and
    /// callback delivery.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        self.dispatcher.abort();
        let _ = self.dispatcher.await;
        self.control.sh.abort_tasks();
    }
}
