//! The TLS crypto provider: installed once, here, for every HTTPS client of the process.
//!
//! A leaf module: it uses no other module of this crate.

/// Installs rustls's `ring` crypto provider as the process default, unless one is installed
/// already (by an earlier call, or another part of the program: that one is kept).
///
/// The client built by [`ClientBuilder::build`](crate::ClientBuilder::build) calls it. Call it
/// yourself before building your own `reqwest::Client` for
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client): with this feature, reqwest
/// is built without a provider of its own.
///
/// ```
/// pesapal_api::install_tls_provider();
/// let client = pesapal_api::reqwest::Client::builder().build().unwrap();
/// # let _ = client;
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "rustls-ring")))]
pub fn install_tls_provider() {
    // reqwest's rustls backend needs a process-wide provider; `Err` means one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
