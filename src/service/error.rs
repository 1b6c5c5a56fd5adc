//! The service layer's one error type, [`ServiceError`], and how the
//! errors of the layers below (store, leaf log, key file, rules) become it.

use super::keyfile::KeyFileError;
use crate::domain::messages::Refusal;
use crate::domain::rules::{ApplyError, ViewError};
use crate::store::StoreError;
use crate::store::leaflog::LeafLogError;

/// A service failure. Refusals carry their code; the rest are 5xx whose
/// detail is logged and never sent to clients.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ServiceError {
    /// A refusal with a code (4xx, 429, 503).
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// Storage failed.
    #[error("storage: {0}")]
    Store(String),
    /// The stored ledger contradicts itself; it is not opened.
    #[error("{0}")]
    Inconsistent(String),
    /// Anything else that should not happen.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Inconsistent(s) => ServiceError::Inconsistent(s),
            StoreError::Locked(_) | StoreError::NotALedger(_) | StoreError::Exists(_) => {
                ServiceError::Inconsistent(e.to_string())
            }
            other => ServiceError::Store(other.to_string()),
        }
    }
}

impl From<KeyFileError> for ServiceError {
    fn from(e: KeyFileError) -> Self {
        ServiceError::Inconsistent(e.to_string())
    }
}

impl From<LeafLogError> for ServiceError {
    fn from(e: LeafLogError) -> Self {
        ServiceError::Store(e.to_string())
    }
}

impl From<ViewError> for ServiceError {
    fn from(e: ViewError) -> Self {
        ServiceError::Store(e.to_string())
    }
}

impl From<ApplyError> for ServiceError {
    /// A refusal keeps its code; a view that could not be read is storage.
    fn from(e: ApplyError) -> Self {
        match e {
            ApplyError::Refused(r) => ServiceError::Refused(r),
            ApplyError::View(v) => v.into(),
        }
    }
}
