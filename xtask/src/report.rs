//! The API change report: what a maintainer reads after Pesapal edits its documentation.
//! It compares two OpenAPI documents operation by operation and field by field.

use crate::refs::resolve;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One difference between the old and the new spec. `operation` reads like
/// `SubmitOrderRequest (POST /api/Transactions/SubmitOrderRequest)`; `field` like
/// `request.billing_address.phone_number`, `query orderTrackingId` or `response 200.status`.
#[allow(missing_docs, reason = "the fields are named in the enum's documentation")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new operation.
    OperationAdded { operation: String },
    /// An operation that is gone.
    OperationRemoved { operation: String },
    /// A new field (query parameter, request or response property).
    FieldAdded { operation: String, field: String, kind: String, required: bool },
    /// A field that is gone.
    FieldRemoved { operation: String, field: String },
    /// A field whose type, format, enum, pattern or limits changed.
    FieldRetyped { operation: String, field: String, from: String, to: String },
    /// A field that became required or optional.
    RequiredChanged { operation: String, field: String, required: bool },
    /// Only the prose of an operation (or of its fields) changed.
    DescriptionChanged { operation: String },
    /// A new named schema under `components.schemas` (a new name in generated clients).
    SchemaAdded { name: String },
    /// A named schema that is gone (or renamed: then the new name is added).
    SchemaRemoved { name: String },
}

/// All differences, in a stable order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The differences.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldShape {
    kind: String,
    required: bool,
}

struct Operation {
    /// Security requirements, as in the spec (`[]` for none).
    security: String,
    fields: BTreeMap<String, FieldShape>,
    prose: Vec<String>,
}

/// Compares `old` with `new`. An absent old spec counts as empty.
pub fn compare(old: Option<&Value>, new: &Value) -> Report {
    let (old_spec, new_spec) = (old, new);
    let empty = Value::Null;
    let old = operations(old.unwrap_or(&empty));
    let new = operations(new);
    let mut changes = Vec::new();
    for name in old.keys().filter(|k| !new.contains_key(*k)) {
        changes.push(Change::OperationRemoved { operation: name.clone() });
    }
    for (name, after) in &new {
        let Some(before) = old.get(name) else {
            changes.push(Change::OperationAdded { operation: name.clone() });
            continue;
        };
        let operation = || name.clone();
        for field in before.fields.keys().filter(|f| !after.fields.contains_key(*f)) {
            changes.push(Change::FieldRemoved { operation: operation(), field: field.clone() });
        }
        for (field, shape) in &after.fields {
            match before.fields.get(field) {
                None => changes.push(Change::FieldAdded {
                    operation: operation(),
                    field: field.clone(),
                    kind: shape.kind.clone(),
                    required: shape.required,
                }),
                Some(previous) => {
                    if previous.kind != shape.kind {
                        changes.push(Change::FieldRetyped {
                            operation: operation(),
                            field: field.clone(),
                            from: previous.kind.clone(),
                            to: shape.kind.clone(),
                        });
                    }
                    if previous.required != shape.required {
                        changes.push(Change::RequiredChanged {
                            operation: operation(),
                            field: field.clone(),
                            required: shape.required,
                        });
                    }
                }
            }
        }
        if before.prose != after.prose {
            changes.push(Change::DescriptionChanged { operation: operation() });
        }
    }
    let schemas = |spec: Option<&Value>| -> Vec<String> {
        spec.and_then(|s| s.pointer("/components/schemas"))
            .and_then(Value::as_object)
            .map_or_else(Vec::new, |m| m.keys().cloned().collect())
    };
    let (before, after) = (schemas(old_spec), schemas(Some(new_spec)));
    changes.extend(after.iter().filter(|n| !before.contains(n)).map(|name| Change::SchemaAdded { name: name.clone() }));
    changes
        .extend(before.iter().filter(|n| !after.contains(n)).map(|name| Change::SchemaRemoved { name: name.clone() }));
    Report { changes }
}

