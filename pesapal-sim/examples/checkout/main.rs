//! The whole Pesapal checkout in one command, offline:
//!
//! ```text
//! cargo run --example checkout            # walks the flow by itself, prints each step, exits 0
//! cargo run --example checkout -- --serve # keeps the shop up: open the printed URL and click
//! ```
//!
//! A small axum shop (product page, Buy button, callback page, IPN endpoint built with
//! `pesapal_api::axum::ipn_router`) uses `pesapal-api` against an embedded `pesapal-sim`.
//!
//! Against Pesapal's real sandbox instead (not run in CI): the shop must be reachable from the
//! internet for IPNs and callbacks, e.g. through a tunnel to `--port`:
//!
//! ```text
//! PESAPAL_ENVIRONMENT=sandbox PESAPAL_CONSUMER_KEY=… PESAPAL_CONSUMER_SECRET=… \
//! SHOP_PUBLIC_URL=https://your-tunnel.example.com cargo run --example checkout -- --serve --port 3000
//! ```

#[path = "shop.rs"]
mod shop;

use anyhow::{Context, bail, ensure};
use pesapal_api::{Credentials, Pesapal, RefundRequest, RetryPolicy};
use pesapal_sim::Simulator;
use std::time::Duration;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("checkout failed: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

struct Options {
    serve: bool,
    port: u16,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options { serve: false, port: 0 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--serve" => options.serve = true,
            "--port" => options.port = args.next().context("--port needs a number")?.parse().context("--port")?,
            "-h" | "--help" => {
                println!("usage: cargo run --example checkout [-- --serve [--port P]]");
                std::process::exit(0);
            }
            other => bail!("unknown option {other:?} (try --help)"),
        }
    }
    Ok(options)
}

