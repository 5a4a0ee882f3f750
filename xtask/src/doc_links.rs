//! `cargo xtask doc-links`: every public item the crate docs name is a working link.
//!
//! The crate docs of pesapal-api, pesapal-sim and pesapal-gen are their READMEs (also shown on
//! GitHub and crates.io) followed by the `//!` lines of `src/lib.rs` (shown by rustdoc only).
//! Read against the HTML that `cargo doc --workspace --all-features --no-deps` wrote:
//!
//! - a code span naming a public item of one of these crates (`` `Verdict` ``,
//!   `` `Pesapal::confirm` ``, `` `pesapal_api::Environment` ``) must be a link
//!   (`` [`Verdict`] ``); a bare lowercase module name (`` `axum` ``, also a feature's name) need
//!   not be;
//! - a code span whose first segment is a public item but whose rest is not (a renamed method)
//!   is stale;
//! - in a README, a link must work outside rustdoc too: `` [`Verdict`] `` needs a definition
//!   at the bottom of the README pointing at docs.rs (the check prints the line to add), and an
//!   inline link cannot point at a Rust path (`` [`Debug`](std::fmt::Debug) ``);
//! - every docs.rs link into these crates must reach a page (and its anchor) of that HTML.
//!
//! Intra-doc links of the `//!` lines are rustdoc's to check (`-D warnings`).

use anyhow::{Context, Result, ensure};
use regex::Regex;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The crates whose docs are checked: package name and library name.
pub const CRATES: [(&str, &str); 3] =
    [("pesapal-api", "pesapal_api"), ("pesapal-sim", "pesapal_sim"), ("pesapal-gen", "pesapal_gen")];

/// Pages rustdoc writes for an item, by kind: `<kind>.<Name>.html`.
const ITEM_KINDS: [&str; 9] = ["struct", "enum", "trait", "type", "fn", "constant", "static", "macro", "union"];

/// Anchors rustdoc gives the members of an item's page: `id="<kind>.<name>"`.
const MEMBER_KINDS: [&str; 6] =
    ["method", "tymethod", "variant", "structfield", "associatedconstant", "associatedtype"];

/// One problem found, with the file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (README.md or src/lib.rs), relative to the workspace root.
    pub file: String,
    /// What is wrong, and what to do.
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.what)
    }
}

/// What a name in a code span is, read from the HTML docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A public item: its page (and anchor), relative to the doc directory.
    Item(String),
    /// Its first segment is a public item, the rest is not.
    Stale,
    /// Not a public item of these crates.
    Unknown,
}

/// The HTML docs of the workspace (`target/doc`).
pub struct Docs {
    dir: PathBuf,
}

impl Docs {
    /// The docs in `dir`, which must hold every crate of [`CRATES`].
    pub fn new(dir: &Path) -> Result<Docs> {
        for (_, name) in CRATES {
            ensure!(
                dir.join(name).join("index.html").is_file(),
                "no docs of {name} in {}: run `cargo doc --workspace --all-features --no-deps` first",
                dir.display()
            );
        }
        Ok(Docs { dir: dir.to_path_buf() })
    }

