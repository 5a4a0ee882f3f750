#![doc = include_str!("../README.md")]
//!
//! # Reference
//!
//! From a clone of the repository, the server is `cargo run -p pesapal-sim -- --port 8080`.
//! The binary is also a recorder in front of a real Pesapal, to grow the conformance corpus from the wire:
//! `cargo run -p pesapal-sim -- record --upstream https://cybqa.pesapal.com/pesapalv3 --out
//! tests/corpus` (see [`recorder`]).
//!
//! What the real API sends, with sources, and what this simulator does about each fact, is in
//! [`docs/WIRE.md`](https://github.com/pesapal-rs/pesapal-rs/blob/main/docs/WIRE.md); the
//! recordings themselves are in the repository's `evidence/` folder.
//!
//! # Behaviour
//!
//! Answers follow the real API's recorded shapes: `status` as a string, errors as HTTP 200 with
//! `"status":"500"` and an `error` object, HTTP 401 without `status` for a bad or expired
//! bearer token, `expiryDate` in UTC with seven fractional digits, GetTransactionStatus
//! `created_date` in offset-less East Africa Time with every recorded key (`account_number`
//! included), amounts as JSON numbers, and `payment_details_not_found` while an order is unpaid.
//! RefundRequest and CancelOrder answer as recorded: success without an `error` key
//! (`{"status":"200","message":"Refund request successfully"}`, `{"status":"200","message":"Order
//! successfully cancelled."}`), refusals with only `status` and `message`. Paths are
//! case-insensitive under `/api/`; a path the API does not serve answers as Pesapal's ASP.NET Web
//! API does, HTTP 404 `{"Message":"No HTTP resource was found that matches the request URI
//! '…'."}` (the URI as the client used it), and a method it does not serve HTTP 405
//! `{"Message":"The requested resource does not support http method 'GET'."}`.
//!
//! What the recordings in `evidence/` taught (docs/WIRE.md has the full list):
//!
//! - **A repeated merchant reference** (SubmitOrderRequest's `id`) is answered with the order
//!   submitted first: the same tracking id and payment page; the new amount, currency and every
//!   other field are ignored (the request is still checked as a new one would be). An STK push
//!   with a reference used before returns that order and prompts nobody (not recorded: the
//!   simulator's choice).
//! - **RegisterIPN is not idempotent**: every call makes a new registration ([`Ipn`]) with a new
//!   `ipn_id`, also for a URL registered before; GetIpnList lists them all, oldest first.
//! - **`call_back_url`** in GetTransactionStatus is the order's `callback_url` as sent with
//!   `?OrderTrackingId=…&OrderMerchantReference=…` appended (after the URL's own query, if it
//!   has one), without `OrderNotificationType`; the browser's return from the payment page also
//!   carries `OrderNotificationType=CALLBACKURL`.
//! - **Payment attempts**: each attempt, failed or not, is what GetTransactionStatus shows: a
//!   failed attempt has its own 8-digit `confirmation_code` and its own `created_date`, a later
//!   successful one a new code and a later date. Card payments report `payment_method` "Visa"
//!   (numbers starting with 4) or "MasterCard" (51–55, 2221–2720), a 22-digit confirmation code
//!   and the card masked as recorded, first six and last four digits (`520000XXXXXX0007`; the
//!   default test card [`DEFAULT_CARD`] shows `476173XXXXXX0010`); M-Pesa "MpesaKE", a
//!   10-character code and the phone as `2547xxx18241`.
//! - **A card charged in another currency**: the test card
//!   [`test_values::CARD_CHARGED_IN_USD`] is charged in US dollars at the fixed rate
//!   [`test_values::USD_RATE`] (2500 per dollar: a 1000 TZS order reads `0.4` USD, as
//!   recorded); GetTransactionStatus reports what was charged, and RefundRequest checks the
//!   amount against it.
//!
//! Tokens are JWTs signed with HS256 by a key of each simulator, with Pesapal's claims
//! (`…/claims/userdata`, `uid`, `nbf`, `iat`, `exp`, `iss`, `aud`); `exp` is `expiryDate`, to
//! the second. The simulator checks the signature, expiry and revocation of every token shown.
//!
//! # Limits
//!
//! Bodies over 64 KiB, free-text fields over 255 characters where Pesapal documents no length
//! (names, address lines, email, phone, account number, refund fields), URLs over 2048
//! characters or with surrounding spaces or control characters, and amounts that round to 0.00
//! are refused as malformed requests, in the operation's own answer shape, so that what the
//! simulator keeps stays bounded. Documented lengths (`id` 50, `description` 100) are checked by
//! the generated types; `postal_code` and `zip_code` may be strings or integers, as documented.
//!
//! Orders move pending → completed / failed; failed may still complete (with a new confirmation
//! code); completed may be reversed ([`OrderStatus`], [`Transition`]). CancelOrder accepts
//! pending or failed orders, once. RefundRequest follows Pesapal's refund page: COMPLETED
//! payments only; mobile money in full only, cards also in part (never more than charged, never
//! zero after rounding); once per payment. Recurring orders (`account_number` +
//! `subscription_details`, [`OrderKind::Recurring`]) are charged at `start_date + k·frequency`
//! (k ≥ 1, up to `end_date`; [`Schedule`]) when [`Simulator::advance_clock`] passes those dates,
//! once their first payment completed; each charge is a new completed order
//! ([`OrderKind::Charge`]) announced by a `RECURRING` IPN whose merchant reference is the account
//! number.
//!
//! # Refusals and error codes
//!
//! Every refusal answers with the code and words Pesapal was seen answering it with — recorded
//! (`evidence/`), or noted by the project's founders (`tests/corpus/`) — in that answer's shape;
//! [`SimError`] is the refusal, [`SimError::code`] its code. Where nobody recorded a refusal
//! the simulator must make, it says so here.
//!
//! | Refusal | Operation | Answer | Source |
//! |---|---|---|---|
//! | bearer token missing, unknown or revoked ([`TokenRefusal`]) | all but RequestToken | HTTP 401 `{"error":{"error_type":"api_error","code":"invalid_api_credentials_provided","message":null,"call_back_url":null}}` | notes: `tests/corpus/CancelOrder/401-no-status.json` |
//! | bearer token expired | all but RequestToken | the same with `"message":"Token expired"` | notes: `tests/corpus/SubmitOrderRequest/401-expired-token.json` |
//! | wrong consumer key or secret | RequestToken | `{"token":null,"expiryDate":null,"error":{"error_type":"api_error  ","code":"invalid_consumer_key_or_secret_provided","message":"","call_back_url":null},"status":"500","message":null}` | notes: `tests/corpus/RequestToken/200-invalid-consumer-keys.json` |
//! | malformed request (undecodable, oversized, out of bounds) | RegisterIPN, GetTransactionStatus, RefundRequest | `{"error":{"error_type":"invalid_request_error","code":"invalid_api_request_parameters","message":"Invalid API request."},"status":"500"}` | `evidence/sandbox-2025-11-09_refund_invalid_params.json` (recorded for RefundRequest) |
//! | malformed request | RequestToken, CancelOrder | that error object in the operation's shape (a null token; CancelOrder's required `message`: "Invalid API request.") | the simulator's (no recording) |
//! | malformed request | SubmitOrderRequest, STK push | `{"error":{"error_type":"api_error","code":"invalid_api_request_parameters","message":null,"call_back_url":null},"status":"500"}` | notes: `tests/corpus/SubmitOrderRequest/200-error-without-tracking-id.json` |
//! | unusable IPN URL | RegisterIPN | `invalid_url`, "The specified url provided is invalid" | `evidence/sandbox-2025-11-09_registeripn_invalid_url.json` |
//! | no `billing_address` (absent or null) | SubmitOrderRequest, STK push | `missing_mandatory_billing_address`, "Please provide billing details information on your API request." | `evidence/quoted_submitorder_missing_billing.json` |
//! | billing address without email and phone | SubmitOrderRequest, STK push | the all-zero tracking id, `missing_mandatory_billing_address`, "Either email address or phone number is required" | notes: `tests/corpus/SubmitOrderRequest/200-failed-all-zero-tracking-id.json` |
//! | unknown `notification_id` | SubmitOrderRequest, STK push | `invalid_request_error` / `invalid_api_request_parameters`, "Invalid IPN URL ID provided.Check format and try again" | `evidence/quoted_submitorder_unknown_notification_id.json` |
//! | unknown tracking id | GetTransactionStatus | `{"error":{"error_type":"validation_error   ","code":"invalid_tracking_id","message":null,"call_back_url":null},"status":"500"}` | notes: `tests/corpus/GetTransactionStatus/200-invalid-tracking-id.json` |
//! | not paid yet | GetTransactionStatus | the status with `payment_details_not_found`, "Pending Payment" | `evidence/sandbox-2025-11-09_status_pending.json` |
//! | completed or reversed order | CancelOrder | `{"status":"500","message":"Invalid order request. Transaction cannot be cancelled"}` | `evidence/sandbox-2025-11-09_cancel_refused.json` |
//! | order already cancelled, unknown order | CancelOrder | the same | the simulator's (the recorded refusal, for cases nobody recorded) |
//! | more than charged, nothing, or part of an M-Pesa payment | RefundRequest | `{"status":"500","message":"Invalid amount provided. Please check your transaction details"}` | `evidence/sandbox-2025-11-09_refund_invalid_amount.json` |
//! | a second refund of a payment | RefundRequest | `{"status":"500","message":"Refund request has been received already"}` | `evidence/sandbox-2025-11-09_refund_duplicate.json` |
//! | payment not COMPLETED (failed, reversed) | RefundRequest | `{"status":"500","message":"Refunds are only allowed for completed payments"}` | **the simulator's own words** (Pesapal's refund page states the rule) |
//! | confirmation code of no payment | RefundRequest | `{"status":"500","message":"No payment has this confirmation code"}` | **the simulator's own words** |
//! | path not served | any | HTTP 404 `{"Message":"No HTTP resource was found that matches the request URI '…'."}` | evidence/README.md (logged message; Web API's shape) |
//! | method not served | any | HTTP 405 `{"Message":"The requested resource does not support http method '…'."}` | evidence/README.md (logged message; Web API's shape) |
//!
//! The codes are [`pesapal_gen::facts::ErrorCode`]'s, all seen from Pesapal. Refusals that
//! never reach Pesapal's API have the simulator's own codes, shown only by the control API
//! and in logs: `refund_already_received`, `order_cancelled` (paying a cancelled order),
//! `invalid_state_transition` (a control action the order's state does not allow).
//!
//! # Hosted payment page
//!
//! An order's `redirect_url` is `{base}/pesapaliframe/PesapalIframe3/Index?` with the order's
//! tracking id (the sandbox's path; `/iframe/PesapalIframe3/Index`, the live one, with
//! [`SimConfig::environment`] [`SimEnvironment::Live`] or `--environment live`): it shows the
//! merchant reference, amount, currency and description, and offers "Pay with M-Pesa", "Pay with
//! card" and "Cancel" (which leaves the order pending). M-Pesa asks for the phone number
//! (prefilled from the billing address), sends the prompt and waits for the simulated phone:
//! approve, decline, or no answer (the order stays pending, as an STK prompt that times out).
//! Card asks for the card details (a Visa or MasterCard number; others are refused). The page
//! then sends the browser to the order's `callback_url` (the `cancellation_url` for "Cancel",
//! when given) with the spec's notification parameters
//! ([`pesapal_gen::notification_parameters`], notification type `CALLBACKURL`).
//!
//! # Test values
//!
//! Card and phone numbers decide outcomes on purpose, on the page, in an STK push's `msisdn`,
//! through [`Simulator::pay_with`] (an [`Instrument`]) or `POST /_sim/orders/{id}/pay` with
//! `{"phone":…}` or `{"card":…}`: see [`test_values`] for the numbers and the
//! `payment_status_code` and `description` each ends in, and for the card charged in US dollars
//! ([`test_values::CARD_CHARGED_IN_USD`]).
//!
//! # Reproducible runs
//!
//! [`SimConfig::seed`] (`--seed N`) draws tracking ids, IPN ids, confirmation codes and tokens
//! from one seeded generator: the same seed and the same calls give the same ids.
//!
//! # IPN delivery
//!
//! Each status change (completed, failed, reversed, recurring charge) calls the order's
//! registered IPN URL ([`Ipn`]): GET with the three parameters in the query, or POST with them
//! in a JSON body ([`IpnHttpMethod`], [`pesapal_gen::notification_parameters`]). A call counts
//! only if the merchant answers HTTP 200 with the acknowledgement
//! ([`pesapal_gen::types::IpnAcknowledgement`]) and status 200; otherwise it is retried after
//! [`SimConfig::ipn_backoff`], doubled each time, up to [`SimConfig::ipn_max_attempts`] calls.
//! Every attempt is recorded ([`Simulator::deliveries`], [`Delivery`], [`Attempt`],
//! `GET /_sim/ipn/deliveries`); [`Simulator::wait_for_deliveries`] waits for them
//! ([`WaitTimeout`]).
//!
//! [`IpnControls`], for every order or one, delay deliveries, repeat them, drop them (never
//! delivered) or deliver them out of order (each of an order's notifications waits for the
//! next one, so that a FAILED attempt's notification arrives after the COMPLETED one).
//!
//! # Inspector
//!
//! `GET /_sim/` is a page for a browser: orders with their state and the actions it allows,
//! IPN deliveries with every attempt and the merchant's answer, refunds, tokens, faults and IPN
//! controls in force, and the clock with an "advance" control.
//!
//! # Built on the spec
//!
//! Routes come from the spec's operations ([`pesapal_gen::Operation`]), request bodies are
//! decoded (and checked: lengths, patterns, enums) by the generated types, answers are built
//! with them, and the IPN call, its acknowledgement and the browser callback use the spec's
//! callback types. The simulator never uses `pesapal-api`: it is an independent model of
//! Pesapal. [`SimConfig::answer_observer`] sees every API answer as sent ([`ObservedAnswer`],
//! [`AnswerObserver`]); the simulator's own tests check each one against the spec with the
//! strict conformance checker.
//!
//! # Names beside pesapal-api's
//!
//! `use pesapal_api::*; use pesapal_sim::*;` works: the simulator's names for its own things
//! differ from the client's ([`SimEnvironment`] vs [`pesapal_api::Environment`],
//! [`ChargeFrequency`] vs [`pesapal_api::Frequency`], [`IpnHttpMethod`] vs
//! [`pesapal_api::IpnMethod`]), and the spec's notification type is [`ipn::NotificationType`],
//! not at the root ([`pesapal_api::NotificationType`] is the client's).
//!
//! [`pesapal_api::Environment`]: https://docs.rs/pesapal-api/latest/pesapal_api/enum.Environment.html
//! [`pesapal_api::Frequency`]: https://docs.rs/pesapal-api/latest/pesapal_api/enum.Frequency.html
//! [`pesapal_api::IpnMethod`]: https://docs.rs/pesapal-api/latest/pesapal_api/enum.IpnMethod.html
//! [`pesapal_api::NotificationType`]: https://docs.rs/pesapal-api/latest/pesapal_api/enum.NotificationType.html
//!
//! # Control API
//!
//! Under `/_sim`, a prefix Pesapal does not use; the methods of [`Simulator`] do the same
//! in-process. Its OpenAPI 3.0 description is served at `GET /_sim/openapi.json` (and committed
//! as `spec/pesapal-sim-control.openapi.json`): the control routes are built from it, so any
//! language can generate a client for them.
//!
//! | Method and path | Effect |
//! |---|---|
//! | `GET /_sim` | base URL, consumer key, clock |
//! | `GET /_sim/orders`, `GET /_sim/orders/{id}` | orders as the simulator keeps them ([`Order`], [`Payment`]) |
//! | `GET /_sim/` | the inspector page (HTML) |
//! | `GET /_sim/openapi.json` | this API's OpenAPI description |
//! | `POST /_sim/orders/{id}/pay` | body `{"method":"mpesa"}` (default) or `{"method":"card"}` ([`PaymentMethod`]); or a test value `{"phone":…}` / `{"card":…}` |
//! | `POST /_sim/orders/{id}/fail` | the payment attempt fails |
//! | `POST /_sim/orders/{id}/reverse` | a completed payment is reversed |
//! | `POST /_sim/orders/{id}/approve` | the customer approves an STK prompt (pays by M-Pesa) |
//! | `POST /_sim/orders/{id}/decline` | the customer declines it (failed, `1032`) |
//! | `PUT /_sim/orders/{id}/ipn` | [`IpnControls`] for this order's IPNs |
//! | `GET /_sim/clock`, `POST /_sim/clock/advance` | body `{"seconds":N}`; makes due subscription charges |
//! | `GET /_sim/ipn/deliveries` | every IPN delivery and its attempts |
//! | `GET /_sim/ipn/controls`, `PUT /_sim/ipn/controls` | [`IpnControls`] for every order |
//! | `GET /_sim/refunds` | accepted refund requests ([`Refund`]) |
//! | `GET /_sim/faults`, `PUT /_sim/faults` | the [`Faults`] in force (PUT replaces them), counts ([`FaultStats`]) |
//! | `POST /_sim/reset` | forget everything |
//!
//! # Faults
//!
//! [`Faults`] (from [`SimConfig::faults`], [`Simulator::set_faults`] or `PUT /_sim/faults`):
//! latency, injected HTTP errors, connections dropped before the request is processed, and
//! **lost answers** (`lose_answer_rate`, `lose_answer_next`): the request is processed (the
//! order created, the refund recorded, …) and the connection then closes without the answer,
//! on any API operation, so that tests meet "Pesapal did it, and the answer was lost".
//!
//! Control errors answer `{"error":code,"message":…}` with HTTP 404 (unknown order), 400 (bad
//! input) or 409 (a transition the order's state does not allow); [`SimError`] says which, in
//! words of the simulator's own.
//!
//! # Layout
//!
//! The crate is in wings: the model (`src/model/`: state, transitions, clock, tokens, test
//! values), the HTTP surface (`src/http/`: server, API routes, control routes, faults, answers),
//! IPN delivery ([`ipn`]), the pages (`src/pages/`: payment page, inspector) and the recorder
//! ([`recorder`]); `src/engine.rs` drives the model for all of them and [`Simulator`] starts it.
//! No two files import each other (the workspace's rule, `xtask/src/imports.rs`, checks).

mod config;
mod engine;
mod error;
mod http;
pub mod ipn;
mod lock;
mod model;
mod outbound;
mod pages;
pub mod recorder;
mod simulator;

pub use config::{AnswerObserver, ObservedAnswer, SimConfig, SimEnvironment};
pub use error::{SimError, StartError, TokenRefusal};
pub use http::faults::{FaultStats, Faults};
pub use ipn::{Attempt, Delivery, IpnControls};
pub use model::instruments::{DEFAULT_CARD, Instrument, PaymentMethod};
pub use model::ipn::{Ipn, IpnHttpMethod};
pub use model::machine::{OrderStatus, Transition};
pub use model::order::{Order, OrderKind, Payment, Refund};
pub use model::schedule::{ChargeFrequency, Schedule};
pub use model::test_values;
pub use simulator::{Simulator, WaitTimeout};