async fn run() -> anyhow::Result<()> {
    let options = options()?;
    if std::env::var("PESAPAL_ENVIRONMENT").is_ok_and(|e| !e.trim().is_empty()) {
        return sandbox(options).await;
    }
    let sim = Simulator::start().await.context("starting the simulator")?;
    println!("Pesapal simulator at {}", sim.base_url());
    let pesapal = Pesapal::builder()
        .credentials(Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(sim.base_url())
        .retry_policy(
            RetryPolicy::default()
                .with_max_retries(2)
                .with_base_delay(Duration::from_millis(10))
                .with_max_delay(Duration::from_millis(100)),
        )
        .build()?;

    let ipns = pesapal.list_ipns().await.context("the first authenticated call")?;
    println!(
        "1. token: RequestToken accepted ({} issued); GetIpnList lists {} IPN URLs",
        sim.tokens_issued(),
        ipns.len()
    );

    let port = if options.serve && options.port == 0 { 3000 } else { options.port };
    let shop = shop::start(pesapal.clone(), port, None).await.context("starting the shop")?;
    println!("2. IPN registered: {}/pesapal/ipn has ipn_id {}", shop.url, shop.notification_id);

    if options.serve {
        println!("\nThe shop is at {}/ — open it in a browser, press Buy, then pay. Ctrl-C to stop.", shop.url);
        println!("(Simulator control API: {}/_sim)", sim.base_url());
        tokio::signal::ctrl_c().await?;
        return Ok(());
    }
    walk(&sim, &pesapal, &shop).await
}

/// Plays the customer over HTTP, as a browser would, and prints each step.
async fn walk(sim: &Simulator, pesapal: &Pesapal, shop: &shop::RunningShop) -> anyhow::Result<()> {
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let product = browser.get(format!("{}/", shop.url)).send().await?.text().await?;
    ensure!(product.contains("Buy"), "the product page has no Buy button");
    let bought = browser.post(format!("{}/buy", shop.url)).send().await?;
    ensure!(bought.status().is_redirection(), "Buy answered {}", bought.status());
    let redirect_url = location(&bought)?;
    let order = shop.state.order("SHOP-1001").context("the shop recorded no order")?;
    println!(
        "3. order submitted: {} (tracking id {}), customer sent to {redirect_url}",
        order.reference, order.tracking_id
    );

    let payment_page = browser.get(&redirect_url).send().await?.text().await?;
    ensure!(payment_page.contains("Pay with M-Pesa"), "the payment page offers no M-Pesa");
    // M-Pesa: the page asks for the phone (prefilled from the billing address), sends the
    // prompt, and the simulated phone approves.
    let id = order.tracking_id.to_string();
    let step = |action: &'static str| {
        [(pesapal_gen::notification_parameters::ORDER_TRACKING_ID, id.clone()), ("action", action.to_owned())]
    };
    let phone_step = browser.post(&redirect_url).form(&step("mpesa")).send().await?.text().await?;
    ensure!(phone_step.contains(r#"id="phone""#), "M-Pesa asks for no phone number");
    let phone = ("phone", "0723000000".to_owned());
    let prompt = [step("mpesa-prompt").as_slice(), std::slice::from_ref(&phone)].concat();
    let waiting = browser.post(&redirect_url).form(&prompt).send().await?.text().await?;
    ensure!(waiting.contains("Waiting for the phone"), "the page does not wait for the phone");
    let approve = [step("phone-approve").as_slice(), &[phone]].concat();
    let paid = browser.post(&redirect_url).form(&approve).send().await?;
    ensure!(paid.status().is_redirection(), "paying answered {}", paid.status());
    let callback = location(&paid)?;
    println!(
        "4. customer paid with M-Pesa on the hosted page (prompt approved on the phone); browser sent back to {callback}"
    );
    let back = browser.get(&callback).send().await?;
    let order_url = format!("{}{}", shop.url, location(&back)?);

    let deliveries = sim
        .wait_for_deliveries(1, Duration::from_secs(30), |d| d.order_tracking_id == order.tracking_id)
        .await
        .context("waiting for the IPN")?;
    let delivery = &deliveries[0];
    ensure!(delivery.acknowledged, "the shop did not acknowledge the IPN: {delivery:?}");
    let order = shop.state.order(&order.reference).context("order vanished")?;
    ensure!(order.ipns_verified >= 1, "the IPN handler saw no verified payment");
    let status = order.status.clone().context("no status")?;
    println!(
        "5. IPN {} arrived ({} attempt(s)), verified via GetTransactionStatus: {:?}, {} {}",
        delivery.notification_type,
        delivery.attempts.len(),
        status.payment_status,
        status.currency.as_deref().unwrap_or_default(),
        status.amount.map(|a| format!("{a:.2}")).unwrap_or_default()
    );

    let page = browser.get(&order_url).send().await?.text().await?;
    let code = status.confirmation_code.clone().filter(|c| !c.is_empty()).context("no confirmation code")?;
    ensure!(
        page.contains(r#"<strong id="status">paid</strong>"#) && page.contains(&code),
        "the order page does not show it paid"
    );
    println!("6. order page {order_url} shows: paid, confirmation code {code}");

    let refund = RefundRequest::builder()
        .confirmation_code(&code)
        .amount(shop::PRICE)
        .username("shop-admin")
        .remarks("customer changed their mind")
        .build()?;
    let accepted = pesapal.refund(&refund).await.context("RefundRequest")?;
    println!("7. refund requested: {}", accepted.message.as_deref().unwrap_or("accepted"));
    println!("\nCheckout complete: the payment was verified and refunded.");
    Ok(())
}

fn location(response: &reqwest::Response) -> anyhow::Result<String> {
    Ok(response.headers().get("location").context("no Location header")?.to_str()?.to_owned())
}

/// The same shop against Pesapal's real sandbox (or live): serve only.
async fn sandbox(options: Options) -> anyhow::Result<()> {
    let public_url = std::env::var("SHOP_PUBLIC_URL")
        .context("SHOP_PUBLIC_URL (the shop's public https URL, for IPNs and callbacks) is required")?;
    let pesapal = Pesapal::from_env()?;
    let port = if options.port == 0 { 3000 } else { options.port };
    let shop = shop::start(pesapal, port, Some(public_url.clone())).await?;
    println!("IPN registered with Pesapal: ipn_id {}", shop.notification_id);
    println!("The shop listens on {} and is reachable at {public_url}/ — Ctrl-C to stop.", shop.url);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
