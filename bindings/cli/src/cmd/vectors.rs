//! `yinjian vectors`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// `yinjian vectors`: runs (or, with `reports`, prints the reports of) every line.
pub(crate) fn run(files: &[PathBuf], reports: bool) -> Result<ExitCode, String> {
    let (mut passed, mut failed) = (0, 0);
    let mut stdout = io::stdout().lock();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            let where_ = format!("{}:{}", file.display(), n + 1);
            if reports {
                match yinjian::vectors::case_report(line) {
                    Ok(Some((id, report))) => {
                        let line = serde_json::json!({ "id": id, "report": report });
                        writeln!(stdout, "{line}").map_err(|e| format!("standard output: {e}"))?;
                    }
                    Ok(None) => {}
                    Err(e) => return Err(format!("{where_}: {e}")),
                }
                continue;
            }
            match yinjian::vectors::run_case(line) {
                Ok(yinjian::vectors::Outcome::Passed(_)) => passed += 1,
                Ok(_) => {} // skipped
                Err(e) => {
                    failed += 1;
                    eprintln!("FAILED {where_}: {e}");
                }
            }
        }
    }
    if reports {
        return Ok(ExitCode::SUCCESS);
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
