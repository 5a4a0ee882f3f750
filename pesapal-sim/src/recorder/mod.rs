//! The recorder: a reverse proxy in front of a real Pesapal (or any upstream) that forwards every
//! call and writes each API answer into the conformance corpus layout, redacted.
//!
//! `pesapal-sim record --upstream https://cybqa.pesapal.com/pesapalv3 --out tests/corpus`, then
//! point any client at the printed base URL. Each answer of an operation of the spec (found from
//! the path through [`pesapal_gen::endpoints`]) becomes
//! `<out>/<operationId>/<HTTP status>-<environment>-<date>-<outcome>.json`, the body as received
//! except for what identifies people or opens the account: the bearer token (`token` fields and
//! every token seen in an `Authorization` header), the consumer key and secret, emails and phone
//! numbers (digits turned to `0`, so the shape stays). Clients get the answer unchanged. Run the
//! conformance test (`cargo test -p pesapal-tests --test conformance`) on what it recorded before
//! committing it. What the recordings taught us so far is in `docs/WIRE.md`.

mod redact;

pub use redact::{REDACTED, REDACTED_EMAIL, redact};

use crate::http::request::http_url;
use crate::http::server::Serving;
use crate::lock::lock;
use crate::outbound;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use pesapal_gen::{Endpoint, Operation};
use redact::verbatim_except;
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Where the recorder listens, what it forwards to and where it writes.
#[derive(Debug, Clone)]
pub struct RecorderConfig {
    /// The API base URL to forward to, e.g. `https://cybqa.pesapal.com/pesapalv3`.
    pub upstream: String,
    /// The corpus folder to write into (one sub-folder per operation).
    pub out: PathBuf,
    /// The address to listen on (port 0: any free port).
    pub address: SocketAddr,
    /// The environment named in the file names (`sandbox`, `live`); `None`: from the upstream's
    /// host (`cybqa.pesapal.com` sandbox, `pay.pesapal.com` live, anything else `local`).
    pub environment: Option<String>,
}

/// Why the recorder could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecorderError {
    /// The upstream is not an http(s) URL.
    #[error("the upstream {0:?} is not an http(s) URL")]
    Upstream(String),
    /// The address could not be bound, or the output folder created.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
}

struct Shared {
    upstream: String,
    out: PathBuf,
    environment: String,
    http: reqwest::Client,
    /// Keys, secrets and tokens seen so far: redacted wherever they appear.
    secrets: Mutex<BTreeSet<String>>,
    recorded: Mutex<Vec<PathBuf>>,
}

/// A running recorder. It stops when dropped or on [`Recorder::shutdown`].
pub struct Recorder {
    shared: Arc<Shared>,
    base_url: String,
    serving: Serving,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("base_url", &self.base_url).field("upstream", &self.shared.upstream).finish()
    }
}

impl Recorder {
    /// Starts forwarding to `config.upstream`.
    pub async fn start(config: RecorderConfig) -> Result<Recorder, RecorderError> {
        let upstream = config.upstream.trim_end_matches('/').to_owned();
        let parsed = http_url(&upstream).ok_or_else(|| RecorderError::Upstream(upstream.clone()))?;
        let environment = config.environment.unwrap_or_else(|| {
            match parsed.host_str() {
                Some("cybqa.pesapal.com") => "sandbox",
                Some("pay.pesapal.com") => "live",
                _ => "local",
            }
            .to_owned()
        });
        std::fs::create_dir_all(&config.out)?;
        let http = outbound::client(|builder| builder.redirect(reqwest::redirect::Policy::none()))
            .map_err(RecorderError::HttpClient)?;
        let shared = Arc::new(Shared {
            upstream,
            out: config.out,
            environment,
            http,
            secrets: Mutex::default(),
            recorded: Mutex::default(),
        });
        let listener = tokio::net::TcpListener::bind(config.address).await?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let app = Router::new().fallback(forward).with_state(shared.clone());
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
                tracing::warn!(%error, "recorder stopped");
            }
        });
        Ok(Recorder { shared, base_url, serving: Serving::new(stop, task) })
    }

    /// The base URL to give a Pesapal client instead of the upstream's.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The files written so far, in order.
    pub fn recorded(&self) -> Vec<PathBuf> {
        lock(&self.shared.recorded).clone()
    }

    /// Stops listening and waits for the server to finish.
    pub async fn shutdown(self) {
        self.serving.shutdown().await;
    }

    /// Serves until Ctrl-C.
    pub async fn run_until_ctrl_c(self) {
        self.serving.run_until_ctrl_c().await;
    }
}

