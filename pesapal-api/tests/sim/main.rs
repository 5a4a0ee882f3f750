//! pesapal-api against the simulator (`pesapal-sim`), over loopback HTTP: what only a stateful
//! Pesapal can show (token revocations under load, …). What the tests share is in [`support`].

mod endpoints;
mod ipns;
mod reconcile;
mod replays;
mod support;
mod verdicts;