    /// What the path `segments` names in the crate `name` (a library name).
    pub fn resolve(&self, name: &str, segments: &[&str]) -> Resolved {
        let mut dir = self.dir.join(name);
        let mut page = format!("{name}/");
        for (i, segment) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            let stale = if i == 0 { Resolved::Unknown } else { Resolved::Stale };
            if dir.join(segment).join("index.html").is_file() {
                if last {
                    return Resolved::Item(format!("{page}{segment}/index.html"));
                }
                dir = dir.join(segment);
                page = format!("{page}{segment}/");
                continue;
            }
            let Some(file) =
                ITEM_KINDS.iter().map(|kind| format!("{kind}.{segment}.html")).find(|f| dir.join(f).is_file())
            else {
                return stale;
            };
            if last {
                return Resolved::Item(format!("{page}{file}"));
            }
            let html = std::fs::read_to_string(dir.join(&file)).unwrap_or_default();
            let member = segments[i + 1];
            return match MEMBER_KINDS.iter().find(|kind| html.contains(&format!("id=\"{kind}.{member}\""))) {
                Some(kind) if i + 2 == segments.len() => Resolved::Item(format!("{page}{file}#{kind}.{member}")),
                _ => Resolved::Stale,
            };
        }
        Resolved::Unknown
    }

    /// True when `page` (relative to the doc directory, with an optional `#anchor`) exists.
    fn has_page(&self, page: &str) -> bool {
        let (file, anchor) = page.split_once('#').map_or((page, None), |(f, a)| (f, Some(a)));
        let file = if file.is_empty() || file.ends_with('/') { format!("{file}index.html") } else { file.to_owned() };
        let Ok(html) = std::fs::read_to_string(self.dir.join(file)) else { return false };
        anchor.is_none_or(|anchor| html.contains(&format!("id=\"{anchor}\"")))
    }
}

/// The docs.rs URL of `page` (as [`Docs::resolve`] gives it).
pub fn docs_rs_url(page: &str) -> String {
    let name = page.split('/').next().unwrap_or_default();
    let package = CRATES.iter().find(|(_, n)| *n == name).map_or(name, |(p, _)| p);
    format!("https://docs.rs/{package}/latest/{page}")
}

/// The text with fenced code blocks blanked (their lines kept, so that nothing else moves).
fn without_code_blocks(text: &str) -> String {
    let mut fenced = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if !fenced {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The link reference definitions of `text`: label → destination.
pub fn definitions(text: &str) -> BTreeMap<String, String> {
    static DEFINITION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^\[([^\]\n]+)\]:\s*(\S+)").expect("a valid regex"));
    DEFINITION.captures_iter(text).map(|c| (c[1].to_owned(), c[2].to_owned())).collect()
}

/// The code spans of `text` outside fenced blocks: their content, and whether each is the whole
/// text of a link (`` [`Name`] ``, `` [`Name`](…) ``).
pub fn code_spans(text: &str) -> Vec<(String, bool)> {
    static SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`\n]+)`").expect("a valid regex"));
    let text = without_code_blocks(text);
    SPAN.captures_iter(&text)
        .map(|c| {
            let whole = c.get(0).expect("the match");
            let linked = text[..whole.start()].ends_with('[') && text[whole.end()..].starts_with(']');
            (c[1].to_owned(), linked)
        })
        .collect()
}

/// The labels of the links of `text` that need a definition: `` [`Name`] `` and `` [`a`][b] ``
/// (the label is `b`), but not inline links `[…](…)` nor definitions.
fn reference_links(text: &str) -> Vec<String> {
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\[(`[^\]\n]+`)\](?:\[([^\]\n]*)\])?(\(|:)?").expect("a valid regex"));
    let text = without_code_blocks(text);
    LINK.captures_iter(&text)
        .filter(|c| c.get(3).is_none())
        .map(|c| c.get(2).filter(|l| !l.as_str().is_empty()).map_or(&c[1], |l| l.as_str()).to_owned())
        .collect()
}

/// The path a code span names (`Pesapal::confirm()` → `Pesapal`, `confirm`), if it reads as one.
fn path_of(span: &str) -> Option<Vec<&str>> {
    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)(?:\([^()]*\))?$").expect("a valid regex")
    });
    PATH.captures(span).map(|c| c.get(1).expect("group 1").as_str().split("::").collect())
}

/// What the code span `span` names, in the docs of the crate `name`: a path into that crate, or
/// into another of [`CRATES`] when it starts with its name (`pesapal_api::Environment`). The
/// second value is true for a bare module name (`axum`), which need not be a link.
fn resolve_span(docs: &Docs, name: &str, span: &str) -> Option<(Resolved, bool)> {
    let segments = path_of(span)?;
    let (krate, path) = match CRATES.iter().find(|(_, n)| *n == segments[0]) {
        Some((_, n)) if segments.len() > 1 => (*n, &segments[1..]),
        _ => (name, &segments[..]),
    };
    let resolved = docs.resolve(krate, path);
    let module_name = path.len() == 1 && matches!(&resolved, Resolved::Item(page) if page.ends_with("/index.html"));
    Some((resolved, module_name))
}

