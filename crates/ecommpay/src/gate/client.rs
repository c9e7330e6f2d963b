//! The Gate client: signs a [`GateCall`], sends it through a [`Transport`], and turns the
//! reply into a typed answer or a [`GateError`] that says whether the request may have arrived.

use serde_json::Value;

use super::error::{codes, FieldError, GateError};
use super::request::{
    GateCall, PayoutRequest, RequestStatusRequest, SaleRequest, SignaturePlace, StatusRequest,
};
use super::transport::{HttpReply, ReqwestTransport, Timeouts, Transport};
use crate::ids::{ProjectId, RequestId};
use crate::report::{text, PaymentReport};
use crate::sign::{self, VerifyError};
use crate::{RedirectData, Secret};

/// ECommPay's production Gate.
pub const PRODUCTION_BASE_URL: &str = "https://api.ecommpay.com";

/// Where and how to reach the Gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateConfig {
    /// Without a trailing slash, e.g. `https://api.ecommpay.com` or the sandbox's URL.
    pub base_url: String,
    pub project_id: ProjectId,
    pub timeouts: Timeouts,
    /// [open] Whether synchronous answers are signed is not documented. By default a signature
    /// that is present must hold, and an absent one is accepted; set this to refuse unsigned
    /// answers.
    pub require_signed_answers: bool,
}

impl GateConfig {
    pub fn new(base_url: impl Into<String>, project_id: ProjectId) -> GateConfig {
        GateConfig {
            base_url: base_url.into(),
            project_id,
            timeouts: Timeouts::default(),
            require_signed_answers: false,
        }
    }
}

/// Whether an answer's signature was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerSignature {
    Verified,
    Absent,
}

/// A request the gateway accepted for processing. It describes the request, not the payment:
/// the payment's outcome comes later by callback or status.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub http_status: u16,
    pub request_id: Option<RequestId>,
    pub payment_id: Option<String>,
    /// The request's status, normally `success` (= accepted).
    pub status: String,
    /// Some projects send the redirect already in the answer.
    pub redirect: Option<RedirectData>,
    pub signature: AnswerSignature,
    pub raw: Value,
}

/// A status answer: the payment as the gateway sees it.
#[derive(Debug, Clone)]
pub struct StatusAnswer {
    pub report: PaymentReport,
    pub signature: AnswerSignature,
}

/// What the gateway says about one request (`/v2/payment/status/request`).
#[derive(Debug, Clone)]
pub struct RequestStatusAnswer {
    pub status: Option<String>,
    pub errors: Vec<FieldError>,
    pub signature: AnswerSignature,
    pub raw: Value,
}

/// The Gate client. Generic over the transport so tests can inject one; the default is reqwest.
#[derive(Debug, Clone)]
pub struct GateClient<T = ReqwestTransport> {
    config: GateConfig,
    secret: Secret,
    transport: T,
}

impl GateClient<ReqwestTransport> {
    pub fn new(config: GateConfig, secret: Secret) -> Result<Self, GateError> {
        let transport = ReqwestTransport::new(config.timeouts)?;
        Ok(Self::with_transport(config, secret, transport))
    }
}

