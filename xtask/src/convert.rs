//! Postman collection → OpenAPI 3.0.3, before corrections.
//!
//! Every request becomes an operation. Requests that share a method and path (Pesapal documents
//! recurring payments as a second `SubmitOrderRequest`) become one operation whose schemas unite
//! both pages. Schemas come from the body samples, the JSON samples in the HTML and the
//! parameter tables (see [`crate::schema`]).

use crate::html::{Page, Section, Table, to_markdown};
use crate::postman::{Collection, Environment, Located, parse_jsonc};
use crate::schema::{self, Field};
use anyhow::{Context, Result, bail};
use regex::Regex;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

/// The OpenAPI version progenitor reads.
pub const OPENAPI_VERSION: &str = "3.0.3";
/// Name of the bearer security scheme.
pub const BEARER: &str = "bearerAuth";

/// The converted document and what the converter chose to leave out, for the maintainer.
pub struct Converted {
    /// The OpenAPI document.
    pub spec: Value,
    /// One line per sample that could not be used.
    pub notes: Vec<String>,
    /// The parameter tables that match no field of their operation.
    pub unplaced: Vec<UnplacedTable>,
}

/// A parameter table that matches no field of its operation. Pesapal documents its IPN and
/// browser-callback parameters this way, under the operations that lead to them; the
/// corrections declare those as callbacks ([`UnplacedTable::covered_by_callback`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnplacedTable {
    /// The operation whose page holds the table.
    pub operation: String,
    /// The heading above the table.
    pub heading: String,
    /// The names of the fields the table documents.
    pub fields: Vec<String>,
    /// Whether the table was read as documenting the request or the response.
    pub section: Section,
}

impl UnplacedTable {
    /// The maintainer's note: the table was left out.
    pub fn note(&self) -> String {
        format!(
            "{}: table under \"{}\" ({}) matches no {} field; left out",
            self.operation,
            self.heading,
            self.fields.join(", "),
            if self.section == Section::Request { "request" } else { "response" },
        )
    }

    /// True when `spec` (the corrected spec) has a callback whose parameters, or whose request
    /// body's properties, are exactly the table's fields: the table is then in the spec.
    pub fn covered_by_callback(&self, spec: &Value) -> bool {
        let mut fields: Vec<&str> = self.fields.iter().map(String::as_str).collect();
        fields.sort_unstable();
        callback_operations(spec).any(|operation| {
            let mut parameters: Vec<&str> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|parameter| parameter["name"].as_str())
                .collect();
            parameters.sort_unstable();
            let body = crate::refs::resolve(spec, &operation["requestBody"]["content"]["application/json"]["schema"]);
            let mut properties: Vec<&str> =
                body["properties"].as_object().into_iter().flat_map(|p| p.keys().map(String::as_str)).collect();
            properties.sort_unstable();
            parameters == fields || properties == fields
        })
    }
}

/// Every operation of every callback of `spec`.
fn callback_operations(spec: &Value) -> impl Iterator<Item = &Value> {
    members(&spec["paths"])
        .flat_map(members)
        .flat_map(|operation| members(&operation["callbacks"]))
        .flat_map(members)
        .flat_map(members)
        .filter(|operation| operation.is_object())
}

/// The member values of a JSON object (none for anything else).
fn members(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_object().into_iter().flat_map(|object| object.values())
}

/// One or more collection requests with the same method and path.
struct Draft<'a> {
    method: String,
    path: String,
    requests: Vec<Located<'a>>,
    pages: Vec<Page>,
    /// Query parameters with their sample values, from the URL.
    query: Vec<(String, String)>,
    body_samples: Vec<Value>,
}

static API_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bAPI\s+v?(\d+(?:\.\d+)*)").expect("valid regex"));

