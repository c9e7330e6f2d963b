//! Signed Payment Page links (protocol doc section 6): the parameters, in the order given,
//! URL-encoded the way PHP's `http_build_query` does, then `&signature=` and the URL-encoded
//! signature over the raw values. Booleans become `1`/`0`; nulls and nested values are refused,
//! because the URL and the signature would then disagree.

use serde_json::{Map, Value};

use crate::ids::{CustomerId, PaymentId, ProjectId};
use crate::money::{Currency, Tiyin};
use crate::sign::sign;
use crate::Secret;

/// ECommPay's Payment Page.
pub const PAYMENT_PAGE_BASE_URL: &str = "https://paymentpage.ecommpay.com/payment";

/// [open] The code of the card partner method for `force_payment_method` is not public;
/// this default is a placeholder to be replaced with the one ECommPay gives the merchant.
pub const DEFAULT_FORCE_PAYMENT_METHOD: &str = "card-partner";

/// Why parameters cannot make a link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("the parameters must be a JSON object")]
    NotAnObject,
    #[error("parameter {0:?} is null; leave it out instead")]
    Null(String),
    #[error("parameter {0:?} is an object or array; Payment Page parameters are flat (encode JSON as a string)")]
    Nested(String),
    #[error("parameter {0:?} is a float; amounts are integers in minor units")]
    Float(String),
    #[error("parameter {0:?} is required")]
    Missing(&'static str),
}

/// PHP's `urlencode`: letters, digits and `-_.` stay; space becomes `+`; everything else
/// (every UTF-8 byte) becomes `%XX` in upper case.
fn php_urlencode(s: &str, out: &mut String) {
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
}

fn flat_text(key: &str, v: &Value) -> Result<String, PageError> {
    match v {
        Value::Null => Err(PageError::Null(key.to_owned())),
        Value::Object(_) | Value::Array(_) => Err(PageError::Nested(key.to_owned())),
        Value::Bool(b) => Ok(if *b { "1" } else { "0" }.to_owned()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        Value::Number(_) => Err(PageError::Float(key.to_owned())),
    }
}

/// A signed Payment Page URL for flat `params`, kept in their order. Any `signature` in
/// `params` is replaced.
pub fn payment_page_url(
    base_url: &str,
    params: &Map<String, Value>,
    secret: &Secret,
) -> Result<String, PageError> {
    let mut normalised = Map::new();
    for (k, v) in params {
        if k == "signature" {
            continue;
        }
        normalised.insert(k.clone(), Value::String(flat_text(k, v)?));
    }
    let signature = sign(&Value::Object(normalised.clone()), secret);
    let mut url = String::with_capacity(base_url.len() + 256);
    url.push_str(base_url);
    url.push(if base_url.contains('?') { '&' } else { '?' });
    for (i, (k, v)) in normalised.iter().enumerate() {
        if i > 0 {
            url.push('&');
        }
        php_urlencode(k, &mut url);
        url.push('=');
        php_urlencode(v.as_str().unwrap_or_default(), &mut url);
    }
    url.push_str("&signature=");
    php_urlencode(&signature, &mut url);
    Ok(url)
}

/// The parameters of a card partner sale on the Payment Page, in a fixed order.
#[derive(Debug, Clone)]
pub struct CardPartnerPage {
    pub project_id: ProjectId,
    pub payment_id: PaymentId,
    pub amount: Tiyin,
    pub customer_id: CustomerId,
    pub description: Option<String>,
    pub language_code: Option<String>,
    /// When the link stops working: ISO 8601 with an offset, as PHP's `DateTime::format('c')`
    /// writes it (`2026-12-01T22:49:17+05:00`). The caller formats it (this crate has no clock).
    pub best_before: Option<String>,
    /// Preselects the method; `None` lets the customer choose. See
    /// [`DEFAULT_FORCE_PAYMENT_METHOD`].
    pub force_payment_method: Option<String>,
}

impl CardPartnerPage {
    pub fn params(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("project_id".into(), self.project_id.get().into());
        m.insert("payment_id".into(), self.payment_id.as_str().into());
        m.insert("payment_amount".into(), self.amount.get().into());
        m.insert("payment_currency".into(), Currency::Uzs.code().into());
        m.insert("customer_id".into(), self.customer_id.as_str().into());
        m.insert("payment_extra_param".into(), "uzcard".into());
        if let Some(d) = &self.description {
            m.insert("payment_description".into(), d.clone().into());
        }
        if let Some(l) = &self.language_code {
            m.insert("language_code".into(), l.clone().into());
        }
        if let Some(b) = &self.best_before {
            m.insert("best_before".into(), b.clone().into());
        }
        if let Some(f) = &self.force_payment_method {
            m.insert("force_payment_method".into(), f.clone().into());
        }
        m
    }

    pub fn url(&self, base_url: &str, secret: &Secret) -> String {
        payment_page_url(base_url, &self.params(), secret).expect("our own params are flat")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_the_php_sdk_test_url() {
        // tests/PaymentPageTest.php of the PHP SDK (vector `sdk_php_paymentpage_url`).
        let params = json!({"project_id":100,"interface_type":"{\"id\":23}","payment_id":"test payment id","payment_description":"B&W"});
        let url = payment_page_url(
            PAYMENT_PAGE_BASE_URL,
            params.as_object().unwrap(),
            &Secret::new("secret"),
        )
        .unwrap();
        assert_eq!(
            url,
            "https://paymentpage.ecommpay.com/payment?project_id=100&interface_type=%7B%22id%22%3A23%7D&payment_id=test+payment+id&payment_description=B%26W&signature=97JFQpAyJ4HPfGVedJh0M1MqQDOFt%2FMCbdh8VrsT7DdRyTBDAF2mvUOsDANx1ZPfbvZg0%2BVUbF43xJnq0jEeLA%3D%3D"
        );
    }

    #[test]
    fn booleans_are_digits_and_nulls_refused() {
        let s = Secret::new("k");
        let with_bool = json!({"project_id":1,"redirect":true});
        let url = payment_page_url("https://x/p", with_bool.as_object().unwrap(), &s).unwrap();
        assert!(url.contains("redirect=1&signature="), "{url}");
        let null = json!({"project_id":1,"x":null});
        assert_eq!(
            payment_page_url("https://x/p", null.as_object().unwrap(), &s).unwrap_err(),
            PageError::Null("x".into())
        );
        let nested = json!({"a":{"b":1}});
        assert!(matches!(
            payment_page_url("https://x/p", nested.as_object().unwrap(), &s),
            Err(PageError::Nested(_))
        ));
    }

    #[test]
    fn php_urlencode_edge_cases() {
        let mut s = String::new();
        php_urlencode("a b*~ʻ", &mut s);
        assert_eq!(s, "a+b%2A%7E%CA%BB");
    }
}
