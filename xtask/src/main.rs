//! `cargo xtask`: maintainer commands for pesapal-rs.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xtask::{Files, report};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks for pesapal-rs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate spec/pesapal.openapi.json from the Postman collection and the corrections, and
    /// the client pesapal-gen/src/generated.rs from that spec.
    Spec {
        /// Write nothing; fail when the committed spec or generated client differs from what the
        /// inputs produce.
        #[arg(long)]
        check: bool,
        /// Also write the API change report as Markdown to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// The workspace root (default: the one holding this xtask).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Run every test, installing what the tests need when missing (chromium with apt-get as root;
    /// the pinned Python and npm tools into target/xlang): the workspace tests with the browser
    /// test, the spec lint, the cross-language checkouts and Schemathesis.
    Test {
        /// Only these parts (comma-separated; default: all).
        #[arg(long, value_delimiter = ',', value_name = "PART")]
        only: Vec<xtask::test_command::Part>,
    },
    /// Build the release binary of pesapal-sim and its artifacts into target/dist: the Python
    /// wheel, the npm tarballs, the binary archive (and the container image with --image).
    Dist {
        /// Also build the container image (podman or docker; $PESAPAL_CONTAINER_ENGINE chooses).
        #[arg(long)]
        image: bool,
        /// Also measure the time from Simulator() / startSimulator() to the first answered
        /// request, and the artifacts' sizes (figures for docs/PERFORMANCE.md).
        #[arg(long)]
        bench: bool,
        /// Startup rounds per runtime with --bench.
        #[arg(long, default_value_t = xtask::dist::startup::ROUNDS)]
        rounds: u32,
    },
    /// Check that every public item the crate docs of pesapal-api, pesapal-sim and pesapal-gen
    /// name is a working link (also outside rustdoc, for their READMEs), against the docs of
    /// `cargo doc --workspace --all-features --no-deps`.
    DocLinks,
    /// Run the benchmarks (pesapal-bench) and print the table of ratios.
    Bench {
        /// Also time clean debug builds of a tiny pesapal-api binary and of a reqwest + serde one
        /// (several minutes).
        #[arg(long)]
        compile: bool,
        /// Only the clean-build comparison.
        #[arg(long, conflicts_with = "compile")]
        compile_only: bool,
        /// Clean builds of each tiny binary, alternating (at least 3; medians are reported).
        #[arg(long, default_value_t = xtask::bench::COMPILE_ROUNDS,
              value_parser = clap::value_parser!(u32).range(i64::from(xtask::bench::COMPILE_ROUNDS)..))]
        rounds: u32,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn run(cli: Cli) -> Result<ExitCode> {
    let (check, report_file, root) = match cli.command {
        Command::Spec { check, report, root } => (check, report, root),
        Command::Test { only } => {
            xtask::test_command::run_parts(&workspace_root(), &only)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Dist { image, bench, rounds } => {
            let dist = xtask::dist::Dist::new(&workspace_root())?;
            let written = xtask::dist::build_all(&dist, image)?;
            println!("\nwritten:");
            for file in &written.files {
                println!("  {} ({} bytes)", file.display(), xtask::host::size(file)?);
            }
            if let Some(tag) = &written.image {
                println!("  image {tag}");
            }
            if bench {
                print!("\n{}", xtask::dist::startup::measure(&dist, rounds)?);
            }
            return Ok(ExitCode::SUCCESS);
        }
        Command::DocLinks => {
            let root = workspace_root();
            let problems = xtask::doc_links::check(&root, &xtask::host::target_dir(&root).join("doc"))?;
            for problem in &problems {
                println!("{problem}");
            }
            if problems.is_empty() {
                println!("crate docs: every public item named is a working link");
                return Ok(ExitCode::SUCCESS);
            }
            return Ok(ExitCode::FAILURE);
        }
        Command::Bench { compile, compile_only, rounds } => {
            let rows = if compile_only {
                xtask::bench::compile_rows(&workspace_root(), rounds)?
            } else {
                xtask::bench::measure(&workspace_root(), compile.then_some(rounds))?
            };
            print!("{}", xtask::bench::table(&rows));
            return Ok(ExitCode::SUCCESS);
        }
    };
    let files = Files::in_workspace(&root.unwrap_or_else(workspace_root));
    let built = xtask::build(&files)?;
    if !built.notes.is_empty() {
        eprintln!("Left out of the spec (documentation that matches no field):");
        for note in &built.notes {
            eprintln!("  - {note}");
        }
    }
    let committed = std::fs::read_to_string(&files.spec).ok();
    let old = committed.as_deref().map(serde_json::from_str).transpose().context("the committed spec is not JSON")?;
    let report = report::compare(old.as_ref(), &built.spec);
    if let Some(path) = &report_file {
        std::fs::write(path, report.to_markdown()).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let code = std::fs::read_to_string(&files.generated_client).ok();
    let changelog_text = std::fs::read_to_string(&files.changelog).ok();
    let version = report::changelog::version(&built.spec);
    let unbumped = old.as_ref().is_some_and(|old| report::changelog::version(old) == version)
        && committed.as_deref() != Some(built.text.as_str());
    let bump_hint = format!(
        "the spec changed but its info.version is still {version}: bump it in the `$.info` action of {}",
        files.corrections.display()
    );
    let changelog_current = changelog_text.as_deref().is_some_and(|text| report::changelog::has_entry(text, version));
    let spec_current = committed.as_deref() == Some(built.text.as_str());
    let code_current = code.as_deref() == Some(built.code.as_str());
    if check {
        if !changelog_current {
            println!("{} has no entry for info.version {version}.", files.changelog.display());
        }
        if spec_current && code_current && changelog_current {
            println!("spec and generated client are up to date: {}", files.spec.display());
            return Ok(ExitCode::SUCCESS);
        }
        if !spec_current {
            print!("{}", report.to_text());
            print!("{}", diff_summary("spec", committed.as_deref().unwrap_or_default(), &built.text));
            println!("{} is out of date.", files.spec.display());
        }
        if !code_current {
            print!("{}", diff_summary("generated client", code.as_deref().unwrap_or_default(), &built.code));
            println!("{} is out of date (generated code is never edited by hand).", files.generated_client.display());
        }
        if unbumped {
            println!("{bump_hint}.");
        }
        println!("Run `cargo xtask spec`, review the report and commit the result.");
        return Ok(ExitCode::FAILURE);
    }
    anyhow::ensure!(!unbumped, "{bump_hint}");
    if spec_current && code_current {
        println!("spec and generated client are up to date: {}", files.spec.display());
    } else {
        for (path, text) in [(&files.spec, &built.text), (&files.generated_client, &built.code)] {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        }
        print!("{}", report.to_text());
        println!("wrote {} and {}", files.spec.display(), files.generated_client.display());
    }
    if !changelog_current {
        let entry = report::changelog::entry(version, &report);
        std::fs::write(&files.changelog, report::changelog::prepend(changelog_text.as_deref(), &entry))
            .with_context(|| format!("cannot write {}", files.changelog.display()))?;
        println!("added the entry for {version} to {}", files.changelog.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Counts and the first lines of a unified diff, enough to see what moved.
fn diff_summary(what: &str, old: &str, new: &str) -> String {
    const MAX_LINES: usize = 60;
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    let unified = diff.unified_diff().context_radius(2).header("committed", "generated").to_string();
    let mut lines: Vec<&str> = unified.lines().collect();
    let more = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    let mut out = format!("{what} diff: {added} line(s) added, {removed} removed.\n{}\n", lines.join("\n"));
    if more > 0 {
        out.push_str(&format!("… {more} more diff line(s)\n"));
    }
    out
}