/// Converts the collection; `environment` gives the values of its `{{…}}` variables.
pub fn convert(collection: &Collection, environment: &Environment) -> Result<Converted> {
    let mut notes = Vec::new();
    let mut unplaced = Vec::new();
    let info_html = collection.info.description.as_deref().unwrap_or_default();
    let servers = servers(&Page::parse(info_html))?;
    let drafts = drafts(collection, environment, &servers, &mut notes)?;

    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut tags: Vec<String> = Vec::new();
    let mut operation_ids: Vec<String> = Vec::new();
    for draft in &drafts {
        let id = unique(operation_id(&draft.path), &mut operation_ids);
        let tag = tag_of(draft, &mut tags);
        let operation = operation(draft, &id, &tag, &mut schemas, &mut notes, &mut unplaced)?;
        let item = paths.entry(draft.path.clone()).or_insert_with(|| json!({}));
        item[draft.method.to_lowercase()] = operation;
    }

    let version =
        API_VERSION.captures(&collection.info.name).map_or_else(|| "unversioned".to_owned(), |c| c[1].to_owned());
    let spec = json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": collection.info.name,
            "version": version,
            "description": to_markdown(info_html)?,
        },
        "servers": servers.iter().map(|(name, url)| json!({"url": url, "description": name})).collect::<Vec<_>>(),
        "tags": tags.iter().map(|t| json!({"name": t})).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "securitySchemes": {
                BEARER: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "The token returned by RequestToken.",
                }
            },
            "schemas": schemas,
        }
    });
    Ok(Converted { spec, notes, unplaced })
}

/// The base URLs from the collection's "Base URLs" table (Environment | URL).
fn servers(info: &Page) -> Result<Vec<(String, String)>> {
    for table in &info.tables {
        let (Some(env), Some(url)) = (table.column("environment"), table.column("url")) else {
            continue;
        };
        return Ok(table
            .rows
            .iter()
            .filter_map(|row| Some((row.get(env)?.text.clone(), row.get(url)?.text.clone())))
            .collect());
    }
    bail!("the collection description has no Base URLs table (Environment | URL)")
}

fn drafts<'a>(
    collection: &'a Collection,
    environment: &Environment,
    servers: &[(String, String)],
    notes: &mut Vec<String>,
) -> Result<Vec<Draft<'a>>> {
    let mut drafts: Vec<Draft<'a>> = Vec::new();
    for located in collection.requests() {
        let name = &located.item.name;
        let request = located.request;
        let resolved = environment.resolve(request.url.raw()).with_context(|| format!("request {name}"))?;
        let url = url::Url::parse(&resolved).with_context(|| format!("request {name}: bad URL {resolved}"))?;
        let without_query = resolved.split('?').next().unwrap_or_default();
        let Some(path) = servers.iter().find_map(|(_, base)| without_query.strip_prefix(base.as_str())) else {
            bail!("request {name}: {resolved} is under none of the base URLs {servers:?}");
        };
        let method = request.method.to_uppercase();
        let path = format!("/{}", path.trim_start_matches('/'));
        let page = Page::parse(request.description.as_deref().unwrap_or_default());
        let mut body_samples = Vec::new();
        if let Some(raw) = request.body.as_ref().filter(|b| b.mode == "raw").and_then(|b| b.raw.as_deref()) {
            let raw = environment.resolve(raw).with_context(|| format!("request {name}: body"))?;
            match parse_jsonc(&raw) {
                Ok(sample) => body_samples.push(sample),
                Err(e) => notes.push(format!("{name}: body sample is not JSON ({e}); ignored")),
            }
        }
        let query = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        match drafts.iter_mut().find(|d| d.method == method && d.path == path) {
            Some(draft) => {
                draft.requests.push(located);
                draft.pages.push(page);
                draft.body_samples.extend(body_samples);
            }
            None => {
                drafts.push(Draft { method, path, requests: vec![located], pages: vec![page], query, body_samples })
            }
        }
    }
    Ok(drafts)
}

/// `/api/Auth/RequestToken` → `RequestToken`; `/api/transactions/stk` → `Stk`.
fn operation_id(path: &str) -> String {
    let last = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("Root");
    let mut chars = last.chars().filter(|c| c.is_ascii_alphanumeric());
    chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect()
}

