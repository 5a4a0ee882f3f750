//! How much of the spec pesapal-api covers, derived from `spec/pesapal.openapi.json`: every
//! operation has a `Pesapal` method, every request field can be set through the builders, and
//! every answer field is exposed by the response types (or listed in [`NOT_EXPOSED`] with the
//! reason). When Pesapal documents something new and `cargo xtask spec` regenerates the client,
//! these tests fail naming what is left to do.
//!
//! No list here can drift from the code: the operation a method serves is read from the request
//! it sends, the fields the builders set from the body that arrives, and whether an answer field
//! is exposed from whether changing it changes what the method returns.

#[allow(dead_code, reason = "this binary uses a few of the shared helpers")]
mod common;

use common::{KEY, SECRET, TOKEN, TRACKING_ID, fast_retries, token_answer, valid_order};
use pesapal_api::{
    BillingAddress, Credentials, Error, Frequency, IpnMethod, OrderRequestBuilder, Pesapal, RedirectMode,
    RefundRequest, StkPushRequest, Subscription,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// Answer fields the response types deliberately leave out, with the reason: `(operationId,
/// field, reason)`. Each entry is checked: the field must exist and must really not be exposed.
/// The error envelope (`status`, `error`: the schemas of the error answers) is never listed: it
/// becomes [`Error::Rejected`], not a field.
const NOT_EXPOSED: &[(&str, &str, &str)] = &[
    ("RequestToken", "token", "a secret: sent as the bearer header, never shown"),
    ("RequestToken", "message", "the outcome text of a success (`Request processed successfully`)"),
    ("RegisterIPN", "message", "the outcome text of a success"),
    ("RegisterIPN", "id", "Pesapal's internal number of the registration; `ipn_id` is the key"),
    ("RegisterIPN", "notification_type", "the number behind `ipn_notification_type_description`, read as `method`"),
    ("RegisterIPN", "ipn_status_decription", "read only when `ipn_status` is absent, into `active`"),
    ("GetIpnList", "[].message", "the outcome text of a success"),
    ("GetIpnList", "[].id", "Pesapal's internal number of the registration; `ipn_id` is the key"),
    ("GetIpnList", "[].notification_type", "the number behind `ipn_notification_type_description`, read as `method`"),
    ("GetIpnList", "[].ipn_status_decription", "read only when `ipn_status` is absent, into `active`"),
    ("SubmitOrderRequest", "message", "the outcome text of a success"),
    ("DirectMobileMoneyStk", "message", "the outcome text of a success"),
    ("GetTransactionStatus", "message", "the outcome text of a success; the payment's words are `description`"),
    ("GetTransactionStatus", "payment_status_code", "undocumented and empty in every recorded answer"),
];

type Outcome = Pin<Box<dyn Future<Output = Result<String, Error>> + Send>>;

/// A `Pesapal` method, called with every field its builders can set. Which operation it serves
/// is read from the request it sends.
struct Call {
    method: &'static str,
    run: fn(Pesapal) -> Outcome,
}

fn shown<T: Debug>(result: Result<T, Error>) -> Result<String, Error> {
    result.map(|value| format!("{value:?}"))
}

/// An order with every setter of its builders used: the shared minimal order, and the rest.
fn full_order() -> OrderRequestBuilder {
    valid_order()
        .cancellation_url("https://shop.example.com/cancel")
        .redirect_mode(RedirectMode::ParentWindow)
        .branch("Westlands")
        .billing_address(
            BillingAddress::builder()
                .email_address("jane@example.com")
                .phone_number("0723000000")
                .country_code("KE")
                .first_name("Jane")
                .middle_name("W")
                .last_name("Doe")
                .line_1("Moi Avenue 1")
                .line_2("Floor 2")
                .city("Nairobi")
                .state("NBO")
                .postal_code("00100")
                .zip_code("00100"),
        )
}

/// One call per `Pesapal` method that sends a request. A new method belongs here.
fn calls() -> Vec<Call> {
    vec![
        Call { method: "token_expiry", run: |p| Box::pin(async move { shown(p.token_expiry().await) }) },
        Call {
            method: "register_ipn",
            run: |p| {
                Box::pin(async move { shown(p.register_ipn("https://shop.example.com/ipn", IpnMethod::Post).await) })
            },
        },
        Call { method: "list_ipns", run: |p| Box::pin(async move { shown(p.list_ipns().await) }) },
        Call {
            method: "submit_order",
            run: |p| {
                Box::pin(async move {
                    let schedule = Subscription::new(
                        "2025-01-01".parse().unwrap(),
                        "2025-12-31".parse().unwrap(),
                        Frequency::Monthly,
                    );
                    let order = full_order().recurring("ACC-42", Some(schedule)).build()?;
                    shown(p.submit_order(&order).await)
                })
            },
        },
        Call {
            method: "stk_push",
            run: |p| {
                Box::pin(async move {
                    let push = StkPushRequest::builder()
                        .order(full_order())
                        .msisdn("0723000000")
                        .payment_method("MpesaKE")
                        .build()?;
                    shown(p.stk_push(&push).await)
                })
            },
        },
        Call {
            method: "transaction_status",
            run: |p| Box::pin(async move { shown(p.transaction_status(TRACKING_ID.parse().unwrap()).await) }),
        },
        Call {
            method: "refund",
            run: |p| {
                Box::pin(async move {
                    let refund = RefundRequest::builder()
                        .confirmation_code("AA11BB22")
                        .amount(Decimal::new(500, 2))
                        .username("jane.ops")
                        .remarks("Service not offered")
                        .build()?;
                    shown(p.refund(&refund).await)
                })
            },
        },
        Call {
            method: "cancel_order",
            run: |p| Box::pin(async move { shown(p.cancel_order(TRACKING_ID.parse().unwrap()).await) }),
        },
    ]
}

// ---- The spec --------------------------------------------------------------------------------

fn spec() -> Value {
    serde_json::from_str(include_str!("../../spec/pesapal.openapi.json")).expect("the spec is JSON")
}

/// One operation of the spec.
struct Operation {
    id: String,
    method: String,
    path: String,
    query: Vec<String>,
    body: Option<Value>,
    answer: Option<Value>,
    example: Option<Value>,
}

impl Operation {
    fn label(&self) -> String {
        format!("{} ({} {})", self.id, self.method, self.path)
    }

    /// Progenitor's name for the operation's method on `pesapal_gen::Client`.
    fn generated_method(&self) -> String {
        let mut name = String::new();
        let mut previous_lower = false;
        for c in self.id.chars() {
            if c.is_ascii_uppercase() && previous_lower {
                name.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            name.push(c.to_ascii_lowercase());
        }
        name
    }
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let success = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .find(|(status, _)| status.starts_with('2'))
                .map(|(_, response)| &response["content"]["application/json"]);
            operations.push(Operation {
                id: op["operationId"].as_str().expect("an operationId").to_owned(),
                method: method.to_uppercase(),
                path: path.clone(),
                query: op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
                    .collect(),
                body: op["requestBody"]["content"]["application/json"].get("schema").cloned(),
                answer: success.and_then(|content| content.get("schema")).cloned(),
                example: success.and_then(|content| content.get("example")).cloned(),
            });
        }
    }
    operations
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => resolve(spec, &spec["components"]["schemas"][name]),
        None => schema,
    }
}

