//! JSON Schema (the OpenAPI 3.0 dialect) from two kinds of evidence: sample JSON documents and
//! the documentation's parameter tables. Tables win where they state something (type,
//! required-ness, description, maximum length); samples supply the shape and the fields that
//! the tables forget.

use crate::html::{Table, collapse, to_markdown};
use anyhow::Result;
use regex::Regex;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

/// Infers a schema from one sample value. `null` says nothing about a type, so it gives `{}`.
pub fn infer(sample: &Value) -> Value {
    match sample {
        Value::Null => json!({}),
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(n) if n.is_i64() || n.is_u64() => json!({"type": "integer"}),
        Value::Number(_) => json!({"type": "number"}),
        Value::String(_) => json!({"type": "string"}),
        Value::Array(items) => {
            let mut item_schema = json!({});
            for item in items {
                merge(&mut item_schema, &infer(item));
            }
            json!({"type": "array", "items": item_schema})
        }
        Value::Object(fields) => {
            let properties: Map<String, Value> =
                fields.iter().map(|(name, value)| (name.clone(), infer(value))).collect();
            json!({"type": "object", "properties": properties})
        }
    }
}

/// Merges what `other` knows into `into`: the first known type wins, properties are united.
pub fn merge(into: &mut Value, other: &Value) {
    let (Some(into), Some(other)) = (into.as_object_mut(), other.as_object()) else { return };
    if !into.contains_key("type") {
        for (key, value) in other {
            into.entry(key.clone()).or_insert_with(|| value.clone());
        }
        return;
    }
    if into.get("type") != other.get("type") {
        return;
    }
    if let Some(theirs) = other.get("properties").and_then(Value::as_object) {
        let ours = into.entry("properties").or_insert_with(|| json!({}));
        let ours = ours.as_object_mut().expect("properties is an object");
        for (name, schema) in theirs {
            match ours.get_mut(name) {
                Some(existing) => merge(existing, schema),
                None => {
                    ours.insert(name.clone(), schema.clone());
                }
            }
        }
    }
    if let Some(theirs) = other.get("items") {
        merge(into.entry("items").or_insert_with(|| json!({})), theirs);
    }
}

/// One documented field: a row of a parameter table.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// The schema fragment for the documented type (`{"type": "string", "format": "uuid"}`).
    pub doc_type: Option<Value>,
    /// `Some(true)` for Required/Mandatory, `Some(false)` for Optional (also "optional if …").
    pub required: Option<bool>,
    /// Description as Markdown.
    pub description: Option<String>,
    /// From "Maximum - N characters".
    pub max_length: Option<u64>,
}

static MAX_LENGTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)maximum\s*-?\s*(\d+)\s*char").expect("valid regex"));

/// Maps the documentation's type names to schema fragments; unknown names give `None`.
pub fn doc_type(name: &str) -> Option<Value> {
    Some(match name.trim().to_lowercase().as_str() {
        "string" => json!({"type": "string"}),
        "integer" | "int" | "long" => json!({"type": "integer"}),
        "float" | "double" | "decimal" | "number" => json!({"type": "number"}),
        "guid" | "uuid" => json!({"type": "string", "format": "uuid"}),
        "object" => json!({"type": "object"}),
        "boolean" | "bool" => json!({"type": "boolean"}),
        "array" => json!({"type": "array"}),
        _ => return None,
    })
}

/// The wire name for a table's name cell: "Payment Method" is the documented `payment_method`.
fn wire_name(text: &str) -> String {
    if text.contains(' ') { text.to_lowercase().replace(' ', "_") } else { text.to_owned() }
}

/// Reads the fields of a parameter table.
pub fn fields(table: &Table) -> Result<Vec<Field>> {
    let name_col = table.column("parameter").or_else(|| table.column("name")).unwrap_or(0);
    let type_col = table.column("type");
    let required_col = table.column("required");
    let description_col = table.column("description");
    let mut fields = Vec::new();
    for row in &table.rows {
        let Some(name) = row.get(name_col).map(|c| wire_name(&c.text)).filter(|n| !n.is_empty()) else {
            continue;
        };
        let required = table.cell(row, required_col).map(|c| c.text.to_lowercase()).and_then(|t| {
            if t.contains("optional") {
                Some(false)
            } else if t.contains("required") || t.contains("mandatory") {
                Some(true)
            } else {
                None
            }
        });
        let description = match table.cell(row, description_col) {
            Some(cell) if !cell.text.is_empty() => Some(collapse(&to_markdown(&cell.html)?)),
            _ => None,
        };
        let max_length = table
            .cell(row, description_col)
            .and_then(|c| MAX_LENGTH.captures(&c.text))
            .and_then(|caps| caps[1].parse().ok());
        fields.push(Field {
            name,
            doc_type: table.cell(row, type_col).and_then(|c| doc_type(&c.text)),
            required,
            description,
            max_length,
        });
    }
    Ok(fields)
}

