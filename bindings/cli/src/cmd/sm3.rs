//! `yinjian sm3`.

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use yinjian::sm::sm3::sm3_reader_with_progress;

use crate::io::{is_stdin, open};
use crate::EXIT_USAGE;

/// Files larger than this get a progress bar while they are hashed.
const PROGRESS_THRESHOLD: u64 = 64 * 1024 * 1024;

pub(crate) fn run(files: &[PathBuf]) -> Result<ExitCode, String> {
    let mut status = ExitCode::SUCCESS;
    for path in files {
        let size = if is_stdin(path) {
            0
        } else {
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
        };
        let bar = (size > PROGRESS_THRESHOLD).then(|| {
            let bar = ProgressBar::new(size);
            if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec}") {
                bar.set_style(style);
            }
            bar.set_message(path.display().to_string());
            bar
        });
        let result = open(path).and_then(|reader| {
            sm3_reader_with_progress(reader, |n| {
                if let Some(bar) = &bar {
                    bar.set_position(n);
                }
            })
            .map_err(|e| format!("{}: {e}", path.display()))
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        match result {
            Ok(digest) => println!("{}  {}", hex::encode(digest), path.display()),
            Err(message) => {
                eprintln!("yinjian: {message}");
                status = ExitCode::from(EXIT_USAGE);
            }
        }
    }
    Ok(status)
}
