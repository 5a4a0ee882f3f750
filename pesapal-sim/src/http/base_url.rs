//! The base of every URL the simulator hands out (an order's `redirect_url`, the control API's
//! and the inspector's base URL): [`crate::SimConfig::public_url`] when set, otherwise the address
//! the client used: `X-Forwarded-Proto` and `X-Forwarded-Host` behind a proxy, else the `Host`
//! header, so that `docker run -p 8080:8080` hands out `http://localhost:8080/…` rather than
//! the address inside the container. Without a usable header: the listening address.

use crate::engine::Engine;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::http::uri::Authority;
use std::convert::Infallible;
use std::sync::Arc;

/// The base URL for this request, without a trailing slash, e.g. `http://localhost:8080`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BaseUrl(pub String);

impl FromRequestParts<Arc<Engine>> for BaseUrl {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, engine: &Arc<Engine>) -> Result<BaseUrl, Infallible> {
        if engine.config().public_url.is_some() {
            return Ok(BaseUrl(engine.public_url().to_owned()));
        }
        let host = parts.uri.authority().map(Authority::as_str);
        Ok(BaseUrl(from_headers(&parts.headers, host).unwrap_or_else(|| engine.public_url().to_owned())))
    }
}

/// The first value of a header that proxies may list (`a, b`), trimmed.
fn first<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let value = headers.get(name)?.to_str().ok()?;
    value.split(',').next().map(str::trim).filter(|v| !v.is_empty())
}

/// `{proto}://{host}` from the forwarding headers or `Host` (or the request line's authority);
/// `None` when no valid host is given. Only `http` and `https`, and only a bare authority
/// (host and port: no path, user or spaces), are taken.
fn from_headers(headers: &HeaderMap, request_authority: Option<&str>) -> Option<String> {
    let host = first(headers, "x-forwarded-host").or_else(|| first(headers, "host")).or(request_authority)?;
    let authority: Authority = host.parse().ok()?;
    if authority.as_str().contains('@') {
        return None;
    }
    let proto = match first(headers, "x-forwarded-proto").map(str::to_ascii_lowercase).as_deref() {
        None | Some("http") => "http",
        Some("https") => "https",
        Some(_) => return None,
    };
    Some(format!("{proto}://{}", authority.as_str().to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap())).collect()
    }

    #[test]
    fn the_host_header_names_the_base() {
        assert_eq!(
            from_headers(&headers(&[("host", "localhost:8080")]), None).as_deref(),
            Some("http://localhost:8080")
        );
    }

    #[test]
    fn a_proxy_names_the_base_with_forwarded_host_and_proto() {
        let behind = headers(&[
            ("host", "10.0.0.5:8080"),
            ("x-forwarded-host", "pay.example.test, proxy.internal"),
            ("x-forwarded-proto", "HTTPS"),
        ]);
        assert_eq!(from_headers(&behind, None).as_deref(), Some("https://pay.example.test"));
        let proto_only = headers(&[("host", "sim.example.test"), ("x-forwarded-proto", "https")]);
        assert_eq!(from_headers(&proto_only, None).as_deref(), Some("https://sim.example.test"));
    }

    #[test]
    fn unusable_headers_name_nothing() {
        for bad in [
            headers(&[("host", "evil.test/path")]),
            headers(&[("host", "user@evil.test")]),
            headers(&[("host", "a b")]),
            headers(&[("host", "sim.test"), ("x-forwarded-proto", "javascript")]),
            headers(&[]),
        ] {
            assert_eq!(from_headers(&bad, None), None, "{bad:?}");
        }
        assert_eq!(from_headers(&headers(&[]), Some("127.0.0.1:9")).as_deref(), Some("http://127.0.0.1:9"));
    }
}
