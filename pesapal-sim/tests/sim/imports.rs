//! No circle of imports between the files of pesapal-sim's `src/` (issue 23): every `use`,
//! `mod` and `crate::`/`super::` path in code is an edge from its file to the file that defines
//! what it names (the longest module path that is a file); the graph must have no cycle. Comments
//! (and so intra-doc links) are not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every module of the library (`main.rs` is the binary's root, not a module) and its file.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut found = BTreeMap::new();
    let mut folders = vec![src.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: Module = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
            match module.last().map(String::as_str) {
                Some("main") if module.len() == 1 => continue,
                Some("lib") if module.len() == 1 => module.clear(),
                Some("mod") => {
                    module.pop();
                }
                _ => {}
            }
            found.insert(module, path);
        }
    }
    found
}

/// The code of a file: comment lines left out, and its unit tests (a `#[cfg(test)]` module at
/// the end, whose `super` is the file itself).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The paths of a `use` tree (`a::{b, c::{d, e as f}}` → `a::b`, `a::c::d`, `a::c::e`).
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Module>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Module =
            tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        let prefix: Module = prefix.iter().cloned().chain(head).collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let (mut depth, mut start) = (0, 0);
        for (at, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&prefix, &inner[start..at], out);
                    start = at + 1;
                }
                _ => {}
            }
        }
        expand(&prefix, &inner[start..], out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap();
        let path = prefix.iter().cloned().chain(path.split("::").map(|s| s.trim().to_owned()));
        out.push(path.filter(|s| s != "self" && s != "*").collect());
    }
}

/// What a file names: its `use` trees and `mod` declarations, and `crate::`/`super::` paths in
/// its code, each as written.
fn references(code: &str) -> BTreeSet<Module> {
    let mut found = Vec::new();
    let words = regex::Regex::new(r"(?s)\buse\s+([^;]+);").unwrap();
    for tree in words.captures_iter(code) {
        expand(&[], &tree[1], &mut found);
    }
    let mods = regex::Regex::new(r"(?m)^\s*(?:pub(?:\([a-z]+\))?\s+)?mod\s+(\w+)\s*;").unwrap();
    for declared in mods.captures_iter(code) {
        found.push(vec!["self".to_owned(), declared[1].to_owned()]);
    }
    let paths = regex::Regex::new(r"\b((?:crate|super)(?:::\w+)+)").unwrap();
    for path in paths.captures_iter(code) {
        found.push(path[1].split("::").map(String::from).collect());
    }
    found.into_iter().collect()
}

/// `path`, named in module `from`, as a path from the crate root; `None` for another crate's.
fn absolute(from: &Module, path: &Module, modules: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    let mut at = from.clone();
    let mut rest = path.as_slice();
    match rest.first().map(String::as_str) {
        Some("crate") => {
            at.clear();
            rest = &rest[1..];
        }
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                at.pop();
                rest = &rest[1..];
            }
        }
        Some("self") => rest = &rest[1..],
        Some(first) => {
            // A relative path names a child module, or another crate.
            let child: Module = from.iter().cloned().chain([first.to_owned()]).collect();
            modules.get(&child)?;
        }
        None => return None,
    }
    Some(at.into_iter().chain(rest.iter().cloned()).collect())
}

/// The file of the longest module path that `path` starts with.
fn file_of<'a>(path: &Module, modules: &'a BTreeMap<Module, PathBuf>) -> &'a PathBuf {
    (0..=path.len()).rev().find_map(|n| modules.get(&path[..n])).expect("the crate root is a module")
}

#[test]
fn no_two_files_import_each_other_directly_or_through_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    assert!(modules.len() > 20, "the library's files were found: {modules:?}");
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (module, file) in &modules {
        let targets = edges.entry(file.clone()).or_default();
        for path in references(&code(&std::fs::read_to_string(file).unwrap())) {
            if let Some(absolute) = absolute(module, &path, &modules) {
                let target = file_of(&absolute, &modules);
                if target != file {
                    targets.insert(target.clone());
                }
            }
        }
    }
    // A circle is a path back to where it started: search from every file.
    let mut circles = Vec::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((file, trail)) = stack.pop() {
            for next in edges.get(&file).into_iter().flatten() {
                if next == start {
                    let names: Vec<_> =
                        trail.iter().chain([next]).map(|f| f.strip_prefix(&src).unwrap().display()).collect();
                    circles.push(names.iter().map(ToString::to_string).collect::<Vec<_>>().join(" → "));
                } else if seen.insert(next.clone()) {
                    stack.push((next.clone(), trail.iter().cloned().chain([next.clone()]).collect()));
                }
            }
        }
    }
    assert!(circles.is_empty(), "files that import each other:\n  {}", circles.join("\n  "));
}

#[test]
fn use_trees_mod_declarations_and_paths_are_read() {
    let mut found = Vec::new();
    expand(&[], "crate::{a::{b, c as d}, e}", &mut found);
    assert_eq!(found, [vec!["crate", "a", "b"], vec!["crate", "a", "c"], vec!["crate", "e"]]);
    let file = "use super::x::Y;\npub(crate) mod z;\nfn f() { crate::w::go() }\n// crate::doc::Link\n#[cfg(test)]\nmod tests { use super::*; }";
    let refs: Vec<Module> = references(&code(file)).into_iter().collect();
    assert_eq!(refs, [vec!["crate", "w", "go"], vec!["self", "z"], vec!["super", "x", "Y"]]);
}
