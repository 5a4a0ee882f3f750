//! The spec pipeline of pesapal-rs: Pesapal's Postman collection → corrected OpenAPI 3.0.3.
//!
//! 1. [`convert`] turns every documented request into an operation, reading the body samples,
//!    the JSON samples and the parameter tables of its HTML page.
//! 2. [`overlay`] applies `spec/corrections.overlay.json`, where every correction of the
//!    documentation is an Overlay action with its reason.
//! 3. [`report`] compares the result with the committed spec for the maintainer.

pub mod bench;
pub mod convert;
pub mod html;
pub mod overlay;
pub mod postman;
pub mod report;
pub mod schema;

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
    /// The copy inside `pesapal-gen`, whose build script may only read its own package.
    pub generator_copy: PathBuf,
}

impl Files {
    /// The standard layout under the workspace root.
    pub fn in_workspace(root: &Path) -> Files {
        let spec = root.join("spec");
        Files {
            collection: spec.join("pesapal-api-3.0.postman_collection.json"),
            environment: spec.join("pesapal.postman_environment.json"),
            corrections: spec.join("corrections.overlay.json"),
            spec: spec.join("pesapal.openapi.json"),
            generator_copy: root.join("pesapal-gen").join("pesapal.openapi.json"),
        }
    }
}

/// The result of a pipeline run.
pub struct Built {
    /// The corrected spec.
    pub spec: Value,
    /// Its file text (pretty JSON, trailing newline): byte-identical across runs.
    pub text: String,
    /// Tables and samples the converter could not place.
    pub notes: Vec<String>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Runs converter and corrections on the texts of the three inputs.
pub fn build_from_text(collection: &str, environment: &str, corrections: &str) -> Result<Built> {
    let collection = postman::Collection::parse(collection)?;
    let environment = postman::Environment::parse(environment)?;
    let corrections = overlay::Overlay::parse(corrections)?;
    let converted = convert::convert(&collection, &environment)?;
    let mut spec = converted.spec;
    corrections.apply(&mut spec).context("applying spec/corrections.overlay.json")?;
    serde_json::from_value::<openapiv3::OpenAPI>(spec.clone())
        .context("the corrected spec is not a valid OpenAPI 3.0 document")?;
    let text = serde_json::to_string_pretty(&spec)? + "\n";
    Ok(Built { spec, text, notes: converted.notes })
}

/// Runs the pipeline on the files.
pub fn build(files: &Files) -> Result<Built> {
    build_from_text(&read(&files.collection)?, &read(&files.environment)?, &read(&files.corrections)?)
}
