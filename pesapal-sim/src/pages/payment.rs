//! The hosted payment page at an order's `redirect_url`: shows the order and offers "Pay with
//! M-Pesa", "Pay with card" and "Cancel". M-Pesa asks for the phone number (prefilled from the
//! billing address), sends the prompt and waits for "the phone" (approve, decline, no answer);
//! card asks for the card details. Test values ([`crate::test_values`]) decide at once. Then the
//! page sends the browser to the order's callback URL with the notification
//! parameters ([`pesapal_gen::notification_parameters`], type `CALLBACKURL`), as Pesapal does.

use crate::engine::Engine;
use crate::error::SimError;
use crate::http::request::guid_from_query;
use crate::model::instruments::Instrument;
use crate::model::machine::{OrderStatus, Transition};
use crate::model::order::{Order, ReturnTo};
use crate::model::test_values::{self, Outcome};
use axum::Router;
use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use pesapal_gen::notification_parameters::ORDER_TRACKING_ID;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The page, where the imitated environment has it ([`crate::SimEnvironment::payment_page_path`]).
pub(crate) fn router(engine: &Engine) -> Router<Arc<Engine>> {
    Router::new().route(engine.config().environment.payment_page_path(), get(show).post(act))
}

async fn show(State(engine): State<Arc<Engine>>, RawQuery(query): RawQuery) -> Response {
    match guid_from_query(query.as_deref(), &[ORDER_TRACKING_ID]).and_then(|id| engine.order(id)) {
        Ok(order) => Html(render(&engine, &order, Step::Choose, None)).into_response(),
        Err(e) => not_found(&e),
    }
}

fn not_found(error: &SimError) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>Pesapal (simulated)</title></head><body><h1>Order not found</h1><p>{}</p></body></html>",
        text(&error.to_string())
    );
    (StatusCode::NOT_FOUND, Html(body)).into_response()
}

/// The page's steps: choose a method, then give the phone number (and wait for "the phone")
/// or the card details.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Choose,
    Phone,
    AwaitPhone(String),
    Card,
}

/// The page's form: the order's tracking id (named as in the page's query), the button's
/// `action`, and the step's fields (`phone`, `card_number`).
async fn act(State(engine): State<Arc<Engine>>, Form(form): Form<HashMap<String, String>>) -> Response {
    let id = match form.get(ORDER_TRACKING_ID).and_then(|id| id.trim().parse().ok()) {
        Some(id) => id,
        None => return not_found(&SimError::InvalidRequest(format!("{ORDER_TRACKING_ID} is not a GUID"))),
    };
    let field = |name: &str| form.get(name).map_or("", |v| v.trim()).to_owned();
    let action = field("action");
    let phone = || Instrument::Phone(field("phone"));
    let outcome = match action.as_str() {
        "mpesa" => return step(&engine, id, Step::Phone),
        "card" => return step(&engine, id, Step::Card),
        "mpesa-prompt" => match test_values::phone(&field("phone")) {
            Outcome::AwaitPhone => match engine.attempt(id, &phone(), Outcome::AwaitPhone) {
                Ok(_) => return step(&engine, id, Step::AwaitPhone(field("phone"))),
                Err(e) => Err(e),
            },
            outcome => engine.attempt(id, &phone(), outcome),
        },
        "phone-approve" => engine.attempt(id, &phone(), Outcome::Approve),
        "phone-decline" => engine.attempt(id, &phone(), Outcome::Decline(test_values::PHONE_DECLINED)),
        "phone-no-answer" => engine.attempt(id, &phone(), Outcome::NoAnswer(test_values::PHONE_TIMED_OUT)),
        "card-pay" => engine.pay_with(id, &Instrument::Card(field("card_number"))),
        "cancel" => engine.order(id),
        other => Err(SimError::InvalidRequest(format!("unknown action {other:?}"))),
    };
    match outcome {
        Ok(order) => {
            let to = if action == "cancel" { ReturnTo::Cancellation } else { ReturnTo::Callback };
            Redirect::to(&order.return_url(to)).into_response()
        }
        Err(SimError::UnknownOrder(id)) => not_found(&SimError::UnknownOrder(id)),
        Err(error) => match engine.order(id) {
            Ok(order) => (StatusCode::CONFLICT, Html(render(&engine, &order, Step::Choose, Some(&error.to_string()))))
                .into_response(),
            Err(e) => not_found(&e),
        },
    }
}

