//! [`Cache`]: a folder of downloaded objects (CRLs, CA certificates) keyed by URL, each
//! with an expiry (a CRL's nextUpdate), and a CRL's serial index beside it (`.idx`, so a
//! restart does not index a large CRL again). Files are written atomically (temp +
//! rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

/// One cached object.
#[derive(Debug, Clone)]
pub struct CachedEntry {
    /// The URL it was fetched from.
    pub url: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// When it was stored.
    pub fetched_at: OffsetDateTime,
    /// When it stops being fresh (`None`: never expires by itself).
    pub expires: Option<OffsetDateTime>,
}

impl CachedEntry {
    /// Whether the entry is still fresh at `now`.
    pub fn is_fresh(&self, now: OffsetDateTime) -> bool {
        self.expires.is_none_or(|e| now < e)
    }
}

/// A cache folder. File names are the SHA-256 of the URL (hex) plus `.bin` / `.meta`.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// Use (and create if needed) `dir`.
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Cache { dir })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn key(url: &str) -> String {
        hex::encode(tanba_crypto::DigestAlgorithm::Sha256.digest(url.as_bytes()))
    }

    /// The path of the data file for `url`.
    pub fn data_path(&self, url: &str) -> PathBuf {
        self.dir.join(format!("{}.bin", Self::key(url)))
    }

    fn meta_path(&self, url: &str) -> PathBuf {
        self.dir.join(format!("{}.meta", Self::key(url)))
    }

    /// The path of the CRL index file for `url` (see [`crate::Crl::index_file`]).
    pub fn index_path(&self, url: &str) -> PathBuf {
        self.dir.join(format!("{}.idx", Self::key(url)))
    }

    /// The stored index file for `url`, if any (its integrity is checked by its reader).
    pub fn load_index(&self, url: &str) -> Option<Vec<u8>> {
        std::fs::read(self.index_path(url)).ok()
    }

    /// Store an index file for `url` (atomically).
    pub fn store_index(&self, url: &str, index: &[u8]) -> std::io::Result<()> {
        write_atomic(&self.index_path(url), index)
    }

    /// The cached entry for `url`, fresh or not. Unreadable or inconsistent entries are
    /// treated as absent.
    pub fn load(&self, url: &str) -> Option<CachedEntry> {
        let meta = std::fs::read_to_string(self.meta_path(url)).ok()?;
        let mut lines = meta.lines();
        let stored_url = lines.next()?;
        if stored_url != url {
            return None;
        }
        let fetched_at = OffsetDateTime::from_unix_timestamp(lines.next()?.parse().ok()?).ok()?;
        let expires = match lines.next()? {
            "-" => None,
            t => Some(OffsetDateTime::from_unix_timestamp(t.parse().ok()?).ok()?),
        };
        let bytes = std::fs::read(self.data_path(url)).ok()?;
        Some(CachedEntry {
            url: url.to_string(),
            bytes,
            fetched_at,
            expires,
        })
    }

    /// Store `bytes` for `url` with an expiry.
    pub fn store(
        &self,
        url: &str,
        bytes: &[u8],
        fetched_at: OffsetDateTime,
        expires: Option<OffsetDateTime>,
    ) -> std::io::Result<()> {
        write_atomic(&self.data_path(url), bytes)?;
        let meta = format!(
            "{url}\n{}\n{}\n",
            fetched_at.unix_timestamp(),
            expires.map_or("-".to_string(), |e| e.unix_timestamp().to_string())
        );
        write_atomic(&self.meta_path(url), meta.as_bytes())
    }
}

/// Write a file atomically: a temporary file in the same folder, then rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
