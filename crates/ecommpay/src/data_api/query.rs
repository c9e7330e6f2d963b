//! `/operations/get` requests. A query only *describes* a call; the
//! [`DataApiClient`](super::DataApiClient) adds the token and the signature. The builder refuses
//! bad input (a `limit` above 1000 among it) before anything touches the network.

use serde_json::{json, Map, Value};

use super::time::LocalDateTime;
use super::wire;
use crate::ProjectId;

/// Why a query was refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the interval is required")]
    MissingInterval,
    #[error("the interval ends ({to}) before it starts ({from})")]
    IntervalReversed { from: String, to: String },
    #[error("time_zone is required (an IANA name such as Asia/Tashkent)")]
    MissingTimeZone,
    #[error("time_zone {0:?} is not an IANA time zone name")]
    TimeZone(String),
    #[error("limit must be between 1 and {max}, not {0}", max = wire::MAX_LIMIT)]
    Limit(u32),
    #[error("{0} must not be empty")]
    EmptyFilter(&'static str),
}

/// One `/operations/get` request: an interval in a time zone, optional filters, one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationsQuery {
    pub from: LocalDateTime,
    pub to: LocalDateTime,
    pub time_zone: String,
    pub project_ids: Vec<ProjectId>,
    pub operation_type: Option<String>,
    pub status: Option<String>,
    pub limit: u32,
    pub offset: u64,
    pub fields: Vec<String>,
}

/// Collects a query; [`OperationsQueryBuilder::build`] checks it.
#[derive(Debug, Clone, Default)]
pub struct OperationsQueryBuilder {
    interval: Option<(LocalDateTime, LocalDateTime)>,
    time_zone: Option<String>,
    project_ids: Vec<ProjectId>,
    operation_type: Option<String>,
    status: Option<String>,
    limit: Option<u32>,
    offset: u64,
    fields: Option<Vec<String>>,
}

impl OperationsQuery {
    pub fn builder() -> OperationsQueryBuilder {
        OperationsQueryBuilder::default()
    }

    /// The same query one page further on.
    pub fn with_offset(&self, offset: u64) -> OperationsQuery {
        OperationsQuery {
            offset,
            ..self.clone()
        }
    }

    /// The unsigned body, without the token (the client adds both).
    pub fn body(&self) -> Value {
        let mut b = Map::new();
        b.insert(
            wire::INTERVAL.into(),
            json!({wire::INTERVAL_FROM: self.from.to_string(), wire::INTERVAL_TO: self.to.to_string()}),
        );
        b.insert(wire::TIME_ZONE.into(), json!(self.time_zone));
        if !self.project_ids.is_empty() {
            let ids: Vec<u64> = self.project_ids.iter().map(|p| p.get()).collect();
            b.insert(wire::PROJECT_IDS.into(), json!(ids));
        }
        if let Some(t) = &self.operation_type {
            b.insert(wire::OPERATION_TYPE_FILTER.into(), json!(t));
        }
        if let Some(s) = &self.status {
            b.insert(wire::OPERATION_STATUS_FILTER.into(), json!(s));
        }
        if !self.fields.is_empty() {
            b.insert(wire::FIELDS.into(), json!(self.fields));
        }
        b.insert(wire::LIMIT.into(), json!(self.limit));
        b.insert(wire::OFFSET.into(), json!(self.offset));
        Value::Object(b)
    }
}

/// An IANA name: `UTC`, `Asia/Tashkent`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`.
fn iana_like(tz: &str) -> bool {
    !tz.is_empty()
        && tz.len() <= 64
        && tz.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+'))
        })
}

impl OperationsQueryBuilder {
    /// From and to, both as wall-clock times in [`Self::time_zone`].
    pub fn interval(mut self, from: LocalDateTime, to: LocalDateTime) -> Self {
        self.interval = Some((from, to));
        self
    }

    /// One whole day, `00:00:00` to `23:59:59`.
    pub fn day(self, year: u16, month: u8, day: u8) -> Result<Self, super::DateTimeError> {
        Ok(self.interval(
            LocalDateTime::start_of_day(year, month, day)?,
            LocalDateTime::end_of_day(year, month, day)?,
        ))
    }

    /// The IANA time zone (`Asia/Tashkent` for a shop in Uzbekistan). It decides which
    /// operations fall into the interval and how the answer writes its dates.
    pub fn time_zone(mut self, tz: impl Into<String>) -> Self {
        self.time_zone = Some(tz.into());
        self
    }

    /// Only these projects (default: every project the token may see).
    pub fn project_ids(mut self, ids: impl IntoIterator<Item = ProjectId>) -> Self {
        self.project_ids = ids.into_iter().collect();
        self
    }

    /// Only operations of this type (`sale`, `payout`, ...).
    pub fn operation_type(mut self, t: impl Into<String>) -> Self {
        self.operation_type = Some(t.into());
        self
    }