/// Checks one crate's docs: `readme` (shown everywhere) and `lib_docs` (the `//!` lines, shown by
/// rustdoc only) of the crate `name`, against `docs`.
pub fn check_texts(
    docs: &Docs,
    name: &str,
    (readme_file, readme): (&str, &str),
    (lib_file, lib_docs): (&str, &str),
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let problem = |file: &str, what: String| Problem { file: file.to_owned(), what };
    let readme_definitions = definitions(readme);
    for (file, text) in [(readme_file, readme), (lib_file, lib_docs)] {
        for (span, linked) in code_spans(text) {
            match resolve_span(docs, name, &span) {
                Some((Resolved::Stale, _)) => {
                    problems.push(problem(file, format!("`{span}` names no public item (renamed?)")));
                }
                Some((Resolved::Item(_), false)) if !linked => {
                    problems.push(problem(file, format!("`{span}` names a public item: make it a link, [`{span}`]")));
                }
                _ => {}
            }
        }
        for destination in definitions(text).values().chain(inline_destinations(text).iter()) {
            if let Some(page) = docs_rs_page(destination)
                && !docs.has_page(&page)
            {
                problems.push(problem(file, format!("{destination} reaches no page of the built docs")));
            }
        }
    }
    for destination in inline_destinations(readme) {
        if path_of(&destination).is_some() {
            problems.push(problem(
                readme_file,
                format!("the link to `{destination}` works in rustdoc only: link to docs.rs"),
            ));
        }
    }
    for label in reference_links(readme) {
        if readme_definitions.contains_key(&label) {
            continue;
        }
        let hint = match resolve_span(docs, name, label.trim_matches('`')) {
            Some((Resolved::Item(page), _)) => format!(": add `[{label}]: {}`", docs_rs_url(&page)),
            _ => String::new(),
        };
        problems
            .push(problem(readme_file, format!("[{label}] has no link definition, so it works in rustdoc only{hint}")));
    }
    problems
}

/// The destinations of the inline links `[…](…)` of `text`.
fn inline_destinations(text: &str) -> Vec<String> {
    static INLINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\]\(([^)\s]+)\)").expect("a valid regex"));
    INLINE.captures_iter(&without_code_blocks(text)).map(|c| c[1].to_owned()).collect()
}

/// The page a docs.rs URL into one of [`CRATES`] names, relative to the doc directory.
fn docs_rs_page(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://docs.rs/")?;
    let mut parts = rest.splitn(3, '/');
    let package = parts.next()?;
    let _version = parts.next()?;
    CRATES.iter().any(|(p, _)| *p == package).then(|| parts.next().unwrap_or_default().to_owned())
}