/// The error envelope: the schemas of the error answers and the shared schemas of their fields
/// (`PesapalErrorResponse`, `PesapalError`, `CallStatus`), as `$ref`s.
fn envelope(spec: &Value) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for item in spec["paths"].as_object().into_iter().flatten().map(|(_, item)| item) {
        for op in item.as_object().into_iter().flatten().map(|(_, op)| op) {
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let schema = &response["content"]["application/json"]["schema"];
                if status.starts_with('2') || schema["$ref"].is_null() {
                    continue;
                }
                refs.insert(schema["$ref"].as_str().unwrap_or_default().to_owned());
                for (_, field) in resolve(spec, schema)["properties"].as_object().into_iter().flatten() {
                    if let Some(r) = field["$ref"].as_str() {
                        refs.insert(r.to_owned());
                    }
                }
            }
        }
    }
    refs
}

/// The schema a field refers to: its `$ref`, or the one `$ref` of an `allOf` that wraps it to
/// carry a description beside it (`"allOf": [{"$ref": …}], "description": …`).
fn reference(schema: &Value) -> &str {
    match schema["allOf"].as_array().map(Vec::as_slice) {
        Some([only]) => only["$ref"].as_str(),
        _ => schema["$ref"].as_str(),
    }
    .unwrap_or_default()
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") }
}

/// The leaf fields of `schema` (`billing_address.city`, `[].url`), without the envelope.
fn fields(spec: &Value, envelope: &BTreeSet<String>, schema: &Value, prefix: &str, out: &mut Vec<String>) {
    if envelope.contains(reference(schema)) {
        return;
    }
    let schema = resolve(spec, schema);
    if let Some(properties) = schema["properties"].as_object() {
        for (name, field) in properties {
            fields(spec, envelope, field, &join(prefix, name), out);
        }
    } else if let Some(branches) = schema["oneOf"].as_array() {
        for branch in branches {
            fields(spec, envelope, branch, prefix, out);
        }
    } else if schema["type"] == "array" {
        fields(spec, envelope, &schema["items"], &format!("{prefix}[]"), out);
    } else {
        out.push(prefix.to_owned());
    }
}

