//! Spec conformance: does the corrected spec describe what Pesapal really sends?
//!
//! OpenAPI 3.0 schemas are turned into JSON Schema and checked with the `jsonschema`
//! crate (draft 2020-12, formats such as `uuid` checked), with rules stricter than OpenAPI itself:
//!
//! - `nullable: true` without a `type` beside it is an error: in OpenAPI 3.0.3 it has no effect,
//!   so it never lets `null` through, whatever its author meant;
//! - a `multipleOf` that is not an integer is an error: validators that compute it with binary
//!   floats reject valid values (an amount of 19.99 is not a multiple of 0.01 in `f64`);
//! - an object schema without `additionalProperties` declares every field it accepts: a field of
//!   an answer that the schema does not declare is a failure (the generated types would drop it);
//! - an answer schema that a recording of the real API validates against declares `required`
//!   every key that all its corpus bodies carry (recordings and the bodies written by us alike:
//!   a key some body lacks stays optional, or decoding that answer would break), except the keys of
//!   [`NEVER_REQUIRED`], which no answer schema may declare `required`.

use crate::refs::resolve_named;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Keywords of the OpenAPI 3.0 Schema Object that JSON Schema does not have, or that only
/// annotate (examples are checked on their own).
const OPENAPI_ONLY: &[&str] = &["nullable", "example", "discriminator", "xml", "externalDocs", "deprecated"];

/// The JSON Schema equivalent of an OpenAPI 3.0 schema; `problems` collects what cannot be
/// expressed (a `nullable` without `type`), with the location `at`.
pub fn to_json_schema(schema: &Value, at: &str, problems: &mut Vec<String>) -> Value {
    let Value::Object(object) = schema else { return schema.clone() };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        // OpenAPI 3.0 ignores the siblings of `$ref`.
        return json!({ "$ref": reference.replace("#/components/schemas/", "#/$defs/") });
    }
    let mut out = Map::new();
    for (key, value) in object {
        if OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        let value = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), to_json_schema(s, &format!("{at}.{name}"), problems)))
                    .collect(),
            ),
            "items" | "not" => to_json_schema(value, &format!("{at}[{key}]"), problems),
            "additionalProperties" if value.is_object() => to_json_schema(value, &format!("{at}[*]"), problems),
            "oneOf" | "anyOf" | "allOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, s)| to_json_schema(s, &format!("{at}.{key}[{i}]"), problems))
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        match object.get("type").cloned() {
            Some(kind) => {
                out.insert("type".into(), json!([kind, "null"]));
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            None => problems.push(format!("{at}: `nullable: true` without a `type` has no effect in OpenAPI 3.0.3")),
        }
    }
    if let Some(step) = object.get("multipleOf").and_then(Value::as_f64).filter(|m| m.fract() != 0.0) {
        problems.push(format!("{at}: `multipleOf: {step}` makes float-based validators reject valid values"));
    }
    let is_object = object.get("type") == Some(&json!("object")) || object.contains_key("properties");
    if is_object && !object.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

/// The corrected spec, ready to validate documents against its schemas.
pub struct Conformance {
    spec: Value,
    definitions: Value,
    /// What the schemas cannot express (see [`to_json_schema`]).
    pub schema_problems: Vec<String>,
}

/// A body of the corpus: which operation answered it, with which HTTP status.
#[derive(Debug, Clone)]
pub struct CorpusBody {
    /// The file it comes from.
    pub path: PathBuf,
    /// The `operationId` (the file's folder).
    pub operation_id: String,
    /// The HTTP status (the file name's prefix).
    pub http_status: u16,
    /// The body.
    pub body: Value,
}

/// Answer keys that are never `required`, whatever the bodies of one answer carry, with the reason.
pub const NEVER_REQUIRED: &[(&str, &str)] = &[(
    "error",
    "the error object is absent from answers of several operations (refund and cancel successes and refusals, \
     RegisterIPN of 2024-07, IPN list items), so strict models must accept null, an all-null object and absence \
     alike; clients decide on `status`",
)];

