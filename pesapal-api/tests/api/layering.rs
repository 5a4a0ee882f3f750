//! No two files of `src/` import each other, directly or through a circle: each file's
//! dependencies are the `crate::…` paths of its code (not of its comments), and the graph they
//! make has no cycle. The crate docs list the resulting layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file below `dir`, by module path (`client::verify`; `lib.rs` is the root, ``).
fn modules(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if path.is_dir() {
            modules(&path, &join(prefix, &name), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = match name.as_str() {
                "lib" | "mod" => prefix.to_owned(),
                _ => join(prefix, &name),
            };
            out.insert(module, std::fs::read_to_string(&path).expect("a source file"));
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_owned() } else { format!("{prefix}::{name}") }
}

/// The code of a file without its comments (line comments, doc comments).
fn code(source: &str) -> String {
    source.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The modules `code` names through `crate::…`, as the longest module path each starts with;
/// `use crate::{a, b::C}` names `a` and `b`.
fn dependencies(code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let longest = |path: &str| {
        let segments: Vec<&str> = path.split("::").map(str::trim).collect();
        (1..=segments.len())
            .map(|n| segments[..n].join("::"))
            .rfind(|candidate| known.contains(candidate))
            .unwrap_or_default()
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(inner.split(',').map(longest));
        } else {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            found.insert(longest(&rest[..end]));
        }
    }
    found
}

/// A cycle through `start`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(graph: &BTreeMap<String, BTreeSet<String>>, start: &str, path: &mut Vec<String>) -> bool {
        let last = path.last().cloned().unwrap_or_default();
        for next in graph.get(&last).into_iter().flatten() {
            if next == start {
                return true;
            }
            if !path.contains(next) {
                path.push(next.clone());
                if walk(graph, start, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(graph, start, &mut path).then_some(path)
}

#[test]
fn no_two_files_import_each_other() {
    let mut sources = BTreeMap::new();
    modules(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "", &mut sources);
    let known: BTreeSet<String> = sources.keys().cloned().collect();
    let graph: BTreeMap<String, BTreeSet<String>> = sources
        .iter()
        .map(|(module, source)| {
            let mut uses = dependencies(&code(source), &known);
            uses.remove(module);
            (module.clone(), uses)
        })
        .collect();
    assert!(graph.len() > 20, "read every file of src/: {:?}", graph.keys());
    let circles: Vec<String> =
        graph.keys().filter_map(|module| cycle(&graph, module)).map(|path| path.join(" → ")).collect();
    assert!(circles.is_empty(), "files that import each other (through these paths):\n{}", circles.join("\n"));
}

#[test]
fn the_checker_sees_a_circle() {
    let known: BTreeSet<String> = ["a", "b", "c::d"].into_iter().map(str::to_owned).collect();
    let uses = dependencies(&code("use crate::{a, c::d::Thing};\n// crate::b\nlet x = crate::b::f();"), &known);
    assert_eq!(uses, ["a", "b", "c::d"].into_iter().map(str::to_owned).collect());
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", "c::d"), ("c::d", "b"), ("b", "a")]
        .into_iter()
        .map(|(from, to)| (from.to_owned(), BTreeSet::from([to.to_owned()])))
        .collect();
    assert_eq!(cycle(&graph, "a"), Some(vec!["a".to_owned(), "c::d".to_owned(), "b".to_owned()]));
}
