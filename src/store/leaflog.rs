//! The append-only leaf file `leaves.log`: the ledger's truth.
//!
//! Layout: a 16-byte magic header `coopledgerleaf1\n`, then one record per
//! leaf, back to back:
//!
//! | bytes | meaning |
//! |---|---|
//! | 4 | length `n` of the leaf bytes, u32 big-endian |
//! | n | the leaf bytes, exactly as hashed and served |
//! | 4 | CRC-32 (IEEE) of the leaf bytes, u32 big-endian |
//!
//! Records are only ever appended, and a batch of them is made durable with
//! `fdatasync` before any of them is acknowledged (spec §7). The CRC tells a
//! torn tail (a crash mid-write of records nobody was told about) from a
//! complete record; a torn tail is cut off on open.
//!
//! [`LeafWriter`] appends and syncs (one positioned write and one `fdatasync`
//! per group commit, through the [`FileIo`] seam; a failed write or sync is
//! cut back to the last synced end), [`LeafReader`] reads one
//! record by offset and checks its CRC, and [`Records`] reads in order and
//! finds where a torn tail starts (spec §12.2).

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use super::io::FileIo;

/// The file's first 16 bytes.
pub const MAGIC: &[u8; 16] = b"coopledgerleaf1\n";

/// Largest leaf record accepted when reading (an envelope is at most 64 KiB,
/// a leaf adds its index, time and base64 key and signature).
pub const MAX_LEAF_BYTES: u32 = 256 * 1024;

/// Framing overhead of one record: length and CRC.
pub const RECORD_OVERHEAD: u64 = 8;

/// A record that cannot be read back as written.
#[derive(Debug, thiserror::Error)]
pub enum LeafLogError {
    /// The file system failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The file does not start with the magic header.
    #[error("{0} is not a coop-ledger leaf file")]
    NotALeafFile(String),
    /// A record's length or CRC is wrong at `offset`.
    #[error("the leaf record at byte {offset} is damaged ({why})")]
    Damaged {
        /// Where the record starts.
        offset: u64,
        /// What is wrong.
        why: &'static str,
    },
}

