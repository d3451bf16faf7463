//! The shared test-vector runner for the node and Chromium tests (feature `vectors`, on by
//! default; the verify-only build leaves it out).

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use yinjian::vectors::{case_report, run_case, Outcome};

use crate::errors::{throw, to_js, ErrorCode, Failure};

/// Runs one test-vector line: `Ok(Some(id))` for a passed case, `Ok(None)` for a skipped line.
pub fn run_vector_line(line: &str) -> Result<Option<String>, Failure> {
    match run_case(line) {
        Ok(Outcome::Passed(id)) => Ok(Some(id)),
        Ok(_) => Ok(None), // Outcome::Skipped
        Err(message) => Err(Failure::new(ErrorCode::VectorMismatch, message)),
    }
}

/// Runs one line of a `test-vectors/*.jsonl` file; throws (code `VectorMismatch`) when the
/// library's answer differs from the line's expectation.
#[wasm_bindgen(js_name = runVector, unchecked_return_type = "VectorOutcome")]
pub fn run_vector(line: &str) -> Result<JsValue, JsValue> {
    let outcome = Object::new();
    let (id, skipped) = match run_vector_line(line).map_err(throw)? {
        Some(id) => (JsValue::from_str(&id), false),
        None => (JsValue::UNDEFINED, true),
    };
    if !id.is_undefined() {
        Reflect::set(&outcome, &JsValue::from_str("id"), &id)?;
    }
    Reflect::set(&outcome, &JsValue::from_str("skipped"), &JsValue::from_bool(skipped))?;
    Ok(outcome.into())
}

/// The report the library gives for one line of a `test-vectors/*.jsonl` file, without
/// judging it: `{ id, report }`, or `null` for comments and cases that make no report. The
/// tests compare these with the native library's, byte for byte.
#[wasm_bindgen(js_name = vectorReport, unchecked_return_type = "VectorReport | null")]
pub fn vector_report(line: &str) -> Result<JsValue, JsValue> {
    match case_report(line) {
        Ok(Some((id, report))) => to_js(&serde_json::json!({ "id": id, "report": report })),
        Ok(None) => Ok(JsValue::NULL),
        Err(message) => Err(throw(Failure::new(ErrorCode::VectorMismatch, message))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_run() {
        assert_eq!(run_vector_line("{").unwrap_err().code, ErrorCode::VectorMismatch);
        assert_eq!(run_vector_line("# comment").unwrap(), None);
    }
}
