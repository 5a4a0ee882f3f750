//! The rule "no two files of a crate import each other, directly or through a circle" (issue 23),
//! written once for every crate of the workspace: [`Crate::read`] reads a crate's files and which
//! of them name which, [`Crate::circles`] finds the circles. The maintainer tests apply it to
//! every target of every workspace member (`xtask/tests/maintainer/imports.rs`, run by
//! `cargo xtask test`).
//!
//! A crate's files are found as rustc finds them: from the crate root (`src/lib.rs`,
//! `src/main.rs`, `tests/api/main.rs` …), following every `mod x;` to `x.rs` or `x/mod.rs` (or
//! its `#[path]`). Each file is parsed with `syn`, and has an edge to the file of everything it
//! names:
//!
//! - `mod x;` names the file of `x`: a parent uses its children;
//! - a `use` tree, and every path of its items, types, expressions, patterns and macro arguments
//!   that starts with `crate`, `$crate`, `super`, `self` or the name of a child module, names the
//!   file of the longest module path it starts with. So `crate::Name` of an item defined or
//!   re-exported at the crate root names the root file, and a child that writes
//!   `crate::Reexported` forms a circle with its parent: name the defining module instead.
//!
//! Not imports: comments and every other attribute (doc comments and their intra-doc links,
//! `cfg`, `derive`), string literals, visibilities (`pub(in crate::a)` names an ancestor without
//! using it), and the arguments of `quote!` and its kin (code generated for another crate).
//!
//! The `#[cfg(test)]` modules of a file are its own code: a unit test is compiled with its file,
//! and what it imports is a dependency of that file like any other. Their edges are the file's,
//! and a unit test's `use super::*` names its own file: no edge.

use anyhow::{Context, Result, bail};
use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// A module's path from the crate root (`[]` is the root, `["http", "api"]` is `crate::http::api`).
type ModulePath = Vec<String>;

/// The files of one crate and which of them name which.
#[derive(Debug, Clone)]
pub struct Crate {
    /// Every module, inline ones too, and the file it is written in.
    modules: BTreeMap<ModulePath, PathBuf>,
    /// For each file, the files it names, each with the first path that names it (as written).
    edges: BTreeMap<PathBuf, BTreeMap<PathBuf, String>>,
}

/// Files of one crate that import each other: a strongly connected part of the import graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Circle {
    /// One shortest way round, starting and ending at the first file (in path order).
    pub path: Vec<PathBuf>,
    /// Every edge between the files of the circle: (from, to, the first path `from` names `to` by).
    pub edges: Vec<(PathBuf, PathBuf, String)>,
}

impl Circle {
    /// The circle for a reader, paths shown relative to `base`.
    pub fn describe(&self, base: &Path) -> String {
        let show = |file: &PathBuf| file.strip_prefix(base).unwrap_or(file).display().to_string();
        let round: Vec<String> = self.path.iter().map(show).collect();
        let mut text = round.join(" → ");
        for (from, to, via) in &self.edges {
            text += &format!("\n    {} → {} (`{via}`)", show(from), show(to));
        }
        text
    }
}

