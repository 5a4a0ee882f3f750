//! Where the workspace's files are: its root, the conformance corpus and the committed spec.

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
