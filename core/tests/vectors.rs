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
