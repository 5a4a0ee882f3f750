//! Following references in the spec, once for every test: a local `$ref` (`#/components/…`) and
//! the one-element `allOf` that wraps a reference so that a field keeps its own description
//! beside it (OpenAPI 3.0 ignores the siblings of `$ref`).

use serde_json::Value;

/// How many hops are followed before giving up (a reference cycle).
const MAX_HOPS: usize = 32;

/// `schema` with every local `$ref` and one-element `allOf` followed, and the name of the last
/// component schema (`#/components/schemas/<name>`) reached on the way, if any. A reference that
/// points nowhere resolves to `null`.
///
/// ```
/// use serde_json::json;
/// let spec = json!({"components": {"schemas": {"Code": {"type": "string"}}}});
/// let field = json!({"description": "a code", "allOf": [{"$ref": "#/components/schemas/Code"}]});
/// let (name, schema) = pesapal_tests::refs::resolve_named(&spec, &field);
/// assert_eq!((name, schema), (Some("Code"), &json!({"type": "string"})));
/// ```
pub fn resolve_named<'a>(spec: &'a Value, mut schema: &'a Value) -> (Option<&'a str>, &'a Value) {
    let mut name = None;
    for _ in 0..MAX_HOPS {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            name = reference.strip_prefix("#/components/schemas/").or(name);
            schema = reference.strip_prefix('#').and_then(|pointer| spec.pointer(pointer)).unwrap_or(&Value::Null);
        } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            schema = only;
        } else {
            break;
        }
    }
    (name, schema)
}

/// `schema` with every local `$ref` and one-element `allOf` followed (see [`resolve_named`]).
pub fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    resolve_named(spec, schema).1
}
