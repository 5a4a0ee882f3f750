//! [`Call`]: what one operation is, for the pipeline. Each request type carries its
//! [`Operation`] (and through it the generated endpoint it is sent to), how its request is
//! built, the generated type its answer is decoded by, and how that becomes what the client
//! returns; `operations` has one `impl` per operation. [`attempt`] is one exchange of a call.
//!
//! (async-stripe's `StripeRequest` idea: the pipeline is written once, generic over `Call`.)

use crate::error::Error;
use crate::http::{Answer, Http, Request};
use crate::operation::Operation;
use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;

/// One operation's request and answer. Crate-private, so sealed: users call the `Pesapal`
/// methods.
pub(crate) trait Call {
    /// The operation, and so the endpoint the request is sent to.
    const OPERATION: Operation;
    /// The generated type the answer's body is decoded by.
    type Answer: DeserializeOwned;
    /// What the `Pesapal` method returns.
    type Output;

    /// The query values and the body, built once per call (retries and replays resend them).
    fn request(&self) -> Result<Request, Error>;

    /// The answer as this crate presents it, or the rejection its envelope reports.
    fn decode(answer: Answer<Self::Answer>) -> Result<Self::Output, Error>;
}

/// One exchange of call `C`, with the bearer header `authorization` when its endpoint needs
/// one: sent, and its answer decoded.
pub(crate) async fn attempt<C: Call>(
    http: &Http,
    authorization: Option<HeaderValue>,
    request: &Request,
) -> Result<C::Output, Error> {
    tracing::debug!("sending");
    C::decode(http.exchange(C::OPERATION, authorization, request).await?)
}
