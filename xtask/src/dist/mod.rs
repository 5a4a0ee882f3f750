//! `cargo xtask dist`: the release binary of pesapal-sim and every artifact that carries it to
//! its users, in `target/dist/`:
//!
//! - the Python wheel `pesapal_sim-<version>-py3-none-<platform>.whl` ([`wheel`]: maturin `bin`
//!   bindings, with the `pesapal_sim` package of `packaging/python/` and its pytest plugin);
//! - the npm tarballs `pesapal-sim-<version>.tgz` and this platform's
//!   `pesapal-sim-<os>-<cpu>-<version>.tgz` ([`npm`]: the optionalDependencies pattern of esbuild
//!   and biome; sources in `packaging/npm/`);
//! - the binary archive `pesapal-sim-<version>-<target>.tar.gz` ([`archive`]);
//! - with `--image`, the container image of the root `Containerfile` ([`image`]), also saved as
//!   `pesapal-sim-<version>-image-<arch>.tar`.
//!
//! Each module also tests its artifact as its users would use it (`cargo xtask test --only
//! python,npm,container`), and [`startup`] measures the time to a first answer from Python and
//! Node.js (`cargo xtask dist --bench`).
//!
//! [`layout`] says where everything goes ([`Dist`]); [`tested`] is what the tests of the
//! artifacts share.

pub mod archive;
pub mod image;
pub mod layout;
pub mod npm;
pub mod startup;
pub mod tested;
pub mod wheel;

pub use layout::Dist;
pub use tested::Tested;

use anyhow::{Context, Result};
use std::path::PathBuf;

/// What `cargo xtask dist` writes.
#[derive(Debug, Clone)]
pub struct Written {
    /// Every file written into `target/dist`.
    pub files: Vec<PathBuf>,
    /// The image's tag, with `--image`.
    pub image: Option<String>,
}

/// Builds the release binary and every artifact (the container image too with `image`).
pub fn build_all(dist: &Dist, image: bool) -> Result<Written> {
    let binary = dist.release_binary()?;
    if dist.out.exists() {
        std::fs::remove_dir_all(&dist.out).with_context(|| format!("cannot empty {}", dist.out.display()))?;
    }
    let mut files = vec![wheel::build(dist)?];
    files.extend(npm::build(dist, &binary)?);
    files.push(archive::build(dist, &binary)?);
    let image = if image {
        let built = image::build(dist, &binary)?;
        files.push(built.saved);
        Some(built.tag)
    } else {
        None
    };
    Ok(Written { files, image })
}
