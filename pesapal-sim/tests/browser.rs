//! The checkout in a real browser: headless Chromium driven through chromedriver (WebDriver,
//! with `fantoccini`). Shop → Buy → the simulator's payment page → M-Pesa (the prefilled phone,
//! the prompt, the simulated phone approves) → the shop shows "paid"; a declined test card, then
//! a good card on one order; an unanswered prompt; then the inspector at `/_sim/` (its actions
//! and its clock). A screenshot of each page goes to
//! `target/browser-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the
//! test fails and says how to install them; set `PESAPAL_SKIP_BROWSER_TEST=1` to skip it
//! deliberately on a machine without a browser.

#[path = "sim/common/mod.rs"]
mod common;

#[path = "../examples/checkout/shop.rs"]
#[allow(dead_code, reason = "the example uses more of the shop than this test")]
mod shop;

use fantoccini::{Client, ClientBuilder, Locator};
use pesapal_api::{Credentials, Pesapal};
use pesapal_sim::Simulator;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Bounds on a hung browser, never a measured time.
const WAIT: Duration = Duration::from_secs(30);

/// Kills chromedriver (and so the browser) when the test ends, passed or not.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn program(env: &str, default: &str) -> PathBuf {
    std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

async fn start_driver() -> (Driver, String) {
    let chromedriver = program("CHROMEDRIVER", CHROMEDRIVER);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", chromedriver.display()));
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    let ready = tokio::time::timeout(WAIT, async {
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(ready.is_ok(), "chromedriver did not start listening on {url}");
    (driver, url)
}

async fn browser(webdriver: &str, profile: &Path) -> Client {
    let chromium = program("CHROMIUM", CHROMIUM);
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1024,800",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": chromium, "args": args},
    });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector).capabilities(capabilities).connect(webdriver).await.expect("a WebDriver session")
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"), PathBuf::from);
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// The text of the element `css`, once the page shows it. A page that is being replaced (after a
/// click) can hand out an element that goes stale before it is read: look again.
async fn text_of(client: &Client, css: &str) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let element = client.wait().at_most(WAIT).for_element(Locator::Css(css)).await.unwrap();
        match element.text().await {
            Ok(text) => return text,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                    && std::time::Instant::now() < deadline => {}
            Err(e) => panic!("text of {css}: {e}"),
        }
    }
}

