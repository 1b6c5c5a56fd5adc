//! `import epcis` (issue 5): signs the statements an EPCIS 2.0 document maps
//! to ([`crate::domain::epcis::plan_import`]) and submits them in document
//! order through the checking client ([`super::client::submit`]), so every leaf's
//! receipt is verified like `submit`'s.
//!
//! A statement is signed with the key given for its signer: with one key,
//! that key; with several, the one the ledger states as the signer's
//! current key (`GET /api/v1/actors/{id}`).
//!
//! [`Done`] says whether a statement was logged, refused or not signed;
//! [`read_document`] reads at most [`MAX_IMPORT_BYTES`].

use super::client::ClientError;
use super::client::submit::{self, Outcome, Submitter};
use crate::domain::epcis::Planned;
use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use ed25519_dalek::SigningKey;
use std::collections::HashMap;
use std::path::Path;

/// The largest EPCIS document `import epcis` reads.
pub const MAX_IMPORT_BYTES: u64 = 32 * 1024 * 1024;

/// What became of one planned statement.
#[derive(Debug, Clone)]
pub enum Done {
    /// Sent: logged (its receipt verified) or refused by the ledger.
    Sent(Outcome),
    /// Not signed: no key given is the signer's current key, or any ledger
    /// would refuse the statement.
    NotSigned(String),
}

/// Signs and submits planned statements to one ledger.
pub struct Importer<'a> {
    submitter: &'a Submitter,
    keys: Vec<SigningKey>,
    owners: HashMap<ActorId, Option<PublicKey>>,
}

impl<'a> Importer<'a> {
    /// An importer that signs with `keys` (at least one).
    pub fn new(submitter: &'a Submitter, keys: Vec<SigningKey>) -> Self {
        Self {
            submitter,
            keys,
            owners: HashMap::new(),
        }
    }

    /// The key to sign `by`'s statements with.
    async fn key_for(&mut self, by: &ActorId) -> Result<Option<SigningKey>, ClientError> {
        if let [only] = self.keys.as_slice() {
            return Ok(Some(only.clone()));
        }
        if !self.owners.contains_key(by) {
            let key = self.submitter.client().actor_key(by).await?;
            self.owners.insert(by.clone(), key);
        }
        let Some(Some(current)) = self.owners.get(by) else {
            return Ok(None);
        };
        Ok(self
            .keys
            .iter()
            .find(|k| PublicKey::from(k.verifying_key()) == *current)
            .cloned())
    }

    /// Signs and submits one statement, checking the receipt. A transport
    /// failure or a receipt that does not verify is an error.
    pub async fn submit(&mut self, p: &Planned) -> Result<Done, ClientError> {
        let Some(key) = self.key_for(&p.by).await? else {
            return Ok(Done::NotSigned(format!(
                "none of the keys given is {}'s current key",
                p.by
            )));
        };
        let env = match submit::sign(&p.text, &key) {
            Ok(env) => env,
            Err(ClientError::Invalid(r)) => {
                return Ok(Done::NotSigned(format!("any ledger would refuse it: {r}")));
            }
            Err(e) => return Err(e),
        };
        Ok(Done::Sent(self.submitter.submit(&env).await?))
    }
}

/// Reads an EPCIS document of at most [`MAX_IMPORT_BYTES`].
pub fn read_document(path: &Path) -> Result<serde_json::Value, ClientError> {
    let size = std::fs::metadata(path)
        .map_err(|e| ClientError::Input(format!("{}: {e}", path.display())))?
        .len();
    if size > MAX_IMPORT_BYTES {
        return Err(ClientError::Input(format!(
            "{}: {size} bytes; at most {MAX_IMPORT_BYTES} are read",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClientError::Input(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| ClientError::Input(format!("{}: not JSON: {e}", path.display())))
}
