//! The full generated client, formatted, as a snapshot: it changes when the spec changes, and
//! only then (the generation is deterministic). Review the diff, then `cargo insta accept`.

#[test]
fn generated_client_snapshot() {
    insta::assert_snapshot!("pesapal_client", pesapal_gen::GENERATED_CODE);
}
