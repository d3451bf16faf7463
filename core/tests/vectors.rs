//! Runs every case of every `test-vectors/*.jsonl` file through the shared runner.
#![cfg(feature = "test-vectors")]

use std::path::Path;

use yinjian::vectors::{run_case, Outcome};

#[test]
fn all_vector_files_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("test-vectors directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    let (mut passed, mut failures) = (0usize, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            match run_case(line) {
                Ok(Outcome::Passed(_)) => passed += 1,
                Ok(Outcome::Skipped) => {}
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
