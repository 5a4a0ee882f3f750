//! The input side of the pipeline: Pesapal's Postman collection (format v2.0/v2.1) and the
//! Postman environment that gives its `{{…}}` variables their values.

use anyhow::{Context, Result, anyhow, bail};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A Postman collection, reduced to the fields the converter reads.
#[derive(Debug, Deserialize)]
pub struct Collection {
    /// Name, description and schema of the collection.
    pub info: Info,
    /// Top-level items: folders or requests.
    #[serde(default)]
    pub item: Vec<Item>,
}

/// The collection's `info` block.
#[derive(Debug, Deserialize)]
pub struct Info {
    /// Collection title.
    pub name: String,
    /// Collection description (HTML in Pesapal's export).
    #[serde(default)]
    pub description: Option<String>,
}

/// A folder (has `item`) or a request (has `request`).
#[derive(Debug, Deserialize)]
pub struct Item {
    /// Display name.
    pub name: String,
    /// Children, when this item is a folder.
    #[serde(default)]
    pub item: Vec<Item>,
    /// The request, when this item is a request.
    #[serde(default)]
    pub request: Option<Request>,
}

/// One documented request.
#[derive(Debug, Deserialize)]
pub struct Request {
    /// HTTP method.
    pub method: String,
    /// Either a raw string or a structured URL; only the raw form is used.
    pub url: Url,
    /// Request body, when there is one.
    #[serde(default)]
    pub body: Option<Body>,
    /// Authentication of this request (`bearer` for the token-protected endpoints).
    #[serde(default)]
    pub auth: Option<Auth>,
    /// The documentation page, as HTML.
    #[serde(default)]
    pub description: Option<String>,
}

/// Postman writes URLs either as a string or as an object with a `raw` field.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Url {
    /// `"url": "https://…"`
    Raw(String),
    /// `"url": {"raw": "https://…", …}`
    Structured {
        /// The full URL text.
        raw: String,
    },
}

impl Url {
    /// The URL as written, variables unresolved.
    pub fn raw(&self) -> &str {
        match self {
            Url::Raw(raw) | Url::Structured { raw } => raw,
        }
    }
}

/// A request body; only `raw` bodies carry samples.
#[derive(Debug, Deserialize)]
pub struct Body {
    /// `raw`, `urlencoded`, …
    pub mode: String,
    /// The sample body text for `raw` mode.
    #[serde(default)]
    pub raw: Option<String>,
}

/// Request authentication.
#[derive(Debug, Deserialize)]
pub struct Auth {
    /// `bearer`, `noauth`, …
    #[serde(rename = "type")]
    pub kind: String,
}

/// A request together with the folder path it sits in.
#[derive(Debug)]
pub struct Located<'a> {
    /// Names of the enclosing folders, outermost first.
    pub folders: Vec<&'a str>,
    /// The item holding the request.
    pub item: &'a Item,
    /// The request itself.
    pub request: &'a Request,
}

impl Collection {
    /// Parses a collection from its JSON text.
    pub fn parse(text: &str) -> Result<Self> {
        serde_json::from_str(text).context("the Postman collection is not valid collection JSON")
    }

    /// Every request in document order, depth first.
    pub fn requests(&self) -> Vec<Located<'_>> {
        fn walk<'a>(items: &'a [Item], folders: &mut Vec<&'a str>, out: &mut Vec<Located<'a>>) {
            for item in items {
                if let Some(request) = &item.request {
                    out.push(Located { folders: folders.clone(), item, request });
                }
                folders.push(&item.name);
                walk(&item.item, folders, out);
                folders.pop();
            }
        }
        let mut out = Vec::new();
        walk(&self.item, &mut Vec::new(), &mut out);
        out
    }
}

/// A Postman environment: the values of the collection's `{{…}}` variables.
#[derive(Debug, Deserialize)]
pub struct Environment {
    /// Variables in file order.
    pub values: Vec<Variable>,
}

/// One environment variable.
#[derive(Debug, Deserialize)]
pub struct Variable {
    /// Variable name, as used between `{{` and `}}`.
    pub key: String,
    /// Its value.
    pub value: String,
    /// Disabled variables are ignored, as in Postman.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

static VARIABLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{\s*([^{}]+?)\s*\}\}").expect("valid regex"));

impl Environment {
    /// Parses an environment from its JSON text.
    pub fn parse(text: &str) -> Result<Self> {
        serde_json::from_str(text).context("the Postman environment is not valid environment JSON")
    }

    fn lookup(&self) -> BTreeMap<&str, &str> {
        self.values.iter().filter(|v| v.enabled).map(|v| (v.key.as_str(), v.value.as_str())).collect()
    }

    /// Replaces every `{{name}}` in `text`; a variable without a value is an error naming it.
    pub fn resolve(&self, text: &str) -> Result<String> {
        let values = self.lookup();
        let mut missing = Vec::new();
        let resolved = VARIABLE.replace_all(text, |caps: &regex::Captures<'_>| {
            let name = &caps[1];
            match values.get(name) {
                Some(value) => (*value).to_owned(),
                None => {
                    missing.push(name.to_owned());
                    String::new()
                }
            }
        });
        if !missing.is_empty() {
            bail!(
                "no value for the Postman variable(s) {} in `{}`: add them to the environment file",
                missing.iter().map(|m| format!("{{{{{m}}}}}")).collect::<Vec<_>>().join(", "),
                text.lines().next().unwrap_or_default()
            );
        }
        Ok(resolved.into_owned())
    }
}

/// Parses a body sample that may contain comments (Pesapal's RegisterIPN sample has
/// `//OR POST`) with a real JSON-with-comments parser.
pub fn parse_jsonc(text: &str) -> Result<serde_json::Value> {
    let options = jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        ..Default::default()
    };
    jsonc_parser::parse_to_serde_value::<Option<serde_json::Value>>(text, &options)
        .map_err(|e| anyhow!("{e}"))?
        .ok_or_else(|| anyhow!("the sample is empty"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Environment {
        Environment {
            values: pairs
                .iter()
                .map(|(k, v)| Variable { key: (*k).into(), value: (*v).into(), enabled: true })
                .collect(),
        }
    }

    #[test]
    fn resolves_variables_and_names_missing_ones() {
        let env = env(&[("protocol", "https://"), ("api-host", "example.com")]);
        assert_eq!(env.resolve("{{protocol}}{{api-host}}/x").unwrap(), "https://example.com/x");
        let err = env.resolve("{{protocol}}{{api-url}}x").unwrap_err().to_string();
        assert!(err.contains("{{api-url}}"), "{err}");
    }

    #[test]
    fn parses_json_with_comments() {
        let value = parse_jsonc("{\r\n \"a\": \"GET\" //OR POST\r\n}").unwrap();
        assert_eq!(value, serde_json::json!({"a": "GET"}));
    }
}
