//! Touch, sound and words at the till: the header keeps one row of the same height in Uzbek,
//! Russian and English at 1024 px; every header control is at least 44 px tall; a paid sale
//! plays one sound and a declined one another (seen through the marks the app sets when it
//! plays one), and none when `ui.sound` is off; the on-screen keypad (`ui.keypad = always`)
//! types and starts a sale; screenshots of the sale screen and the customer display in each
//! language.

use fantoccini::key::Key;
use serde_json::{json, Value};

use super::{demo_config, pay, App};

const LANGS: [&str; 3] = ["uz", "ru", "en"];

async fn js(app: &App, script: &str) -> Value {
    app.client.execute(script, vec![]).await.expect("a script")
}

async fn set_lang(app: &App, lang: &str) {
    app.click(&format!("[data-testid=lang-{lang}]")).await;
    app.wait_attr("html", "lang", |l| l == lang).await;
    // Let the page paint the new words before anything is measured or shot.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_is_one_row_of_the_same_height_in_every_language_at_1024_px() {
    let app = App::start("header-1024").await;
    app.client.set_window_size(1024, 768).await.unwrap();
    let deadline = std::time::Instant::now() + super::WAIT;
    while js(&app, "return window.innerWidth").await != json!(1024) {
        assert!(
            std::time::Instant::now() < deadline,
            "the window did not become 1024 px wide: {}",
            js(&app, "return window.innerWidth").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut heights = Vec::new();
    for lang in LANGS {
        set_lang(&app, lang).await;
        let m = js(
            &app,
            "const h = document.querySelector('header'); const r = h.getBoundingClientRect(); \
             const kids = [...h.children].filter(e => e.getBoundingClientRect().width > 0); \
             const controls = [...h.querySelectorAll('button')].map(b => b.getBoundingClientRect().height); \
             return { height: r.height, overflow: h.scrollWidth - h.clientWidth, \
               tallest: Math.max(...kids.map(e => e.getBoundingClientRect().height)), \
               outside: kids.filter(e => { const k = e.getBoundingClientRect(); \
                 return k.top < r.top - 0.5 || k.bottom > r.bottom + 0.5 || k.right > r.right + 0.5; }).length, \
               smallest_control: Math.min(...controls) };",
        )
        .await;
        app.shot(&format!("header-1024-{lang}")).await;
        let height = m["height"].as_f64().unwrap();
        println!("header at 1024 px, {lang}: {m}");
        assert_eq!(
            m["overflow"],
            json!(0),
            "{lang}: nothing sticks out of the header: {m}"
        );
        assert_eq!(
            m["outside"],
            json!(0),
            "{lang}: every item within the header: {m}"
        );
        assert!(
            m["tallest"].as_f64().unwrap() <= 50.0,
            "{lang}: no item wraps onto a second line: {m}"
        );
        assert!(
            m["smallest_control"].as_f64().unwrap() >= 44.0,
            "{lang}: every header control at least 44 px tall: {m}"
        );
        heights.push(height);
    }
    assert!(
        heights.iter().all(|h| (h - heights[0]).abs() < 0.5),
        "the same header height in uz, ru, en: {heights:?}"
    );
    assert!(heights[0] <= 60.0, "one row: {heights:?}");
    app.stop().await;
}

/// Waits until the app has marked `n` sounds; returns the last one's kind and output.
async fn wait_sound(app: &App, n: usize) -> (String, String) {
    app.wait_attr("body", "data-sound-count", |c| c == n.to_string())
        .await;
    let kind = app
        .wait_attr("body", "data-last-sound", |k| !k.is_empty())
        .await;
    let output = app
        .wait_attr("body", "data-sound-output", |k| !k.is_empty())
        .await;
    (kind, output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_sale_sounds_one_way_and_a_declined_one_another() {
    let app = App::start("sound").await;
    app.sale("25000", "uzcard-ok").await;
    let (kind, output) = wait_sound(&app, 1).await;
    assert_eq!(kind, "success");
    println!("success sound played through: {output}");
    app.next_sale().await;
    app.sale("26000", "uzcard-nofunds").await;
    let (kind, output) = wait_sound(&app, 2).await;
    assert_eq!(kind, "decline", "a decline sounds different");
    println!("decline sound played through: {output}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sound_when_it_is_switched_off() {
    let app = App::start_with("sound-off", |dir| {
        demo_config(dir, &[("ui.sound", "false")])
    })
    .await;
    app.sale("25000", "uzcard-ok").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let count = js(&app, "return document.body.dataset.soundCount ?? null").await;
    assert_eq!(count, Value::Null, "no sound with ui.sound = false");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keypad_types_and_starts_a_sale_in_every_language() {
    let app = App::start_with("keypad", |dir| demo_config(dir, &[("ui.keypad", "always")])).await;
    app.wait_css("[data-testid=keypad]").await;
    let sizes = js(
        &app,
        "return [...document.querySelectorAll('[data-testid=keypad] button')] \
           .map(b => Math.min(b.getBoundingClientRect().width, b.getBoundingClientRect().height))",
    )
    .await;
    assert!(
        sizes
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.as_f64().unwrap() >= 44.0),
        "every key at least 44 px: {sizes}"
    );
    for (i, lang) in LANGS.iter().enumerate() {
        set_lang(&app, lang).await;
        app.wait_focus("amount").await;
        for key in ["1", "5", "000", "back", "0"] {
            app.click(&format!("[data-testid=pad-{key}]")).await;
        }
        app.wait_text("[data-testid=amount-preview]", |t| t.starts_with("15 000 "))
            .await;
        assert_eq!(
            app.focused_testid().await.as_deref(),
            Some("amount"),
            "a key of the keypad leaves the focus in the amount field"
        );
        app.shot(&format!("sale-idle-keypad-{lang}")).await;
        app.click("[data-testid=pad-enter]").await;
        let url = app.qr_link().await;
        app.wait_qr(&format!("sale-qr-{lang}")).await;
        let label = app
            .wait_attr("[data-testid=qr]", "aria-label", |l| l.contains("15 000"))
            .await;
        assert!(label.contains("QR"), "{label}");
        let card = if i == 1 {
            "uzcard-nofunds"
        } else {
            "uzcard-ok"
        };
        pay(&url, card).await;
        app.wait_attr("[data-testid=sale-state]", "data-phase", |p| {
            p == "success" || p == "declined"
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.shot(&format!("sale-result-{lang}")).await;
        // A touch user taps "New sale".
        app.click("[data-testid=new-sale]").await;
        app.wait_focus("amount").await;
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sale_screen_and_the_customer_display_in_every_language() {
    let app = App::start("screens-languages").await;
    let main = app.client.window().await.unwrap();
    for lang in LANGS {
        set_lang(&app, lang).await;
        app.shot(&format!("sale-idle-{lang}")).await;
    }
    app.click("[data-testid=open-customer]").await;
    let deadline = std::time::Instant::now() + super::WAIT;
    let customer = loop {
        let all = app.client.windows().await.unwrap();
        if let Some(w) = all.into_iter().find(|w| *w != main) {
            break w;
        }
        assert!(std::time::Instant::now() < deadline, "no customer window");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let welcome = [
        ("uz", "Xush kelibsiz"),
        ("ru", "Добро пожаловать"),
        ("en", "Welcome"),
    ];
    for (lang, _) in welcome {
        app.client.switch_to_window(main.clone()).await.unwrap();
        set_lang(&app, lang).await;
        app.client.switch_to_window(customer.clone()).await.unwrap();
        app.wait_attr("html", "lang", |l| l == lang).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.shot(&format!("customer-welcome-{lang}")).await;
    }
    app.client.switch_to_window(main.clone()).await.unwrap();
    app.wait_focus("amount").await;
    app.keys(&format!("45000{}", char::from(Key::Enter))).await;
    let url = app.qr_link().await;
    for lang in LANGS {
        app.client.switch_to_window(main.clone()).await.unwrap();
        set_lang(&app, lang).await;
        app.client.switch_to_window(customer.clone()).await.unwrap();
        app.wait_attr("html", "lang", |l| l == lang).await;
        app.wait_qr(&format!("customer-qr-{lang}")).await;
    }
    pay(&url, "humo-ok").await;
    app.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == "success")
        .await;
    for lang in LANGS {
        app.client.switch_to_window(main.clone()).await.unwrap();
        set_lang(&app, lang).await;
        app.client.switch_to_window(customer.clone()).await.unwrap();
        app.wait_attr("html", "lang", |l| l == lang).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.shot(&format!("customer-paid-{lang}")).await;
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_display_opens_full_screen_when_set() {
    let app = App::start_with("customer-fullscreen", |dir| {
        demo_config(dir, &[("customer_display.fullscreen", "true")])
    })
    .await;
    let main = app.client.window().await.unwrap();
    let screen = js(&app, "return [screen.width, screen.height]").await;
    app.click("[data-testid=open-customer]").await;
    let deadline = std::time::Instant::now() + super::WAIT;
    let customer = loop {
        let all = app.client.windows().await.unwrap();
        if let Some(w) = all.into_iter().find(|w| *w != main) {
            break w;
        }
        assert!(std::time::Instant::now() < deadline, "no customer window");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    app.client.switch_to_window(customer).await.unwrap();
    app.wait_css("[data-testid=customer-display]").await;
    let deadline = std::time::Instant::now() + super::WAIT;
    loop {
        let size = js(&app, "return [window.innerWidth, window.innerHeight]").await;
        if size == screen {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the customer display is {size}, not the screen's {screen}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.shot("customer-fullscreen").await;
    app.client.switch_to_window(main).await.unwrap();
    assert_eq!(app.focused_testid().await.as_deref(), Some("amount"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_turns_the_keypad_on_and_off_in_settings() {
    let app = App::start("display-settings").await;
    app.click("[data-testid=sign-out]").await;
    app.wait_css("[data-testid=signin]").await;
    app.select("[data-testid=signin-user]", "Menejer").await;
    app.type_into("[data-testid=signin-pin]", "222222").await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=who]", |t| t.starts_with("Menejer"))
        .await;
    assert_eq!(
        app.count("[data-testid=keypad]").await,
        0,
        "no keypad on a desktop by default (auto)"
    );
    app.click("[data-testid=tab-settings]").await;
    for lang in LANGS {
        set_lang(&app, lang).await;
        app.scroll_to("[data-testid=display-settings]").await;
        app.shot(&format!("settings-display-{lang}")).await;
    }
    for (mode, shown) in [("always", 1), ("never", 0)] {
        app.click("[data-testid=tab-settings]").await;
        app.select("[data-testid='setting-ui.keypad']", mode).await;
        app.wait_attr("[data-testid='setting-ui.keypad']", "value", |v| v == mode)
            .await;
        app.wait_css("[data-testid=display-msg]").await;
        app.click("[data-testid=tab-sale]").await;
        app.wait_focus("amount").await;
        app.wait_count("[data-testid=keypad]", shown).await;
    }
    app.stop().await;
}
