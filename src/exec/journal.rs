//! The restore journal: before any request that may change a password, every password it may set
//! is on disk (`fsync`) in an `open` line saying which account, what it had and what it may now
//! have. Passwords are journaled ahead (`ahead.rs`): one synced line holds the generated passwords
//! of an account's next cases, and each case then appends an unsynced `open` line naming its own
//! (a progress marker: it survives a killed process; after a power loss the synced lines still
//! hold every candidate). A `closed` line, unsynced, says the password is known again: if it is
//! lost, `restore` logs in with the original and finds it works. A run that is killed leaves open
//! entries that `pwconform restore --journal FILE` finishes. The file holds passwords, so it is
//! created 0600 and removed when every entry is closed.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::result::RestoredBy;

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Open(Box<Entry>),
    Closed {
        id: u64,
        /// The step of the restore ladder that put the password back (none: it never changed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restored_by: Option<RestoredBy>,
    },
}

/// An account whose password may have changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub id: u64,
    pub dialect: String,
    pub base_url: String,
    pub role: String,
    pub username: String,
    pub user_id: Option<Value>,
    pub original: String,
    /// Passwords it may have now, most likely first.
    pub candidates: Vec<String>,
    /// The case that sent the change.
    pub case: String,
    /// The account that sent the request, when it is not this one (step 2 of the ladder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Credential>,
    /// Administrators of the accounts file, for the dialect's `admin_reset` (step 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admins: Vec<Credential>,
}

/// An account another one's restore may log in as, with its original password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Credential {
    pub role: String,
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub user_id: Option<Value>,
}

pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    next: AtomicU64,
    open: Mutex<HashSet<u64>>,
    /// `fsync`s done, and the length of the file the last one made durable.
    synced: Mutex<Synced>,
}

/// What of the journal is on disk for sure: what a power loss would leave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Synced {
    /// How many `fsync`s the journal has done.
    pub syncs: u64,
    /// The file's length at the last one: every line before it survives a power loss.
    pub len: u64,
}

impl Journal {
    /// Starts a journal at `path`. A journal with open entries from an earlier run is never
    /// overwritten: those accounts must be restored first.
    pub fn create(path: &Path) -> Result<Self, String> {
        if path.exists() {
            let open = open_entries(path)?;
            if !open.is_empty() {
                let who: Vec<String> = open.iter().map(|e| e.username.clone()).collect();
                return Err(format!(
                    "{} holds {} open entr{} from an earlier run ({}): restore first with \
                     `pwconform restore --journal {}`",
                    path.display(),
                    open.len(),
                    if open.len() == 1 { "y" } else { "ies" },
                    who.join(", "),
                    path.display()
                ));
            }
        }
        Self::append_to(path)
    }

