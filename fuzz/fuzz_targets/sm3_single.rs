//! Single-stream SM3 against the `sm3` crate: `sm3` and `Sm3Hasher` (which on x86-64 CPUs
//! with AVX2/BMI2 take yinjian's own compression) must give the crate's digest
//! (`sm3_reference`) for the whole input, and for the input fed in pieces.
//!
//! Input layout: `cuts, bytes…`: each bit of `cuts` picks one of eight piece lengths (some
//! below a block, some across block boundaries) cycled through while feeding the rest.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::sm::sm3::{sm3, sm3_reference, Sm3Hasher};

fuzz_target!(|data: &[u8]| {
    let want = sm3_reference(data);
    assert_eq!(sm3(data), want, "one-shot, length {}", data.len());
    let Some((&cuts, rest)) = data.split_first() else { return };
    const STEPS: [usize; 8] = [0, 1, 3, 55, 63, 64, 65, 200];
    let mut h = Sm3Hasher::new();
    let mut at = 0;
    let mut i = 0;
    while at < rest.len() {
        let step = STEPS[usize::from(cuts.rotate_left(i as u32) & 7)].max(usize::from(i % 5 == 4));
        let end = (at + step).min(rest.len());
        h.update(&rest[..end][at..]);
        at = end;
        i += 1;
    }
    assert_eq!(h.finalize(), sm3_reference(rest), "in pieces, length {}", rest.len());
});
