//! The Data API client: adds the token, signs, sends through a [`Transport`], verifies the
//! answer with the token's secret and reads the operations; [`Pager`] walks every page.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde_json::{Map, Value};

use super::credentials::{DataApiSecret, DataApiToken};
use super::error::DataApiError;
use super::operation::DataOperation;
use super::query::OperationsQuery;
use super::wire;
use crate::gate::{HttpReply, ReqwestTransport, Timeouts, Transport};
use crate::report::text;
use crate::sign;

/// How long to wait for an answer: the Data API may take up to about five minutes.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(6 * 60);
/// How long to wait for the connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most pages [`Pager`] fetches for one query (10 million operations at 1000 a page).
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

/// Where and how to reach the Data API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataApiConfig {
    /// The base with its version, e.g. [`wire::PRODUCTION_BASE_URL`] or the sandbox's
    /// `http://127.0.0.1:PORT/v1`; the client appends [`wire::OPERATIONS_GET`].
    pub base_url: String,
    pub timeouts: Timeouts,
    /// A ceiling on pages per query (see [`DEFAULT_MAX_PAGES`]).
    pub max_pages: u32,
}

impl DataApiConfig {
    pub fn new(base_url: impl Into<String>) -> DataApiConfig {
        DataApiConfig {
            base_url: base_url.into(),
            timeouts: Timeouts {
                connect: DEFAULT_CONNECT_TIMEOUT,
                read: DEFAULT_READ_TIMEOUT,
            },
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// ECommPay's own Data API.
    pub fn production() -> DataApiConfig {
        DataApiConfig::new(wire::PRODUCTION_BASE_URL)
    }
}

/// One page of `/operations/get`.
#[derive(Debug, Clone)]
pub struct OperationsPage {
    /// The operations in the gateway's order.
    pub operations: Vec<DataOperation>,
    /// The query's `offset` and `limit`.
    pub offset: u64,
    pub limit: u32,
    /// Top-level members other than the operations and the signature, as received.
    pub extra: Map<String, Value>,
}

impl OperationsPage {
    /// A page shorter than `limit` is the last one.
    pub fn is_last(&self) -> bool {
        (self.operations.len() as u64) < u64::from(self.limit)
    }
}

/// The Data API client. Generic over the transport so tests can inject one.
#[derive(Debug, Clone)]
pub struct DataApiClient<T = ReqwestTransport> {
    config: DataApiConfig,
    token: DataApiToken,
    secret: DataApiSecret,
    transport: T,
}

impl DataApiClient<ReqwestTransport> {
    pub fn new(
        config: DataApiConfig,
        token: DataApiToken,
        secret: DataApiSecret,
    ) -> Result<Self, DataApiError> {
        let transport = ReqwestTransport::new(config.timeouts)?;
        Ok(Self::with_transport(config, token, secret, transport))
    }
}

fn is_error(raw: &Value, http_status: u16) -> bool {
    http_status >= 400
        || raw.get(wire::ERROR_STATUS).and_then(Value::as_str) == Some(wire::ERROR_STATUS_VALUE)
}

impl<T: Transport> DataApiClient<T> {
    pub fn with_transport(
        config: DataApiConfig,
        token: DataApiToken,
        secret: DataApiSecret,
        transport: T,
    ) -> Self {
        DataApiClient {
            config,
            token,
            secret,
            transport,
        }
    }

    pub fn config(&self) -> &DataApiConfig {
        &self.config
    }

    /// The transport (tests look at what a fake one received).
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The exact body [`DataApiClient::operations`] posts: the query, the token, and the
    /// signature over both (top-level [`wire::SIGNATURE`]).
    pub fn signed_body(&self, query: &OperationsQuery) -> Value {
        let mut body = query.body();
        if let Value::Object(m) = &mut body {
            m.insert(
                wire::TOKEN.into(),
                Value::String(self.token.expose().to_owned()),
            );
        }
        let signature = sign::sign(&body, self.secret.key());
        if let Value::Object(m) = &mut body {
            m.insert(wire::SIGNATURE.into(), Value::String(signature));
        }
        body
    }

    fn url(&self) -> String {
        format!(
            "{}{}",
            self.config.base_url.trim_end_matches('/'),
            wire::OPERATIONS_GET
        )
    }

    /// One page: the operations of `query` from its `offset`, at most its `limit`.
    pub async fn operations(
        &self,
        query: &OperationsQuery,
    ) -> Result<OperationsPage, DataApiError> {
        query.validate()?;
        let bytes = serde_json::to_vec(&self.signed_body(query)).expect("a JSON value serialises");
        let reply = self.transport.post_json(&self.url(), bytes).await?;
        self.interpret(reply, query)
    }

    fn interpret(
        &self,
        reply: HttpReply,
        query: &OperationsQuery,
    ) -> Result<OperationsPage, DataApiError> {
        let http_status = reply.status;
        if http_status >= 500 {
            return Err(DataApiError::ServerError { http_status });
        }
        let malformed = |detail: String| DataApiError::Malformed {
            http_status,
            detail,
        };
        let raw: Value =
            serde_json::from_slice(&reply.body).map_err(|e| malformed(format!("not JSON: {e}")))?;
        let Value::Object(_) = &raw else {
            return Err(malformed("not a JSON object".into()));
        };
        let verified = sign::verify(&raw, self.secret.key());
        if is_error(&raw, http_status) {
            // A rejection carries no payment data and may be unsigned; a signature it does
            // carry must hold.
            if matches!(verified, Err(ref e) if *e != sign::VerifyError::Missing) {
                return Err(DataApiError::BadSignature { http_status });
            }
            let first = raw
                .get(wire::ERROR_LIST)
                .and_then(Value::as_array)
                .and_then(|l| l.first());
            let code = text(raw.get(wire::ERROR_CODE))
                .or_else(|| text(first.and_then(|e| e.get(wire::ERROR_CODE))))
                .unwrap_or_else(|| format!("http-{http_status}"));
            let message = text(raw.get(wire::ERROR_MESSAGE))
                .or_else(|| text(first.and_then(|e| e.get(wire::ERROR_MESSAGE))))
                .unwrap_or_default();
            return Err(DataApiError::Rejected {
                http_status,
                code,
                message,
                raw: Box::new(raw),
            });
        }
        if !(200..300).contains(&http_status) {
            return Err(malformed("unexpected HTTP status".into()));
        }
        if verified.is_err() {
            return Err(DataApiError::BadSignature { http_status });
        }
        let Value::Object(mut top) = raw else {
            unreachable!("checked above")
        };
        let list = match top.remove(wire::OPERATIONS) {
            Some(Value::Array(list)) => list,
            Some(_) => return Err(malformed(format!("{} is not an array", wire::OPERATIONS))),
            None => return Err(malformed(format!("the answer has no {}", wire::OPERATIONS))),
        };
        if list.len() as u64 > u64::from(query.limit) {
            return Err(malformed(format!(
                "{} operations on a page of {}",
                list.len(),
                query.limit
            )));
        }
        let operations = list
            .iter()
            .map(DataOperation::from_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| malformed(e.to_string()))?;
        top.remove(wire::SIGNATURE);
        Ok(OperationsPage {
            operations,
            offset: query.offset,
            limit: query.limit,
            extra: top,
        })
    }

    /// Every page of `query`, from its offset on.
    pub fn pages(&self, query: &OperationsQuery) -> Pager<'_, T> {
        Pager {
            client: self,
            query: query.clone(),
            next_offset: Some(query.offset),
            seen: HashSet::new(),
            pages: 0,
        }
    }

    /// Every operation of the interval, each once (by `operation_id`: if one shows on two
    /// pages because the list moved while paging, it is kept where it first appeared, with
    /// what the later page said).
    pub async fn all_operations(
        &self,
        query: &OperationsQuery,
    ) -> Result<Vec<DataOperation>, DataApiError> {
        let mut pager = self.pages(query);
        let mut all: Vec<DataOperation> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        while let Some(page) = pager.next_page().await {
            for op in page?.operations {
                match at.get(&op.operation_id) {
                    Some(&i) => all[i] = op,
                    None => {
                        at.insert(op.operation_id.clone(), all.len());
                        all.push(op);
                    }
                }
            }
        }
        Ok(all)
    }
}

/// Walks the pages of one query: stops after a page shorter than `limit`; refuses to go on
/// when a full page brings no operation it has not seen (a server that ignores `offset` would
/// otherwise be asked for ever), or past [`DataApiConfig::max_pages`].
pub struct Pager<'a, T> {
    client: &'a DataApiClient<T>,
    query: OperationsQuery,
    next_offset: Option<u64>,
    seen: HashSet<String>,
    pages: u32,
}

impl<T: Transport> Pager<'_, T> {
    /// The next page, or `None` after the last one (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<OperationsPage, DataApiError>> {
        let offset = self.next_offset.take()?;
        if self.pages >= self.client.config.max_pages {
            return Some(Err(DataApiError::Paging {
                offset,
                detail: format!("more than {} pages", self.client.config.max_pages),
            }));
        }
        self.pages += 1;
        let page = match self
            .client
            .operations(&self.query.with_offset(offset))
            .await
        {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        let mut new = 0usize;
        for op in &page.operations {
            if self.seen.insert(op.operation_id.clone()) {
                new += 1;
            }
        }
        if !page.is_last() {
            if new == 0 {
                return Some(Err(DataApiError::Paging {
                    offset,
                    detail: "a full page held only operations already seen".into(),
                }));
            }
            self.next_offset = Some(offset + page.operations.len() as u64);
        }
        Some(Ok(page))
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }
}
