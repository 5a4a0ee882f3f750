//! The inspector at `/_sim/`: what the simulator holds, for a browser — orders with their state
//! and the actions allowed in it, IPN deliveries with every attempt and the merchant's answer,
//! refunds, tokens, faults and IPN controls in force, and the clock with an "advance" control.
//! Its buttons call the JSON control API (which stays the interface for programs) and reload.

use crate::engine::Engine;
use crate::http::base_url::BaseUrl;
use crate::model::machine::Transition;
use crate::model::order::{Order, OrderKind};
use axum::extract::State;
use axum::response::Html;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use std::fmt::Write;
use std::sync::Arc;

/// Where the inspector lives.
pub(crate) const PATH: &str = "/_sim/";

pub(crate) async fn page(State(engine): State<Arc<Engine>>, BaseUrl(base): BaseUrl) -> Html<String> {
    Html(render(&engine, &base))
}

/// The actions an order's state allows, as the control API names them.
fn actions(order: &Order) -> Vec<&'static str> {
    let allowed = |t: Transition| t.allowed(order.status, order.cancelled);
    let mut actions = Vec::new();
    if allowed(Transition::Pay) {
        actions.push("pay");
        if matches!(order.kind, OrderKind::Stk { .. }) {
            actions.push("approve");
        }
    }
    if allowed(Transition::Fail) {
        actions.push("fail");
    }
    if allowed(Transition::Reverse) {
        actions.push("reverse");
    }
    actions
}

fn kind(order: &Order) -> String {
    match &order.kind {
        OrderKind::OneOff => "one-off".into(),
        OrderKind::Stk { msisdn } => format!("STK {msisdn}"),
        OrderKind::Recurring { account_number, .. } => format!("recurring {account_number}"),
        OrderKind::Charge { account_number, .. } => format!("charge {account_number}"),
    }
}

fn json(value: &impl serde::Serialize) -> String {
    text(&serde_json::to_string_pretty(value).unwrap_or_default()).into_owned()
}

