//! Following references in a spec, once for the whole pipeline: a local `$ref` (`#/…`) and the
//! one-element `allOf` that wraps a reference so that a field keeps its own description beside it
//! (OpenAPI 3.0 ignores the siblings of `$ref`).

use serde_json::Value;

/// How many hops are followed before giving up (a reference cycle).
const MAX_HOPS: usize = 32;

/// `schema` with every local `$ref` and one-element `allOf` followed. A reference that points
/// nowhere resolves to `null`.
pub fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..MAX_HOPS {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            schema = reference.strip_prefix('#').and_then(|pointer| spec.pointer(pointer)).unwrap_or(&Value::Null);
        } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            schema = only;
        } else {
            break;
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use serde_json::json;

    #[test]
    fn follows_references_and_one_element_all_of() {
        let spec = json!({"components": {
            "schemas": {"Code": {"type": "string"}, "Alias": {"$ref": "#/components/schemas/Code"}},
            "responses": {"Ok": {"description": "ok"}},
        }});
        let code = json!({"type": "string"});
        assert_eq!(resolve(&spec, &json!({"$ref": "#/components/schemas/Alias"})), &code);
        let wrapped = json!({"description": "a code", "allOf": [{"$ref": "#/components/schemas/Code"}]});
        assert_eq!(resolve(&spec, &wrapped), &code);
        assert_eq!(resolve(&spec, &json!({"$ref": "#/components/responses/Ok"})), &json!({"description": "ok"}));
        // Two-element `allOf` is a combination, not a wrapper; a dangling reference is null.
        let both = json!({"allOf": [{"type": "string"}, {"maxLength": 3}]});
        assert_eq!(resolve(&spec, &both), &both);
        assert_eq!(resolve(&spec, &json!({"$ref": "#/components/schemas/Gone"})), &json!(null));
    }
}
