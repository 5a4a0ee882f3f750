//! [`Endpoint`]: one operation as sent over HTTP (the generated `endpoints` table is made of them).

/// One operation of the spec as sent over HTTP, for clients that send requests themselves and
/// decode the answers with [`types`](crate::types) (pesapal-api does). Generated from the spec into
/// [`endpoints`](crate::endpoints), one constant per `operationId`, by the same step as the [`Client`](crate::Client).
///
/// ```
/// let status = &pesapal_gen::endpoints::GET_TRANSACTION_STATUS;
/// assert_eq!((status.method, status.path), ("GET", "/api/Transactions/GetTransactionStatus"));
/// assert_eq!(status.query, ["orderTrackingId"]);
/// assert!(status.bearer && status.errors.contains(&401));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path below the base URL.
    pub path: &'static str,
    /// The names of its query parameters.
    pub query: &'static [&'static str],
    /// Whether it needs the bearer token (the spec's `security` is not empty).
    pub bearer: bool,
    /// The success statuses it declares (the answer is the operation's response type).
    pub success: &'static [u16],
    /// The error statuses it declares (the answer is the error envelope).
    pub errors: &'static [u16],
}
