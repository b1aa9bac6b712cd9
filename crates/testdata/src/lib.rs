//! # tanba-testdata
//!
//! Test-only helper shared by every crate's tests: it finds the real artifacts in
//! `../shared/testdata` (NCA RK keys, certificates, CRLs, OCSP responses, the public XML
//! security corpora) and the workspace's own `testdata/` folder. Paths are resolved from the
//! workspace root, so tests work from any crate and from a fresh clone with `../shared` beside
//! it. When the shared folder is missing, the functions panic with a message that says
//! where it was expected — a test must never silently skip.
//!
//! ```no_run
//! let p12 = tanba_testdata::nca("keys/individual_valid_sign_rsa_2004.p12");
//! let bytes = std::fs::read(p12).unwrap();
//! # let _ = bytes;
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    // crates/testdata -> crates -> root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/testdata sits two levels below the workspace root")
        .to_path_buf()
}

/// `../shared/testdata` relative to the workspace root. Panics with a clear message if absent.
pub fn shared_testdata() -> PathBuf {
    let dir = workspace_root().join("..").join("shared").join("testdata");
    if !dir.is_dir() {
        panic!(
            "the shared test data folder is missing: expected {} (clone the project with ../shared beside it)",
            dir.display()
        );
    }
    dir
}

/// A file or folder under `../shared/testdata/nca/`. Panics with a clear message if absent.
pub fn nca(rel: &str) -> PathBuf {
    existing(shared_testdata().join("nca").join(rel))
}

/// A file or folder under `../shared/testdata/xmlsec-corpus/`. Panics if absent.
pub fn corpus(rel: &str) -> PathBuf {
    existing(shared_testdata().join("xmlsec-corpus").join(rel))
}

/// A file or folder under the workspace's own `testdata/`. Panics if absent.
pub fn own(rel: &str) -> PathBuf {
    existing(workspace_root().join("testdata").join(rel))
}

/// Read a file under `../shared/testdata/nca/`.
pub fn read_nca(rel: &str) -> Vec<u8> {
    read(&nca(rel))
}

/// Read a file, panicking with its path on failure.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read test file {}: {e}", path.display()))
}

fn existing(p: PathBuf) -> PathBuf {
    if !p.exists() {
        panic!("test data file is missing: {}", p.display());
    }
    p
}

/// Passwords of the NCA RK test keystores (from `../shared/testdata/nca/README.md`).
pub fn nca_password(file_name: &str) -> &'static str {
    if file_name.contains("2015") {
        "Aa123456"
    } else {
        "Qwerty12"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_shared_folder() {
        assert!(super::nca("README.md").is_file());
        assert!(super::corpus("README.md").is_file());
    }
}
