//! The spec pipeline of pesapal-rs: Pesapal's Postman collection → corrected OpenAPI 3.0.3.
//!
//! 1. [`convert`] turns every documented request into an operation, reading the body samples,
//!    the JSON samples and the parameter tables of its HTML page.
//! 2. [`overlay`] applies `spec/corrections.overlay.json`, where every correction of the
//!    documentation is an Overlay action with its reason.
//! 3. [`generate`] turns the corrected spec into the Rust source of `pesapal-gen` (progenitor).
//! 4. [`report`] compares the result with the committed spec for the maintainer.
//!
//! [`refs`] follows references in a spec, for all of them.
//!
//! [`imports`] finds the files of a crate that import each other (none may).
//!
//! [`test_command`] is `cargo xtask test`: every test, installing what the tests need.
//! [`dist`] is `cargo xtask dist`: the simulator's artifacts (wheel, npm packages, archive, image).
//! [`host`] is what both do on this machine (running commands, installing tools).
//! [`doc_links`] is `cargo xtask doc-links`: every public item the crate docs name is a working link.

pub mod bench;
pub mod convert;
pub mod dist;
pub mod doc_links;
pub mod generate;
pub mod host;
pub mod html;
pub mod imports;
pub mod overlay;
pub mod postman;
pub mod refs;
pub mod report;
pub mod schema;
pub mod test_command;

use anyhow::{Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Where the pipeline's files live.
#[derive(Debug, Clone)]
pub struct Files {
    /// The Postman collection, verbatim from Pesapal.
    pub collection: PathBuf,
    /// The Postman environment giving the collection's variables their values.
    pub environment: PathBuf,
    /// The Overlay document of corrections.
    pub corrections: PathBuf,
    /// The generated spec, committed.
    pub spec: PathBuf,
    /// The generated client, committed as source of `pesapal-gen`.
    pub generated_client: PathBuf,
    /// The spec's changelog, one entry per `info.version` (see [`report::changelog`]).
    pub changelog: PathBuf,
}

impl Files {
    /// The standard layout under the workspace root.
    pub fn in_workspace(root: &Path) -> Files {
        let spec = root.join("spec");
        Files {
            collection: spec.join("pesapal-api-3.0.postman_collection.json"),
            environment: spec.join("pesapal.postman_environment.json"),
            corrections: spec.join("corrections.overlay.json"),
            changelog: spec.join("CHANGELOG.md"),
            spec: spec.join("pesapal.openapi.json"),
            generated_client: root.join("pesapal-gen").join("src").join("generated.rs"),
        }
    }
}

/// The result of a pipeline run.
pub struct Built {
    /// The corrected spec.
    pub spec: Value,
    /// Its file text (pretty JSON, trailing newline): byte-identical across runs.
    pub text: String,
    /// The generated client's source (see [`generate`]).
    pub code: String,
    /// Tables and samples the converter could not place.
    pub notes: Vec<String>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The corrected spec (and the converter's notes) from the texts of the three inputs, checked to
/// be OpenAPI 3.0; no code is generated.
pub fn corrected_spec(collection: &str, environment: &str, corrections: &str) -> Result<(Value, Vec<String>)> {
    let collection = postman::Collection::parse(collection)?;
    let environment = postman::Environment::parse(environment)?;
    let corrections = overlay::Overlay::parse(corrections)?;
    let converted = convert::convert(&collection, &environment)?;
    let mut spec = converted.spec;
    corrections.apply(&mut spec).context("applying spec/corrections.overlay.json")?;
    serde_json::from_value::<openapiv3::OpenAPI>(spec.clone())
        .context("the corrected spec is not a valid OpenAPI 3.0 document")?;
    // Tables the corrections declared as callbacks (the IPN's and the browser callback's
    // parameters) are in the spec; the maintainer hears of the others.
    let left_out = converted.unplaced.iter().filter(|table| !table.covered_by_callback(&spec)).map(|t| t.note());
    let notes = converted.notes.into_iter().chain(left_out).collect();
    Ok((spec, notes))
}

/// Runs converter, corrections and code generation on the texts of the three inputs.
pub fn build_from_text(collection: &str, environment: &str, corrections: &str) -> Result<Built> {
    let (spec, notes) = corrected_spec(collection, environment, corrections)?;
    let text = serde_json::to_string_pretty(&spec)? + "\n";
    let code = generate::client_code(&spec)?;
    Ok(Built { spec, text, code, notes })
}

/// Runs the pipeline on the files.
pub fn build(files: &Files) -> Result<Built> {
    build_from_text(&read(&files.collection)?, &read(&files.environment)?, &read(&files.corrections)?)
}
