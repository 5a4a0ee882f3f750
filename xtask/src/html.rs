//! Reading Pesapal's HTML documentation pages with a real HTML parser: the parameter tables,
//! the JSON samples and the prose (converted to Markdown for the spec's descriptions).

use anyhow::{Result, anyhow};
use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use std::sync::LazyLock;

/// A documentation page split into the parts the converter uses.
#[derive(Debug, Default)]
pub struct Page {
    /// Every `<table>` in document order.
    pub tables: Vec<Table>,
    /// Every `<pre><code>` block in document order.
    pub samples: Vec<Sample>,
}

/// One HTML table with the heading it appears under.
#[derive(Debug, Clone)]
pub struct Table {
    /// Text of the closest heading (`h1`–`h6`) before the table.
    pub heading: String,
    /// Column titles, lower-cased, without markup.
    pub columns: Vec<String>,
    /// Body rows; each cell is kept as text and as inner HTML.
    pub rows: Vec<Vec<Cell>>,
}

/// One table cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Text content with white space collapsed.
    pub text: String,
    /// Inner HTML, for conversion to Markdown.
    pub html: String,
}

/// A code block with the heading it appears under.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Text of the closest heading before the block.
    pub heading: String,
    /// The code, entities decoded.
    pub code: String,
}

/// Where a sample or table belongs, judged from its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// HTTP headers (`Accept`, `Content-Type`): not part of the schema.
    Headers,
    /// The request: parameters or a sample request.
    Request,
    /// The response: parameters or a sample response.
    Response,
    /// Anything else (notification parameters, FAQs, …).
    Other,
}

impl Section {
    /// Classifies a heading; "Request Response" is a response, "Sample Request" a request.
    pub fn of_heading(heading: &str) -> Section {
        let heading = heading.to_lowercase();
        if heading.contains("header") {
            Section::Headers
        } else if heading.contains("response") {
            Section::Response
        } else if heading.contains("request") {
            Section::Request
        } else {
            Section::Other
        }
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid CSS selector")
}

static BLOCKS: LazyLock<Selector> = LazyLock::new(|| selector("h1, h2, h3, h4, h5, h6, table, pre"));
static HEADER_CELLS: LazyLock<Selector> = LazyLock::new(|| selector("thead th"));
static BODY_ROWS: LazyLock<Selector> = LazyLock::new(|| selector("tbody tr"));
static CELLS: LazyLock<Selector> = LazyLock::new(|| selector("td"));
static WHITESPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").expect("valid regex"));

/// Collapses runs of white space (including non-breaking spaces) and trims.
pub fn collapse(text: &str) -> String {
    WHITESPACE.replace_all(&text.replace('\u{a0}', " "), " ").trim().to_owned()
}

fn text_of(element: ElementRef<'_>) -> String {
    collapse(&element.text().collect::<String>())
}

impl Page {
    /// Parses one documentation page.
    pub fn parse(html: &str) -> Page {
        let document = Html::parse_fragment(html);
        let mut page = Page::default();
        let mut heading = String::new();
        for block in document.select(&BLOCKS) {
            match block.value().name() {
                "table" => page.tables.push(Table {
                    heading: heading.clone(),
                    columns: block.select(&HEADER_CELLS).map(|th| text_of(th).to_lowercase()).collect(),
                    rows: block
                        .select(&BODY_ROWS)
                        .map(|tr| {
                            tr.select(&CELLS).map(|td| Cell { text: text_of(td), html: td.inner_html() }).collect()
                        })
                        .collect(),
                }),
                "pre" => page.samples.push(Sample { heading: heading.clone(), code: block.text().collect::<String>() }),
                _ => heading = text_of(block),
            }
        }
        page
    }

    /// The samples under headings of `section`.
    pub fn samples_in(&self, section: Section) -> impl Iterator<Item = &Sample> {
        self.samples.iter().filter(move |s| Section::of_heading(&s.heading) == section)
    }
}

impl Table {
    /// Index of the first column whose title contains `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.contains(name))
    }

    /// The cell at `column` of `row`, if the row has it.
    pub fn cell<'a>(&self, row: &'a [Cell], column: Option<usize>) -> Option<&'a Cell> {
        column.and_then(|c| row.get(c))
    }
}

/// Converts an HTML fragment to Markdown (CommonMark with tables) for a description.
///
/// Code blocks without a language become `text` blocks: generators copy descriptions into
/// documentation comments, where an unlabelled block would be compiled as a Rust example.
///
/// Outside code blocks, escaped asterisks (`\*`) become Markdown again: Pesapal's pages type
/// Markdown into their HTML (`* **Sandbox/Demo URL:**` as a bullet, `**Bearer Token :**` as
/// bold), which a faithful conversion escapes into literal `\*` characters.
pub fn to_markdown(html: &str) -> Result<String> {
    let markdown = htmd::convert(html).map_err(|e| anyhow!("cannot convert HTML to Markdown: {e}"))?;
    let mut in_code = false;
    let lines: Vec<String> = markdown
        .trim()
        .lines()
        .map(|line| {
            let fence = line.trim_start();
            if !fence.starts_with("```") {
                return if in_code { line.to_owned() } else { line.replace("\\*", "*") };
            }
            let opening = !in_code;
            in_code = !in_code;
            if opening && fence.trim_start_matches('`').trim().is_empty() {
                format!("{line}text")
            } else {
                line.to_owned()
            }
        })
        .collect();
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<h3>HTTP request headers</h3><table><thead><tr><th>Parameter</th></tr></thead>
        <tbody><tr><td>Accept</td></tr></tbody></table>
        <h3 id="request-parameters">Request Parameters</h3><table><thead><tr><th><strong>Parameter</strong></th><th>Type</th></tr></thead>
        <tbody><tr><td>id</td><td>String  <code>x</code></td></tr></tbody></table>
        <h4>Sample Response</h4><pre><code class="language-json">{"a": "b&amp;c"}</code></pre>"#;

    #[test]
    fn finds_tables_and_samples_under_their_headings() {
        let page = Page::parse(PAGE);
        assert_eq!(page.tables.len(), 2);
        assert_eq!(Section::of_heading(&page.tables[0].heading), Section::Headers);
        assert_eq!(Section::of_heading(&page.tables[1].heading), Section::Request);
        assert_eq!(page.tables[1].columns, ["parameter", "type"]);
        assert_eq!(page.tables[1].rows[0][1].text, "String x");
        let samples: Vec<_> = page.samples_in(Section::Response).collect();
        assert_eq!(samples[0].code, r#"{"a": "b&c"}"#);
    }

    #[test]
    fn unlabelled_code_blocks_become_text() {
        let markdown =
            to_markdown("<pre><code>{\"a\": 1}</code></pre><pre><code class=\"language-json\">{}</code></pre>")
                .unwrap();
        assert_eq!(markdown, "```text\n{\"a\": 1}\n```\n\n```json\n{}\n```");
    }

    #[test]
    fn asterisks_typed_as_markdown_stay_markdown_outside_code() {
        let markdown =
            to_markdown("<p>* <strong>Sandbox:</strong> x</p><p>**Bearer :**y</p><pre><code>a * b</code></pre>")
                .unwrap();
        assert_eq!(markdown, "* **Sandbox:** x\n\n**Bearer :**y\n\n```text\na * b\n```");
    }

    #[test]
    fn classifies_headings() {
        assert_eq!(Section::of_heading("Request Response"), Section::Response);
        assert_eq!(Section::of_heading("Sample Request"), Section::Request);
        assert_eq!(Section::of_heading("Recurring IPN Details"), Section::Other);
    }
}