/// The leaf fields a JSON value sets (nulls are not set).
fn set_fields(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Null => {}
        Value::Object(fields) => fields.iter().for_each(|(name, v)| set_fields(v, &join(prefix, name), out)),
        Value::Array(items) => items.iter().for_each(|v| set_fields(v, &format!("{prefix}[]"), out)),
        _ => {
            out.insert(prefix.to_owned());
        }
    }
}

/// An answer with every field: the spec's example, plus a value of the right type for each data
/// field the example lacks or leaves null. The envelope is kept as the example has it.
fn sample(
    spec: &Value,
    envelope: &BTreeSet<String>,
    examples: &BTreeMap<String, Value>,
    schema: &Value,
    example: Option<&Value>,
) -> Option<Value> {
    let reference = reference(schema);
    if envelope.contains(reference) {
        return example.cloned();
    }
    // What the example lacks, another example of the same schema may show (GetIpnList's items
    // are RegisterIPN's answer).
    let merged = match (example, examples.get(reference)) {
        (Some(Value::Object(fields)), Some(Value::Object(other))) => {
            let mut fields = fields.clone();
            for (name, value) in other {
                fields.entry(name.clone()).or_insert_with(|| value.clone());
            }
            Some(Value::Object(fields))
        }
        (None, Some(other)) => Some(other.clone()),
        _ => example.cloned(),
    };
    let example = merged.as_ref();
    let schema = resolve(spec, schema);
    if let Some(properties) = schema["properties"].as_object() {
        let mut object = serde_json::Map::new();
        for (name, field) in properties {
            if let Some(value) = sample(spec, envelope, examples, field, example.and_then(|e| e.get(name))) {
                object.insert(name.clone(), value);
            }
        }
        return Some(Value::Object(object));
    }
    if let Some(branches) = schema["oneOf"].as_array() {
        let wanted = if example.is_some_and(Value::is_array) { "array" } else { "object" };
        let branch = branches
            .iter()
            .find(|b| resolve(spec, b)["type"] == wanted || (wanted == "object" && resolve(spec, b)["type"].is_null()))
            .or(branches.first())?;
        return sample(spec, envelope, examples, branch, example);
    }
    if schema["type"] == "array" {
        let items = match example.and_then(Value::as_array) {
            Some(items) => {
                items.iter().filter_map(|item| sample(spec, envelope, examples, &schema["items"], Some(item))).collect()
            }
            None => sample(spec, envelope, examples, &schema["items"], None).into_iter().collect(),
        };
        return Some(Value::Array(items));
    }
    match example {
        Some(value) if !value.is_null() => Some(value.clone()),
        _ => Some(match (schema["type"].as_str(), schema["format"].as_str()) {
            (Some("string"), Some("uuid")) => json!("3f1d9d8e-8a7b-4c5d-9e0f-1a2b3c4d5e61"),
            (Some("integer"), _) => json!(1),
            (Some("number"), _) => json!(10.5),
            (Some("boolean"), _) => json!(true),
            _ => json!("sample 1"),
        }),
    }
}

/// The examples of the answers, by the `$ref` of their schema.
fn examples(operations: &[Operation]) -> BTreeMap<String, Value> {
    operations
        .iter()
        .filter_map(|op| Some((op.answer.as_ref()?["$ref"].as_str()?.to_owned(), op.example.clone()?)))
        .filter(|(_, example)| example.is_object())
        .collect()
}

/// Another valid-looking value: the last digit of a text bumped (a date, a GUID, a code stays
/// one), or an `x` appended; numbers plus one; booleans flipped.
fn changed(value: &Value) -> Value {
    match value {
        Value::String(text) => match text.char_indices().rev().find(|(_, c)| c.is_ascii_digit()) {
            Some((at, digit)) => {
                let next = char::from_digit((digit.to_digit(10).unwrap() + 1) % 10, 10).unwrap();
                json!(format!("{}{next}{}", &text[..at], &text[at + 1..]))
            }
            None => json!(format!("{text}x")),
        },
        Value::Number(n) if n.is_i64() => json!(n.as_i64().unwrap() + 1),
        Value::Number(n) => json!(n.as_f64().unwrap_or_default() + 1.0),
        Value::Bool(b) => json!(!b),
        _ => json!("sample 1"),
    }
}

