//! The network path: a gateway or Payment Page in clear over the network is refused before
//! anything is written or sent, through every door (init, connect, settings). (Unsigned status
//! answers: `till::faults::an_unsigned_status_answer_is_kept_flagged_and_not_applied`, which
//! records its row here.)

use std::time::Instant;

use super::record;
use crate::till::cli::{run, setup};
use crate::till::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_in_clear_is_refused_through_every_door() {
    let sb = sandbox(|_| {}).await;
    let fresh = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let before = run(d, &["config", "show"], None).await.1;
    let started = Instant::now();
    let mut tries = 0;
    for url in [
        "http://example.invalid",
        "http://10.0.0.1",
        "http://not a url",
        "ftp://example.com",
    ] {
        tries += 3;
        let init = [
            "init",
            "--project-id",
            "1",
            "--gateway-url",
            url,
            "--till-code",
            "T1",
        ];
        let (code, lines, _) = run(fresh.path(), &init, None).await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("config_invalid")),
            "{url}"
        );
        assert!(
            !fresh.path().join("config.toml").exists(),
            "{url}: nothing written"
        );
        // A manager moving the till there: refused before the probe (nothing sent).
        let (code, lines, _) = run(
            d,
            &[
                "connect",
                "--project-id",
                "1",
                "--gateway-url",
                url,
                "--user",
                "boss",
            ],
            Some(&format!("222222\n{SECRET}\n")),
        )
        .await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("config_invalid")),
            "{url}"
        );
        let (code, lines, _) = run(
            d,
            &["config", "set", "payment_page_url", url, "--user", "boss"],
            Some("222222\n"),
        )
        .await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("config_invalid")),
            "{url}"
        );
    }
    assert_eq!(run(d, &["config", "show"], None).await.1, before);
    record(
        "http:// (or no URL) as the gateway or Payment Page: init, connect, settings",
        tries,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}