fn step(engine: &Engine, id: Uuid, step: Step) -> Response {
    match engine.order(id) {
        Ok(order) => Html(render(engine, &order, step, None)).into_response(),
        Err(e) => not_found(&e),
    }
}

fn render(engine: &Engine, order: &Order, step: Step, problem: Option<&str>) -> String {
    let id = order.order_tracking_id.to_string();
    let payable = Transition::Pay.allowed(order.status, order.cancelled);
    let state = match (order.cancelled, order.status) {
        (true, _) => "This order was cancelled by the merchant.".to_owned(),
        (false, OrderStatus::Pending) => "Awaiting payment.".to_owned(),
        (false, OrderStatus::Failed) => "The last payment attempt failed. You may try again.".to_owned(),
        (false, OrderStatus::Completed) => format!(
            "Paid. Confirmation code {}.",
            order.payment.as_ref().map(|p| p.confirmation_code.as_str()).unwrap_or_default()
        ),
        (false, OrderStatus::Reversed) => "The payment was reversed.".to_owned(),
    };
    let buttons = if payable {
        let fields = match &step {
            Step::Choose => r#"<p>Choose how to pay:</p>
<button id="pay-mpesa" name="action" value="mpesa">Pay with M-Pesa</button>
<button id="pay-card" name="action" value="card">Pay with card</button>
<button id="cancel" name="action" value="cancel">Cancel</button>"#
                .to_owned(),
            Step::Phone => format!(
                r#"<p><label for="phone">M-Pesa phone number</label> <input id="phone" name="phone" value="{phone}" inputmode="tel"></p>
<p class="hint">We will send a payment prompt to this phone.</p>
<button id="send-prompt" name="action" value="mpesa-prompt">Send prompt</button>
<button id="cancel" name="action" value="cancel">Cancel</button>"#,
                phone = attr(order.phone_number.as_deref().unwrap_or_default()),
            ),
            Step::AwaitPhone(phone) => format!(
                r#"<p id="waiting">A payment prompt was sent to {shown}. Waiting for the phone…</p>
<input type="hidden" name="phone" value="{phone}">
<p class="hint">The simulated phone:</p>
<button id="phone-approve" name="action" value="phone-approve">Approve on the phone</button>
<button id="phone-decline" name="action" value="phone-decline">Decline on the phone</button>
<button id="phone-no-answer" name="action" value="phone-no-answer">No answer (times out)</button>"#,
                shown = text(phone),
                phone = attr(phone),
            ),
            Step::Card => format!(
                r#"<p><label for="card-number">Card number</label> <input id="card-number" name="card_number" value="{card}" inputmode="numeric"></p>
<p><label for="card-expiry">Expiry</label> <input id="card-expiry" name="card_expiry" value="12/30" size="5">
<label for="card-cvv">CVV</label> <input id="card-cvv" name="card_cvv" value="123" size="4"></p>
<button id="card-pay" name="action" value="card-pay">Pay</button>
<button id="cancel" name="action" value="cancel">Cancel</button>"#,
                card = attr(test_values::CARD_SUCCEEDS),
            ),
        };
        format!(
            r#"<form method="post" action="{path}">
<input type="hidden" name="{name}" value="{id}">
{fields}
</form>"#,
            path = attr(engine.config().environment.payment_page_path()),
            name = attr(ORDER_TRACKING_ID),
            id = attr(&id),
        )
    } else {
        format!(r#"<p><a id="back" href="{}">Back to the shop</a></p>"#, attr(&order.return_url(ReturnTo::Callback)))
    };
    let problem = problem.map(|p| format!(r#"<p class="problem" id="problem">{}</p>"#, text(p))).unwrap_or_default();
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pesapal (simulated) – {reference}</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:2rem auto}}dt{{font-weight:bold}}button{{margin:.3rem;padding:.5rem 1rem}}.problem{{color:#b00}}</style>
</head><body>
<h1>Pesapal payment (simulated)</h1>
<dl>
<dt>Merchant reference</dt><dd id="merchant-reference">{reference}</dd>
<dt>Amount</dt><dd id="amount">{currency} {amount}</dd>
<dt>Description</dt><dd id="description">{description}</dd>
</dl>
<p id="state">{state}</p>
{problem}
{buttons}
</body></html>"#,
        reference = text(&order.merchant_reference),
        currency = text(&order.currency),
        amount = order.amount,
        description = text(&order.description),
        state = text(&state),
    )
}