/// JSON pointers (within `schema`) of every object schema, with their property names.
fn objects(schema: &Value, pointer: String, out: &mut Vec<(String, Vec<String>)>) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.push((pointer.clone(), properties.keys().cloned().collect()));
        for (name, property) in properties {
            objects(property, format!("{pointer}/properties/{}", escape(name)), out);
        }
    }
    if let Some(items) = schema.get("items") {
        objects(items, format!("{pointer}/items"), out);
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The object schema inside `schema` that a table documents: the one sharing the most field
/// names with it (the outermost on a tie). `None` when no object shares a name.
pub fn place(schema: &Value, fields: &[Field]) -> Option<String> {
    let mut candidates = Vec::new();
    objects(schema, String::new(), &mut candidates);
    let mut best: Option<(usize, String)> = None;
    for (pointer, names) in candidates {
        let score = fields.iter().filter(|f| names.contains(&f.name)).count();
        if score > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, pointer));
        }
    }
    best.map(|(_, pointer)| pointer)
}

/// Applies documented fields to the object schema at `pointer` (see [`place`]).
pub fn apply(schema: &mut Value, pointer: &str, fields: &[Field]) {
    let object = schema.pointer_mut(pointer).expect("pointer from place()");
    if object.get("type").is_none() {
        object["type"] = json!("object");
    }
    for field in fields {
        let properties =
            object.as_object_mut().expect("object schema").entry("properties").or_insert_with(|| json!({}));
        let property = properties
            .as_object_mut()
            .expect("properties is an object")
            .entry(field.name.clone())
            .or_insert_with(|| json!({}));
        let property = property.as_object_mut().expect("property schema is an object");
        if let Some(doc) = field.doc_type.as_ref().and_then(Value::as_object) {
            if property.get("type") != doc.get("type") {
                property.remove("properties");
                property.remove("items");
            }
            property.extend(doc.clone());
        }
        if let Some(description) = &field.description {
            property.insert("description".into(), json!(description));
        }
        if let Some(max) = field.max_length {
            property.insert("maxLength".into(), json!(max));
        }
        if field.required == Some(true) {
            let required =
                object.as_object_mut().expect("object schema").entry("required").or_insert_with(|| json!([]));
            let list = required.as_array_mut().expect("required is an array");
            if !list.contains(&json!(field.name)) {
                list.push(json!(field.name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::Page;

    #[test]
    fn infers_shapes_from_samples() {
        let schema = infer(&json!({"a": "1", "b": 2, "c": 2.5, "d": null, "e": [{"x": true}]}));
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {
                "a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "number"}, "d": {},
                "e": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "boolean"}}}}
            }})
        );
    }

    #[test]
    fn merging_unites_properties_and_fills_unknown_types() {
        let mut schema = infer(&json!({"a": null, "b": {"x": 1}}));
        merge(&mut schema, &infer(&json!({"a": "s", "b": {"y": 2}, "c": 1})));
        assert_eq!(schema["properties"]["a"], json!({"type": "string"}));
        assert_eq!(schema["properties"]["b"]["properties"].as_object().unwrap().len(), 2);
        assert_eq!(schema["properties"]["c"], json!({"type": "integer"}));
    }

    fn table(html: &str) -> Table {
        Page::parse(html).tables.remove(0)
    }

    #[test]
    fn reads_fields_with_type_optionality_and_length() {
        let t = table(
            "<table><thead><tr><th>Parameter</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>\
             <tr><td>id</td><td>String</td><td><code>Required</code></td><td>Ref <code>Maximum - 50 characters</code></td></tr>\
             <tr><td>phone</td><td>String</td><td><code>Optional if email address is provided.</code><code>Mandatory if not.</code></td><td></td></tr>\
             <tr><td>notification_id</td><td>Guid</td><td>Mandatory</td><td>x</td></tr>\
             </tbody></table>",
        );
        let fields = fields(&t).unwrap();
        assert_eq!(fields[0].required, Some(true));
        assert_eq!(fields[0].max_length, Some(50));
        assert_eq!(fields[0].description.as_deref(), Some("Ref `Maximum - 50 characters`"));
        assert_eq!(fields[1].required, Some(false));
        assert_eq!(fields[1].description, None);
        assert_eq!(fields[2].doc_type, Some(json!({"type": "string", "format": "uuid"})));
    }

    #[test]
    fn places_a_table_on_the_object_it_describes() {
        let schema = infer(&json!({"id": "x", "billing_address": {"email_address": "", "city": ""}}));
        let field = |name: &str| Field {
            name: name.into(),
            doc_type: None,
            required: None,
            description: None,
            max_length: None,
        };
        assert_eq!(place(&schema, &[field("id")]).as_deref(), Some(""));
        assert_eq!(place(&schema, &[field("city"), field("state")]).as_deref(), Some("/properties/billing_address"));
        assert_eq!(place(&schema, &[field("OrderTrackingId")]), None);
    }

    #[test]
    fn table_types_override_sample_types() {
        let mut schema = infer(&json!({"amount": "1", "error": {"code": null}}));
        let doc = |name: &str, kind: &str, required| Field {
            name: name.into(),
            doc_type: doc_type(kind),
            required,
            description: None,
            max_length: None,
        };
        apply(&mut schema, "", &[doc("amount", "Float", Some(true)), doc("error", "Integer", None)]);
        assert_eq!(schema["properties"]["amount"], json!({"type": "number"}));
        assert_eq!(schema["properties"]["error"], json!({"type": "integer"}));
        assert_eq!(schema["required"], json!(["amount"]));
    }
}
