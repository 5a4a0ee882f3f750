//! Applies an [OpenAPI Overlay](https://spec.openapis.org/overlay/v1.1.0.html) document
//! (versions 1.0 and 1.1: `update`, `remove` and 1.1's `copy`) with RFC 9535 JSONPath targets.
//!
//! One rule is stricter than the specification: an action whose target selects nothing is an
//! error naming the action, because a correction that silently stops applying is a correction
//! lost when Pesapal edits its documentation.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};

/// An Overlay document.
#[derive(Debug, Deserialize)]
pub struct Overlay {
    /// Overlay specification version (`1.0.x` or `1.1.x`).
    pub overlay: String,
    /// Ordered actions.
    pub actions: Vec<Action>,
}

/// One correction.
#[derive(Debug, Deserialize)]
pub struct Action {
    /// RFC 9535 JSONPath selecting the nodes to change.
    pub target: String,
    /// Why: the documentation text or observed behaviour behind the correction.
    #[serde(default)]
    pub description: Option<String>,
    /// Value merged into (or appended to, or replacing) each target.
    #[serde(default)]
    pub update: Option<Value>,
    /// JSONPath of a single node to merge into each target.
    #[serde(default)]
    pub copy: Option<String>,
    /// Remove each target from its parent.
    #[serde(default)]
    pub remove: bool,
}

impl Action {
    fn name(&self, index: usize) -> String {
        let why = self.description.as_deref().and_then(|d| d.lines().next()).unwrap_or("no description");
        format!("correction #{} (target `{}`: {why})", index + 1, self.target)
    }
}

impl Overlay {
    /// Parses an Overlay document (JSON).
    pub fn parse(text: &str) -> Result<Self> {
        let overlay: Overlay =
            serde_json::from_str(text).context("the corrections file is not a valid Overlay document")?;
        if !(overlay.overlay.starts_with("1.0.") || overlay.overlay.starts_with("1.1.")) {
            bail!("unsupported Overlay version {} (1.0.x and 1.1.x are supported)", overlay.overlay);
        }
        for (index, action) in overlay.actions.iter().enumerate() {
            let modifiers =
                usize::from(action.remove) + usize::from(action.update.is_some()) + usize::from(action.copy.is_some());
            if modifiers != 1 {
                bail!("{} must have exactly one of update, copy or remove", action.name(index));
            }
            if action.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
                bail!("{} has no description: say why the correction is needed", action.name(index));
            }
        }
        Ok(overlay)
    }

    /// Applies every action in order to `document`.
    pub fn apply(&self, document: &mut Value) -> Result<()> {
        for (index, action) in self.actions.iter().enumerate() {
            apply_action(action, document).with_context(|| action.name(index))?;
        }
        Ok(())
    }
}

fn apply_action(action: &Action, document: &mut Value) -> Result<()> {
    let path = JsonPath::parse(&action.target).context("invalid JSONPath")?;
    let located = path.query_located(document);
    if located.is_empty() {
        bail!("its target no longer exists in the generated spec: fix or drop the correction");
    }
    let mut targets: Vec<(String, Option<PathElementOwned>)> = located
        .iter()
        .map(|node| (node.location().to_json_pointer(), node.location().last().map(PathElementOwned::from)))
        .collect();
    if action.remove {
        // Deepest and last first, so that array indices stay valid.
        targets.reverse();
        for (pointer, last) in targets {
            let parent = &pointer[..pointer.rfind('/').unwrap_or(0)];
            let parent = document.pointer_mut(parent).context("parent of a selected node")?;
            match (parent, last) {
                (Value::Object(map), Some(PathElementOwned::Name(name))) => {
                    map.shift_remove(&name);
                }
                (Value::Array(items), Some(PathElementOwned::Index(i))) => {
                    items.remove(i);
                }
                _ => bail!("cannot remove the document root"),
            }
        }
        return Ok(());
    }
    let value = match (&action.update, &action.copy) {
        (Some(update), _) => update.clone(),
        (None, Some(source)) => {
            let source_path = JsonPath::parse(source).context("invalid copy JSONPath")?;
            let nodes = source_path.query(document).all();
            match nodes.as_slice() {
                [] => bail!(
                    "its copy source `{source}` no longer exists in the generated spec: fix or drop the correction"
                ),
                [one] => (*one).clone(),
                _ => bail!("copy source `{source}` selects {} nodes; it must select exactly one", nodes.len()),
            }
        }
        (None, None) => unreachable!("validated in Overlay::parse"),
    };
    for (pointer, _) in targets {
        let node = document.pointer_mut(&pointer).context("selected node")?;
        match (node, value.clone()) {
            (Value::Array(items), Value::Array(more)) => items.extend(more),
            (Value::Array(items), one) => items.push(one),
            (node, value) => merge(node, value).with_context(|| format!("at {pointer}"))?,
        }
    }
    Ok(())
}

