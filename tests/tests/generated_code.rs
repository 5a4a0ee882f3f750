//! The full generated client, regenerated from the committed spec, as a snapshot: it changes
//! when the spec changes, and only then (the generation is deterministic). Review the diff, then
//! `cargo insta accept`. The same code is committed as `pesapal-gen/src/generated.rs` (checked by
//! `cargo xtask spec --check` and `tests/spec.rs`), where a reader opens it.

#[test]
fn generated_client_snapshot() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace");
    let spec = std::fs::read_to_string(root.join("spec/pesapal.openapi.json")).expect("committed spec");
    let code = xtask::generate::client_code(&serde_json::from_str(&spec).expect("spec is JSON")).expect("generates");
    insta::assert_snapshot!("pesapal_client", code);
}
