//! The seam under every write the ledger makes durable (spec §7.2): the
//! leaf file's positioned write and `fdatasync`, and the checkpoint file's
//! write, `fdatasync`, rename and directory fsync all go through a
//! [`FileIo`]. [`RealIo`] does the system calls; [`FaultyIo`] counts them
//! and fails a chosen call of a chosen [`Step`], so that tests can make each
//! step fail in turn.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Mutex;

/// The kinds of I/O call that make ledger state durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A positioned write (leaf records, the checkpoint's temp file).
    Write,
    /// An `fdatasync` of a file.
    Sync,
    /// The rename of the checkpoint's temp file over `checkpoint`.
    Rename,
    /// The fsync of the data directory after that rename.
    DirSync,
}

/// The durable-write calls of the store.
pub trait FileIo: Send + Sync + std::fmt::Debug {
    /// Writes all of `buf` at `offset`.
    fn write_at(&self, file: &File, buf: &[u8], offset: u64) -> io::Result<()>;
    /// `fdatasync`.
    fn sync_data(&self, file: &File) -> io::Result<()>;
    /// Renames `from` to `to`, replacing `to`.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Opens the directory `dir` and fsyncs it.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
}

/// The system calls themselves (the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct RealIo;

impl FileIo for RealIo {
    fn write_at(&self, file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
        file.write_all_at(buf, offset)
    }

    fn sync_data(&self, file: &File) -> io::Result<()> {
        file.sync_data()
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        File::open(dir)?.sync_all()
    }
}

/// Which call to fail: the `k`-th call of `step` since [`FaultyIo::arm`].
#[derive(Debug, Clone, Copy)]
struct Armed {
    step: Step,
    left: u64,
}

/// Real I/O that fails one chosen call, for fault-injection tests. Until it
/// is armed it does the real calls; once armed with `(step, k)` the `k`-th
/// call of `step` after arming returns an I/O error (a failed write first
/// writes half its bytes, as a full disk does; the other steps do nothing),
/// and later calls are real again.
#[derive(Debug, Default)]
pub struct FaultyIo {
    armed: Mutex<Option<Armed>>,
    failed: Mutex<Vec<Step>>,
}

impl FaultyIo {
    /// Fails the `k`-th call of `step` from now on (`k` counts from 1).
    pub fn arm(&self, step: Step, k: u64) {
        *lock(&self.armed) = Some(Armed {
            step,
            left: k.max(1),
        });
    }

    /// The steps that were made to fail so far.
    pub fn failed(&self) -> Vec<Step> {
        lock(&self.failed).clone()
    }

    fn check(&self, step: Step) -> io::Result<()> {
        let mut armed = lock(&self.armed);
        if let Some(a) = armed.as_mut().filter(|a| a.step == step) {
            a.left -= 1;
            if a.left == 0 {
                *armed = None;
                lock(&self.failed).push(step);
                return Err(io::Error::other(format!("injected fault: {step:?}")));
            }
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

impl FileIo for FaultyIo {
    fn write_at(&self, file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
        if let Err(e) = self.check(Step::Write) {
            // A short write, as a full disk gives: half the bytes land.
            RealIo.write_at(file, &buf[..buf.len() / 2], offset)?;
            return Err(e);
        }
        RealIo.write_at(file, buf, offset)
    }

    fn sync_data(&self, file: &File) -> io::Result<()> {
        self.check(Step::Sync)?;
        RealIo.sync_data(file)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.check(Step::Rename)?;
        RealIo.rename(from, to)
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        self.check(Step::DirSync)?;
        RealIo.sync_dir(dir)
    }
}
