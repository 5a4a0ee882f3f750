//! The HTTP client that makes IPN calls ([`crate::outbound`]), built once per process and shared
//! by every simulator in it: building one (TLS roots included) took most of
//! `Simulator::start()`'s time (docs/PERFORMANCE.md), which test suites would otherwise pay once
//! per test.
//!
//! It trusts the system's CA certificates. Where there are none (a `FROM scratch` container, a
//! minimal CI image), the simulator still starts: IPNs to `http://` URLs need no certificate,
//! and a call to an `https://` URL fails with an error that says why.

use crate::error::StartError;
use crate::outbound;
use std::sync::OnceLock;

/// The shared client and whether it can verify `https://` IPN URLs.
#[derive(Debug, Clone)]
pub(crate) struct IpnHttp {
    client: reqwest::Client,
    /// Why `https://` URLs cannot be verified (no system CA certificates), if so.
    no_ca: Option<String>,
}

impl IpnHttp {
    /// The process's client, built on first use.
    pub(crate) fn shared() -> Result<IpnHttp, StartError> {
        static SHARED: OnceLock<Result<IpnHttp, String>> = OnceLock::new();
        SHARED.get_or_init(build).clone().map_err(StartError::HttpClient)
    }

    /// The client.
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// What a failed call to `url` records: the error, and for an `https://` URL without
    /// system CA certificates, why and what to do.
    pub(crate) fn failure(&self, url: &str, error: &reqwest::Error) -> String {
        match &self.no_ca {
            Some(why) if url.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://")) => format!(
                "no answer: {error}: this simulator cannot verify https:// IPN URLs because it found no CA \
                 certificates when it started ({why}); install a CA bundle (e.g. Debian's ca-certificates, or set \
                 SSL_CERT_FILE) or register an http:// IPN URL"
            ),
            _ => format!("no answer: {error}"),
        }
    }
}

fn named(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.user_agent(concat!("pesapal-sim/", env!("CARGO_PKG_VERSION")))
}

/// The system's CA certificates when there are any; otherwise a client that trusts no
/// certificate (so only `https://` calls fail), and a warning.
fn build() -> Result<IpnHttp, String> {
    match outbound::client(named) {
        Ok(client) => Ok(IpnHttp { client, no_ca: None }),
        Err(why) => {
            let client = outbound::client(|builder| named(builder).tls_certs_only([]))?;
            tracing::warn!(
                reason = %why,
                "no CA certificates: IPNs to https:// URLs will fail, http:// IPN URLs work"
            );
            Ok(IpnHttp { client, no_ca: Some(why) })
        }
    }
}
