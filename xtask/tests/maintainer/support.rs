//! What the maintainer-flow tests share: scratch copies of the pipeline's inputs (or of the whole
//! workspace), the `cargo xtask spec` binary, and edits of Pesapal's collection.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A temporary root with the pipeline's inputs and committed outputs.
pub fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("spec")).unwrap();
    std::fs::create_dir_all(dir.path().join("pesapal-gen/src")).unwrap();
    for file in [
        "spec/pesapal-api-3.0.postman_collection.json",
        "spec/pesapal.postman_environment.json",
        "spec/corrections.overlay.json",
        "spec/pesapal.openapi.json",
        "spec/CHANGELOG.md",
        "pesapal-gen/src/generated.rs",
    ] {
        std::fs::copy(workspace().join(file), dir.path().join(file)).unwrap();
    }
    dir
}

/// A temporary copy of the whole workspace's sources (no `target/`, no `.git`), to regenerate
/// and build as a maintainer would.
pub fn workspace_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if matches!(name.to_str(), Some("target" | ".git" | "node_modules")) {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &to.join(&name));
            } else {
                std::fs::copy(entry.path(), to.join(&name)).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&workspace(), dir.path());
    dir
}

/// Runs `cargo xtask spec ARGS --root ROOT`.
pub fn xtask(root: &Path, args: &[&str]) -> (bool, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_xtask")).arg("spec").args(args).arg("--root").arg(root).output().unwrap();
    let text = String::from_utf8_lossy(&stdout).into_owned() + &String::from_utf8_lossy(&stderr);
    (status.success(), text)
}

/// Runs `cargo ARGS` in `root` with this workspace's target directory as its build directory,
/// so that the dependencies already built for the workspace are reused (only the copied crates
/// are compiled), while its final artifacts (binaries) stay in `root/target` and never replace
/// the workspace's own.
pub fn cargo(root: &Path, args: &[&str]) -> (bool, String) {
    // Integration tests get `<target dir>/tmp`: its parent is the target directory in use.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let Output { status, stdout, stderr } = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .env("CARGO_BUILD_BUILD_DIR", target)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&stdout).into_owned() + &String::from_utf8_lossy(&stderr);
    (status.success(), text)
}

pub fn edit_collection(root: &Path, edit: impl FnOnce(&mut Value)) {
    let path = root.join("spec/pesapal-api-3.0.postman_collection.json");
    let mut collection: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut collection);
    std::fs::write(&path, serde_json::to_string(&collection).unwrap()).unwrap();
}

pub fn requests(collection: &mut Value) -> &mut Vec<Value> {
    collection["item"][0]["item"].as_array_mut().unwrap()
}

/// The request of the collection called `name`.
pub fn request<'a>(collection: &'a mut Value, name: &str) -> &'a mut Value {
    requests(collection).iter_mut().find(|i| i["name"] == name).unwrap_or_else(|| panic!("no request {name}"))
}

/// Replaces the one occurrence of `anchor` in the text at `field` (a JSON pointer) by `with`.
pub fn edit_text(item: &mut Value, field: &str, anchor: &str, with: &str) {
    let slot = item.pointer_mut(field).unwrap_or_else(|| panic!("no {field}"));
    let text = slot.as_str().unwrap();
    assert_eq!(text.matches(anchor).count(), 1, "{anchor:?} occurs once in {field}");
    *slot = Value::String(text.replacen(anchor, with, 1));
}

/// Bumps the revision of `info.version` in the corrections' `$.info` action; returns the new version.
pub fn bump_version(root: &Path) -> String {
    let path = root.join("spec/corrections.overlay.json");
    let mut overlay: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let action = overlay["actions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["target"] == "$.info" && a["update"].get("version").is_some())
        .unwrap();
    let old = action["update"]["version"].as_str().unwrap().to_owned();
    let (head, revision) = old.rsplit_once('.').unwrap();
    let new = format!("{head}.{}", revision.parse::<u32>().unwrap() + 1);
    action["update"]["version"] = json!(new);
    std::fs::write(&path, serde_json::to_string_pretty(&overlay).unwrap()).unwrap();
    new
}

/// A documented GET request of the collection, as Pesapal writes one: `Transactions/<name>`, a
/// bearer token, a Response Parameters table with `rows` (name, type, description) and a sample
/// response.
pub fn documented_get(name: &str, rows: &[(&str, &str, &str)], sample: &str) -> Value {
    let rows: String = rows
        .iter()
        .map(|(field, kind, text)| format!("<tr><td>{field}</td><td>{kind}</td><td>{text}</td></tr>"))
        .collect();
    json!({
        "name": name,
        "request": {
            "method": "GET",
            "auth": {"type": "bearer"},
            "url": format!("{{{{protocol}}}}{{{{api-host}}}}{{{{api-url}}}}Transactions/{name}"),
            "description": format!(
                "<h3>Response Parameters</h3><table><thead><tr><th>Name</th><th>Type</th><th>Description</th></tr></thead>\
                 <tbody>{rows}</tbody></table><h4>Sample Response</h4><pre><code>{sample}</code></pre>"
            ),
        }
    })
}
