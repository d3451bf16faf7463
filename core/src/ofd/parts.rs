//! XML parts of one package parsed once and shared by its readers: the OFD verification
//! parses OFD.xml and the first Document.xml, and the invoice reader after it takes those
//! trees instead of parsing the same bytes again. A tree borrows the bytes it was parsed from
//! ([`super::xml::Node`]), so the bytes live in a [`PartBytes`] that outlives both readers.
//!
//! What is held is bounded by its callers: OFD.xml and one Document.xml (each at most
//! [`super::package::MAX_XML_SIZE`]) and one invoice attachment (at most
//! [`crate::invoice::model::MAX_INVOICE_XML`]); most of it is what the package keeps in
//! memory anyway ([`super::package::MAX_KEPT_TOTAL`]), shared rather than copied.

use std::cell::OnceCell;
use std::io::{Read, Seek};
use std::rc::Rc;

use super::package::Package;
use super::xml::Node;
use super::OfdError;

/// The bytes of some entries of one package, each read once and held for the store's life.
pub(crate) struct PartBytes {
    /// By entry index.
    slots: Vec<OnceCell<Rc<Vec<u8>>>>,
}

impl PartBytes {
    /// A store for the entries of a package with `indices` central-directory indices
    /// ([`Package::index_count`]).
    pub(crate) fn new(indices: usize) -> PartBytes {
        PartBytes {
            slots: (0..indices).map(|_| OnceCell::new()).collect(),
        }
    }
}

/// The parts of one package its readers share: the bytes, and the trees one reader parsed and
/// left for the next, by entry index.
pub(crate) struct Parts<'s> {
    bytes: &'s PartBytes,
    trees: Vec<(usize, Node<'s>)>,
}

impl<'s> Parts<'s> {
    /// No tree yet.
    pub(crate) fn new(bytes: &'s PartBytes) -> Parts<'s> {
        Parts {
            bytes,
            trees: Vec::new(),
        }
    }

    /// The entry `name` designates, read whole as [`Package::read`] reads it (the same limit,
    /// the same errors) and held for as long as the store lives.
    pub(crate) fn read<R: Read + Seek>(&self, pkg: &mut Package<R>, name: &str) -> Result<&'s [u8], OfdError> {
        let bytes: &'s PartBytes = self.bytes;
        let Some(slot) = pkg.index_of(name).and_then(|i| bytes.slots.get(i)) else {
            return Err(OfdError::Missing(name.to_owned()));
        };
        if let Some(held) = slot.get() {
            return Ok(held);
        }
        let read = pkg.read_shared(name)?;
        Ok(slot.get_or_init(|| read))
    }

    /// Leaves the tree of the entry at `index` for a later reader (one per entry: a second is
    /// dropped).
    pub(crate) fn put(&mut self, index: usize, tree: Node<'s>) {
        if !self.trees.iter().any(|(i, _)| *i == index) {
            self.trees.push((index, tree));
        }
    }

    /// The tree left for the entry at `index`, if any (taken: each is handed over once).
    #[cfg_attr(not(feature = "invoice"), allow(dead_code))]
    pub(crate) fn take(&mut self, index: usize) -> Option<Node<'s>> {
        let at = self.trees.iter().position(|(i, _)| *i == index)?;
        Some(self.trees.swap_remove(at).1)
    }
}