/// Headers that belong to one hop, or that would make the upstream compress its answer.
const NOT_FORWARDED: &[&str] =
    &["host", "content-length", "connection", "transfer-encoding", "accept-encoding", "keep-alive", "upgrade"];

async fn forward(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path_and_query = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let mut request = shared.http.request(method.clone(), format!("{}{path_and_query}", shared.upstream));
    for (name, value) in &headers {
        if !NOT_FORWARDED.contains(&name.as_str()) {
            request = request.header(name, value);
        }
    }
    remember_secrets(&shared, &headers, &body);
    let answer = match request.body(body).send().await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::warn!(%error, "upstream unreachable");
            return (StatusCode::BAD_GATEWAY, format!("pesapal-sim record: upstream unreachable: {error}"))
                .into_response();
        }
    };
    let status = answer.status();
    let mut response_headers = HeaderMap::new();
    for (name, value) in answer.headers() {
        if !NOT_FORWARDED.contains(&name.as_str()) {
            response_headers.insert(name.clone(), value.clone());
        }
    }
    let bytes = match answer.bytes().await {
        Ok(bytes) => bytes,
        Err(error) => return (StatusCode::BAD_GATEWAY, format!("pesapal-sim record: {error}")).into_response(),
    };
    let endpoint = Operation::ALL
        .iter()
        .map(|operation| operation.endpoint())
        .find(|e| e.method == method.as_str() && e.path.eq_ignore_ascii_case(uri.path()));
    if let Some(endpoint) = endpoint
        && let Err(error) = record(&shared, endpoint, status.as_u16(), &bytes)
    {
        tracing::warn!(%error, operation = endpoint.operation_id, "answer not recorded");
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = response_headers;
    response
}

/// Keeps the consumer key and secret of a RequestToken body and the bearer token of a call.
fn remember_secrets(shared: &Shared, headers: &HeaderMap, body: &[u8]) {
    let mut secrets = lock(&shared.secrets);
    if let Some(token) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
        if !token.is_empty() {
            secrets.insert(token.to_owned());
        }
    }
    if let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(body) {
        for key in ["consumer_key", "consumer_secret"] {
            if let Some(secret) = request.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()) {
                secrets.insert(secret.to_owned());
            }
        }
    }
}

fn record(shared: &Shared, endpoint: &Endpoint, status: u16, bytes: &[u8]) -> std::io::Result<()> {
    let Ok(mut body) = serde_json::from_slice::<Value>(bytes) else {
        tracing::warn!(operation = endpoint.operation_id, status, "answer is not JSON: not recorded");
        return Ok(());
    };
    // Tokens issued in this answer are secrets from now on.
    if let Some(token) = body.get("token").and_then(Value::as_str).filter(|t| !t.is_empty()) {
        lock(&shared.secrets).insert(token.to_owned());
    }
    let secrets: Vec<String> = lock(&shared.secrets).iter().cloned().collect();
    let mut replaced = Vec::new();
    redact(&mut body, &secrets, &mut replaced);
    let text = verbatim_except(bytes, &replaced, &body);
    let folder = shared.out.join(endpoint.operation_id);
    std::fs::create_dir_all(&folder)?;
    let date = chrono::Utc::now().format("%Y-%m-%d");
    let stem = format!("{status}-{}-{date}-{}", shared.environment, outcome(&body));
    let path = (1..)
        .map(|n| folder.join(if n == 1 { format!("{stem}.json") } else { format!("{stem}-{n}.json") }))
        .find(|p| !p.exists())
        .expect("a free file name");
    std::fs::write(&path, text)?;
    lock(&shared.recorded).push(path);
    Ok(())
}

/// A file-name word for what the answer says: its error code, `refused` or `ok`.
fn outcome(body: &Value) -> String {
    let code = body.pointer("/error/code").and_then(Value::as_str).filter(|c| !c.trim().is_empty());
    match code {
        Some(code) => code.trim().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect(),
        None if body.get("status").and_then(Value::as_str) == Some("500") => "refused".into(),
        None => "ok".into(),
    }
}
