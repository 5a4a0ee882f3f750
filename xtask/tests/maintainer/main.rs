//! The maintainer's loops, end to end through the `cargo xtask spec` binary on scratch copies, in
//! one test binary:
//!
//! - [`spec_command`]: Pesapal edits its collection, `--check` fails with a report naming the
//!   change, `spec` regenerates, reruns are byte-identical (a few seconds).
//! - [`docs_change`]: the same change carried through a scratch copy of the whole workspace, whose
//!   crates must still build and whose coverage tests must name what is left to do. It builds in
//!   this workspace's target directory, so it is `#[ignore]`d and `cargo xtask test` runs it on its
//!   own, after the other tests: `cargo test -p xtask --test maintainer -- --ignored`.

mod docs_change;
mod imports;
mod spec_command;
mod support;