/// `answer` with the field at `path` changed (in every item, through `[]`).
fn with_changed(answer: &Value, path: &str) -> Value {
    fn change(value: &mut Value, path: &[&str]) {
        match path {
            [] => *value = changed(value),
            [name, rest @ ..] => {
                let (name, each) = match name.strip_suffix("[]") {
                    Some(name) => (name, true),
                    None => (*name, false),
                };
                let target = if name.is_empty() { Some(value) } else { value.get_mut(name) };
                match (target, each) {
                    (Some(Value::Array(items)), true) => items.iter_mut().for_each(|item| change(item, rest)),
                    (Some(target), false) => change(target, rest),
                    _ => {}
                }
            }
        }
    }
    let mut answer = answer.clone();
    let segments: Vec<&str> = path.split('.').collect();
    change(&mut answer, &segments);
    answer
}

// ---- A loopback Pesapal that answers what the test says and records what arrives -------------

#[derive(Debug, Clone)]
struct Arrived {
    method: String,
    path: String,
    query: BTreeSet<String>,
    body: Value,
}

/// Runs `call` against a loopback server answering RequestToken with `token` and every other
/// request with `answer`; returns what arrived and what the method returned.
async fn exchange(call: &Call, token: Value, answer: Value) -> (Vec<Arrived>, Result<String, Error>) {
    use axum::http::{Method, Uri};
    let arrived = Arc::new(Mutex::new(Vec::new()));
    let seen = arrived.clone();
    let token_path = pesapal_gen::endpoints::REQUEST_TOKEN.path;
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: axum::body::Bytes| {
        let (seen, token, answer) = (seen.clone(), token.clone(), answer.clone());
        async move {
            let path = uri.path().to_owned();
            let query = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .map(|(name, _)| name.into_owned())
                .collect();
            let body_json = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let reply = if path.eq_ignore_ascii_case(token_path) { token } else { answer };
            seen.lock().unwrap().push(Arrived { method: method.to_string(), path, query, body: body_json });
            ([(axum::http::header::CONTENT_TYPE, "application/json")], reply.to_string())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let pesapal = Pesapal::builder()
        .credentials(Credentials::new(KEY, SECRET))
        .base_url(base_url)
        .retry_policy(fast_retries())
        .build()
        .expect("client builds");
    let outcome = (call.run)(pesapal).await;
    server.abort();
    let arrived = arrived.lock().unwrap().clone();
    (arrived, outcome)
}

fn a_token() -> Value {
    token_answer(TOKEN, chrono::Duration::hours(1))
}

/// The operation of the spec a request was sent to.
fn operation_of<'a>(operations: &'a [Operation], request: &Arrived) -> Option<&'a Operation> {
    operations.iter().find(|op| op.method == request.method && op.path.eq_ignore_ascii_case(&request.path))
}

/// The operation `call` serves: the one it sends, besides the token (RequestToken if only that).
async fn served<'a>(operations: &'a [Operation], call: &Call) -> (Option<&'a Operation>, Vec<Arrived>) {
    let (arrived, _) = exchange(call, a_token(), json!({})).await;
    let token_path = pesapal_gen::endpoints::REQUEST_TOKEN.path;
    let main = arrived.iter().find(|r| !r.path.eq_ignore_ascii_case(token_path)).or(arrived.first());
    (main.and_then(|request| operation_of(operations, request)), arrived)
}

fn report(problems: &[String], heading: &str) {
    assert!(problems.is_empty(), "{heading}\n  - {}\n", problems.join("\n  - "));
}

#[tokio::test]
async fn every_operation_of_the_spec_has_a_pesapal_method() {
    let operations = operations(&spec());
    let mut methods = BTreeMap::new();
    for call in calls() {
        if let (Some(op), _) = served(&operations, &call).await {
            methods.insert(op.id.clone(), call.method);
        }
    }
    let missing: Vec<String> = operations
        .iter()
        .filter(|op| !methods.contains_key(&op.id))
        .map(|op| {
            format!(
                "{} has no `Pesapal` method. Meanwhile it is usable through `pesapal_api::generated` \
                 (`pesapal_api::generated::Client::{}`), with the `generated` feature. Add its `Call` in \
                 pesapal-api/src/operations.rs and its method in pesapal-api/src/client/pesapal.rs, then its call to \
                 `calls()` in {}.",
                op.label(),
                op.generated_method(),
                file!()
            )
        })
        .collect();
    report(&missing, "Operations of the spec without a `Pesapal` method:");
}

