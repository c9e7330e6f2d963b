//! End-to-end tests of the real desktop app: the release-shaped debug binary in a real WebKit
//! window under Xvfb, driven through tauri-driver and WebKitWebDriver, in demo mode against the
//! sandbox running inside the app. Each test saves a screenshot to artifacts/e2e/.
//!
//! Needs DISPLAY, a D-Bus session with an unlocked keyring (scripts/with-session.sh), the
//! built app (`cargo build --workspace --bins`) and `tauri-driver` (scripts/setup.sh installs
//! it). Anything missing fails the test with the fix; nothing skips.

mod backup;
mod callbacks;
mod connect;
mod crash;
mod customer;
mod dialog;
mod down;
mod driver;
mod flows;
mod history;
mod keyboard;
mod link_missing;
mod nokeyring;
mod payment_page;
mod phone;
mod print;
mod reconcile;
mod reconnect;
mod report;
mod returns;
mod sale;
mod scale;
mod shift;
mod signin;
mod slow;
mod startup;
mod tills;
mod touch;
mod users;

pub use phone::{decode_qr, open_link, origin, pay};
pub use tills::{cashier, demo_config, demo_gateway, real_till};

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::support::{bin, workspace_root};
use driver::{free_port, tauri_driver, terminate, Driver, Watchdog};

/// The longest any single UI condition may take (a sale's result arrives in about a second).
pub const WAIT: Duration = Duration::from_secs(30);

/// Changes one pixel in the window's corner a few times over the next second (see
/// [`App::shot`]).
const REPAINT: &str = "let d = document.getElementById('e2e-repaint'); \
    if (!d) { d = document.createElement('div'); d.id = 'e2e-repaint'; \
      d.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647'; \
      document.body.appendChild(d); } \
    let n = 0; \
    const flip = () => { d.style.background = (n++ % 2) ? 'rgb(250, 250, 250)' : 'rgb(251, 251, 251)'; \
      if (n < 20) setTimeout(flip, 50); }; \
    setTimeout(flip, 50);";

/// One app window at a time: the tests share a 2-core machine with the rest of the suite, and
/// several WebKit instances at once would make timings (not results) unpredictable.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One app under WebDriver, with its own data folder and export folder.
pub struct App {
    _turn: tokio::sync::MutexGuard<'static, ()>,
    pub client: Client,
    driver: Driver,
    _watchdog: Watchdog,
    pub data: tempfile::TempDir,
    pub exports: tempfile::TempDir,
    name: &'static str,
}

impl App {
    /// Starts the app in demo mode (fresh data folder) and waits for the sale screen.
    pub async fn start(name: &'static str) -> App {
        App::start_with(name, |_| {}).await
    }

    /// Like [`App::start`], with `prepare` run on the fresh data folder before the app starts.
    pub async fn start_with(name: &'static str, prepare: impl FnOnce(&std::path::Path)) -> App {
        App::start_until(name, prepare, "[data-testid=amount]").await
    }

    /// Starts the app on a data folder `prepare` set up, and waits for `ready_css`.
    pub async fn start_until(
        name: &'static str,
        prepare: impl FnOnce(&std::path::Path),
        ready_css: &str,
    ) -> App {
        App::launch(name, prepare, ready_css, true, None, &[]).await
    }

    /// The app killed with SIGKILL (no clean-up, like a power cut); returns its data folder.
    pub async fn crash(mut self) -> tempfile::TempDir {
        let app = bin("cashier-app");
        let _ = Command::new("pkill")
            .args(["-KILL", "-f", &app.to_string_lossy()])
            .status();
        let _ = self.client.clone().close().await;
        terminate(&mut self.driver.0);
        let App { data, .. } = self;
        data
    }

    /// Ends the app as [`App::stop`] does (its session closed, tauri-driver stopped) and keeps
    /// its data folder, to start it again with [`App::restart`].
    pub async fn stop_keeping_data(mut self) -> tempfile::TempDir {
        let _ = self.client.clone().close().await;
        terminate(&mut self.driver.0);
        // The engine's file lock goes with the process: give it a moment to exit.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let App { data, .. } = self;
        data
    }

    /// The app started again on the data folder of one that [`App::crash`]ed.
    pub async fn restart(name: &'static str, data: tempfile::TempDir, ready_css: &str) -> App {
        App::launch(name, |_| {}, ready_css, true, Some(data), &[]).await
    }

    /// Starts the app in demo mode with the native save dialog (no `CASHIER_EXPORT_DIR`).
    pub async fn start_with_dialogs(name: &'static str) -> App {
        App::launch(name, |_| {}, "[data-testid=amount]", false, None, &[]).await
    }