impl Crate {
    /// Reads the crate whose root file is `root` (`src/lib.rs`, `src/main.rs`, `tests/x.rs` …)
    /// and every file its `mod` items declare.
    pub fn read(root: &Path) -> Result<Crate> {
        let mut modules = BTreeMap::new();
        let mut references: Vec<(PathBuf, ModulePath, Vec<String>)> = Vec::new();
        let mut edges: BTreeMap<PathBuf, BTreeMap<PathBuf, String>> = BTreeMap::new();
        let children_dir = root.parent().context("a crate root is a file in a directory")?.to_path_buf();
        let mut queue = VecDeque::from([(root.to_path_buf(), ModulePath::new(), children_dir)]);
        while let Some((file, module, dir)) = queue.pop_front() {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let parsed = syn::parse_file(&text).with_context(|| format!("cannot parse {}", file.display()))?;
            let mut collector = Collector::new(&file, module.clone(), dir);
            collector.visit_file(&parsed);
            modules.insert(module, file.clone());
            let names = edges.entry(file.clone()).or_default();
            for inline in collector.inline {
                modules.insert(inline, file.clone());
            }
            for child in collector.children {
                let Some(child_file) = child.files.iter().find(|f| f.is_file()).cloned() else {
                    bail!("{} declares `mod {}` but none of {:?} exists", file.display(), child.shown, child.files);
                };
                names.entry(child_file.clone()).or_insert(child.shown);
                queue.push_back((child_file, child.module, child.dir));
            }
            references.extend(collector.references.into_iter().map(|(at, path)| (file.clone(), at, path)));
        }
        let mut read = Crate { modules, edges };
        for (file, at, path) in references {
            if let Some(target) = read.absolute(&at, &path).map(|named| read.file_of(&named).to_path_buf())
                && target != file
            {
                read.edges.entry(file).or_default().entry(target).or_insert_with(|| path.join("::"));
            }
        }
        Ok(read)
    }

    /// Every file of the crate.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.edges.keys().map(PathBuf::as_path)
    }

    /// `path`, written in module `at`, as a path from the crate root; `None` when it names
    /// something outside the crate (another crate, or an item brought in scope by a `use`, which
    /// is an edge of its own).
    fn absolute(&self, at: &ModulePath, path: &[String]) -> Option<ModulePath> {
        let (first, rest) = path.split_first()?;
        let mut base = at.clone();
        let rest = match first.as_str() {
            "crate" => {
                base.clear();
                rest
            }
            "self" => rest,
            "super" => {
                base.pop();
                let supers = rest.iter().take_while(|s| *s == "super").count();
                base.truncate(base.len().saturating_sub(supers));
                &rest[supers..]
            }
            child => {
                let mut module = at.clone();
                module.push(child.to_owned());
                if !self.modules.contains_key(&module) {
                    return None;
                }
                path
            }
        };
        base.extend(rest.iter().filter(|s| *s != "self").cloned());
        Some(base)
    }

    /// The file of the longest module path that `path` starts with.
    fn file_of(&self, path: &ModulePath) -> &Path {
        (0..=path.len()).rev().find_map(|n| self.modules.get(&path[..n])).expect("the crate root is a module")
    }

    /// The circles of imports between the files: one per set of files that import each other.
    pub fn circles(&self) -> Vec<Circle> {
        let mut graph = DiGraphMap::<&Path, ()>::new();
        for (from, names) in &self.edges {
            graph.add_node(from);
            for to in names.keys() {
                graph.add_edge(from, to, ());
            }
        }
        tarjan_scc(&graph)
            .into_iter()
            .filter(|part| part.len() > 1)
            .map(|part| part.into_iter().map(Path::to_path_buf).collect::<BTreeSet<_>>())
            .map(|part| {
                let edges = part
                    .iter()
                    .flat_map(|from| {
                        self.edges[from]
                            .iter()
                            .filter(|(to, _)| part.contains(*to))
                            .map(|(to, via)| (from.clone(), to.clone(), via.clone()))
                    })
                    .collect();
                Circle { path: self.shortest_round(&part), edges }
            })
            .collect()
    }

    /// A shortest way from the first file of `part` back to itself, within `part`.
    fn shortest_round(&self, part: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
        let start = part.first().expect("a circle has files").clone();
        let mut came_from: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
        let mut queue = VecDeque::from([start.clone()]);
        while let Some(file) = queue.pop_front() {
            for next in self.edges[&file].keys().filter(|next| part.contains(*next)) {
                if *next == start {
                    let mut round = vec![start.clone(), file.clone()];
                    while let Some(before) = came_from.get(round.last().expect("not empty")) {
                        round.push(before.clone());
                    }
                    round.reverse();
                    return round;
                }
                if !came_from.contains_key(next) {
                    came_from.insert(next.clone(), file.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        unreachable!("every file of a strongly connected part is on a way round")
    }
}

/// A `mod x;` of a file: the module, where its file may be, and where its own children are.
struct Child {
    module: ModulePath,
    files: Vec<PathBuf>,
    dir: PathBuf,
    shown: String,
}

/// What one file names, from its syntax tree.
struct Collector {
    /// The directory of the file (for a `#[path]` outside inline modules).
    file_dir: PathBuf,
    /// The module being read (the file's, or an inline module in it).
    module: ModulePath,
    /// Where the children of `module` live.
    dir: PathBuf,
    /// How many inline modules deep `module` is in the file.
    depth: usize,
    inline: Vec<ModulePath>,
    children: Vec<Child>,
    references: Vec<(ModulePath, Vec<String>)>,
}

impl Collector {
    fn new(file: &Path, module: ModulePath, dir: PathBuf) -> Collector {
        let file_dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
        Collector { file_dir, module, dir, depth: 0, inline: Vec::new(), children: Vec::new(), references: Vec::new() }
    }

    fn refer(&mut self, path: Vec<String>) {
        self.references.push((self.module.clone(), path));
    }
}

/// The value of a `#[path = "…"]` attribute.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }),
            ..
        }) => Some(s.value()),
        _ => None,
    })
}