fn operations(spec: &Value) -> BTreeMap<String, Operation> {
    let mut out = BTreeMap::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
            let name = format!("{id} ({} {path})", method.to_uppercase());
            let security = op.get("security").or_else(|| spec.get("security")).cloned().unwrap_or_default();
            let mut operation =
                Operation { security: security.to_string(), fields: BTreeMap::new(), prose: Vec::new() };
            prose(op, &mut operation.prose);
            for parameter in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                let parameter = resolve(spec, parameter);
                let location = parameter.get("in").and_then(Value::as_str).unwrap_or("query");
                let field = format!("{location} {}", parameter.get("name").and_then(Value::as_str).unwrap_or("?"));
                let required = parameter.get("required").and_then(Value::as_bool).unwrap_or(false);
                let schema = parameter.get("schema").unwrap_or(&Value::Null);
                walk(spec, schema, field, required, &mut operation, 0);
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                walk(spec, schema, "request".into(), true, &mut operation, 0);
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for (status, response) in responses {
                    if let Some(schema) = resolve(spec, response).pointer("/content/application~1json/schema") {
                        walk(spec, schema, format!("response {status}"), true, &mut operation, 0);
                    }
                }
            }
            out.insert(name, operation);
        }
    }
    out
}

/// A plain-text outline of a spec: every operation with every field, its type and whether it
/// is required. Snapshot-tested, so that each change of the spec is reviewed field by field.
pub fn outline(spec: &Value) -> String {
    let mut out = String::new();
    for (name, operation) in operations(spec) {
        writeln!(out, "{name} security={}", operation.security).expect("write to String");
        for (field, shape) in &operation.fields {
            let required = if shape.required { "required" } else { "optional" };
            writeln!(out, "  {field}: {} ({required})", shape.kind).expect("write to String");
        }
    }
    out
}

fn prose(op: &Value, out: &mut Vec<String>) {
    for key in ["summary", "description"] {
        if let Some(text) = op.get(key).and_then(Value::as_str) {
            out.push(text.to_owned());
        }
    }
}

/// Summarises what a schema accepts, without its prose.
fn kind(schema: &Value, wrapper: &Value) -> String {
    let alternatives = ["oneOf", "anyOf"].iter().find_map(|key| schema.get(*key).and_then(Value::as_array));
    let mut kind = match (schema.get("type").and_then(Value::as_str), alternatives) {
        (Some(kind), _) => kind.to_owned(),
        // `oneOf: [{type: string}, {type: integer}]` reads `string | integer`.
        (None, Some(alternatives)) => {
            let kinds: Vec<String> = alternatives.iter().map(|a| kind(a, &Value::Null)).collect();
            kinds.join(" | ")
        }
        (None, None) => "any".to_owned(),
    };
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        write!(kind, "({format})").expect("write to String");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> =
            values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
        write!(kind, " one of [{}]", values.join(", ")).expect("write to String");
    }
    for (key, label) in [("pattern", "pattern"), ("maxLength", "max length"), ("multipleOf", "multiple of")] {
        if let Some(value) = schema.get(key) {
            let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            write!(kind, ", {label} {value}").expect("write to String");
        }
    }
    let nullable = |s: &Value| s.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if nullable(schema) || nullable(wrapper) {
        kind.push_str(", nullable");
    }
    kind
}

fn walk(spec: &Value, schema: &Value, field: String, required: bool, out: &mut Operation, depth: usize) {
    let resolved = resolve(spec, schema);
    out.fields.insert(field.clone(), FieldShape { kind: kind(resolved, schema), required });
    if depth > 16 {
        return;
    }
    for source in [schema, resolved] {
        if let Some(text) = source.get("description").and_then(Value::as_str) {
            out.prose.push(format!("{field}: {text}"));
        }
    }
    let required_names: Vec<&str> =
        resolved.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            walk(spec, property, format!("{field}.{name}"), required_names.contains(&name.as_str()), out, depth + 1);
        }
    }
    if let Some(items) = resolved.get("items") {
        walk(spec, items, format!("{field}[]"), true, out, depth + 1);
    }
}