fn unique(id: String, taken: &mut Vec<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// The path segment before the last (`Auth`, `URLSetup`, `Transactions`), else the folder; the
/// first spelling of a tag wins over later differently-cased ones.
fn tag_of(draft: &Draft<'_>, tags: &mut Vec<String>) -> String {
    let segments: Vec<&str> = draft.path.split('/').filter(|s| !s.is_empty()).collect();
    let tag = match segments.as_slice() {
        [.., group, _] if segments.len() >= 3 => (*group).to_owned(),
        _ => draft.requests[0].folders.last().copied().unwrap_or("default").to_owned(),
    };
    if let Some(existing) = tags.iter().find(|t| t.eq_ignore_ascii_case(&tag)) {
        return existing.clone();
    }
    tags.push(tag.clone());
    tag
}

fn operation(
    draft: &Draft<'_>,
    id: &str,
    tag: &str,
    schemas: &mut Map<String, Value>,
    notes: &mut Vec<String>,
    unplaced: &mut Vec<UnplacedTable>,
) -> Result<Value> {
    let names: Vec<&str> = draft.requests.iter().map(|r| r.item.name.as_str()).collect();
    let mut description = String::new();
    for located in &draft.requests {
        let markdown = to_markdown(located.request.description.as_deref().unwrap_or_default())?;
        if draft.requests.len() > 1 {
            description.push_str(&format!("## {}\n\n", located.item.name));
        }
        description.push_str(&markdown);
        description.push_str("\n\n");
    }
    let tables: Vec<&Table> = draft.pages.iter().flat_map(|p| &p.tables).collect();
    let (request_tables, response_tables): (Vec<&Table>, Vec<&Table>) = tables
        .into_iter()
        .filter(|t| Section::of_heading(&t.heading) != Section::Headers)
        .partition(|t| t.column("required").is_some());

    // Query parameters are documented like body fields; treat them as one object.
    let mut query = json!({"type": "object", "properties": {}});
    for (name, _) in &draft.query {
        query["properties"][name] = json!({"type": "string"});
    }
    let html_requests = draft.pages.iter().flat_map(|p| p.samples_in(Section::Request));
    let request_samples = samples(html_requests, id, notes).into_iter().chain(draft.body_samples.iter().cloned());
    let request_samples: Vec<Value> = request_samples.collect();
    let mut body = fold(&request_samples);
    for table in &request_tables {
        let fields = schema::fields(table)?;
        if let Some(pointer) = schema::place(&query, &fields) {
            schema::apply(&mut query, &pointer, &fields);
        } else if !draft.body_samples.is_empty() {
            document(&mut body, table, &fields, Section::Request, id, unplaced);
        }
    }

    let html_responses = draft.pages.iter().flat_map(|p| p.samples_in(Section::Response));
    let response_samples = samples(html_responses, id, notes);
    let mut response = fold(&response_samples);
    for table in &response_tables {
        let fields = schema::fields(table)?;
        document(&mut response, table, &fields, Section::Response, id, unplaced);
    }

    let mut operation = json!({
        "tags": [tag],
        "summary": names.join(" / "),
        "description": description.trim_end(),
        "operationId": id,
    });
    let required_query = query.get("required").cloned().unwrap_or_else(|| json!([]));
    let parameters: Vec<Value> = query["properties"]
        .as_object()
        .expect("query properties")
        .iter()
        .map(|(name, schema)| {
            let mut schema = schema.clone();
            let description = schema.as_object_mut().and_then(|s| s.remove("description"));
            let mut parameter = json!({
                "name": name,
                "in": "query",
                "required": required_query.as_array().is_some_and(|r| r.contains(&json!(name))),
                "schema": schema,
            });
            if let Some(description) = description {
                parameter["description"] = description;
            }
            parameter
        })
        .collect();
    if !parameters.is_empty() {
        operation["parameters"] = json!(parameters);
    }
    if !draft.body_samples.is_empty() {
        let name = format!("{id}Body");
        schemas.insert(name.clone(), body);
        operation["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{name}")},
                "example": request_samples[0],
            }},
        });
    }
    let mut ok = json!({"description": "The response body. Pesapal also reports most errors with HTTP 200: see `status` and `error`."});
    if response.get("type").is_some() {
        let name = format!("{id}Response");
        schemas.insert(name.clone(), response);
        ok["content"] = json!({"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{name}")},
            "example": response_samples.first().cloned().unwrap_or(Value::Null),
        }});
    }
    operation["responses"] = json!({"200": ok});
    let bearer = draft.requests.iter().any(|r| r.request.auth.as_ref().is_some_and(|a| a.kind == "bearer"));
    operation["security"] = if bearer { json!([{BEARER: []}]) } else { json!([]) };
    Ok(operation)
}

