//! Every operation of the spec (`spec/pesapal.openapi.json`) is served by the simulator: each is
//! sent, from the outside, with its method and path, and must reach a route (not 404 or 405),
//! however the simulator organises its routes. A new operation in Pesapal's docs fails here, named.
//! A binary of its own: the xtask docs-change test runs every crate's `coverage` tests together
//! (`cargo test --workspace --test coverage`).

#[path = "sim/common/mod.rs"]
mod common;

use common::http::Http;
use pesapal_sim::Simulator;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn spec() -> Value {
    serde_json::from_str(include_str!("../../spec/pesapal.openapi.json")).expect("the spec is JSON")
}

#[tokio::test]
async fn every_operation_of_the_spec_is_served() {
    let sim = Simulator::start().await.unwrap();
    let http = Http::new(sim.base_url());
    let spec = spec();
    let token_path = pesapal_gen::endpoints::REQUEST_TOKEN.path;
    let credentials = json!({"consumer_key": sim.consumer_key(), "consumer_secret": sim.consumer_secret()});
    let token = http.token(sim.consumer_key(), sim.consumer_secret()).await;

    let mut unserved = Vec::new();
    let mut sent = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let id = op["operationId"].as_str().unwrap_or_default();
            let query: Vec<(&str, &str)> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .map(|p| (p["name"].as_str().unwrap_or_default(), "b945e4af-80a5-4ec1-8706-e03f8332fb04"))
                .collect();
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut request = http.client.request(method.clone(), http.url(path)).bearer_auth(&token).query(&query);
            if path == token_path {
                request = request.json(&credentials);
            } else if op.get("requestBody").is_some() {
                request = request.json(&json!({}));
            }
            let status = request.send().await.unwrap().status();
            sent += 1;
            if matches!(status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED) {
                unserved.push(format!(
                    "{id} ({method} {path}): HTTP {status}. Model it in pesapal-sim (its state, its answer built \
                     with the generated type in pesapal-sim/src/http/answers/) and route it in src/http/api/"
                ));
            }
        }
    }
    assert!(sent >= 8, "the spec's operations were read ({sent})");
    assert!(
        unserved.is_empty(),
        "Operations of the spec that pesapal-sim does not serve:\n  - {}\n",
        unserved.join("\n  - ")
    );
}