fn frame(leaf: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(leaf.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(leaf);
    out.extend_from_slice(&crc32fast::hash(leaf).to_be_bytes());
}

/// Reads records by offset; any number of readers share one file handle.
#[derive(Debug)]
pub struct LeafReader {
    file: File,
}

impl LeafReader {
    /// Opens `path` for reading and checks the header.
    pub fn open(path: &Path) -> Result<Self, LeafLogError> {
        let file = File::open(path)?;
        let mut magic = [0u8; 16];
        file.read_exact_at(&mut magic, 0)
            .map_err(|_| LeafLogError::NotALeafFile(path.display().to_string()))?;
        if &magic != MAGIC {
            return Err(LeafLogError::NotALeafFile(path.display().to_string()));
        }
        Ok(Self { file })
    }

    /// Reads the record at `offset`, checking its CRC.
    pub fn read_at(&self, offset: u64) -> Result<Vec<u8>, LeafLogError> {
        let mut len = [0u8; 4];
        self.file.read_exact_at(&mut len, offset)?;
        let len = u32::from_be_bytes(len);
        if len == 0 || len > MAX_LEAF_BYTES {
            return Err(LeafLogError::Damaged {
                offset,
                why: "length out of range",
            });
        }
        let mut buf = vec![0u8; len as usize + 4];
        self.file.read_exact_at(&mut buf, offset + 4)?;
        let crc = buf.split_off(len as usize);
        if crc32fast::hash(&buf).to_be_bytes() != crc[..] {
            return Err(LeafLogError::Damaged {
                offset,
                why: "checksum mismatch",
            });
        }
        Ok(buf)
    }
}

/// What a sequential scan found.
#[derive(Debug)]
pub struct Scan {
    /// `(offset, leaf bytes)` of each complete record, in order.
    pub records: Vec<(u64, Vec<u8>)>,
    /// Offset just after the last complete record.
    pub end: u64,
    /// Bytes after `end` that do not form a complete record (a torn tail).
    pub torn: u64,
}

/// Streams records sequentially from an offset. A record cut short by the end
/// of the file is a torn tail and ends the stream; a complete record with a
/// bad CRC is damage (an error, never silently dropped) unless it is the very
/// last thing in the file, which is a torn tail too.
pub struct Records {
    reader: BufReader<File>,
    pos: u64,
    file_len: u64,
    failed: bool,
}

impl Records {
    /// Starts reading at `offset` (0 means: after the header).
    pub fn open(path: &Path, offset: u64) -> Result<Self, LeafLogError> {
        let mut file = File::open(path)?;
        let file_len = file.metadata()?.len();
        let mut magic = [0u8; 16];
        if file.read_exact(&mut magic).is_err() || &magic != MAGIC {
            return Err(LeafLogError::NotALeafFile(path.display().to_string()));
        }
        let pos = offset.max(MAGIC.len() as u64);
        file.seek(SeekFrom::Start(pos))?;
        Ok(Self {
            reader: BufReader::with_capacity(1 << 20, file),
            pos,
            file_len,
            failed: false,
        })
    }

    /// Offset just after the last record returned.
    pub fn end(&self) -> u64 {
        self.pos
    }

    /// Bytes after [`Records::end`] that are not a complete record (only
    /// meaningful once the stream has ended).
    pub fn torn(&self) -> u64 {
        self.file_len - self.pos
    }

    /// Whether every byte after the length just read, to the end of the
    /// file, is zero.
    fn rest_is_zero(&mut self) -> Result<bool, LeafLogError> {
        let mut chunk = [0u8; 8192];
        loop {
            let n = self.reader.read(&mut chunk)?;
            if n == 0 {
                return Ok(true);
            }
            if chunk[..n].iter().any(|b| *b != 0) {
                return Ok(false);
            }
        }
    }

    fn next_record(&mut self) -> Result<Option<(u64, Vec<u8>)>, LeafLogError> {
        let at = self.pos;
        let left = self.file_len - at;
        if left < RECORD_OVERHEAD {
            return Ok(None);
        }
        let mut len = [0u8; 4];
        self.reader.read_exact(&mut len)?;
        let len = u32::from_be_bytes(len);
        let need = RECORD_OVERHEAD + u64::from(len);
        // No leaf is empty, so a record of length 0 is never one: from here
        // to the end all zeros is a torn tail (a crash can leave a file
        // extended with zeros, whose empty "records" would otherwise pass
        // their CRC of 0, issue 16); anything else after it is damage.
        if len == 0 {
            return if self.rest_is_zero()? {
                Ok(None)
            } else {
                Err(LeafLogError::Damaged {
                    offset: at,
                    why: "a record of length 0",
                })
            };
        }
        if len > MAX_LEAF_BYTES {
            if need >= left {
                return Ok(None);
            }
            return Err(LeafLogError::Damaged {
                offset: at,
                why: "length out of range",
            });
        }
        if need > left {
            return Ok(None);
        }
        let mut buf = vec![0u8; len as usize + 4];
        self.reader.read_exact(&mut buf)?;
        let crc = buf.split_off(len as usize);
        if crc32fast::hash(&buf).to_be_bytes() != crc[..] {
            if need == left {
                return Ok(None);
            }
            return Err(LeafLogError::Damaged {
                offset: at,
                why: "checksum mismatch",
            });
        }
        self.pos += need;
        Ok(Some((at, buf)))
    }
}

impl Iterator for Records {
    type Item = Result<(u64, Vec<u8>), LeafLogError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(r) => r.map(Ok),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Reads every record from `offset` to the end into memory (recovery reads
/// only the few records the views have not yet covered).
pub fn scan(path: &Path, offset: u64) -> Result<Scan, LeafLogError> {
    let mut it = Records::open(path, offset)?;
    let records = it.by_ref().collect::<Result<Vec<_>, _>>()?;
    Ok(Scan {
        records,
        end: it.end(),
        torn: it.torn(),
    })
}

/// The single appender. Owned by the sequencer; there is one per data
/// directory (the directory lock guarantees it). Its writes and syncs go
/// through the [`FileIo`] seam.
#[derive(Debug)]
pub struct LeafWriter {
    file: File,
    end: u64,
    synced: u64,
    io: Arc<dyn FileIo>,
}

impl LeafWriter {
    /// Creates a new, empty leaf file (fails if it exists) and syncs it.
    pub fn create(path: &Path, io: Arc<dyn FileIo>) -> Result<Self, LeafLogError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        io.write_at(&file, MAGIC, 0)?;
        file.sync_all()?;
        let end = MAGIC.len() as u64;
        Ok(Self {
            file,
            end,
            synced: end,
            io,
        })
    }

    /// Opens the leaf file for appending after `end`, cutting off anything
    /// beyond it (a torn tail found by [`scan`]). Everything up to `end`
    /// must already be synced ([`sync_file`]).
    pub fn open(path: &Path, end: u64, io: Arc<dyn FileIo>) -> Result<Self, LeafLogError> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        if file.metadata()?.len() != end {
            file.set_len(end)?;
            file.sync_all()?;
        }
        Ok(Self {
            file,
            end,
            synced: end,
            io,
        })
    }

    /// Offset where the next record will start.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// Appends records (not yet durable) and returns the offset of each. A
    /// failed write cuts the file back to the last synced end.
    pub fn append(&mut self, leaves: &[Vec<u8>]) -> Result<Vec<u64>, LeafLogError> {
        let mut buf = Vec::with_capacity(leaves.iter().map(|l| l.len() + 8).sum());
        let mut offsets = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            offsets.push(self.end + buf.len() as u64);
            frame(leaf, &mut buf);
        }
        if let Err(e) = self.io.write_at(&self.file, &buf, self.end) {
            self.cut_back();
            return Err(e.into());
        }
        self.end += buf.len() as u64;
        Ok(offsets)
    }

    /// Makes every appended record durable: `fdatasync` (spec §7.2). After
    /// a failed sync the page cache cannot be trusted (the kernel may have
    /// marked the pages clean), so the unsynced tail is cut back to the last
    /// synced end; nothing past it was acknowledged.
    pub fn sync(&mut self) -> Result<(), LeafLogError> {
        if let Err(e) = self.io.sync_data(&self.file) {
            self.cut_back();
            return Err(e.into());
        }
        self.synced = self.end;
        Ok(())
    }

    /// Cuts the file back to the last synced end, as far as the process
    /// can: `set_len` and a sync (spec §7.2). Errors are logged only: the
    /// ledger stops taking writes anyway, and the next open cuts again.
    fn cut_back(&mut self) {
        let cut = self
            .file
            .set_len(self.synced)
            .and_then(|()| self.file.sync_all());
        if let Err(e) = cut {
            tracing::error!(error = %e, "cutting leaves.log back to its synced end failed");
        }
        self.end = self.synced;
    }
}

