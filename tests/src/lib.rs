//! Cross-crate tests for pesapal-rs live in `tests/tests/`; this library holds what they share:
//! the conformance checker ([`conformance`]), the one `$ref` resolver of the tests ([`refs`]) and
//! where the workspace's files are ([`workspace`]).

pub mod conformance;
pub mod refs;
pub mod workspace;

pub use workspace::{committed_spec, corpus_dir, workspace_root};
