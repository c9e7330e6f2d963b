//! The Gate API (protocol doc section 2): requests, transport, client, errors.

mod client;
mod error;
mod request;
mod transport;

pub use client::{
    Accepted, AnswerSignature, GateClient, GateConfig, RequestStatusAnswer, StatusAnswer,
    PRODUCTION_BASE_URL,
};
pub use error::{codes, FieldError, GateError};
pub use request::{
    paths, GateCall, PayoutBuilder, PayoutRequest, RequestError, RequestStatusRequest, SaleBuilder,
    SaleRequest, SignaturePlace, StatusRequest, MAX_CALLBACK_DELAY_SECS, MAX_DESCRIPTION_CHARS,
    SALE_EXTRA_PARAM,
};
pub use transport::{HttpReply, ReqwestTransport, Timeouts, Transport, TransportError};