#[tokio::test]
async fn every_request_field_can_be_set_through_the_builders() {
    let spec = spec();
    let operations = operations(&spec);
    let envelope = envelope(&spec);
    let mut sent: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for call in calls() {
        let (_, arrived) = served(&operations, &call).await;
        for request in arrived {
            let Some(op) = operation_of(&operations, &request) else { continue };
            let set = sent.entry(op.id.clone()).or_default();
            set_fields(&request.body, "", set);
            set.extend(request.query.iter().map(|name| format!("query {name}")));
        }
    }
    let mut missing = Vec::new();
    for op in &operations {
        let mut wanted = Vec::new();
        if let Some(body) = &op.body {
            fields(&spec, &envelope, body, "", &mut wanted);
        }
        wanted.extend(op.query.iter().map(|name| format!("query {name}")));
        let Some(set) = sent.get(&op.id) else {
            if !wanted.is_empty() {
                missing.push(format!("{}: no `Pesapal` method sends it, so none of {wanted:?} can be set", op.label()));
            }
            continue;
        };
        for field in wanted.iter().filter(|field| !set.contains(*field)) {
            missing.push(format!(
                "{}: `{field}` cannot be set through pesapal-api's builders (add a validated setter in \
                 pesapal-api/src/requests/, and use it in `calls()` of {})",
                op.label(),
                file!()
            ));
        }
    }
    report(&missing, "Request fields of the spec that pesapal-api cannot send:");
}

#[tokio::test]
async fn every_answer_field_is_exposed_or_listed_as_not_exposed() {
    let spec = spec();
    let operations = operations(&spec);
    let envelope = envelope(&spec);
    let examples = examples(&operations);
    let listed: BTreeMap<(&str, &str), &str> =
        NOT_EXPOSED.iter().map(|(op, field, reason)| ((*op, *field), *reason)).collect();
    let mut problems = Vec::new();
    let mut checked = BTreeSet::new();
    for call in calls() {
        let (Some(op), _) = served(&operations, &call).await else { continue };
        let (Some(schema), true) = (&op.answer, checked.insert(op.id.clone())) else { continue };
        let mut answer_fields = Vec::new();
        fields(&spec, &envelope, schema, "", &mut answer_fields);
        let mut base = sample(&spec, &envelope, &examples, schema, op.example.as_ref()).unwrap_or(Value::Null);
        if op.id == "RequestToken" {
            // The collection's sample token expired in 2021: a live one, in the same shape.
            base["expiryDate"] = a_token()["expiryDate"].clone();
        }
        // RequestToken's answer is what the token request gets; the others, the call's request.
        let run = |answer: Value| {
            let (token, other) = if op.id == "RequestToken" { (answer, json!({})) } else { (a_token(), answer) };
            exchange(&call, token, other)
        };
        let expected = match run(base.clone()).await.1 {
            Ok(shown) => shown,
            Err(e) => {
                problems.push(format!("{}: `{}` refuses the sample answer {base}: {e}", op.label(), call.method));
                continue;
            }
        };
        for field in answer_fields {
            let exposed = run(with_changed(&base, &field)).await.1.is_ok_and(|shown| shown != expected);
            match (exposed, listed.get(&(op.id.as_str(), field.as_str()))) {
                (false, None) => problems.push(format!(
                    "{}: answer field `{field}` is decoded but `{}` does not expose it: add it to the response \
                     type in pesapal-api/src/responses.rs, or list it with its reason in NOT_EXPOSED of {}",
                    op.label(),
                    call.method,
                    file!()
                )),
                (true, Some(_)) => problems.push(format!(
                    "{}: `{field}` is listed in NOT_EXPOSED but `{}` exposes it: remove the entry",
                    op.label(),
                    call.method
                )),
                _ => {}
            }
        }
    }
    for op in operations.iter().filter(|op| !checked.contains(&op.id)) {
        let mut answer_fields = Vec::new();
        if let Some(schema) = &op.answer {
            fields(&spec, &envelope, schema, "", &mut answer_fields);
        }
        if !answer_fields.is_empty() {
            problems.push(format!(
                "{}: no `Pesapal` method, so none of its answer fields {answer_fields:?} is exposed",
                op.label()
            ));
        }
    }
    for (op, field) in listed.keys() {
        let known = operations.iter().find(|o| o.id == *op).is_some_and(|o| {
            let mut answer_fields = Vec::new();
            if let Some(schema) = &o.answer {
                fields(&spec, &envelope, schema, "", &mut answer_fields);
            }
            answer_fields.iter().any(|f| f == field)
        });
        if !known {
            problems.push(format!("NOT_EXPOSED lists `{field}` of {op}, which the spec's answer does not have"));
        }
    }
    report(&problems, "Answer fields of the spec that pesapal-api's response types do not expose:");
}