fn field_errors(raw: &Value) -> Vec<FieldError> {
    raw.get("errors")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|e| FieldError {
                    code: text(e.get("code")),
                    message: text(e.get("message")),
                    field: text(e.get("field")),
                    description: text(e.get("description")),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl<T: Transport> GateClient<T> {
    pub fn with_transport(config: GateConfig, secret: Secret, transport: T) -> Self {
        GateClient {
            config,
            secret,
            transport,
        }
    }

    pub fn config(&self) -> &GateConfig {
        &self.config
    }

    /// The exact body that [`GateClient::send`] posts for `call`.
    pub fn signed_body<C: GateCall>(&self, call: &C) -> Value {
        let mut body = call.body(self.config.project_id);
        match call.signature_place() {
            SignaturePlace::General => sign::sign_request_body(&mut body, &self.secret),
            SignaturePlace::Top => {
                let signature = sign::sign(&body, &self.secret);
                if let Value::Object(m) = &mut body {
                    m.insert("signature".into(), Value::String(signature));
                }
            }
        }
        body
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url.trim_end_matches('/'), path)
    }

    /// Signs and sends `call`; returns the answer's JSON once its signature (if any) held and it
    /// is not a rejection.
    pub async fn send<C: GateCall>(
        &self,
        call: &C,
    ) -> Result<(Value, u16, AnswerSignature), GateError> {
        let body = self.signed_body(call);
        let bytes = serde_json::to_vec(&body).expect("a JSON value serialises");
        let reply = self
            .transport
            .post_json(&self.url(call.path()), bytes)
            .await?;
        self.interpret(reply)
    }

    fn interpret(&self, reply: HttpReply) -> Result<(Value, u16, AnswerSignature), GateError> {
        let http_status = reply.status;
        let parsed: Result<Value, _> = serde_json::from_slice(&reply.body);
        if http_status >= 500 {
            return Err(GateError::ServerError {
                http_status,
                raw: parsed.ok().map(Box::new),
            });
        }
        let raw = parsed.map_err(|e| GateError::Malformed {
            http_status,
            detail: format!("not JSON: {e}"),
        })?;
        if !raw.is_object() {
            return Err(GateError::Malformed {
                http_status,
                detail: "not a JSON object".into(),
            });
        }
        let signature = match sign::verify(&raw, &self.secret) {
            Ok(()) => AnswerSignature::Verified,
            Err(VerifyError::Missing) if !self.config.require_signed_answers => {
                AnswerSignature::Absent
            }
            Err(_) => {
                return Err(GateError::BadSignature {
                    http_status,
                    raw: Box::new(raw),
                })
            }
        };
        let status = text(raw.get("status"));
        if http_status >= 400 || status.as_deref() == Some("error") {
            let errors = field_errors(&raw);
            let code = text(raw.get("code"))
                .or_else(|| errors.iter().find_map(|e| e.code.clone()))
                .unwrap_or_else(|| format!("http-{http_status}"));
            let message = text(raw.get("message"))
                .or_else(|| errors.iter().find_map(|e| e.message.clone()))
                .unwrap_or_default();
            return Err(GateError::Rejected {
                http_status,
                code,
                message,
                errors,
                raw: Box::new(raw),
            });
        }
        if !(200..300).contains(&http_status) {
            return Err(GateError::Malformed {
                http_status,
                detail: "unexpected HTTP status".into(),
            });
        }
        Ok((raw, http_status, signature))
    }

    async fn accepted<C: GateCall>(&self, call: &C) -> Result<Accepted, GateError> {
        let (raw, http_status, signature) = self.send(call).await?;
        let status = text(raw.get("status")).ok_or_else(|| GateError::Malformed {
            http_status,
            detail: "the answer has no status".into(),
        })?;
        Ok(Accepted {
            http_status,
            request_id: text(raw.get("request_id")).and_then(|r| RequestId::new(r).ok()),
            payment_id: text(raw.get("payment_id")),
            status,
            redirect: RedirectData::find(&raw),
            signature,
            raw,
        })
    }

    /// Starts a sale.
    pub async fn sale(&self, req: &SaleRequest) -> Result<Accepted, GateError> {
        self.accepted(req).await
    }

    /// Starts a payout to a saved card.
    pub async fn payout(&self, req: &PayoutRequest) -> Result<Accepted, GateError> {
        self.accepted(req).await
    }

    /// The payment's state. An unknown payment is `Err` with [`GateError::is_not_found`].
    pub async fn status(&self, req: &StatusRequest) -> Result<StatusAnswer, GateError> {
        let (raw, http_status, signature) = self.send(req).await?;
        let report = PaymentReport::from_value(raw);
        if report.is_not_found() {
            // HTTP 200 with `payment.status` `error` and 3061 in `errors`: the same "unknown
            // payment" as an HTTP 4xx with code 3061, never a final failure of the payment.
            let message = report
                .errors
                .iter()
                .find(|(c, _)| c == codes::TRANSACTION_NOT_FOUND)
                .map(|(_, m)| m.clone())
                .unwrap_or_default();
            return Err(GateError::Rejected {
                http_status,
                code: codes::TRANSACTION_NOT_FOUND.to_owned(),
                message,
                errors: field_errors(&report.raw),
                raw: Box::new(report.raw),
            });
        }
        if report.status.is_none() {
            return Err(GateError::Malformed {
                http_status,
                detail: "the status answer has no payment.status".into(),
            });
        }
        Ok(StatusAnswer { report, signature })
    }

    /// What became of one request.
    pub async fn request_status(
        &self,
        req: &RequestStatusRequest,
    ) -> Result<RequestStatusAnswer, GateError> {
        let (raw, _, signature) = self.send(req).await?;
        Ok(RequestStatusAnswer {
            status: text(raw.get("status")),
            errors: field_errors(&raw),
            signature,
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::transport::TransportError;
    use serde_json::json;
    use std::sync::Mutex;

    /// A transport that answers with a canned reply and remembers what was sent.
    struct Canned {
        reply: Result<HttpReply, TransportError>,
        sent: Mutex<Vec<(String, Value)>>,
    }

    impl Transport for Canned {
        async fn post_json(&self, url: &str, body: Vec<u8>) -> Result<HttpReply, TransportError> {
            self.sent
                .lock()
                .unwrap()
                .push((url.to_owned(), serde_json::from_slice(&body).unwrap()));
            self.reply.clone()
        }
    }

    fn client(reply: Result<HttpReply, TransportError>) -> GateClient<Canned> {
        GateClient::with_transport(
            GateConfig::new("http://gw.test/", ProjectId::new(7).unwrap()),
            Secret::new("k"),
            Canned {
                reply,
                sent: Mutex::new(vec![]),
            },
        )
    }

    fn json_reply(status: u16, v: Value) -> Result<HttpReply, TransportError> {
        Ok(HttpReply {
            status,
            body: v.to_string().into_bytes(),
        })
    }

    fn sale() -> SaleRequest {
        SaleRequest::builder()
            .payment_id("T-1")
            .amount_tiyin(100)
            .customer("c", "127.0.0.1")
            .build()
            .unwrap()
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn sends_a_signed_body_to_the_configured_url() {
        let c = client(json_reply(
            200,
            json!({"project_id":7,"payment_id":"T-1","request_id":"r1","status":"success"}),
        ));
        let a = run(c.sale(&sale())).unwrap();
        assert_eq!(a.request_id.unwrap().as_str(), "r1");
        assert_eq!(a.signature, AnswerSignature::Absent);
        let sent = c.transport.sent.lock().unwrap();
        assert_eq!(sent[0].0, "http://gw.test/v2/payment/card-partner/sale");
        sign::verify(&sent[0].1, &Secret::new("k")).unwrap();
    }

    #[test]
    fn tells_rejection_from_malformed_from_bad_signature_from_timeout() {
        let rejected = run(client(json_reply(
            400,
            json!({"status":"error","code":3041,"message":"Payment ID already exists"}),
        ))
        .sale(&sale()))
        .unwrap_err();
        assert!(rejected.is_duplicate());
        assert!(!rejected.may_have_arrived());

        let malformed = run(client(Ok(HttpReply {
            status: 200,
            body: b"<html>".to_vec(),
        }))
        .sale(&sale()))
        .unwrap_err();
        assert!(matches!(malformed, GateError::Malformed { .. }));
        assert!(malformed.may_have_arrived());

        let forged = run(client(json_reply(
            200,
            json!({"status":"success","signature":"AAAA"}),
        ))
        .sale(&sale()))
        .unwrap_err();
        assert!(matches!(forged, GateError::BadSignature { .. }));

        let timeout =
            run(client(Err(TransportError::Timeout("read".into()))).sale(&sale())).unwrap_err();
        assert!(matches!(timeout, GateError::Timeout(_)));
        assert!(timeout.may_have_arrived());

        let refused =
            run(client(Err(TransportError::NotConnected("refused".into()))).sale(&sale()))
                .unwrap_err();
        assert!(!refused.may_have_arrived());

        let server = run(client(Ok(HttpReply {
            status: 502,
            body: vec![],
        }))
        .sale(&sale()))
        .unwrap_err();
        assert!(matches!(
            server,
            GateError::ServerError {
                http_status: 502,
                ..
            }
        ));
    }

    #[test]
    fn signed_answers_are_checked_and_redirect_taken_from_either_key() {
        let mut ans = json!({"status":"success","request_id":"r","redirectData":{"method":"GET","url":"https://t.me/b?start=1","body":[]}});
        ans["signature"] = json!(sign::sign(&ans, &Secret::new("k")));
        let a = run(client(json_reply(200, ans)).sale(&sale())).unwrap();
        assert_eq!(a.signature, AnswerSignature::Verified);
        assert_eq!(a.redirect.unwrap().url, "https://t.me/b?start=1");
    }

    #[test]
    fn status_unknown_payment_is_not_found() {
        let c = client(json_reply(
            404,
            json!({"status":"error","code":"3061","message":"Transaction not found"}),
        ));
        let e = run(c.status(&StatusRequest::new("T-9").unwrap())).unwrap_err();
        assert!(e.is_not_found());
        // The other placement: HTTP 200, payment.status error, 3061 in errors[].
        let c = client(json_reply(
            200,
            json!({"payment":{"status":"error"},"errors":[{"code":3061,"message":"Transaction not found"}]}),
        ));
        let e = run(c.status(&StatusRequest::new("T-9").unwrap())).unwrap_err();
        assert!(e.is_not_found(), "{e:?}");
        assert!(!e.may_have_arrived());
    }
}
