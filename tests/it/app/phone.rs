//! The customer's side: what a phone reads from the QR code on screen, and what its browser
//! does with the link (a Payment Page link redirects to the gateway's bot page; a Gate link is
//! the bot page itself).

use std::process::{Command, Stdio};

/// Opens `link` like a phone's browser: GET, following redirects. Returns the URL it ends on
/// and the page.
pub async fn open_link(link: &str) -> (reqwest::Url, String) {
    let res = reqwest::Client::new()
        .get(link)
        .send()
        .await
        .unwrap_or_else(|e| panic!("the phone cannot open {link}: {e}"));
    let url = res.url().clone();
    let status = res.status();
    let html = res.text().await.unwrap_or_default();
    assert!(
        status.is_success(),
        "{link} ended on {url}: HTTP {status}: {html}"
    );
    (url, html)
}

/// Opens `link` and asserts that it lands on a bot page a customer can pay from; returns the
/// bot page's URL.
pub async fn bot_page(link: &str) -> String {
    let (url, html) = open_link(link).await;
    assert!(
        url.path().starts_with("/bot/") && html.contains("/pay\""),
        "{link} led to {url}, not a payable bot page: {html}"
    );
    url.to_string()
}

/// The customer opens the link (a QR code's) and pays on the bot page with `card`
/// (`uzcard-ok`, `humo-ok`, `uzcard-nofunds`), as its form does; returns the bot page's URL.
pub async fn pay(link: &str, card: &str) -> String {
    let bot = bot_page(link).await;
    let res = reqwest::Client::new()
        .post(format!("{bot}/pay"))
        .form(&[("card", card)])
        .send()
        .await
        .expect("bot page reachable");
    assert_eq!(res.status().as_u16(), 200, "the bot accepted the payment");
    bot
}

/// Where `url` is served from (`http://127.0.0.1:PORT`): the sandbox behind a link.
pub fn origin(url: &str) -> String {
    let u = reqwest::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    u.origin().ascii_serialization()
}

/// What `zbarimg` reads from a screenshot (the QR code's text).
pub fn decode_qr(png: &std::path::Path) -> Option<String> {
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(png)
        .stderr(Stdio::null())
        .output()
        .expect("zbarimg runs (apt-get install zbar-tools; scripts/setup.sh does)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
