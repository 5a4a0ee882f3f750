//! What the simulator answers for a path or a method it does not serve: what Pesapal's ASP.NET
//! Web API answers (evidence/README.md, "Further facts": the messages were logged, the shapes
//! are Web API's), HTTP 404 `{"Message":"No HTTP resource was found that matches the request
//! URI '<the URI as the client used it>'."}` and HTTP 405 `{"Message":"The requested resource
//! does not support http method '<METHOD>'."}` (with `Allow`), as
//! `application/json; charset=utf-8`. The URI is the address the client used ([`BaseUrl`]:
//! the forwarding headers or `Host`, unless [`crate::SimConfig::public_url`] is set) with the
//! path and query as received.

use crate::http::base_url::BaseUrl;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

fn web_api(status: StatusCode, message: String) -> Response {
    let body = json!({ "Message": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

/// A path nobody serves: HTTP 404.
pub(crate) async fn not_found(base: BaseUrl, uri: Uri) -> Response {
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let message = format!("No HTTP resource was found that matches the request URI '{}{path}'.", base.0);
    web_api(StatusCode::NOT_FOUND, message)
}

/// A path served, with another method: HTTP 405.
pub(crate) async fn method_not_allowed(method: Method) -> Response {
    web_api(StatusCode::METHOD_NOT_ALLOWED, format!("The requested resource does not support http method '{method}'."))
}