/// The Overlay merge: objects merge recursively, arrays concatenate, primitives replace.
/// A `null` target is replaced by anything; other mixes of kinds are errors.
pub fn merge(target: &mut Value, update: Value) -> Result<()> {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(&key) {
                    Some(existing) => merge(existing, value).with_context(|| format!("in `{key}`"))?,
                    None => {
                        target.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update),
        (target @ Value::Null, update) => *target = update,
        (target, update) if !target.is_object() && !target.is_array() && !update.is_object() && !update.is_array() => {
            *target = update;
        }
        (target, update) => bail!("cannot merge {update} into {target}: incompatible kinds"),
    }
    Ok(())
}

/// An owned [`PathElement`], so the document can be borrowed mutably afterwards.
enum PathElementOwned {
    Name(String),
    Index(usize),
}

impl From<&PathElement<'_>> for PathElementOwned {
    fn from(element: &PathElement<'_>) -> Self {
        match element {
            PathElement::Name(name) => PathElementOwned::Name((*name).to_owned()),
            PathElement::Index(index) => PathElementOwned::Index(*index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        Overlay::parse(
            &json!({"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": actions}).to_string(),
        )
        .unwrap()
    }

    #[test]
    fn update_merges_recursively_and_concatenates_arrays() {
        let mut doc = json!({"a": {"type": "integer", "keep": 1, "list": [1]}});
        overlay(
            json!([{"target": "$.a", "description": "why", "update": {"type": "string", "list": [2], "new": true}}]),
        )
        .apply(&mut doc)
        .unwrap();
        assert_eq!(doc, json!({"a": {"type": "string", "keep": 1, "list": [1, 2], "new": true}}));
    }

    #[test]
    fn remove_and_copy_move_a_node() {
        let mut doc = json!({"paths": {"/old": {"get": {"x": 1}}, "/other": {}}});
        overlay(json!([
            {"target": "$.paths", "description": "make room", "update": {"/new": {}}},
            {"target": "$.paths['/new']", "description": "copy", "copy": "$.paths['/old']"},
            {"target": "$.paths['/old']", "description": "drop", "remove": true},
        ]))
        .apply(&mut doc)
        .unwrap();
        assert_eq!(doc, json!({"paths": {"/other": {}, "/new": {"get": {"x": 1}}}}));
    }

    #[test]
    fn removes_several_array_items() {
        let mut doc = json!({"r": ["a", "b", "c", "d"]});
        overlay(json!([{"target": "$.r[?@ == 'b' || @ == 'd']", "description": "why", "remove": true}]))
            .apply(&mut doc)
            .unwrap();
        assert_eq!(doc, json!({"r": ["a", "c"]}));
    }

    #[test]
    fn a_target_that_matches_nothing_fails_naming_the_correction() {
        let mut doc = json!({"a": {}});
        let err = overlay(json!([{"target": "$.b", "description": "Fix the b thing", "update": {"x": 1}}]))
            .apply(&mut doc)
            .unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("correction #1"), "{message}");
        assert!(message.contains("$.b"), "{message}");
        assert!(message.contains("Fix the b thing"), "{message}");
        assert!(message.contains("no longer exists"), "{message}");
    }

    #[test]
    fn every_action_needs_a_reason_and_one_modifier() {
        let text = |actions: Value| json!({"overlay": "1.0.0", "info": {}, "actions": actions}).to_string();
        assert!(Overlay::parse(&text(json!([{"target": "$", "update": {}}]))).is_err());
        assert!(
            Overlay::parse(&text(json!([{"target": "$", "description": "x", "update": {}, "remove": true}]))).is_err()
        );
    }

    #[test]
    fn incompatible_kinds_are_errors() {
        let mut doc = json!({"a": "text"});
        assert!(merge(&mut doc, json!({"a": {"b": 1}})).is_err());
    }
}
