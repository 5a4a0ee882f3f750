//! Generates the low-level client from `pesapal.openapi.json` (the copy of `spec/` that
//! `cargo xtask spec` keeps inside this package) with progenitor's builder interface.
//!
//! Output: `$OUT_DIR/pesapal_client.rs`, formatted with prettyplease, plus the list of
//! operations that need no bearer token (those whose `security` is empty in the spec).

use heck::ToSnakeCase;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;
use schemars::schema::{InstanceType, NumberValidation, SchemaObject};
use std::path::Path;

const SPEC: &str = "pesapal.openapi.json";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    let text = std::fs::read_to_string(SPEC).unwrap_or_else(|e| panic!("cannot read {SPEC}: {e}"));
    let spec: openapiv3::OpenAPI =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{SPEC} is not OpenAPI 3.0: {e}"));

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote!(crate::SharedAuthenticator))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq");
    // Money: `{"type": "number", "format": "decimal"}` is never a float, with or without
    // `multipleOf: 0.01` (two decimal places).
    for multiple_of in [None, Some(0.01)] {
        settings.with_conversion(
            SchemaObject {
                instance_type: Some(InstanceType::Number.into()),
                format: Some("decimal".into()),
                number: multiple_of.map(|m| Box::new(NumberValidation { multiple_of: Some(m), ..Default::default() })),
                ..Default::default()
            },
            "::rust_decimal::Decimal",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    let tokens = Generator::new(&settings)
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor cannot generate a client from {SPEC}: {e}"));
    let file = syn::parse2(tokens).expect("progenitor emits valid Rust");
    let mut code = prettyplease::unparse(&file);

    let public: Vec<String> = spec
        .operations()
        .filter(|(_, _, op)| op.security.as_ref().is_some_and(Vec::is_empty))
        .filter_map(|(_, _, op)| op.operation_id.as_deref())
        // Progenitor names operations in snake case in `OperationInfo`.
        .map(str::to_snake_case)
        .collect();
    code.push_str(&format!(
        "\n/// Operations (as named in `OperationInfo`) that take no bearer token (their `security` is empty in the spec).\n\
         pub(crate) const UNAUTHENTICATED_OPERATIONS: &[&str] = &{public:?};\n"
    ));

    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("pesapal_client.rs"), code).expect("write generated client");
}
