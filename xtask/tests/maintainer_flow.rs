//! The maintainer's loop, end to end through the `cargo xtask spec` binary on a copy of the
//! workspace's spec files: Pesapal edits its collection, `--check` fails with a report naming
//! the change, `spec` regenerates, and reruns are byte-identical.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A temporary root with the pipeline's inputs and committed outputs.
fn sandbox() -> tempfile::TempDir {
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

fn xtask(root: &Path, args: &[&str]) -> (bool, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_xtask")).arg("spec").args(args).arg("--root").arg(root).output().unwrap();
    let text = String::from_utf8_lossy(&stdout).into_owned() + &String::from_utf8_lossy(&stderr);
    (status.success(), text)
}

fn edit_collection(root: &Path, edit: impl FnOnce(&mut Value)) {
    let path = root.join("spec/pesapal-api-3.0.postman_collection.json");
    let mut collection: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut collection);
    std::fs::write(&path, serde_json::to_string(&collection).unwrap()).unwrap();
}

/// Bumps the revision of `info.version` in the corrections' `$.info` action; returns the new version.
fn bump_version(root: &Path) -> String {
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

fn requests(collection: &mut Value) -> &mut Vec<Value> {
    collection["item"][0]["item"].as_array_mut().unwrap()
}

#[test]
fn a_new_body_field_and_a_new_request_flow_into_the_spec_and_the_report() {
    let root = sandbox();
    let root = root.path();
    assert!(xtask(root, &["--check"]).0, "the committed spec starts current");

    edit_collection(root, |collection| {
        let refund = requests(collection).iter_mut().find(|i| i["name"] == "RefundRequest").unwrap();
        let raw =
            refund["request"]["body"]["raw"].as_str().unwrap().replacen('{', "{\r\n    \"reference_note\": \"\",", 1);
        refund["request"]["body"]["raw"] = json!(raw);
        requests(collection).push(json!({
            "name": "GetBalance",
            "request": {
                "method": "GET",
                "auth": {"type": "bearer"},
                "url": "{{protocol}}{{api-host}}{{api-url}}Transactions/GetBalance",
                "description": "<h3>Response Parameters</h3><table><thead><tr><th>Name</th><th>Type</th><th>Description</th></tr></thead>\
                    <tbody><tr><td>balance</td><td>Float</td><td>Available balance</td></tr></tbody></table>\
                    <h4>Sample Response</h4><pre><code>{\"balance\": 10.5, \"status\": \"200\"}</code></pre>"
            }
        }));
    });

    let (ok, out) = xtask(root, &["--check"]);
    assert!(!ok, "--check must fail on a stale spec:\n{out}");
    assert!(out.contains("Operations added:\n    - GetBalance (GET /api/Transactions/GetBalance)"), "{out}");
    assert!(
        out.contains("RefundRequest (POST /api/Transactions/RefundRequest): `request.reference_note` string, optional"),
        "{out}"
    );
    assert!(out.contains("spec diff:"), "{out}");
    assert!(out.contains("generated client diff:"), "{out}");
    assert!(out.contains("pesapal-gen/src/generated.rs is out of date"), "{out}");
    assert!(out.contains("Run `cargo xtask spec`"), "{out}");

    let (ok, out) = xtask(root, &[]);
    assert!(!ok && out.contains("the spec changed but its info.version is still"), "{out}");
    let version = bump_version(root);

    let report = root.join("report.md");
    let (ok, out) = xtask(root, &["--report", report.to_str().unwrap()]);
    assert!(ok, "{out}");
    let changelog = std::fs::read_to_string(root.join("spec/CHANGELOG.md")).unwrap();
    let entry = format!("## {version}\n\n### Operations added\n\n- GetBalance (GET /api/Transactions/GetBalance)\n");
    assert!(changelog.contains(&entry), "the changelog's new entry comes from the report:\n{changelog}");
    assert!(out.contains("GetBalance (GET /api/Transactions/GetBalance)"), "{out}");
    let markdown = std::fs::read_to_string(&report).unwrap();
    assert!(markdown.contains("## Operations added\n\n- GetBalance (GET /api/Transactions/GetBalance)"), "{markdown}");
    assert!(markdown.contains("`request.reference_note`"), "{markdown}");

    let spec_text = std::fs::read_to_string(root.join("spec/pesapal.openapi.json")).unwrap();
    let spec: Value = serde_json::from_str(&spec_text).unwrap();
    let balance = &spec["paths"]["/api/Transactions/GetBalance"]["get"];
    assert_eq!(balance["operationId"], "GetBalance");
    assert_eq!(balance["security"], json!([{"bearerAuth": []}]));
    assert_eq!(spec["components"]["schemas"]["GetBalanceResponse"]["properties"]["balance"]["type"], "number");
    let code = std::fs::read_to_string(root.join("pesapal-gen/src/generated.rs")).unwrap();
    assert!(code.starts_with("// @generated by `cargo xtask spec`"), "marked generated");
    assert!(code.contains("pub fn get_balance(&self) -> builder::GetBalance<'_>"), "the new operation is generated");
    assert!(code.contains("pub struct GetBalanceResponse"), "with its response type");
    assert!(code.contains("pub reference_note:"), "the new body field is generated");

    let (ok, out) = xtask(root, &["--check"]);
    assert!(ok, "{out}");
    let (ok, out) = xtask(root, &[]);
    assert!(ok && out.contains("up to date"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("spec/pesapal.openapi.json")).unwrap(),
        spec_text,
        "byte-identical rerun"
    );
}

#[test]
fn a_correction_whose_target_disappeared_fails_naming_it() {
    let root = sandbox();
    let root = root.path();
    edit_collection(root, |collection| requests(collection).retain(|i| i["name"] != "GetTransactionStatus"));
    let (ok, out) = xtask(root, &["--check"]);
    assert!(!ok);
    assert!(out.contains("correction #2 (target `$.paths['/api/Transactions/GetTransactionStatus']`"), "{out}");
    assert!(out.contains("no longer exists"), "{out}");
}

#[test]
fn a_hand_edited_generated_client_fails_the_check() {
    let root = sandbox();
    let root = root.path();
    let path = root.join("pesapal-gen/src/generated.rs");
    let code = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, code.replacen("pub struct", "#[allow(dead_code)]\n    pub struct", 1)).unwrap();
    let (ok, out) = xtask(root, &["--check"]);
    assert!(!ok);
    // The diff goes from the committed file to what the spec generates: the hand-made line goes.
    assert!(out.contains("generated client diff: 0 line(s) added, 1 removed."), "{out}");
    assert!(out.contains("pesapal-gen/src/generated.rs is out of date"), "{out}");
    assert!(!out.contains("spec/pesapal.openapi.json is out of date"), "{out}");
}
