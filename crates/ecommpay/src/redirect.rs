//! `redirect_data`: where the customer is sent (the partner's Telegram bot). Protocol doc
//! section 3: the key may be `redirect_data`, `redirectData` or (one callback format)
//! `return_url`; `body` may be `{}` or `[]`; extra members such as `encrypted` are ignored; and
//! `method` may be `POST`, in which case a QR code of the bare URL does not work.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RedirectMethod {
    Get,
    Post,
}

/// The customer's destination.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RedirectData {
    pub method: RedirectMethod,
    pub url: String,
    /// The form fields a POST needs (an empty object when there are none).
    pub body: serde_json::Map<String, Value>,
}

impl RedirectData {
    /// Finds and parses `redirect_data` / `redirectData` / `return_url` anywhere the gateway
    /// puts it: at the top of a message or inside `payment`/`operation` [open: seen only at
    /// the top]. `None` when absent or unusable (no URL, not http(s)).
    pub fn find(message: &Value) -> Option<RedirectData> {
        const KEYS: [&str; 3] = ["redirect_data", "redirectData", "return_url"];
        let places = [
            Some(message),
            message.get("payment"),
            message.get("operation"),
        ];
        places
            .into_iter()
            .flatten()
            .flat_map(|place| KEYS.iter().filter_map(move |k| place.get(*k)))
            .find_map(Self::parse)
    }

    /// One redirect object (`{"method","url","body",...}`), or a bare URL string (a GET).
    pub fn parse(v: &Value) -> Option<RedirectData> {
        if let Some(url) = v.as_str() {
            return Self::parse(&serde_json::json!({"method": "GET", "url": url}));
        }
        let url = v.get("url")?.as_str()?.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return None;
        }
        let method = match v.get("method").and_then(Value::as_str) {
            Some(m) if m.eq_ignore_ascii_case("post") => RedirectMethod::Post,
            _ => RedirectMethod::Get,
        };
        let body = match v.get("body") {
            Some(Value::Object(m)) => m.clone(),
            _ => Default::default(), // `[]`, null or missing: nothing to send
        };
        Some(RedirectData {
            method,
            url: url.to_owned(),
            body,
        })
    }

    /// Whether a phone can follow this by scanning a QR code of [`RedirectData::url`]: only a
    /// GET (form fields for a GET are appended to the URL by the gateway already [open]).
    pub fn scannable(&self) -> bool {
        self.method == RedirectMethod::Get
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_spellings_and_body_shapes() {
        let a = json!({"redirect_data":{"body":{},"method":"GET","url":"https://telegram.me/uzs_tg_bot?start=0891"}});
        let b = json!({"redirectData":{"body":[],"method":"get","url":"https://telegram.me/x?start=1"}});
        let ra = RedirectData::find(&a).unwrap();
        assert_eq!(ra.method, RedirectMethod::Get);
        assert!(ra.scannable());
        assert_eq!(ra.url, "https://telegram.me/uzs_tg_bot?start=0891");
        assert!(RedirectData::find(&b).unwrap().body.is_empty());
    }

    #[test]
    fn encrypted_member_and_return_url_key_are_tolerated() {
        let e = json!({"redirectData":{"body":[],"encrypted":[],"method":"GET","url":"https://t.me/x?start=2"}});
        assert_eq!(
            RedirectData::find(&e).unwrap().url,
            "https://t.me/x?start=2"
        );
        let r = json!({"return_url":{"body":{},"method":"GET","url":"https://t.me/x?start=3"}});
        assert_eq!(
            RedirectData::find(&r).unwrap().url,
            "https://t.me/x?start=3"
        );
        let bare = json!({"return_url":"https://t.me/x?start=4"});
        let b = RedirectData::find(&bare).unwrap();
        assert_eq!(
            (b.url.as_str(), b.method),
            ("https://t.me/x?start=4", RedirectMethod::Get)
        );
        let nested = json!({"payment":{"redirectData":{"method":"GET","url":"https://t.me/x?start=5","body":[]}}});
        assert_eq!(
            RedirectData::find(&nested).unwrap().url,
            "https://t.me/x?start=5"
        );
    }

    #[test]
    fn post_is_not_scannable_and_junk_is_none() {
        let p =
            json!({"redirect_data":{"body":{"a":"1"},"method":"POST","url":"https://p.example/x"}});
        let r = RedirectData::find(&p).unwrap();
        assert!(!r.scannable());
        assert_eq!(r.body["a"], "1");
        assert!(
            RedirectData::find(&json!({"redirect_data":{"url":"javascript:alert(1)"}})).is_none()
        );
        assert!(RedirectData::find(&json!({"redirect_data":{}})).is_none());
        assert!(RedirectData::find(&json!({})).is_none());
    }
}