/// The `//!` lines of a source file, without their marker.
pub fn inner_docs(source: &str) -> String {
    source
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks the crate docs of every crate of [`CRATES`] in the workspace at `root` against the
/// HTML docs in `doc_dir`.
pub fn check(root: &Path, doc_dir: &Path) -> Result<Vec<Problem>> {
    let docs = Docs::new(doc_dir)?;
    let mut problems = Vec::new();
    for (package, name) in CRATES {
        let read = |file: &str| {
            let path = root.join(package).join(file);
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
        };
        let readme_file = format!("{package}/README.md");
        let lib_file = format!("{package}/src/lib.rs");
        let (readme, lib_docs) = (read("README.md")?, inner_docs(&read("src/lib.rs")?));
        problems.extend(check_texts(&docs, name, (&readme_file, &readme), (&lib_file, &lib_docs)));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Docs of pesapal_api as if it had a struct `Client` (method `send`), an enum `Verdict`
    /// (variant `Paid`), a function `round` and a module `axum` holding `fn router`.
    fn fake_docs() -> (tempfile::TempDir, Docs) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let krate = dir.path().join("pesapal_api");
        std::fs::create_dir_all(krate.join("axum")).expect("mkdir");
        for (file, html) in [
            ("index.html", ""),
            ("struct.Client.html", r#"<section id="method.send">"#),
            ("enum.Verdict.html", r#"<section id="variant.Paid">"#),
            ("fn.round.html", ""),
            ("axum/index.html", ""),
            ("axum/fn.router.html", ""),
        ] {
            std::fs::write(krate.join(file), html).expect("write");
        }
        let docs = Docs { dir: dir.path().to_path_buf() };
        (dir, docs)
    }

    #[test]
    fn names_resolve_to_pages_and_anchors() {
        let (_dir, docs) = fake_docs();
        let item = |page: &str| Resolved::Item(page.to_owned());
        assert_eq!(docs.resolve("pesapal_api", &["Client"]), item("pesapal_api/struct.Client.html"));
        assert_eq!(
            docs.resolve("pesapal_api", &["Client", "send"]),
            item("pesapal_api/struct.Client.html#method.send")
        );
        assert_eq!(
            docs.resolve("pesapal_api", &["Verdict", "Paid"]),
            item("pesapal_api/enum.Verdict.html#variant.Paid")
        );
        assert_eq!(docs.resolve("pesapal_api", &["axum", "router"]), item("pesapal_api/axum/fn.router.html"));
        assert_eq!(docs.resolve("pesapal_api", &["Client", "post"]), Resolved::Stale);
        assert_eq!(docs.resolve("pesapal_api", &["axum", "serve"]), Resolved::Stale);
        assert_eq!(docs.resolve("pesapal_api", &["status"]), Resolved::Unknown);
        assert!(docs.has_page("pesapal_api/struct.Client.html#method.send"));
        assert!(!docs.has_page("pesapal_api/struct.Client.html#method.post"));
        assert!(docs.has_page("pesapal_api/axum/"));
        assert_eq!(
            docs_rs_url("pesapal_api/fn.round.html"),
            "https://docs.rs/pesapal-api/latest/pesapal_api/fn.round.html"
        );
    }

    #[test]
    fn unlinked_items_stale_names_broken_links_and_readme_links_without_definitions_are_found() {
        let (_dir, docs) = fake_docs();
        let readme = "\
Call [`Client::send`], then read `Verdict` and `status`; `axum` is a feature.
`Client::post()` is gone. [`round`] rounds; [`Verdict`][verdict] judges, [`Debug`](std::fmt::Debug) shows.

```rust
let v: Verdict = todo!(); // `Verdict` in code is code
```

[`Client::send`]: https://docs.rs/pesapal-api/latest/pesapal_api/struct.Client.html#method.send
[verdict]: https://docs.rs/pesapal-api/latest/pesapal_api/enum.Verdict.html#variant.Gone
";
        let lib = "Inside: `Verdict::Paid`, `pesapal_api::Client` and [`round`], [`axum::router`].";
        let found: Vec<String> = check_texts(&docs, "pesapal_api", ("README.md", readme), ("lib.rs", lib))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "README.md: `Verdict` names a public item: make it a link, [`Verdict`]",
                "README.md: `Client::post()` names no public item (renamed?)",
                "README.md: https://docs.rs/pesapal-api/latest/pesapal_api/enum.Verdict.html#variant.Gone reaches no \
                 page of the built docs",
                "lib.rs: `Verdict::Paid` names a public item: make it a link, [`Verdict::Paid`]",
                "lib.rs: `pesapal_api::Client` names a public item: make it a link, [`pesapal_api::Client`]",
                "README.md: the link to `std::fmt::Debug` works in rustdoc only: link to docs.rs",
                "README.md: [`round`] has no link definition, so it works in rustdoc only: add \
                 `[`round`]: https://docs.rs/pesapal-api/latest/pesapal_api/fn.round.html`",
            ]
        );
    }
}