/// Parses the JSON samples; one that does not parse becomes a note.
fn samples<'a>(
    samples: impl Iterator<Item = &'a crate::html::Sample>,
    id: &str,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    samples
        .filter_map(|sample| match parse_jsonc(&sample.code) {
            Ok(value) => Some(value),
            Err(e) => {
                notes.push(format!("{id}: sample under \"{}\" is not JSON ({e}); ignored", sample.heading));
                None
            }
        })
        .collect()
}

/// One schema for all samples of a body.
fn fold(samples: &[Value]) -> Value {
    let mut folded = json!({});
    for sample in samples {
        schema::merge(&mut folded, &schema::infer(sample));
    }
    folded
}

/// Applies a table to the object it describes; a table under a parameters heading that matches
/// no object documents the top level. Anything else is left out, in `unplaced`.
fn document(
    schema: &mut Value,
    table: &Table,
    fields: &[Field],
    section: Section,
    id: &str,
    unplaced: &mut Vec<UnplacedTable>,
) {
    let pointer = schema::place(schema, fields).or_else(|| {
        let top = if schema.get("items").is_some() { "/items" } else { "" };
        (Section::of_heading(&table.heading) == section).then(|| top.to_owned())
    });
    match pointer {
        Some(pointer) => schema::apply(schema, &pointer, fields),
        None => unplaced.push(UnplacedTable {
            operation: id.to_owned(),
            heading: table.heading.clone(),
            fields: fields.iter().map(|f| f.name.clone()).collect(),
            section,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_come_from_the_last_path_segment() {
        assert_eq!(operation_id("/api/Auth/RequestToken"), "RequestToken");
        assert_eq!(operation_id("/api/transactions/stk"), "Stk");
        let mut taken = vec![];
        assert_eq!(unique("A".into(), &mut taken), "A");
        assert_eq!(unique("A".into(), &mut taken), "A2");
    }

    #[test]
    fn a_table_of_callback_parameters_is_covered_and_another_is_not() {
        let spec = json!({
            "paths": {"/api/Register": {"post": {"callbacks": {"ipn": {"{$request.body#/url}": {
                "get": {"parameters": [{"name": "B", "in": "query"}, {"name": "A", "in": "query"}]},
                "post": {"requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Body"}
                }}}},
            }}}}}},
            "components": {"schemas": {"Body": {"type": "object", "properties": {"C": {}, "D": {}}}}},
        });
        let table = |fields: &[&str]| UnplacedTable {
            operation: "Submit".into(),
            heading: "IPN Details".into(),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            section: Section::Response,
        };
        assert!(table(&["A", "B"]).covered_by_callback(&spec), "the GET callback's query parameters");
        assert!(table(&["D", "C"]).covered_by_callback(&spec), "the POST callback's body, through its $ref");
        assert!(!table(&["A"]).covered_by_callback(&spec), "a subset is not the callback");
        assert!(!table(&["A", "B", "E"]).covered_by_callback(&spec), "nor is a superset");
        assert!(!table(&["A", "B"]).covered_by_callback(&json!({"paths": {}})), "no callbacks, nothing covered");
        assert_eq!(
            table(&["A", "B"]).note(),
            "Submit: table under \"IPN Details\" (A, B) matches no response field; left out"
        );
    }
}
