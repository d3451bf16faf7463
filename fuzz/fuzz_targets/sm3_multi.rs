//! Multi-buffer SM3 against the `sm3` crate: `sm3_many` over messages cut from the input must
//! give, for each, the digest `sm3` gives.
//!
//! Input layout: `count, (len_hi, len_lo)*count, bytes…`: `count` (mod 24) messages, each of
//! the given length (capped by what is left; a message may repeat bytes of another, as the
//! lengths are taken from one shared tail), so block-boundary lengths are easy to reach.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::sm::sm3::sm3;
use yinjian::sm::sm3_multi::sm3_many;

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else { return };
    let count = usize::from(count % 24);
    let header = (2 * count).min(rest.len());
    let (lens, body) = rest.split_at(header);
    let mut messages = Vec::new();
    let mut at = 0usize;
    for pair in lens.chunks(2) {
        let want = (usize::from(pair[0]) << 8) | usize::from(*pair.get(1).unwrap_or(&0));
        let start = if body.is_empty() { 0 } else { at % body.len() };
        let end = (start + want).min(body.len());
        messages.push(&body[start..end]);
        at = at.wrapping_add(want);
    }
    let many = sm3_many(&messages);
    assert_eq!(many.len(), messages.len());
    for (message, digest) in messages.iter().zip(&many) {
        assert_eq!(*digest, sm3(message), "length {}", message.len());
    }
});
