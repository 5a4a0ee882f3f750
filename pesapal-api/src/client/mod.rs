//! [`Pesapal`], the client: every method of it, and the building of one from a
//! [`ClientBuilder`](crate::ClientBuilder).
//!
//! `pesapal` holds the client, one method per operation, each a [`Call`](crate::call::Call) sent
//! through the pipeline; the methods built on those calls are grouped by what they are for, one
//! file each: `confirm` (verdicts by tracking id), `verify` (notifications confirmed with
//! GetTransactionStatus), `wait` (polling until a payment is final), `resend` (the safe resend
//! after an unknown outcome) and `ensure` (an IPN registration reused). Each of those files only
//! adds methods to [`Pesapal`], which they name where it is defined (`pesapal`), never here.

mod confirm;
mod ensure;
mod pesapal;
mod resend;
mod verify;
mod wait;

pub use pesapal::Pesapal;