/// Where a body recorded from Pesapal's real API comes from, the word after the HTTP status in its
/// file name (`<status>-<source>-<date>-<what>.json`): `sandbox` or `live` (recorded from that
/// environment, e.g. by `pesapal-sim record`), `pesapal-sdk` (an answer printed in Pesapal's own
/// SDK), `quoted` (an answer quoted verbatim by an integrator). Their provenance is in
/// `evidence/README.md`.
pub const RECORDED_SOURCES: &[&str] = &["sandbox", "live", "pesapal-sdk", "quoted"];

impl CorpusBody {
    /// Whether the body was recorded from the real API (its name says so: see
    /// [`RECORDED_SOURCES`]), rather than written down by us or taken from the docs.
    pub fn is_recording(&self) -> bool {
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        name.split_once('-').is_some_and(|(_, rest)| {
            RECORDED_SOURCES.iter().any(|source| rest.strip_prefix(source).is_some_and(|r| r.starts_with('-')))
        })
    }
}

/// Reads every `<operationId>/<status>-<what>.json` under `dir`, sorted by path.
pub fn corpus(dir: &Path) -> Vec<CorpusBody> {
    let mut bodies = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(dir).expect("corpus folder").flatten().map(|e| e.path()).collect();
    folders.sort();
    for folder in folders.into_iter().filter(|p| p.is_dir()) {
        let operation_id = folder.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&folder).unwrap().flatten().map(|e| e.path()).collect();
        files.sort();
        for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let http_status = name
                .split('-')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{}: the file name must start with the HTTP status", path.display()));
            let text = std::fs::read_to_string(&path).unwrap();
            let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
            bodies.push(CorpusBody { path, operation_id: operation_id.clone(), http_status, body });
        }
    }
    bodies
}

