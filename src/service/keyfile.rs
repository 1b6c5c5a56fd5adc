//! Private key files: PKCS#8 PEM, created with mode 0600 and never logged
//! (spec §2).
//!
//! [`generate`] makes a key from the system's randomness, [`write()`] creates the
//! file (mode 0600, never overwriting one, synced before it returns) and
//! [`read`] reads v1 or v2 PEM (spec §2.2).

use crate::domain::keys::{KeyError, signing_key_from_pem, signing_key_to_pem};
use ed25519_dalek::SigningKey;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

/// A key file that cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// The file exists already (keys are never overwritten).
    #[error("{0} exists already; a key file is never overwritten")]
    Exists(String),
    /// The file system failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
    /// The file can be read by its group or by others (issue 16): refused,
    /// as ssh refuses such a key, so that a key nobody guarded is never
    /// used to sign.
    #[error(
        "{path} can be read by other users (mode {mode:04o}); a private key must be readable by its owner only: run `chmod 600 {path}` and start again"
    )]
    Exposed {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The file is not a usable key.
    #[error("{path}: {source}")]
    Key {
        /// The file.
        path: String,
        /// What is wrong.
        source: KeyError,
    },
}

/// Generates a new key from the operating system's randomness.
pub fn generate() -> SigningKey {
    SigningKey::generate(&mut rand_core::OsRng)
}

/// Writes `key` to a new file with mode 0600, synced.
pub fn write(path: &Path, key: &SigningKey) -> Result<(), KeyFileError> {
    let p = path.display().to_string();
    let pem = signing_key_to_pem(key).map_err(|source| KeyFileError::Key {
        path: p.clone(),
        source,
    })?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => KeyFileError::Exists(p.clone()),
            _ => KeyFileError::Io {
                path: p.clone(),
                source,
            },
        })?;
    f.write_all(pem.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|source| KeyFileError::Io { path: p, source })
}

/// Reads a PKCS#8 PEM key (v1 or v2) from a file only its owner can read
/// (spec §2.2): a file that grants its group or others any permission is
/// refused with [`KeyFileError::Exposed`].
pub fn read(path: &Path) -> Result<SigningKey, KeyFileError> {
    use std::io::Read as _;
    use std::os::unix::fs::PermissionsExt as _;
    let p = path.display().to_string();
    let io = |source| KeyFileError::Io {
        path: p.clone(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    // The open file's own mode, so that no rename between a check and the
    // read can swap in another file.
    let mode = file.metadata().map_err(io)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::Exposed { path: p, mode });
    }
    let mut text = zeroize::Zeroizing::new(String::new());
    file.read_to_string(&mut text).map_err(io)?;
    signing_key_from_pem(&text).map_err(|source| KeyFileError::Key { path: p, source })
}
