//! Most-recently-used lists: the per-thread caches of certificates, SM2 verifiers, verified
//! signatures and CustomTag maps keep their entries most recent first, within a fixed count.

/// The first entry of `list` that `matches`, moved to the front.
pub(crate) fn recall<T>(list: &mut [T], matches: impl Fn(&T) -> bool) -> Option<&T> {
    let i = list.iter().position(matches)?;
    list[..=i].rotate_right(1);
    list.first()
}

/// `item` put at the front of `list`, which keeps at most `max` entries.
pub(crate) fn remember<T>(list: &mut Vec<T>, max: usize, item: T) {
    list.truncate(max.saturating_sub(1));
    list.insert(0, item);
}
