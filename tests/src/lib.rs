//! Cross-crate tests for pesapal-rs live in `tests/tests/`; this library holds what they share:
//! the conformance checker ([`conformance`]), the one `$ref` resolver of the tests ([`refs`]) and
//! where the workspace's files are ([`workspace`]). Its doc tests are the Rust examples of the
//! repository's Markdown pages (`pages`).

pub mod conformance;
pub mod refs;
pub mod workspace;

pub use workspace::{committed_spec, corpus_dir, workspace_root};

/// The repository's Markdown pages, whose Rust examples are compiled (and run, unless marked
/// `no_run`) by `cargo test --doc -p pesapal-tests`, so that they stay true to the code.
#[cfg(doctest)]
pub mod pages {
    #[doc = include_str!("../../README.md")]
    pub struct ReadMe;
    #[doc = include_str!("../../docs/library.md")]
    pub struct Library;
    #[doc = include_str!("../../docs/simulator.md")]
    pub struct Simulator;
    #[doc = include_str!("../../docs/maintaining.md")]
    pub struct Maintaining;
    #[doc = include_str!("../../docs/WIRE.md")]
    pub struct Wire;
}