impl Report {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    fn lines(&self) -> Vec<(&'static str, String)> {
        let required = |r: bool| if r { "required" } else { "optional" };
        self.changes
            .iter()
            .map(|change| match change {
                Change::OperationAdded { operation } => ("Operations added", operation.clone()),
                Change::OperationRemoved { operation } => ("Operations removed", operation.clone()),
                Change::FieldAdded { operation, field, kind, required: r } => {
                    ("Fields added", format!("{operation}: `{field}` {kind}, {}", required(*r)))
                }
                Change::FieldRemoved { operation, field } => ("Fields removed", format!("{operation}: `{field}`")),
                Change::FieldRetyped { operation, field, from, to } => {
                    ("Fields retyped", format!("{operation}: `{field}` {from} → {to}"))
                }
                Change::RequiredChanged { operation, field, required: r } => {
                    ("Required-ness changed", format!("{operation}: `{field}` is now {}", required(*r)))
                }
                Change::DescriptionChanged { operation } => ("Descriptions changed", operation.clone()),
                Change::SchemaAdded { name } => ("Schemas added", format!("`{name}`")),
                Change::SchemaRemoved { name } => ("Schemas removed", format!("`{name}`")),
            })
            .collect()
    }

    pub(crate) fn grouped(&self) -> Vec<(&'static str, Vec<String>)> {
        const ORDER: [&str; 9] = [
            "Operations added",
            "Operations removed",
            "Fields added",
            "Fields removed",
            "Fields retyped",
            "Required-ness changed",
            "Descriptions changed",
            "Schemas added",
            "Schemas removed",
        ];
        let lines = self.lines();
        ORDER
            .into_iter()
            .map(|title| (title, lines.iter().filter(|(t, _)| *t == title).map(|(_, l)| l.clone()).collect::<Vec<_>>()))
            .filter(|(_, lines)| !lines.is_empty())
            .collect()
    }

    /// The report for a terminal.
    pub fn to_text(&self) -> String {
        if self.is_empty() {
            return "API change report: no operation or field changed.\n".into();
        }
        let mut out = String::from("API change report:\n");
        for (title, lines) in self.grouped() {
            writeln!(out, "  {title}:").expect("write to String");
            for line in lines {
                writeln!(out, "    - {line}").expect("write to String");
            }
        }
        out
    }

    /// The report as Markdown, for `--report FILE`.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Pesapal API change report\n\n");
        if self.is_empty() {
            out.push_str("No operation or field changed.\n");
        }
        for (title, lines) in self.grouped() {
            writeln!(out, "## {title}\n").expect("write to String");
            for line in lines {
                writeln!(out, "- {line}").expect("write to String");
            }
            out.push('\n');
        }
        out
    }
}

/// The changelog of the spec: `spec/CHANGELOG.md`, one entry per `info.version`, newest first.
pub mod changelog {
    use super::Report;
    use serde_json::Value;
    use std::fmt::Write as _;

    /// The file's title and preamble, written when it does not exist yet.
    const PREAMBLE: &str = "# Changelog of spec/pesapal.openapi.json\n\n\
        `info.version` is the version of the corrected spec, `3.0.<revision>` (the API is Pesapal's 3.0). \
        `cargo xtask spec` adds an entry, produced from its change report, whenever the spec changes; \
        every correction and its reason is in spec/corrections.overlay.json.\n";

    /// The spec's `info.version` (empty when absent).
    pub fn version(spec: &Value) -> &str {
        spec.pointer("/info/version").and_then(Value::as_str).unwrap_or_default()
    }

    fn heading(version: &str) -> String {
        format!("## {version}\n")
    }

    /// True when `changelog` already has an entry for `version`.
    pub fn has_entry(changelog: &str, version: &str) -> bool {
        changelog.lines().any(|line| format!("{line}\n") == heading(version))
    }

