//! The accept loop. Served by hand (not `axum::serve`) so that fault injection can close a
//! connection without answering, and so that Pesapal's case-insensitive `/api/` paths reach
//! the lower-case routes.

use crate::http::faults::ConnectionKiller;
use axum::Router;
use axum::http::{Request, Uri};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use pesapal_gen::Operation;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// A server running in its own task (the simulator's or the recorder's): told to stop when
/// dropped, and waited for by [`Serving::shutdown`].
pub(crate) struct Serving {
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Serving {
    /// The server `task`, which stops when `stop` sends `true`.
    pub(crate) fn new(stop: watch::Sender<bool>, task: tokio::task::JoinHandle<()>) -> Serving {
        Serving { stop, task: Some(task) }
    }

    /// Stops the server and waits for its task to end.
    pub(crate) async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until Ctrl-C, then stops.
    pub(crate) async fn run_until_ctrl_c(self) {
        let _ = tokio::signal::ctrl_c().await;
        self.shutdown().await;
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Serves `app` on `listener` until `shutdown` becomes `true`; then open connections close.
pub(crate) async fn serve(listener: TcpListener, app: Router, shutdown: watch::Receiver<bool>) {
    let mut stop = shutdown.clone();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => return,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let killer = ConnectionKiller(kill.clone());
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                lowercase_api_path(&mut request);
                request.extensions_mut().insert(killer.clone());
                app.clone().oneshot(request)
            });
            let connection = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                () = kill.notified() => {}
                () = stopped(&mut stop) => {}
            }
        });
    }
}

/// Resolves when `stop` becomes `true` (or its sender is gone).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

fn lowercase_api_path<B>(request: &mut Request<B>) {
    let path = request.uri().path();
    let is_api_path = || Operation::ALL.iter().any(|operation| operation.endpoint().path.eq_ignore_ascii_case(path));
    if !path.bytes().any(|b| b.is_ascii_uppercase()) || !is_api_path() {
        return;
    }
    let mut path_and_query = path.to_ascii_lowercase();
    if let Some(query) = request.uri().query() {
        path_and_query.push('?');
        path_and_query.push_str(query);
    }
    let mut parts = request.uri().clone().into_parts();
    if let Ok(value) = path_and_query.parse() {
        parts.path_and_query = Some(value);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_lower_cased_queries_kept() {
        let mut request = Request::get("/api/Transactions/GetTransactionStatus?orderTrackingId=AbC").body(()).unwrap();
        lowercase_api_path(&mut request);
        assert_eq!(request.uri(), "/api/transactions/gettransactionstatus?orderTrackingId=AbC");
        let mut page = Request::get("/pesapaliframe/PesapalIframe3/Index").body(()).unwrap();
        lowercase_api_path(&mut page);
        assert_eq!(page.uri(), "/pesapaliframe/PesapalIframe3/Index");
    }
}
