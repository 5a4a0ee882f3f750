//! Validated requests. `build()` checks every documented rule and reports every violation at
//! once; nothing is sent on invalid input.
//!
//! The bodies are assembled with the generated builders (`pesapal_gen::types::builder`), never
//! with struct literals: when Pesapal documents a new optional field, the regenerated body type
//! gains it and this module still compiles (the field is then left out until a setter is added
//! here; `tests/coverage.rs` names it). Every field a user sets is first checked here
//! (through the generated type of its field where the spec has a rule, and through
//! `validation` for the rest), so that all violations are reported at once with their wire
//! names; the builder then only assembles values already checked.
//!
//! One file per request: [`address`], [`order`] (with its schedule), [`stk`] (an order plus
//! the phone to prompt) and [`refund`].

pub(crate) mod address;
pub(crate) mod order;
pub(crate) mod refund;
pub(crate) mod stk;
