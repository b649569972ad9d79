//! The restore journal: before any request that may change a password, a line saying which
//! account, what it had and what it may now have is appended and flushed to disk; a second line
//! closes it once the password is known again. A run that is killed leaves open entries that
//! `pwconform restore --journal FILE` finishes. The file holds passwords, so it is created 0600
//! and removed when every entry is closed.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Open(Box<Entry>),
    Closed { id: u64 },
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
}

pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    next: AtomicU64,
    open: Mutex<Vec<u64>>,
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
        let file = options
            .open(path)
            .map_err(|e| format!("cannot write the restore journal {}: {e}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            next: AtomicU64::new(1),
            open: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records `entry` (its id is assigned here) and waits until it is on disk.
    pub fn open(&self, mut entry: Entry) -> Result<u64, String> {
        entry.id = self.next.fetch_add(1, Ordering::SeqCst);
        let id = entry.id;
        self.append(&Record::Open(Box::new(entry)))?;
        if let Ok(mut open) = self.open.lock() {
            open.push(id);
        }
        Ok(id)
    }

    /// The account's password is known again.
    pub fn close(&self, id: u64) -> Result<(), String> {
        self.append(&Record::Closed { id })?;
        if let Ok(mut open) = self.open.lock() {
            open.retain(|x| *x != id);
        }
        Ok(())
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

    fn append(&self, record: &Record) -> Result<(), String> {
        let line = serde_json::to_string(record).map_err(|e| e.to_string())?;
        let mut file = self
            .file
            .lock()
            .map_err(|_| "the journal lock is poisoned".to_string())?;
        writeln!(file, "{line}")
            .and_then(|()| file.sync_data())
            .map_err(|e| {
                format!(
                    "cannot write the restore journal {}: {e}",
                    self.path.display()
                )
            })
    }
}

/// The command that finishes what a run left in `journal`.
pub fn restore_command(journal: &Journal) -> String {
    format!("pwconform restore --journal {}", journal.path().display())
}

/// The entries of a journal file that were never closed, in the order they were opened.
pub fn open_entries(path: &Path) -> Result<Vec<Entry>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut open: Vec<Entry> = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(&line) {
            Ok(Record::Open(e)) => open.push(*e),
            Ok(Record::Closed { id }) => open.retain(|e| e.id != id),
            // A line cut by a crash mid-write is the last one; everything before it stands.
            Err(e) => {
                return Err(format!(
                    "{}:{}: not a journal record: {e}",
                    path.display(),
                    n + 1
                ));
            }
        }
    }
    Ok(open)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(user: &str) -> Entry {
        Entry {
            id: 0,
            dialect: "ocariot".into(),
            base_url: "http://127.0.0.1:1".into(),
            role: "admin".into(),
            username: user.into(),
            user_id: None,
            original: "orig".into(),
            candidates: vec!["new".into()],
            case: "c".into(),
        }
    }

    #[test]
    fn open_entries_are_those_never_closed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j/journal.jsonl");
        let j = Journal::create(&path).unwrap();
        let a = j.open(entry("a")).unwrap();
        let _b = j.open(entry("b")).unwrap();
        j.close(a).unwrap();
        let open = open_entries(&path).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].username, "b");
        assert!(!j.finish(), "an open entry keeps the file");
        assert!(path.exists());
        let again = Journal::create(&path).err().unwrap_or_default();
        assert!(again.contains("restore first"), "{again}");
    }

    #[test]
    fn a_clean_journal_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let j = Journal::create(&path).unwrap();
        let a = j.open(entry("a")).unwrap();
        j.close(a).unwrap();
        assert!(j.finish());
        assert!(!path.exists());
    }
}