    /// Like [`App::start_until`], with more environment for the app (e.g. no D-Bus session).
    pub async fn start_in_env(
        name: &'static str,
        prepare: impl FnOnce(&std::path::Path),
        ready_css: &str,
        env: &[(&str, &str)],
    ) -> App {
        App::launch(name, prepare, ready_css, true, None, env).await
    }

    async fn launch(
        name: &'static str,
        prepare: impl FnOnce(&std::path::Path),
        ready_css: &str,
        export_dir: bool,
        data: Option<tempfile::TempDir>,
        env: &[(&str, &str)],
    ) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the E2E tests through scripts/with-session.sh (Xvfb, D-Bus, keyring)"
        );
        let app = bin("cashier-app");
        let driver_bin = tauri_driver();
        assert!(
            std::path::Path::new("/usr/bin/WebKitWebDriver").exists(),
            "WebKitWebDriver missing: apt-get install webkit2gtk-driver (scripts/setup.sh does)"
        );
        let turn = ONE_AT_A_TIME.lock().await;
        let data = data.unwrap_or_else(|| tempfile::tempdir().unwrap());
        prepare(data.path());
        let exports = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app.to_string_lossy() }),
        );
        // A port picked free can be taken by another test before the driver binds it (the
        // till tests open listeners all the time): a driver that never answers is replaced by
        // one on new ports.
        let mut tries = 0;
        let (driver, watchdog, client) = loop {
            let (port, native) = (free_port(), free_port());
            let mut command = Command::new(&driver_bin);
            command
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native.to_string(),
                ])
                .env("CASHIER_DATA_DIR", data.path())
                .env("CASHIER_DEMO_LOOPBACK", "1")
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if export_dir {
                command.env("CASHIER_EXPORT_DIR", exports.path());
            } else {
                command.env_remove("CASHIER_EXPORT_DIR");
            }
            let driver = Driver(command.spawn().expect("tauri-driver starts"));
            let watchdog = Watchdog::start(name, driver.0.id());
            let deadline = Instant::now() + WAIT;
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "tauri-driver did not listen");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            match session(port, &caps).await {
                Ok(c) => break (driver, watchdog, c),
                Err(e) if tries < 2 => {
                    eprintln!("no WebDriver session on ports {port}/{native} ({e}); a new driver");
                    tries += 1;
                    drop(driver);
                }
                Err(e) => panic!("no WebDriver session with the app: {e}"),
            }
        };
        let app = App {
            _turn: turn,
            client,
            driver,
            _watchdog: watchdog,
            data,
            exports,
            name,
        };
        app.wait_css(ready_css).await;
        app
    }

    /// The first element matching `css`, waiting for it (bounded).
    pub async fn wait_css(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .every(Duration::from_millis(100))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                self.shot(&format!("{}-FAILED", self.name)).await;
                panic!(
                    "no element {css} within {WAIT:?}: {e}; page text: {}",
                    self.text("body").await
                )
            }
        }
    }

    /// Waits until `f(text of css)` holds; returns the text.
    pub async fn wait_text(&self, css: &str, f: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = e.text().await {
                    if f(&t) {
                        return t;
                    }
                    last = t;
                }
            }
            if Instant::now() > deadline {
                self.shot(&format!("{}-FAILED", self.name)).await;
                panic!(
                    "{css}: condition not met within {WAIT:?}; last text {last:?}; page: {}",
                    self.text("body").await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until an attribute of `css` satisfies `f`; returns it.
    pub async fn wait_attr(&self, css: &str, attr: &str, f: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = None;
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                if let Ok(Some(v)) = e.attr(attr).await {
                    if f(&v) {
                        return v;
                    }
                    last = Some(v);
                }
            }
            if Instant::now() > deadline {
                self.shot(&format!("{}-FAILED", self.name)).await;
                panic!(
                    "{css}[{attr}]: condition not met within {WAIT:?}; last {last:?}; page: {}",
                    self.text("body").await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    pub async fn click(&self, css: &str) {
        self.wait_css(css).await.click().await.expect("click");
    }

    /// Types into whatever has focus (keys go to the active element, like a keyboard).
    pub async fn keys(&self, text: &str) {
        let active = self
            .client
            .active_element()
            .await
            .expect("an active element");
        active.send_keys(text).await.expect("typing");
    }

    /// Replaces the text of an input: emptied with an `input` event (as a person's delete
    /// would fire), then typed key by key.
    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.wait_css(css).await;
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = ''; \
                 e.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(css)],
            )
            .await
            .expect("clearing an input");
        if !text.is_empty() {
            e.send_keys(text).await.expect("typing");
        }
    }

    /// Scrolls the element matching `css` to the top of the window, just below the header
    /// (for a screenshot of it).
    pub async fn scroll_to(&self, css: &str) {
        self.wait_css(css).await;
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: 'start' }); \
                 e.closest('main')?.scrollBy(0, -12);",
                vec![json!(css)],
            )
            .await
            .expect("scrolling");
    }

    /// The id of the focused element.
    pub async fn focused_testid(&self) -> Option<String> {
        let e = self.client.active_element().await.ok()?;
        e.attr("data-testid").await.ok().flatten()
    }

    /// Waits until exactly `n` elements match `css`.
    pub async fn wait_count(&self, css: &str, n: usize) {
        let deadline = Instant::now() + WAIT;
        loop {
            let have = self.count(css).await;
            if have == n {
                return;
            }
            if Instant::now() > deadline {
                self.shot(&format!("{}-FAILED", self.name)).await;
                panic!("{have} elements match {css}, not {n}, after {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Picks the option `value` of a select, waiting for the option (lists load after the
    /// select appears).
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_css(&format!("{css} option[value=\"{value}\"]"))
            .await;
        self.wait_css(css)
            .await
            .select_by_value(value)
            .await
            .expect("select an option");
    }

    /// A sale typed on the keyboard, its QR's link opened like a phone would and paid (or
    /// declined) on the bot page with `card`; returns the link. Leaves the result on screen.
    pub async fn sale(&self, som: &str, card: &str) -> String {
        self.wait_focus("amount").await;
        self.keys(&format!("{som}{}", char::from(fantoccini::key::Key::Enter)))
            .await;
        let url = self.qr_link().await;
        pay(&url, card).await;
        let want = if card == "uzcard-nofunds" {
            "declined"
        } else {
            "success"
        };
        self.wait_attr("[data-testid=sale-state]", "data-phase", |p| p == want)
            .await;
        url
    }

    /// The link of the QR code on screen, once there is one.
    pub async fn qr_link(&self) -> String {
        self.wait_attr("[data-testid=qr]", "data-url", |u| u.starts_with("http"))
            .await
    }

    /// Back to a new sale (Enter on a result).
    pub async fn next_sale(&self) {
        self.keys(&char::from(fantoccini::key::Key::Enter).to_string())
            .await;
        self.wait_focus("amount").await;
    }

    /// Waits until the element with `testid` has the keyboard focus.
    pub async fn wait_focus(&self, testid: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let now = self.focused_testid().await;
            if now.as_deref() == Some(testid) {
                return;
            }
            if Instant::now() > deadline {
                self.shot(&format!("{}-FAILED", self.name)).await;
                panic!("focus is on {now:?}, not {testid}, after {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Screenshots the window until a QR code can be read from it (the page paints a moment
    /// after the DOM changes); returns its text. The last screenshot stays as `<name>.png`.
    pub async fn wait_qr(&self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let shot = self.shot(name).await;
            if let Some(text) = decode_qr(&shot) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "no readable QR code on screen within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Saves a screenshot to artifacts/e2e/<name>.png and returns its path.
    ///
    /// WebKitWebDriver takes a screenshot after the page's next paint, and with compositing
    /// off (the app's default, `software_rendering` in src-tauri/src/main.rs) a page that
    /// has nothing to repaint never paints: the command then never answers. So one pixel in
    /// a corner changes first, and the screenshot is bounded.
    pub async fn shot(&self, name: &str) -> PathBuf {
        let dir = workspace_root().join("artifacts/e2e");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        self.client
            .execute(REPAINT, vec![])
            .await
            .expect("a pixel repainted before the screenshot");
        match tokio::time::timeout(WAIT, self.client.screenshot()).await {
            Ok(Ok(png)) => std::fs::write(&path, png).unwrap(),
            Ok(Err(e)) => eprintln!("{name}: no screenshot: {e}"),
            Err(_) => panic!("{name}: WebKitWebDriver took no screenshot within {WAIT:?}"),
        }
        path
    }

    /// Ends the session (which ends the app) and stops tauri-driver with SIGTERM, so it stops
    /// its WebKitWebDriver too.
    pub async fn stop(mut self) {
        let _ = self.client.clone().close().await;
        terminate(&mut self.driver.0);
    }
}

/// A WebDriver session through tauri-driver on `port`. tauri-driver listens before its
/// WebKitWebDriver does: on a busy machine the first session request can fail; the app is only
/// started by a session that succeeds.
async fn session(
    port: u16,
    caps: &serde_json::Map<String, serde_json::Value>,
) -> Result<Client, fantoccini::error::NewSessionError> {
    let mut attempt = 0;
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Ok(c),
            Err(e) if attempt < 3 => {
                eprintln!("WebDriver session attempt {attempt} failed: {e}; retrying");
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => return Err(e),
        }
    }
}
