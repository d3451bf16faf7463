//! Runs every case of every `test-vectors/*.jsonl` file through the shared runner.
#![cfg(feature = "test-vectors")]

use std::path::Path;

use yinjian::vectors::{run_case, Outcome};

#[test]
fn all_vector_files_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    let mut files = Vec::new();
    collect_jsonl(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    let (mut passed, mut failures) = (0usize, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            match run_case(line) {
                Ok(Outcome::Passed(_)) => passed += 1,
                Ok(_) => {} // Outcome::Skipped
                Err(e) => failures.push(format!("{}:{}: {e}", file.display(), n + 1)),
            }
        }
    }
    println!("{passed} vector cases passed across {} files", files.len());
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed >= 10, "suspiciously few vector cases: {passed}");
}

/// Every `*.jsonl` below `dir`.
fn collect_jsonl(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("readable test-vectors directory")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            collect_jsonl(&path, out);
        } else if path.extension().is_some_and(|x| x == "jsonl") {
            out.push(path);
        }
    }
}

/// Every OFD/PDF signature whose certificate chain was looked at carries a revocation entry
/// in its chain checks; with revocation not required it says the status was NOT checked.
#[test]
fn document_signatures_carry_a_revocation_entry() {
    use yinjian::vectors::case_report;
    use yinjian::Status;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    let mut seen = 0;
    for file in ["ofd/cases.jsonl", "pdf/cases.jsonl"] {
        for line in std::fs::read_to_string(dir.join(file)).unwrap().lines() {
            let Some((id, report)) = case_report(line).unwrap() else {
                continue;
            };
            for part in &report.parts {
                let entries: Vec<_> = part
                    .checks
                    .iter()
                    .filter_map(|c| c.details.get("revocation").map(|r| (c, r)))
                    .collect();
                if part.checks.iter().any(|c| c.name.ends_with("chain")) {
                    assert!(!entries.is_empty(), "{id}: no revocation entry");
                }
                for (check, entry) in entries {
                    seen += 1;
                    let state = entry["status"].as_str().unwrap();
                    assert!(entry["message"].as_str().is_some_and(|m| !m.is_empty()), "{id}");
                    if check.status == Status::Passed {
                        // The vectors do not require revocation and supply no CRLs.
                        assert_eq!(state, "not-required", "{id} {}", check.name);
                        assert!(
                            check.message.contains("revocation status NOT checked"),
                            "{}",
                            check.message
                        );
                    } else {
                        assert_eq!(state, "unknown", "{id} {}: {}", check.name, check.message);
                    }
                }
            }
        }
    }
    assert!(seen >= 10, "{seen} revocation entries");
}