fn render(engine: &Engine, base: &str) -> String {
    let (orders, refunds, ipns, issued, revoked) = {
        let state = engine.state();
        (
            state.orders().to_vec(),
            state.refunds().to_vec(),
            state.ipns().to_vec(),
            state.tokens().issued(),
            state.tokens().revoked(),
        )
    };
    let deliveries = engine.deliveries();
    let (faults, stats) = engine.faults();
    let (controls, order_controls) = engine.ipn_controls();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pesapal-sim inspector</title>
<style>body{{font-family:sans-serif;margin:1.5rem}}table{{border-collapse:collapse;margin-bottom:1rem}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}}pre{{margin:0;font-size:.8rem}}.ack{{color:#070}}.nack{{color:#b00}}</style>
<script>
async function control(path, body) {{
  const response = await fetch("/_sim" + path, {{method: "POST", headers: {{"content-type": "application/json"}}, body: body === undefined ? "" : JSON.stringify(body)}});
  if (!response.ok) {{ alert(await response.text()); }}
  location.reload();
}}
</script>
</head><body>
<h1>pesapal-sim inspector</h1>
<p>Base URL <code id="base-url">{base}</code>. The same data as JSON: <a href="/_sim/orders">orders</a>, <a href="/_sim/ipn/deliveries">deliveries</a>, <a href="/_sim/refunds">refunds</a>, <a href="/_sim/faults">faults</a>.</p>
<h2>Clock</h2>
<p>Now <span id="clock-now">{now}</span> (offset <span id="clock-offset">{offset}</span> s).
<input id="advance-seconds" type="number" value="86400" min="0"> seconds
<button id="advance" onclick="control('/clock/advance', {{seconds: Number(document.getElementById('advance-seconds').value)}})">Advance</button></p>
"#,
        base = text(base),
        now = engine.now().to_rfc3339(),
        offset = engine.clock_offset().num_seconds(),
    );
    let _ = write!(
        out,
        "<h2>Orders ({})</h2>\n<table id=\"orders\"><tr><th>Tracking id</th><th>Reference</th><th>Amount</th><th>Kind</th><th>State</th><th>Payment</th><th>Refunded</th><th>Actions</th></tr>\n",
        orders.len()
    );
    for order in &orders {
        let id = order.order_tracking_id.to_string();
        let state = if order.cancelled { format!("{} (cancelled)", order.status) } else { order.status.to_string() };
        let payment = order.payment.as_ref().map_or_else(String::new, |p| {
            format!(
                "{:?} {} {} {}{}",
                p.method,
                text(&p.account),
                text(&p.confirmation_code),
                text(&p.description),
                if p.status_code.is_empty() { String::new() } else { format!(" (code {})", text(&p.status_code)) }
            )
        });
        let buttons: String = actions(order)
            .into_iter()
            .map(|action| {
                format!(
                    r#"<button class="action-{action}" onclick="control('/orders/{id}/{action}')">{action}</button> "#,
                    id = attr(&id)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            r#"<tr id="order-{rowid}" data-reference="{reference_attr}"><td><code>{id}</code></td><td class="reference">{reference}</td><td>{currency} {amount}</td><td>{kind}</td><td class="state">{state}</td><td class="payment">{payment}</td><td>{refunded}</td><td class="actions">{buttons}</td></tr>"#,
            rowid = attr(&id),
            reference_attr = attr(&order.merchant_reference),
            id = text(&id),
            reference = text(&order.merchant_reference),
            currency = text(&order.currency),
            amount = order.amount,
            kind = text(&kind(order)),
            state = text(&state),
            refunded = order.refunded,
        );
    }
    out.push_str("</table>\n");
    let _ = write!(
        out,
        "<h2>IPN deliveries ({})</h2>\n<table id=\"deliveries\"><tr><th>#</th><th>Order</th><th>Type</th><th>URL</th><th>Outcome</th><th>Attempts: the merchant's answers</th></tr>\n",
        deliveries.len()
    );
    for delivery in &deliveries {
        let outcome = match (delivery.acknowledged, delivery.dropped, delivery.held, delivery.finished) {
            (true, ..) => r#"<span class="ack">acknowledged</span>"#.to_owned(),
            (_, true, ..) => "dropped (never delivered)".to_owned(),
            (_, _, true, false) => "held (out of order)".to_owned(),
            (_, _, _, false) => "in progress".to_owned(),
            _ => r#"<span class="nack">gave up</span>"#.to_owned(),
        };
        let duplicate = delivery.duplicate_of.map(|of| format!(" (repeat of #{of})")).unwrap_or_default();
        let attempts: String = delivery
            .attempts
            .iter()
            .map(|a| {
                format!(
                    "<li class=\"attempt\">{n}. {at}: HTTP {status} <code>{body}</code>{error}</li>",
                    n = a.number,
                    at = a.at.to_rfc3339(),
                    status = a.http_status.map_or_else(|| "-".to_owned(), |s| s.to_string()),
                    body = text(a.body.as_deref().unwrap_or_default()),
                    error = a.error.as_deref().map(|e| format!(" <em>{}</em>", text(e))).unwrap_or_default(),
                )
            })
            .collect();
        let _ = writeln!(
            out,
            r#"<tr class="delivery" id="delivery-{n}"><td>{n}{duplicate}</td><td><code>{order}</code> {reference}</td><td>{kind}</td><td>{method:?} {url}</td><td class="outcome">{outcome}</td><td><ul>{attempts}</ul></td></tr>"#,
            n = delivery.id,
            order = delivery.order_tracking_id,
            reference = text(&delivery.merchant_reference),
            kind = delivery.notification_type,
            method = delivery.method,
            url = text(&delivery.url),
        );
    }
    out.push_str("</table>\n");
    let _ = write!(
        out,
        "<h2>Refunds ({})</h2>\n<table id=\"refunds\"><tr><th>Order</th><th>Confirmation code</th><th>Amount</th><th>By</th><th>Remarks</th><th>At</th></tr>\n",
        refunds.len()
    );
    for refund in &refunds {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            refund.order_tracking_id,
            text(&refund.confirmation_code),
            refund.amount,
            text(&refund.username),
            text(&refund.remarks),
            refund.at.to_rfc3339()
        );
    }
    out.push_str("</table>\n");
    let _ = write!(
        out,
        r#"<h2>Tokens</h2>
<p id="tokens">{issued} issued, {revoked} revoked (the tokens themselves are secrets and not shown).</p>
<h2>Registered IPNs ({n_ipns})</h2>
<pre id="ipns">{ipns}</pre>
<h2>Faults in force</h2>
<pre id="faults">{faults}</pre>
<p>Injected so far:</p><pre id="fault-stats">{stats}</pre>
<h2>IPN delivery controls</h2>
<pre id="ipn-controls">{controls}</pre>
<pre id="order-ipn-controls">{order_controls}</pre>
<p><button id="reset" onclick="control('/reset')">Reset everything</button></p>
</body></html>
"#,
        n_ipns = ipns.len(),
        ipns = json(&ipns),
        faults = json(&faults),
        stats = json(&stats),
        controls = json(&controls),
        order_controls = json(&order_controls),
    );
    out
}
