//! Documentation that must stay true: docs/faults.md lists exactly the faults the servers know,
//! and there are at least 30 per dialect.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use pwconform::reference::known_faults;

#[test]
fn faults_doc_lists_every_fault_and_nothing_else() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/faults.md")).unwrap();
    for dialect in ["ocariot", "openspecimen"] {
        let faults = known_faults(dialect).unwrap();
        assert!(
            faults.len() >= 30,
            "{dialect} has only {} faults",
            faults.len()
        );
        let section = doc
            .split(&format!("## {dialect}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {dialect}"));
        let section = section.split("\n## ").next().unwrap_or_default();
        let listed: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let known: Vec<&str> = faults.iter().map(|f| f.name).collect();
        assert_eq!(
            listed, known,
            "docs/faults.md section {dialect} is out of date"
        );
    }
}