/// Syncs the leaf file at `path` (`fdatasync` through `io`): at open,
/// before anything past the last checkpoint is replayed and signed over,
/// so that a checkpoint never covers bytes only the page cache held
/// (spec §7.6).
pub fn sync_file(path: &Path, io: &dyn FileIo) -> Result<(), LeafLogError> {
    let file = OpenOptions::new().read(true).write(true).open(path)?;
    io.sync_data(&file)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::io::RealIo;
    use std::io::Write;

    #[test]
    fn appended_records_read_back_and_a_torn_tail_is_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("leaves.log");
        let mut w = LeafWriter::create(&path, Arc::new(RealIo)).expect("create");
        let offs = w
            .append(&[b"one".to_vec(), b"two".to_vec()])
            .expect("append");
        w.sync().expect("sync");
        let r = LeafReader::open(&path).expect("open");
        assert_eq!(r.read_at(offs[1]).expect("read"), b"two");
        // A crash mid-record: half of a third record.
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(&[0, 0, 0, 9, b'x']).expect("write");
        let s = scan(&path, 0).expect("scan");
        assert_eq!(s.records.len(), 2);
        assert_eq!(s.torn, 5);
        let w = LeafWriter::open(&path, s.end, Arc::new(RealIo)).expect("reopen");
        assert_eq!(w.end(), s.end);
        assert_eq!(scan(&path, 0).expect("scan").torn, 0);
    }

    /// Issue 16: a tail of zeros (a file extended by a crash before its
    /// data reached the disk) read as valid empty records, each with the
    /// CRC of nothing, 0. It is a torn tail now, cut on open; a record of
    /// length 0 followed by anything else is damage.
    #[test]
    fn issue_16_a_zero_filled_tail_is_torn_and_a_zero_length_record_is_damage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("leaves.log");
        let mut w = LeafWriter::create(&path, Arc::new(RealIo)).expect("create");
        w.append(&[b"one".to_vec()]).expect("append");
        w.sync().expect("sync");
        let end = w.end();
        drop(w);
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(&[0u8; 4096]).expect("zeros");
        let s = scan(&path, 0).expect("scan");
        assert_eq!(s.records.len(), 1, "no empty records");
        assert_eq!((s.end, s.torn), (end, 4096));
        // Zeros, then something: not a crash's tail, so damage.
        f.write_all(b"x").expect("write");
        assert!(matches!(
            scan(&path, 0),
            Err(LeafLogError::Damaged {
                why: "a record of length 0",
                ..
            })
        ));
        let r = LeafReader::open(&path).expect("open");
        assert!(r.read_at(end).is_err(), "no empty record by offset either");
    }

    #[test]
    fn a_failed_write_or_sync_cuts_the_file_back_to_its_synced_end() {
        use crate::store::io::{FaultyIo, Step};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("leaves.log");
        let io = Arc::new(FaultyIo::default());
        let mut w = LeafWriter::create(&path, io.clone()).expect("create");
        w.append(&[b"one".to_vec()]).expect("append");
        w.sync().expect("sync");
        let synced = w.end();
        io.arm(Step::Sync, 1);
        w.append(&[b"two".to_vec()]).expect("append");
        assert!(w.sync().is_err());
        assert_eq!(w.end(), synced);
        assert_eq!(std::fs::metadata(&path).expect("meta").len(), synced);
        io.arm(Step::Write, 1);
        assert!(w.append(&[b"three".to_vec()]).is_err());
        assert_eq!(std::fs::metadata(&path).expect("meta").len(), synced);
        assert_eq!(scan(&path, 0).expect("scan").records.len(), 1);
    }

    #[test]
    fn a_damaged_record_in_the_middle_is_an_error_not_a_tail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("leaves.log");
        let mut w = LeafWriter::create(&path, Arc::new(RealIo)).expect("create");
        let offs = w
            .append(&[b"one".to_vec(), b"two".to_vec()])
            .expect("append");
        let f = OpenOptions::new().write(true).open(&path).expect("open");
        f.write_all_at(b"X", offs[0] + 4).expect("corrupt");
        assert!(
            matches!(scan(&path, 0), Err(LeafLogError::Damaged { offset, .. }) if offset == offs[0])
        );
    }
}
