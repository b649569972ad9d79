//! Tests of the restore journal's file: what is read back after a kill or a power loss.

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

#[test]
fn entries_written_together_are_all_open_and_closed_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let j = Journal::create(&path).unwrap();
    let ids = j
        .open_many(vec![entry("a"), entry("b")], Durability::Synced)
        .unwrap();
    let marker = j.open_many(vec![entry("a")], Durability::Unsynced).unwrap();
    assert_eq!(ids.len(), 2);
    assert!(marker[0] > ids[1], "ids go on across writes");
    assert_eq!(open_entries(&path).unwrap().len(), 3);
    j.close_many(&[ids[0], marker[0]], None).unwrap();
    let open = open_entries(&path).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].username, "b");
    assert_eq!(j.open_count(), 1);
    j.close_many(&ids[1..], None).unwrap();
    assert!(j.finish());
}

#[test]
fn a_last_line_cut_short_is_ignored_but_not_one_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let j = Journal::create(&path).unwrap();
    j.open(entry("a")).unwrap();
    drop(j);
    let whole = std::fs::read_to_string(&path).unwrap();
    // A power loss may keep part of an unsynced line, or zeros where it was.
    let cut: String = whole.chars().take(20).collect();
    for tail in [cut.as_str(), "\0\0\0\0"] {
        std::fs::write(&path, format!("{whole}{tail}")).unwrap();
        let open = open_entries(&path).unwrap();
        assert_eq!(open.len(), 1, "{tail:?}");
        std::fs::write(&path, format!("{tail}\n{whole}")).unwrap();
        let err = open_entries(&path).err().unwrap_or_default();
        assert!(err.contains(":1: not a journal record"), "{err}");
    }
}