async fn click(client: &Client, css: &str) {
    client.wait().at_most(WAIT).for_element(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

async fn value_of(client: &Client, css: &str) -> String {
    let element = client.wait().at_most(WAIT).for_element(Locator::Css(css)).await.unwrap();
    element.prop("value").await.unwrap().unwrap_or_default()
}

async fn fill(client: &Client, css: &str, value: &str) {
    let element = client.wait().at_most(WAIT).for_element(Locator::Css(css)).await.unwrap();
    element.clear().await.unwrap();
    element.send_keys(value).await.unwrap();
}

/// Waits until the element `css` shows `wanted` (a page reloaded by a control call).
async fn shows(client: &Client, css: &str, wanted: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let seen = text_of(client, css).await;
        if seen.contains(wanted) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{css} shows {seen:?}, not {wanted:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn flows(client: &Client, shop_url: &str, sim: &Simulator) {
    // Shop → Buy → payment page → M-Pesa: the phone number, prefilled from the billing address
    // → the prompt → the simulated phone approves → paid.
    client.goto(shop_url).await.unwrap();
    assert_eq!(text_of(client, "#product").await, shop::PRODUCT);
    screenshot(client, "01-shop").await;
    click(client, "#buy").await;
    // An element only the payment page has first: the shop's own `h1` may still be showing.
    assert_eq!(text_of(client, "#merchant-reference").await, "SHOP-1001");
    assert!(text_of(client, "h1").await.contains("Pesapal"));
    assert_eq!(text_of(client, "#amount").await, "KES 1500.00");
    assert_eq!(text_of(client, "#description").await, shop::PRODUCT);
    screenshot(client, "02-payment-page").await;
    click(client, "#pay-mpesa").await;
    assert_eq!(value_of(client, "#phone").await, "0723000000", "prefilled from the billing address");
    screenshot(client, "03-mpesa-phone").await;
    click(client, "#send-prompt").await;
    assert!(text_of(client, "#waiting").await.contains("0723000000"));
    screenshot(client, "04-mpesa-waiting-for-the-phone").await;
    click(client, "#phone-approve").await;
    assert_eq!(text_of(client, "#status").await, "paid");
    assert!(!text_of(client, "#confirmation-code").await.is_empty());
    screenshot(client, "05-paid-by-mpesa").await;

    // Card: a declined test card fails; paying again with a good card succeeds.
    client.goto(shop_url).await.unwrap();
    click(client, "#buy").await;
    assert_eq!(text_of(client, "#merchant-reference").await, "SHOP-1002");
    click(client, "#pay-card").await;
    fill(client, "#card-number", pesapal_sim::test_values::CARD_DECLINES).await;
    screenshot(client, "06-card-details").await;
    click(client, "#card-pay").await;
    assert_eq!(text_of(client, "#status").await, "payment failed");
    screenshot(client, "07-card-declined").await;
    click(client, "#pay").await;
    assert!(text_of(client, "#state").await.contains("failed"));
    click(client, "#pay-card").await;
    assert_eq!(value_of(client, "#card-number").await, pesapal_sim::test_values::CARD_SUCCEEDS);
    click(client, "#card-pay").await;
    assert_eq!(text_of(client, "#status").await, "paid");
    assert_eq!(text_of(client, "#reference").await, "SHOP-1002");
    screenshot(client, "08-paid-by-card-after-decline").await;

    // An M-Pesa prompt nobody answers leaves the order pending.
    client.goto(shop_url).await.unwrap();
    click(client, "#buy").await;
    assert_eq!(text_of(client, "#merchant-reference").await, "SHOP-1003");
    click(client, "#pay-mpesa").await;
    click(client, "#send-prompt").await;
    click(client, "#phone-no-answer").await;
    assert_eq!(text_of(client, "#status").await, "awaiting payment", "no answer: still pending");

    // Each state change was notified, and the shop acknowledged: 1 + 2 deliveries.
    let deliveries = sim.wait_for_deliveries(3, WAIT, |d| d.acknowledged).await.expect("IPNs acknowledged");
    assert_eq!(deliveries.len(), 3);

    inspector(client, sim).await;
}

/// The inspector at `/_sim/`: orders with their allowed actions, deliveries with attempts,
/// the clock's advance control.
async fn inspector(client: &Client, sim: &Simulator) {
    let orders = sim.orders();
    let paid = orders.iter().find(|o| o.merchant_reference == "SHOP-1001").unwrap().order_tracking_id;
    let pending = orders.iter().find(|o| o.merchant_reference == "SHOP-1003").unwrap().order_tracking_id;
    client.goto(&format!("{}/_sim/", sim.base_url())).await.unwrap();
    assert!(text_of(client, "h1").await.contains("inspector"));
    let row = |id: uuid::Uuid, part: &str| format!("#order-{id} {part}");
    assert_eq!(text_of(client, &row(paid, ".state")).await, "completed");
    assert_eq!(text_of(client, &row(paid, ".actions")).await, "reverse");
    assert_eq!(text_of(client, &row(pending, ".state")).await, "pending");
    assert_eq!(text_of(client, &row(pending, ".actions")).await, "pay fail");
    assert!(text_of(client, &row(pending, ".payment")).await.contains("1037"), "the timed-out prompt's code");
    assert!(text_of(client, "#delivery-1 .outcome").await.contains("acknowledged"));
    assert!(text_of(client, "#delivery-1 .attempt").await.contains("HTTP 200"), "the merchant's answer");
    assert!(text_of(client, "#tokens").await.contains("issued"));
    assert!(text_of(client, "#faults").await.contains("latency_ms"));
    screenshot(client, "09-inspector").await;

    click(client, &row(paid, ".action-reverse")).await;
    shows(client, &row(paid, ".state"), "reversed").await;
    click(client, &row(pending, ".action-pay")).await;
    shows(client, &row(pending, ".state"), "completed").await;
    let before = sim.now();
    fill(client, "#advance-seconds", "3600").await;
    click(client, "#advance").await;
    shows(client, "#clock-offset", "3600").await;
    assert!(sim.now() - before >= chrono::Duration::seconds(3600));
    screenshot(client, "10-inspector-after-actions").await;
}

#[tokio::test]
async fn checkout_in_headless_chromium() {
    if std::env::var_os("PESAPAL_SKIP_BROWSER_TEST").is_some() {
        eprintln!("PESAPAL_SKIP_BROWSER_TEST is set: browser test skipped");
        return;
    }
    for (env, default) in [("CHROMIUM", CHROMIUM), ("CHROMEDRIVER", CHROMEDRIVER)] {
        let path = program(env, default);
        assert!(
            path.exists(),
            "{} not found: install Debian's browser with `apt-get install -y chromium chromium-driver` \
             (or set {env}; PESAPAL_SKIP_BROWSER_TEST=1 skips this test)",
            path.display()
        );
    }
    let (sim, _spec_check) = common::checked_simulator().await;
    let pesapal = Pesapal::builder()
        .credentials(Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let shop = shop::start(pesapal, 0, None).await.unwrap();
    let (_driver, webdriver) = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&webdriver, profile.path()).await;
    // Run the flows in a task so that the session is closed even when an assertion fails.
    let result = {
        let (client, url) = (client.clone(), format!("{}/", shop.url));
        let sim = std::sync::Arc::new(sim);
        tokio::spawn(async move { flows(&client, &url, &sim).await }).await
    };
    let _ = client.close().await;
    if let Err(failure) = result {
        std::panic::resume_unwind(failure.into_panic());
    }
}
