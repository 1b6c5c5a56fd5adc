//! `coop-ledger submit` (spec §10): submits statements (signed here) or
//! envelopes signed earlier, and checks each receipt.

use super::shared::runtime;
use crate::domain::keys::PublicKey;
use crate::domain::messages::Lang;
use crate::service::client::submit::{self, Outcome, Submission, Submitter};
use crate::service::client::{Client, ClientError};
use crate::service::keyfile;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Submits `files` in order to `server`, signing unsigned statements with
/// the private key in `key`; messages in `lang` (`vi` or `en`).
pub fn run(
    server: &str,
    key: Option<&Path>,
    ledger_key: Option<PublicKey>,
    lang: &str,
    files: &[PathBuf],
) -> Result<ExitCode> {
    let key = key.map(keyfile::read).transpose()?;
    let lang = Lang::negotiate(Some(lang), None);
    runtime()?.block_on(submit_files(server, key.as_ref(), ledger_key, lang, files))
}

/// Submits each file in order and prints one line per file: the index and
/// proof status, or the refusal with its code. Exit 0 when every file is
/// logged, 1 when any was refused or failed to check, 2 when the server
/// cannot be reached at all or answers something the API never gives.
async fn submit_files(
    server: &str,
    key: Option<&ed25519_dalek::SigningKey>,
    pinned: Option<PublicKey>,
    lang: Lang,
    files: &[PathBuf],
) -> Result<ExitCode> {
    let submitter = Submitter::connect(Client::new(server, lang)?, pinned).await?;
    let mut failed = 0;
    for file in files {
        let name = file.display();
        let envelope = std::fs::read_to_string(file)
            .map_err(|e| ClientError::Input(format!("cannot read it: {e}")))
            .and_then(|text| submit::classify(&text))
            .and_then(|sub| match (sub, key) {
                (Submission::Envelope(env, disclosure), _) => Ok((env, disclosure)),
                (Submission::Statement(text), Some(key)) => {
                    submit::sign(&text, key).map(|env| (env, None))
                }
                (Submission::Statement(_), None) => Err(ClientError::Input(
                    "an unsigned statement; give --key to sign it".into(),
                )),
            });
        let outcome = match envelope {
            Ok((env, disclosure)) => submitter.submit_with(&env, disclosure.as_ref()).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(o @ Outcome::Logged { .. }) => println!("{name}: {o}"),
            Ok(o @ Outcome::Refused { .. }) => {
                failed += 1;
                println!("{name}: {o}");
            }
            Err(ClientError::Input(e)) => {
                failed += 1;
                println!("{name}: NOT SENT: {e}");
            }
            Err(ClientError::Invalid(r)) => {
                failed += 1;
                println!("{name}: NOT SENT {}: {}", r.code.as_str(), r.message(lang));
            }
            Err(e @ ClientError::BadReceipt(_)) => {
                failed += 1;
                println!("{name}: RECEIPT FAILED: {e}");
            }
            Err(
                e @ (ClientError::Unreachable { .. }
                | ClientError::Answered { .. }
                | ClientError::Unusable { .. }),
            ) => {
                println!("{name}: NOT SENT: {e}");
                return Err(e.into());
            }
        }
    }
    println!("{} of {} logged", files.len() - failed, files.len());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
