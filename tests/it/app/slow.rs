//! A slow gateway at the sale screen: a Gate sale whose gateway holds the connection and never
//! answers gets words after 5 s ("the bank is slow, still trying; Esc to stop"), in the
//! language on screen (switched while it shows); Esc asks before it stops waiting, Esc again
//! keeps waiting, Enter confirms; then the new-sale screen says the sale is still followed.

use std::time::{Duration, Instant};

use fantoccini::key::Key;

use super::{real_till, App};

/// A gateway that takes connections and never answers (kept open until the test ends).
async fn silent_gateway() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_gateway_gets_words_after_5_s_and_esc_asks_first() {
    let (url, gateway) = silent_gateway().await;
    let app = App::start_until(
        "slow-gateway",
        |dir| {
            real_till(
                dir,
                &url,
                "slow-secret",
                &[("sale.flow", "gate"), ("timing.http_read_ms", "90000")],
            )
        },
        "[data-testid=signin]",
    )
    .await;
    app.select("[data-testid=signin-user]", "Bobur").await;
    app.type_into("[data-testid=signin-pin]", "567800").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_focus("amount").await;

    app.keys(&format!("5000{}", char::from(Key::Enter))).await;
    let started = Instant::now();
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| {
        p == "starting"
    })
    .await;
    let text = app
        .wait_text("[data-testid=slow-gateway]", |t| !t.is_empty())
        .await;
    let after = started.elapsed();
    assert!(
        after >= Duration::from_millis(4500),
        "not before 5 s: {after:?}"
    );
    assert!(text.contains("slow") && text.contains("Esc"), "{text}");
    app.shot("sale-slow-en").await;
    for (lang, word) in [("ru", "медленно"), ("uz", "sekin")] {
        app.click(&format!("[data-testid=lang-{lang}]")).await;
        app.wait_text("[data-testid=slow-gateway]", |t| t.contains(word))
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.shot(&format!("sale-slow-{lang}")).await;
    }
    app.click("[data-testid=lang-en]").await;
    app.wait_text("[data-testid=slow-gateway]", |t| t.contains("slow"))
        .await;

    // Esc asks; Esc again keeps waiting; the sale is still on screen.
    app.keys(&char::from(Key::Escape).to_string()).await;
    let asked = app
        .wait_text("[data-testid=stop-dialog]", |t| !t.is_empty())
        .await;
    assert!(
        asked.contains("5 000 so'm") && asked.contains("still followed"),
        "{asked}"
    );
    assert_eq!(
        app.focused_testid().await.as_deref(),
        Some("stop-confirm"),
        "the dialog has the focus"
    );
    // Tab stays inside the dialog.
    app.keys(&format!("{}{}", char::from(Key::Tab), char::from(Key::Tab)))
        .await;
    assert_eq!(app.focused_testid().await.as_deref(), Some("stop-confirm"));
    app.shot("sale-stop-dialog-en").await;
    app.keys(&char::from(Key::Escape).to_string()).await;
    app.wait_count("[data-testid=stop-dialog]", 0).await;
    // The same question in the other languages (for the screenshots).
    for (lang, word) in [("ru", "Перестать"), ("uz", "to'xtatilsinmi")] {
        app.click(&format!("[data-testid=lang-{lang}]")).await;
        app.keys(&char::from(Key::Escape).to_string()).await;
        app.wait_text("[data-testid=stop-dialog]", |t| t.contains(word))
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.shot(&format!("sale-stop-dialog-{lang}")).await;
        app.keys(&char::from(Key::Escape).to_string()).await;
        app.wait_count("[data-testid=stop-dialog]", 0).await;
    }
    app.click("[data-testid=lang-en]").await;
    assert_eq!(
        app.wait_attr("[data-testid=sale-state]", "data-phase", |_| true)
            .await,
        "starting",
        "still waiting"
    );

    // Esc, then Enter: stopped; the new-sale screen says so, in the language on screen.
    app.keys(&char::from(Key::Escape).to_string()).await;
    app.wait_css("[data-testid=stop-dialog]").await;
    app.keys(&char::from(Key::Enter).to_string()).await;
    app.wait_focus("amount").await;
    let said = app
        .wait_text("[data-testid=sale-stopped]", |t| t.contains("5 000 so'm"))
        .await;
    assert!(said.contains("still followed"), "{said}");
    app.click("[data-testid=lang-ru]").await;
    app.wait_text("[data-testid=sale-stopped]", |t| t.contains("5 000 сум"))
        .await;
    app.shot("sale-stopped-ru").await;
    app.stop().await;
    gateway.abort();
}
