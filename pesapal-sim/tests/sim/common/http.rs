//! Raw HTTP against a simulator, as any client (curl) sends it: the token dance, JSON posted and
//! read back, GETs with a bearer token. Redirects are not followed, so that the payment page's
//! answers can be read.

use reqwest::StatusCode;
use serde_json::{Value, json};

/// A client for one simulator's base URL.
pub struct Http {
    pub client: reqwest::Client,
    base_url: String,
}

impl Http {
    pub fn new(base_url: &str) -> Http {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Http { client, base_url: base_url.to_owned() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// RequestToken with these credentials: the whole answer.
    pub async fn request_token(&self, consumer_key: &str, consumer_secret: &str) -> Value {
        let credentials = json!({"consumer_key": consumer_key, "consumer_secret": consumer_secret});
        self.post_json("/api/Auth/RequestToken", None, &credentials).await.1
    }

    /// A bearer token for these credentials.
    pub async fn token(&self, consumer_key: &str, consumer_secret: &str) -> String {
        let answer = self.request_token(consumer_key, consumer_secret).await;
        answer["token"].as_str().unwrap_or_else(|| panic!("a token: {answer}")).to_owned()
    }

    /// Posts `body` as JSON (with a bearer token, if any); the HTTP status and the JSON answer.
    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.post(path, token, &body.to_string()).await
    }

    /// Posts `body` as sent (malformed JSON too) with the JSON content type; the HTTP status and
    /// the JSON answer.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &str) -> (StatusCode, Value) {
        let mut request =
            self.client.post(self.url(path)).header("content-type", "application/json").body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text:?}")))
    }

    /// GETs `path` with a bearer token; the HTTP status and the body as text.
    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, String) {
        let response = self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// GETs `path` with a bearer token; the JSON answer.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let (_, body) = self.get(path, token).await;
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body:?}"))
    }

    /// Calls the control API (`/_sim…`) with `method` and an optional JSON body; the HTTP
    /// status and the JSON answer.
    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text:?}")))
    }
}
