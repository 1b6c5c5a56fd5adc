//! `coop-ledger publish` (spec §10.14): one sync of a static C2SP
//! tlog-tiles copy of a ledger into a directory; prints what it wrote.

use crate::service::publish::{self, PublishReport};
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

/// The lines `publish` prints.
fn describe(r: &PublishReport, to: &Path) -> String {
    if r.behind {
        return format!(
            "{} is at size {}, behind the copy in {} (size {}): nothing published",
            r.source.file(),
            r.note_size,
            to.display(),
            r.previous_size
        );
    }
    format!(
        "published size {} (was {}) from {} to {}\n\
         written: {} full tiles, {} full entry bundles, {} partial tiles and bundles; \
         {} old partial tiles deleted; checkpoint {}",
        r.size,
        r.previous_size,
        r.source.file(),
        to.display(),
        r.full_tiles,
        r.full_bundles,
        r.partials,
        r.removed,
        if r.checkpoint_written {
            "replaced"
        } else {
            "unchanged"
        }
    )
}

/// Syncs the copy in `to` with the ledger in `data`.
pub fn run(data: &Path, to: &Path) -> Result<ExitCode> {
    let report = publish::publish(data, to)?;
    println!("{}", describe(&report, to));
    Ok(ExitCode::SUCCESS)
}