impl Conformance {
    /// Prepares the schemas of `spec`.
    pub fn new(spec: &Value) -> Conformance {
        let mut problems = Vec::new();
        let definitions = spec["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, s)| (name.clone(), to_json_schema(s, &format!("components.schemas.{name}"), &mut problems)))
            .collect();
        let mut conformance =
            Conformance { spec: spec.clone(), definitions: Value::Object(definitions), schema_problems: problems };
        // Inline schemas of parameters, bodies and responses.
        let mut inline = Vec::new();
        conformance.media_schemas(&mut |at, schema, _| {
            to_json_schema(schema, at, &mut inline);
        });
        conformance.schema_problems.extend(inline);
        conformance
    }

    /// Calls `visit(location, schema, example)` for every schema of a parameter, request body or
    /// response of the spec.
    fn media_schemas(&self, visit: &mut dyn FnMut(&str, &Value, Option<&Value>)) {
        for (path, item) in self.spec["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let at = format!("{} {path}", method.to_uppercase());
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap_or_default();
                    visit(&format!("{at} parameter {name}"), &parameter["schema"], parameter.get("example"));
                }
                for (media, content) in operation["requestBody"]["content"].as_object().into_iter().flatten() {
                    visit(&format!("{at} request body ({media})"), &content["schema"], content.get("example"));
                }
                for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                    for (media, content) in response["content"].as_object().into_iter().flatten() {
                        let where_ = format!("{at} response {status} ({media})");
                        visit(&where_, &content["schema"], content.get("example"));
                    }
                }
            }
        }
    }

    /// The errors of `document` against `schema` (an OpenAPI schema of this spec).
    pub fn validate(&self, schema: &Value, document: &Value) -> Vec<String> {
        match self.validator(schema) {
            Ok(validator) => errors_of(&validator, document),
            Err(e) => vec![e],
        }
    }

    /// A strict validator for `schema` (an OpenAPI schema of this spec).
    fn validator(&self, schema: &Value) -> Result<jsonschema::Validator, String> {
        let mut ignored = Vec::new();
        let mut root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [to_json_schema(schema, "", &mut ignored)],
        });
        root["$defs"] = self.definitions.clone();
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the schema does not compile: {e}"))
    }

    /// Every example of the spec (parameters, bodies, responses and component schemas) checked
    /// against the schema it illustrates.
    pub fn example_errors(&self) -> Vec<String> {
        let mut errors = Vec::new();
        self.media_schemas(&mut |at, schema, example| {
            if let Some(example) = example {
                errors.extend(self.validate(schema, example).into_iter().map(|e| format!("{at} example: {e}")));
            }
        });
        for (name, schema) in self.spec["components"]["schemas"].as_object().into_iter().flatten() {
            self.schema_examples(&format!("components.schemas.{name}"), schema, &mut errors);
        }
        errors
    }

    fn schema_examples(&self, at: &str, schema: &Value, errors: &mut Vec<String>) {
        let Value::Object(object) = schema else { return };
        if let Some(example) = object.get("example") {
            errors.extend(self.validate(schema, example).into_iter().map(|e| format!("{at} example: {e}")));
        }
        for (key, value) in object {
            match (key.as_str(), value) {
                ("properties", Value::Object(properties)) => {
                    for (name, s) in properties {
                        self.schema_examples(&format!("{at}.{name}"), s, errors);
                    }
                }
                ("oneOf" | "anyOf" | "allOf", Value::Array(schemas)) => {
                    for (i, s) in schemas.iter().enumerate() {
                        self.schema_examples(&format!("{at}.{key}[{i}]"), s, errors);
                    }
                }
                ("items", s) => self.schema_examples(&format!("{at}[items]"), s, errors),
                _ => {}
            }
        }
    }

    /// The schema of the answer `operation_id` sends with `http_status`: the exact status, else
    /// its range (`4XX`), else `default`.
    pub fn response_schema(&self, operation_id: &str, http_status: u16) -> Option<&Value> {
        let operation = self.spec["paths"]
            .as_object()?
            .values()
            .flat_map(|item| item.as_object().into_iter().flatten().map(|(_, op)| op))
            .find(|op| op["operationId"] == operation_id)?;
        let responses = &operation["responses"];
        let range = format!("{}XX", http_status / 100);
        [http_status.to_string(), range, "default".to_owned()]
            .iter()
            .find_map(|key| responses.get(key))
            .map(|response| &response["content"]["application/json"]["schema"])
    }

    /// The keys a recorded answer always carries that its schema does not declare `required`, and
    /// the keys of [`NEVER_REQUIRED`] that an answer schema declares `required`.
    ///
    /// Every object of every body is assigned to the component schema it validates against
    /// (through `$ref`, `oneOf` branches and array items); for each schema that at least one
    /// recording reaches, the keys present in all of its objects must be `required`. (That every
    /// `required` key is in every body is checked by validating the bodies.)
    pub fn required_key_errors(&self, bodies: &[CorpusBody]) -> Vec<String> {
        // Per schema: whether a recording reached it, and the objects that did.
        type Reached<'b> = (bool, Vec<&'b Map<String, Value>>);
        let mut objects: BTreeMap<String, Reached<'_>> = BTreeMap::new();
        for body in bodies {
            if let Some(schema) = self.response_schema(&body.operation_id, body.http_status) {
                let mut found = Vec::new();
                self.objects_by_schema(schema, &body.body, &mut found);
                for (name, object) in found {
                    let entry = objects.entry(name).or_default();
                    entry.0 |= body.is_recording();
                    entry.1.push(object);
                }
            }
        }
        let never = |key: &str| NEVER_REQUIRED.iter().any(|(never, _)| *never == key);
        let mut errors = Vec::new();
        for (name, schema) in self.spec["components"]["schemas"].as_object().into_iter().flatten() {
            let required = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str);
            for key in required.filter(|key| never(key)) {
                errors.push(format!("components.schemas.{name}: `{key}` is `required`, but it never may be"));
            }
        }
        for (name, (recorded, found)) in objects {
            let Some(first) = found.first().filter(|_| recorded) else { continue };
            let mut common: BTreeSet<&String> = first.keys().collect();
            for object in &found[1..] {
                common.retain(|key| object.contains_key(key.as_str()));
            }
            let required = &self.spec["components"]["schemas"][&name]["required"];
            let required: BTreeSet<&str> =
                required.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            for key in common.into_iter().filter(|key| !required.contains(key.as_str()) && !never(key)) {
                errors.push(format!(
                    "components.schemas.{name}: `{key}` is in every corpus body of this recorded answer but not `required`"
                ));
            }
        }
        errors
    }

    /// The objects of `value` with the name of the component schema each validates against.
    fn objects_by_schema<'v>(&self, schema: &Value, value: &'v Value, out: &mut Vec<(String, &'v Map<String, Value>)>) {
        let (name, resolved) = resolve_named(&self.spec, schema);
        if let Some(branches) = resolved.get("oneOf").and_then(Value::as_array) {
            if let Some(branch) = branches.iter().find(|b| self.validate(b, value).is_empty()) {
                self.objects_by_schema(branch, value, out);
            }
        } else if let (Some(items), Value::Array(elements)) = (resolved.get("items"), value) {
            for element in elements {
                self.objects_by_schema(items, element, out);
            }
        } else if let (Some(name), Value::Object(object)) = (name, value)
            && resolved.get("properties").is_some()
        {
            out.push((name.to_owned(), object));
        }
    }

    /// The errors of one corpus body against the response the spec declares for it.
    pub fn corpus_errors(&self, body: &CorpusBody) -> Vec<String> {
        self.response_errors(&body.operation_id, body.http_status, &body.body)
    }

    /// The errors of an answer of `operation_id` with `http_status` against the response the
    /// spec declares for that status.
    pub fn response_errors(&self, operation_id: &str, http_status: u16, body: &Value) -> Vec<String> {
        match self.response_schema(operation_id, http_status) {
            None => vec![format!("{operation_id} declares no response for HTTP {http_status}")],
            Some(schema) => self.validate(schema, body),
        }
    }
}

