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

    /// The account's password is known again (`restored_by`: how it was put back).
    pub fn close(&self, id: u64, restored_by: Option<RestoredBy>) -> Result<(), String> {
        self.append(&Record::Closed { id, restored_by })?;
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
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut open: Vec<Entry> = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(&line) {
            Ok(Record::Open(e)) => open.push(*e),
            Ok(Record::Closed { id, .. }) => open.retain(|e| e.id != id),
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
            actor: None,
            admins: Vec::new(),
        }
    }

    #[test]
    fn open_entries_are_those_never_closed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j/journal.jsonl");
        let j = Journal::create(&path).unwrap();
        let a = j.open(entry("a")).unwrap();
        let _b = j.open(entry("b")).unwrap();
        j.close(a, None).unwrap();
        let open = open_entries(&path).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].username, "b");
        assert!(!j.finish(), "an open entry keeps the file");
        assert!(path.exists());
        let again = Journal::create(&path).err().unwrap_or_default();
        assert!(again.contains("restore first"), "{again}");
    }

    #[test]
    fn appending_continues_the_ids_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let first = Journal::create(&path).unwrap();
        let old = first.open(entry("old")).unwrap();
        drop(first);
        let again = Journal::append_to(&path).unwrap();
        let new = again.open(entry("helper")).unwrap();
        assert!(new > old);
        again.close(new, Some(RestoredBy::Itself)).unwrap();
        let open = open_entries(&path).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].username, "old");
    }

    #[test]
    fn entries_of_older_versions_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        std::fs::write(
            &path,
            r#"{"kind":"open","id":1,"dialect":"ocariot","base_url":"http://x","role":"admin","username":"a","user_id":null,"original":"o","candidates":["n"],"case":"c"}"#,
        )
        .unwrap();
        let open = open_entries(&path).unwrap();
        assert_eq!(open[0].actor, None);
        assert!(open[0].admins.is_empty());
    }

    #[test]
    fn a_clean_journal_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let j = Journal::create(&path).unwrap();
        let a = j.open(entry("a")).unwrap();
        j.close(a, None).unwrap();
        assert!(j.finish());
        assert!(!path.exists());
    }
}