/// The paths of a `use` tree (`a::{b, c::{self, e as f}, g::*}` → `a::b`, `a::c`, `a::c::e`, `a::g`).
fn use_paths(prefix: &mut Vec<String>, tree: &syn::UseTree, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(prefix, &p.tree, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => out.push(named(prefix, &n.ident)),
        syn::UseTree::Rename(r) => out.push(named(prefix, &r.ident)),
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|tree| use_paths(prefix, tree, out)),
    }
}

fn named(prefix: &[String], ident: &syn::Ident) -> Vec<String> {
    let mut path = prefix.to_vec();
    if ident != "self" {
        path.push(ident.to_string());
    }
    path
}

/// Macros whose arguments are code written for another crate (code generation), not paths of
/// this one.
const CODE_FOR_ANOTHER_CRATE: [&str; 4] = ["quote", "quote_spanned", "parse_quote", "parse_quote_spanned"];

/// The `crate::…`, `$crate::…`, `super::…` and `self::…` paths in a macro's arguments.
fn macro_paths(mut cursor: syn::buffer::Cursor<'_>, out: &mut Vec<Vec<String>>) {
    fn double_colon(cursor: syn::buffer::Cursor<'_>) -> Option<syn::buffer::Cursor<'_>> {
        let (first, cursor) = cursor.punct()?;
        let (second, cursor) = cursor.punct()?;
        (first.as_char() == ':' && second.as_char() == ':').then_some(cursor)
    }
    while !cursor.eof() {
        if let Some((inside, _, _, after)) = cursor.any_group() {
            macro_paths(inside, out);
            cursor = after;
        } else if let Some((ident, mut after)) =
            cursor.ident().filter(|(i, _)| i == "crate" || i == "super" || i == "self")
        {
            let mut path = vec![ident.to_string()];
            while let Some((segment, next)) = double_colon(after).and_then(|c| c.ident()) {
                path.push(segment.to_string());
                after = next;
            }
            if path.len() > 1 {
                out.push(path);
            }
            cursor = after;
        } else if let Some((_, after)) = cursor.token_tree() {
            cursor = after;
        } else {
            break;
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let name = item.ident.to_string();
        let mut module = self.module.clone();
        module.push(name.clone());
        let dir = self.dir.join(&name);
        let Some((_, items)) = &item.content else {
            let (files, children_dir) = match path_attribute(&item.attrs) {
                Some(path) => {
                    let file = if self.depth == 0 { self.file_dir.join(path) } else { self.dir.join(path) };
                    let children_dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
                    (vec![file], children_dir)
                }
                None => (vec![self.dir.join(format!("{name}.rs")), dir.join("mod.rs")], dir),
            };
            self.children.push(Child { module, files, dir: children_dir, shown: format!("mod {name}") });
            return;
        };
        let outer_module = std::mem::replace(&mut self.module, module);
        let outer_dir = std::mem::replace(&mut self.dir, dir);
        self.inline.push(self.module.clone());
        self.depth += 1;
        for item in items {
            self.visit_item(item);
        }
        self.depth -= 1;
        self.module = outer_module;
        self.dir = outer_dir;
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if item.leading_colon.is_some() {
            return; // `use ::other_crate::…`
        }
        let mut paths = Vec::new();
        use_paths(&mut Vec::new(), &item.tree, &mut paths);
        for path in paths.into_iter().filter(|path| !path.is_empty()) {
            self.refer(path);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 && path.leading_colon.is_none() {
            self.refer(path.segments.iter().map(|s| s.ident.to_string()).collect());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if CODE_FOR_ANOTHER_CRATE.iter().any(|name| mac.path.is_ident(name)) {
            return;
        }
        let mut paths = Vec::new();
        macro_paths(syn::buffer::TokenBuffer::new2(mac.tokens.clone()).begin(), &mut paths);
        for path in paths {
            self.refer(path);
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crate of `files` (path, text) in a scratch directory, read from `src/lib.rs`.
    fn crate_of(files: &[(&str, &str)]) -> (tempfile::TempDir, Crate) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let read = Crate::read(&dir.path().join("src/lib.rs")).unwrap();
        (dir, read)
    }

    /// The circles as `a.rs → b.rs → a.rs`, relative to `src/`.
    fn rounds(dir: &tempfile::TempDir, read: &Crate) -> Vec<String> {
        let src = dir.path().join("src");
        read.circles()
            .iter()
            .map(|c| {
                c.path
                    .iter()
                    .map(|f| f.strip_prefix(&src).unwrap().display().to_string())
                    .collect::<Vec<_>>()
                    .join(" → ")
            })
            .collect()
    }

    /// The files `file` has edges to, relative to `src/`.
    fn names(dir: &tempfile::TempDir, read: &Crate, file: &str) -> Vec<String> {
        let src = dir.path().join("src");
        read.edges[&src.join(file)].keys().map(|f| f.strip_prefix(&src).unwrap().display().to_string()).collect()
    }

    #[test]
    fn a_child_naming_what_the_root_re_exports_forms_a_circle() {
        let (dir, read) = crate_of(&[
            ("src/lib.rs", "mod a;\npub use a::Thing;\n"),
            ("src/a.rs", "pub struct Thing;\npub fn f() -> crate::Thing { Thing }\n"),
        ]);
        assert_eq!(rounds(&dir, &read), ["a.rs → lib.rs → a.rs"]);
        let circle = &read.circles()[0];
        let shown = circle.describe(&dir.path().join("src"));
        assert!(
            shown.contains("a.rs → lib.rs (`crate::Thing`)") && shown.contains("lib.rs → a.rs (`mod a`)"),
            "{shown}"
        );
    }

    #[test]
    fn naming_the_defining_module_is_no_circle() {
        let (dir, read) = crate_of(&[
            ("src/lib.rs", "mod a;\nmod b;\npub use a::Thing;\n"),
            ("src/a.rs", "pub struct Thing;\n"),
            ("src/b.rs", "use crate::a::Thing;\nfn f() -> Thing { crate::a::Thing }\n"),
        ]);
        assert_eq!(rounds(&dir, &read), Vec::<String>::new());
        assert_eq!(names(&dir, &read, "b.rs"), ["a.rs"]);
    }

    #[test]
    fn use_trees_paths_in_code_and_macros_super_and_nested_files_are_edges() {
        let (dir, read) = crate_of(&[
            ("src/lib.rs", "mod m;\nmod n;\nmod o;\nmod p;\nmod q;\n"),
            ("src/m/mod.rs", "mod deep;\n"),
            ("src/m/deep.rs", "use super::super::{n::{self, X as Y}, o::*};\n"),
            ("src/n.rs", "fn f() { let _ = vec![crate::p::make()]; }\n"),
            ("src/o.rs", "fn g(_: Vec<super::q::Q>) {}\n"),
            ("src/p.rs", "pub fn make() {}\n"),
            ("src/q.rs", "pub struct Q;\n"),
        ]);
        assert_eq!(names(&dir, &read, "m/deep.rs"), ["n.rs", "o.rs"]);
        assert_eq!(names(&dir, &read, "n.rs"), ["p.rs"]);
        assert_eq!(names(&dir, &read, "o.rs"), ["q.rs"]);
        assert_eq!(names(&dir, &read, "m/mod.rs"), ["m/deep.rs"]);
        assert_eq!(read.files().count(), 7);
    }

    #[test]
    fn a_circle_through_three_files_is_found_and_reported_once() {
        let (dir, read) = crate_of(&[
            ("src/lib.rs", "mod a;\nmod b;\nmod c;\n"),
            ("src/a.rs", "use crate::b::B;\npub struct A;\n"),
            ("src/b.rs", "pub struct B(crate::c::C);\n"),
            ("src/c.rs", "pub struct C;\nmacro_rules! m { () => { $crate::a::A } }\n"),
        ]);
        assert_eq!(rounds(&dir, &read), ["a.rs → b.rs → c.rs → a.rs"]);
        assert_eq!(read.circles()[0].edges.len(), 3);
    }

    #[test]
    fn comments_attributes_strings_and_visibilities_are_not_imports() {
        let (dir, read) = crate_of(&[
            ("src/lib.rs", "mod a;\nmod b;\n"),
            ("src/a.rs", "pub struct A;\n"),
            (
                "src/b.rs",
                "//! See [`crate::a::A`].\n/// Like [`A`](crate::a::A).\n#[cfg(feature = \"crate::a\")]\n\
                 pub(in crate::a) fn f() -> &'static str { \"crate::a::A\" } // crate::a::A\n\
                 fn code() -> TokenStream { quote!(crate::a::A) }\n",
            ),
        ]);
        assert_eq!(names(&dir, &read, "b.rs"), Vec::<String>::new());
    }

    #[test]
    fn unit_tests_are_their_files_code_and_inline_modules_resolve_super() {
        let (dir, read) = crate_of(&[
            ("src/lib.rs", "mod a;\nmod b;\n"),
            ("src/a.rs", "pub struct A;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::b::helper;\n}\n"),
            ("src/b.rs", "pub fn helper() {}\nmod inner { mod deeper { fn f() -> super::super::helper::Never {} } }\n"),
        ]);
        assert_eq!(names(&dir, &read, "a.rs"), ["b.rs"]);
        assert_eq!(names(&dir, &read, "b.rs"), Vec::<String>::new());
    }

    #[test]
    fn path_attributes_and_inline_modules_find_their_files() {
        let (dir, read) = crate_of(&[
            ("src/lib.rs", "#[path = \"elsewhere/x.rs\"]\nmod x;\nmod outer { mod y; }\n"),
            ("src/elsewhere/x.rs", "mod z;\n"),
            ("src/elsewhere/z.rs", ""),
            ("src/outer/y.rs", "fn f() { crate::x::z::go() }\n"),
        ]);
        assert_eq!(read.files().count(), 4);
        assert_eq!(names(&dir, &read, "outer/y.rs"), ["elsewhere/z.rs"]);
    }

    #[test]
    fn a_missing_module_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "mod gone;\n").unwrap();
        let error = Crate::read(&dir.path().join("src/lib.rs")).unwrap_err();
        assert!(format!("{error:#}").contains("mod gone"), "{error:#}");
    }
}
