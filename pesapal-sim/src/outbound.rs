//! The HTTP clients the simulator calls out with (IPN calls, the recorder's upstream), built in
//! one place: reqwest is compiled without a TLS crypto provider, so the process-wide one
//! (rustls with ring) is installed here before any client is built.

/// Builds the client `configure` describes, after installing the TLS crypto provider (once per
/// process; a provider installed by the application is kept).
pub(crate) fn client(
    configure: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
) -> Result<reqwest::Client, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    configure(reqwest::Client::builder()).build().map_err(|e| {
        // reqwest says only "builder error": the causes say what went wrong.
        let mut text = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(error) = cause {
            text = format!("{text}: {error}");
            cause = error.source();
        }
        text
    })
}