    /// The entry for `version`: the change report's groups, or a line saying that only what the
    /// report does not follow (examples, links, tags, info) changed.
    pub fn entry(version: &str, report: &Report) -> String {
        let mut out = heading(version);
        out.push('\n');
        if report.is_empty() {
            out.push_str(
                "No operation, field or named schema changed (examples, links, tags, info or schema prose only).\n",
            );
        }
        for (title, lines) in report.grouped() {
            writeln!(out, "### {title}\n").expect("write to String");
            for line in lines {
                writeln!(out, "- {line}").expect("write to String");
            }
            out.push('\n');
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// `changelog` (or a new file) with `entry` as its newest entry, after the preamble.
    pub fn prepend(changelog: Option<&str>, entry: &str) -> String {
        let text = changelog.unwrap_or(PREAMBLE);
        let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
        let (head, tail) = text.split_at(at);
        let head = head.trim_end();
        if tail.is_empty() { format!("{head}\n\n{entry}") } else { format!("{head}\n\n{entry}\n{tail}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(body: Value, params: Value) -> Value {
        json!({"paths": {"/a": {"post": {
            "operationId": "A",
            "parameters": params,
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}},
        }}}, "components": {"schemas": {"Body": body}}})
    }

    #[test]
    fn names_added_removed_retyped_and_required_fields() {
        let old = spec(
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}, "y": {"type": "integer"}, "z": {"type": "string"}}}),
            json!([{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}]),
        );
        let new = spec(
            json!({"type": "object", "required": ["y"], "properties": {"x": {"type": "string"}, "y": {"type": "string"}, "w": {"type": "boolean"}}}),
            json!([{"name": "q", "in": "query", "required": true, "schema": {"type": "string", "format": "uuid"}}]),
        );
        let text = compare(Some(&old), &new).to_text();
        assert!(text.contains("Fields added:\n    - A (POST /a): `request.w` boolean, optional"), "{text}");
        assert!(text.contains("Fields removed:\n    - A (POST /a): `request.z`"), "{text}");
        assert!(text.contains("`request.y` integer → string"), "{text}");
        assert!(text.contains("`query q` string → string(uuid)"), "{text}");
        assert!(text.contains("`request.x` is now optional"), "{text}");
        assert!(text.contains("`request.y` is now required"), "{text}");
    }

    #[test]
    fn names_added_and_removed_operations() {
        let old = json!({"paths": {"/a": {"get": {"operationId": "A"}}}});
        let new = json!({"paths": {"/b": {"get": {"operationId": "B"}}}});
        let report = compare(Some(&old), &new);
        assert_eq!(
            report.changes,
            vec![
                Change::OperationRemoved { operation: "A (GET /a)".into() },
                Change::OperationAdded { operation: "B (GET /b)".into() },
            ]
        );
        assert!(report.to_markdown().contains("## Operations added\n\n- B (GET /b)"));
    }

    #[test]
    fn identical_specs_report_nothing() {
        let spec = spec(json!({"type": "object"}), json!([]));
        assert!(compare(Some(&spec), &spec).is_empty());
    }

    #[test]
    fn changelog_entry_is_prepended_once_per_version() {
        let old = spec(json!({"type": "object", "properties": {"a": {"type": "string"}}}), json!([]));
        let new = spec(json!({"type": "object", "properties": {"a": {"type": "integer"}}}), json!([]));
        let entry = changelog::entry("3.0.2", &compare(Some(&old), &new));
        assert!(
            entry.starts_with("## 3.0.2\n\n### Fields retyped\n\n- A (POST /a): `request.a` string → integer"),
            "{entry}"
        );
        let first = changelog::prepend(None, &changelog::entry("3.0.1", &Report::default()));
        let second = changelog::prepend(Some(&first), &entry);
        assert!(changelog::has_entry(&second, "3.0.1") && changelog::has_entry(&second, "3.0.2"));
        assert!(!changelog::has_entry(&second, "3.0.3"));
        assert!(second.find("## 3.0.2").unwrap() < second.find("## 3.0.1").unwrap(), "{second}");
        assert!(second.starts_with("# Changelog"), "{second}");
    }

    #[test]
    fn names_renamed_schemas() {
        let old = json!({"components": {"schemas": {"OldName": {"type": "object"}, "Kept": {}}}});
        let new = json!({"components": {"schemas": {"Kept": {}, "NewName": {"type": "object"}}}});
        let report = compare(Some(&old), &new);
        assert_eq!(
            report.changes,
            vec![Change::SchemaAdded { name: "NewName".into() }, Change::SchemaRemoved { name: "OldName".into() }]
        );
        assert!(report.to_text().contains("Schemas added:\n    - `NewName`"), "{}", report.to_text());
    }
}
