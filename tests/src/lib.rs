//! Cross-crate tests for pesapal-rs live in `tests/tests/`; this library holds what they share:
//! the conformance checker ([`conformance`]), the one `$ref` resolver of the tests ([`refs`]) and
//! where the workspace's files are. Its doc tests are the Rust examples of the repository's
//! Markdown pages (`pages`).

pub mod conformance;
pub mod refs;

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

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace")
}

/// The conformance corpus, `tests/corpus/`.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("tests").join("corpus")
}

/// The spec committed in the workspace (`spec/pesapal.openapi.json`).
pub fn committed_spec() -> Value {
    let path = workspace_root().join("spec").join("pesapal.openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}