fn errors_of(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator.iter_errors(document).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// Checks answers as a server sends them (the simulator's, through its answer observer) against
/// the response each operation declares for the answer's HTTP status, strictly (undeclared
/// fields fail), and keeps count. A validator is compiled once per operation and status.
pub struct AnswerChecker {
    conformance: Conformance,
    validators: std::collections::HashMap<(String, u16), Result<jsonschema::Validator, String>>,
    checked: usize,
    failures: Vec<String>,
}

impl AnswerChecker {
    /// A checker for the committed spec.
    pub fn for_committed_spec() -> AnswerChecker {
        AnswerChecker::new(Conformance::new(&crate::workspace::committed_spec()))
    }

    /// A checker for the spec of `conformance`.
    pub fn new(conformance: Conformance) -> AnswerChecker {
        AnswerChecker { conformance, validators: Default::default(), checked: 0, failures: Vec::new() }
    }

    /// Checks one answer (its body as sent); a failure is kept, with the operation, the status
    /// and the body.
    pub fn check(&mut self, operation_id: &str, http_status: u16, body: &str) {
        self.checked += 1;
        let conformance = &self.conformance;
        let validator = self.validators.entry((operation_id.to_owned(), http_status)).or_insert_with(|| {
            match conformance.response_schema(operation_id, http_status) {
                None => Err(format!("{operation_id} declares no response for HTTP {http_status}")),
                Some(schema) => conformance.validator(schema),
            }
        });
        let errors = match (serde_json::from_str::<Value>(body), validator) {
            (Err(e), _) => vec![format!("not JSON: {e}")],
            (Ok(_), Err(e)) => vec![e.clone()],
            (Ok(document), Ok(validator)) => errors_of(validator, &document),
        };
        self.failures.extend(errors.into_iter().map(|e| format!("{operation_id} HTTP {http_status}: {e} in {body}")));
    }

    /// How many answers were checked.
    pub fn checked(&self) -> usize {
        self.checked
    }

    /// What did not conform, one line each.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }
}
