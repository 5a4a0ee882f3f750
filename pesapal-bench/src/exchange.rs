//! The generated client's `send()` with the raw answer kept: the alternative pesapal-api's
//! transport was measured against (docs/PERFORMANCE.md). An [`Authenticator`] whose `execute`
//! reads the body once, keeps its bytes and hands the generated code a response rebuilt on the
//! same (shared) bytes, inside a task-local [`exchange`].

use bytes::Bytes;
use pesapal_gen::{AuthFuture, Authenticator, ExecuteFuture};
use reqwest::header::HeaderValue;
use reqwest::{ResponseBuilderExt, StatusCode};
use std::cell::RefCell;
use std::future::Future;

/// What one exchange received: the HTTP status and the body bytes, exactly as they arrived.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body, as received (the generated decode reads these same bytes).
    pub body: Bytes,
}

tokio::task_local! {
    static ANSWER: RefCell<Option<RawAnswer>>;
}

/// Runs `send` (a generated `.send()` future of a client built with [`KeepingAnswers`]) and
/// returns its result with the raw answer, when one arrived.
pub async fn exchange<F: Future>(send: F) -> (F::Output, Option<RawAnswer>) {
    ANSWER
        .scope(RefCell::new(None), async move {
            let output = send.await;
            (output, ANSWER.with(|answer| answer.borrow_mut().take()))
        })
        .await
}

/// A fixed bearer header, and the raw answer kept inside an [`exchange`].
#[derive(Debug)]
pub struct KeepingAnswers {
    /// The `Authorization` header sent.
    pub bearer: HeaderValue,
}

impl Authenticator for KeepingAnswers {
    fn authorization(&self) -> AuthFuture<'_> {
        Box::pin(async { Ok(self.bearer.clone()) })
    }

    fn execute<'a>(&'a self, client: &'a reqwest::Client, request: reqwest::Request) -> ExecuteFuture<'a> {
        Box::pin(async move {
            let mut response = client.execute(request).await?;
            if ANSWER.try_with(|_| ()).is_err() {
                return Ok(response);
            }
            let (status, version, url) = (response.status(), response.version(), response.url().clone());
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await?;
            ANSWER.with(|answer| *answer.borrow_mut() = Some(RawAnswer { status, body: body.clone() }));
            let mut builder = http::Response::builder().status(status).version(version).url(url);
            if let Some(slot) = builder.headers_mut() {
                *slot = headers;
            }
            // A builder given only typed parts cannot fail; were it to, the bytes still go through.
            let rebuilt = builder.body(body.clone()).unwrap_or_else(|_| http::Response::new(body));
            Ok(reqwest::Response::from(rebuilt))
        })
    }
}
