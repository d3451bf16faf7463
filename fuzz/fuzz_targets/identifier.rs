//! The identifier validators (resident number, credit code, organisation code, e-licence
//! identifier) on arbitrary text: never panic, and what validates re-validates.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::licence::id;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for validate in [id::resident_id, id::credit_code, id::organisation_code, id::licence_id] {
        if let Ok(found) = validate(&text) {
            assert!(validate(&found.value).is_ok(), "the canonical form of {text:?} validates");
        }
    }
    let _ = id::check_identifier(&text);
    let _ = id::mod37_36(&text);
    let _ = id::credit_code_check(&text);
    let _ = id::organisation_code_check(&text);
});