    /// Opens `path` for appending without checking it (used by `restore` on its own journal).
    pub fn append_to(path: &Path) -> Result<Self, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        // Ids go on after those already in the file: a new entry's `closed` line must never
        // close an older one (`restore` appends the entries of the helpers it uses).
        let next = last_id(path).saturating_add(1);
        let file = options
            .open(path)
            .map_err(|e| format!("cannot write the restore journal {}: {e}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            next: AtomicU64::new(next),
            open: Mutex::new(HashSet::new()),
            synced: Mutex::new(Synced::default()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records `entry` (its id is assigned here) and waits until it is on disk.
    pub fn open(&self, entry: Entry) -> Result<u64, String> {
        let ids = self.open_many(vec![entry], Durability::Synced)?;
        ids.first()
            .copied()
            .ok_or_else(|| "no entry written".to_string())
    }

    /// Records `entries` in one write; with [`Durability::Synced`] waits until they are on disk
    /// (one `fsync` for all). Unsynced lines survive a killed process, not a power loss: use them
    /// only for candidates an earlier synced entry of the same account, still open, holds too.
    pub fn open_many(
        &self,
        entries: Vec<Entry>,
        durability: Durability,
    ) -> Result<Vec<u64>, String> {
        let mut ids = Vec::with_capacity(entries.len());
        let mut lines = String::new();
        for mut entry in entries {
            entry.id = self.next.fetch_add(1, Ordering::SeqCst);
            ids.push(entry.id);
            push_line(&mut lines, &Record::Open(Box::new(entry)))?;
        }
        self.write(&lines, durability)?;
        if let Ok(mut open) = self.open.lock() {
            open.extend(ids.iter().copied());
        }
        Ok(ids)
    }

    /// The account's password is known again (`restored_by`: how it was put back).
    pub fn close(&self, id: u64, restored_by: Option<RestoredBy>) -> Result<(), String> {
        self.close_many(&[id], restored_by)
    }

    /// Closes `ids` in one unsynced write: a lost `closed` line costs `restore` one login that
    /// finds the original password works.
    pub fn close_many(&self, ids: &[u64], restored_by: Option<RestoredBy>) -> Result<(), String> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut lines = String::new();
        for &id in ids {
            push_line(&mut lines, &Record::Closed { id, restored_by })?;
        }
        self.write(&lines, Durability::Unsynced)?;
        if let Ok(mut open) = self.open.lock() {
            for id in ids {
                open.remove(id);
            }
        }
        Ok(())
    }

    /// What is on disk for sure (measured by the bench, checked by the tests).
    pub fn synced(&self) -> Synced {
        self.synced.lock().map(|s| *s).unwrap_or_default()
    }

    /// Entries still open.
    pub fn open_count(&self) -> usize {
        self.open.lock().map(|o| o.len()).unwrap_or(usize::MAX)
    }

    /// Removes the file if nothing is left open; returns whether it was removed.
    pub fn finish(&self) -> bool {
        if self.open_count() == 0 {
            std::fs::remove_file(&self.path).is_ok()
        } else {
            false
        }
    }

    /// Appends whole lines with one `write` (a killed process leaves no half line of them but
    /// the last), then `fsync`s when asked.
    fn write(&self, lines: &str, durability: Durability) -> Result<(), String> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| "the journal lock is poisoned".to_string())?;
        let error = |e: std::io::Error| {
            format!(
                "cannot write the restore journal {}: {e}",
                self.path.display()
            )
        };
        file.write_all(lines.as_bytes()).map_err(error)?;
        if durability == Durability::Synced {
            file.sync_data().map_err(error)?;
            let len = file.metadata().map(|m| m.len()).unwrap_or_default();
            if let Ok(mut synced) = self.synced.lock() {
                synced.syncs += 1;
                synced.len = len;
            }
        }
        Ok(())
    }
}

/// Whether a write waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// On disk before the call returns: survives a power loss.
    Synced,
    /// In the kernel's cache: survives the process being killed.
    Unsynced,
}

fn push_line(lines: &mut String, record: &Record) -> Result<(), String> {
    lines.push_str(&serde_json::to_string(record).map_err(|e| e.to_string())?);
    lines.push('\n');
    Ok(())
}

/// The highest entry id in the file at `path` (0 when there is none or it cannot be read).
fn last_id(path: &Path) -> u64 {
    let Ok(file) = File::open(path) else {
        return 0;
    };
    BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Record>(&line).ok())
        .map(|r| match r {
            Record::Open(e) => e.id,
            Record::Closed { id, .. } => id,
        })
        .max()
        .unwrap_or(0)
}

/// The command that finishes what a run left in `journal`.
pub fn restore_command(journal: &Journal) -> String {
    format!("pwconform restore --journal {}", journal.path().display())
}

/// The entries of a journal file that were never closed, in the order they were opened.
pub fn open_entries(path: &Path) -> Result<Vec<Entry>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let last = lines.len().saturating_sub(1);
    // By id, with the line it was opened on: a journal of 10,000 cases closes each in O(1)
    // (removing from an ordered map moved every later entry), and the open ones come back in the
    // order they were opened.
    let mut open: std::collections::HashMap<u64, (usize, Entry)> = Default::default();
    for (k, (n, line)) in lines.into_iter().enumerate() {
        match serde_json::from_str::<Record>(line) {
            Ok(Record::Open(e)) => {
                open.insert(e.id, (n, *e));
            }
            Ok(Record::Closed { id, .. }) => {
                open.remove(&id);
            }
            // An unsynced last line a power loss cut short (or left as zeros): everything before
            // it stands, and every candidate it named is in an earlier synced line too.
            Err(_) if k == last => {}
            Err(e) => {
                return Err(format!(
                    "{}:{}: not a journal record: {e}",
                    path.display(),
                    n + 1
                ));
            }
        }
    }
    let mut open: Vec<(usize, Entry)> = open.into_values().collect();
    open.sort_unstable_by_key(|(line, _)| *line);
    Ok(open.into_iter().map(|(_, e)| e).collect())
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