    /// Only operations in this status (`success`, ...). Not among the protocol doc's filters:
    /// see [`wire::OPERATION_STATUS_FILTER`].
    pub fn status(mut self, s: impl Into<String>) -> Self {
        self.status = Some(s.into());
        self
    }

    /// Page size, 1 to 1000 (default 1000).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Entries to skip (default 0).
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// The answer fields to ask for (default [`wire::DEFAULT_FIELDS`]); an empty list sends no
    /// `fields` at all (the gateway's "required" fields only).
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    pub fn build(self) -> Result<OperationsQuery, QueryError> {
        let (from, to) = self.interval.ok_or(QueryError::MissingInterval)?;
        let q = OperationsQuery {
            from,
            to,
            time_zone: self
                .time_zone
                .ok_or(QueryError::MissingTimeZone)?
                .trim()
                .to_owned(),
            project_ids: self.project_ids,
            operation_type: self.operation_type,
            status: self.status,
            limit: self.limit.unwrap_or(wire::MAX_LIMIT),
            offset: self.offset,
            fields: self.fields.unwrap_or_else(|| {
                wire::DEFAULT_FIELDS
                    .iter()
                    .map(|f| (*f).to_owned())
                    .collect()
            }),
        };
        q.validate()?;
        Ok(q)
    }
}

impl OperationsQuery {
    /// The checks [`OperationsQueryBuilder::build`] makes; the client makes them again before
    /// every send, so a query changed through its public fields is refused just the same.
    pub fn validate(&self) -> Result<(), QueryError> {
        if self.to < self.from {
            return Err(QueryError::IntervalReversed {
                from: self.from.to_string(),
                to: self.to.to_string(),
            });
        }
        if !iana_like(&self.time_zone) {
            return Err(QueryError::TimeZone(self.time_zone.clone()));
        }
        if self.limit == 0 || self.limit > wire::MAX_LIMIT {
            return Err(QueryError::Limit(self.limit));
        }
        let blank = |v: &Option<String>| v.as_ref().is_some_and(|s| s.trim().is_empty());
        if blank(&self.operation_type) {
            return Err(QueryError::EmptyFilter("operation type"));
        }
        if blank(&self.status) {
            return Err(QueryError::EmptyFilter("status"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> OperationsQueryBuilder {
        OperationsQuery::builder()
            .day(2026, 12, 1)
            .unwrap()
            .time_zone("Asia/Tashkent")
    }

    #[test]
    fn the_body_names_every_filter_in_one_place() {
        let q = base()
            .project_ids([ProjectId::new(198).unwrap()])
            .operation_type("sale")
            .status("success")
            .limit(500)
            .offset(1500)
            .fields(["payment_id"])
            .build()
            .unwrap();
        assert_eq!(
            q.body(),
            json!({
                "interval": {"from": "2026-12-01 00:00:00", "to": "2026-12-01 23:59:59"},
                "time_zone": "Asia/Tashkent",
                "project_ids": [198],
                "operation_type": "sale",
                "operation_status": "success",
                "fields": ["payment_id"],
                "limit": 500,
                "offset": 1500,
            })
        );
        let plain = base().build().unwrap();
        assert_eq!(plain.limit, 1000);
        assert_eq!(plain.offset, 0);
        let body = plain.body();
        assert!(body.get("project_ids").is_none() && body.get("operation_type").is_none());
        assert_eq!(
            body["fields"].as_array().unwrap().len(),
            wire::DEFAULT_FIELDS.len()
        );
        assert!(base()
            .fields(Vec::<String>::new())
            .build()
            .unwrap()
            .body()
            .get("fields")
            .is_none());
    }

    #[test]
    fn refuses_bad_queries_before_sending() {
        assert_eq!(
            base().limit(1001).build().unwrap_err(),
            QueryError::Limit(1001)
        );
        assert_eq!(base().limit(0).build().unwrap_err(), QueryError::Limit(0));
        assert!(base().limit(1000).build().is_ok());
        assert_eq!(
            OperationsQuery::builder()
                .time_zone("UTC")
                .build()
                .unwrap_err(),
            QueryError::MissingInterval
        );
        let d = |s| LocalDateTime::parse(s).unwrap();
        assert!(matches!(
            base()
                .interval(d("2026-12-02 00:00:00"), d("2026-12-01 00:00:00"))
                .build(),
            Err(QueryError::IntervalReversed { .. })
        ));
        assert_eq!(
            OperationsQuery::builder()
                .day(2026, 12, 1)
                .unwrap()
                .build()
                .unwrap_err(),
            QueryError::MissingTimeZone
        );
        for tz in ["", "Asia Tashkent", "Asia//Tashkent", "../etc", "+05:00"] {
            assert!(
                matches!(base().time_zone(tz).build(), Err(QueryError::TimeZone(_))),
                "{tz:?}"
            );
        }
        assert!(base().time_zone("Etc/GMT+5").build().is_ok());
        assert_eq!(
            base().operation_type(" ").build().unwrap_err(),
            QueryError::EmptyFilter("operation type")
        );
    }
}
