//! No two files of any crate of the workspace import each other, directly or through a circle
//! (issue 23): the rule of `xtask::imports`, applied to every target (library, binaries, tests,
//! examples, benchmarks) of every workspace member, as `cargo metadata` lists them.

use crate::support::workspace;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use xtask::imports::Crate;

/// Every crate root of the workspace: (package, target kind, root file).
fn crate_roots() -> Vec<(String, String, PathBuf)> {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--offline", "--format-version", "1"])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut roots = Vec::new();
    for package in metadata["packages"].as_array().unwrap() {
        for target in package["targets"].as_array().unwrap() {
            let kind = target["kind"][0].as_str().unwrap().to_owned();
            let root = PathBuf::from(target["src_path"].as_str().unwrap());
            roots.push((package["name"].as_str().unwrap().to_owned(), kind, root));
        }
    }
    roots
}

#[test]
fn no_two_files_of_any_crate_import_each_other() {
    let root = workspace();
    let mut circles = Vec::new();
    let mut read = BTreeSet::new();
    for (package, kind, crate_root) in crate_roots() {
        let krate = Crate::read(&crate_root).unwrap_or_else(|e| panic!("{package} ({kind}): {e:#}"));
        read.extend(krate.files().map(Path::to_path_buf));
        for circle in krate.circles() {
            circles.push(format!("{package} ({kind}): {}", circle.describe(&root)));
        }
    }
    assert!(circles.is_empty(), "files that import each other:\n  {}", circles.join("\n  "));
    // The rule saw every file: no source file of a `src/` is outside the crates read.
    let mut unread = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy();
            if path.is_dir() && !name.starts_with('.') && !matches!(&*name, "target" | "node_modules") {
                folders.push(path);
            } else if name.ends_with(".rs")
                && path.components().any(|c| c.as_os_str() == "src")
                && !read.contains(&path)
            {
                unread.push(path);
            }
        }
    }
    assert!(read.len() > 150, "the crates' files were read: {} of them", read.len());
    assert!(unread.is_empty(), "files that no crate reads: {unread:?}");
}
