//! Reports into Python objects: a serde `Serializer` whose output is the Python value of the JSON
//! `serde_json` would write for the same value — dicts (keys in serialisation order), lists, str,
//! int, float, bool, None — made directly, without the JSON text.
//!
//! A report is some 300 Python objects under some 130 dict keys. What is not made again:
//! - struct field names and unit enum variants (the `"status": "PASSED"` values), which serde
//!   hands over as `&'static str`: made once per process as interned strings, kept in [`Names`]
//!   by the address and length of the static text. Every later report takes a reference to the
//!   same string, whose hash Python has already computed, instead of allocating, decoding,
//!   hashing and freeing a new one (interned, they are also the objects Python code indexes
//!   with, `report["status"]`, so its lookups compare by identity);
//! - map keys (the checks' `details`), by their text, within bounds;
//! - string values, by their text, across reports: the certificates' names recur in a report's
//!   chains and messages, and the next report of the same issuer repeats them with the check
//!   names and most of the messages. A `str` is immutable, so a report sharing it with another
//!   is not told apart but by `is`. Bounded (4,096 strings of at most 1 KiB, 256 KiB of text):
//!   when full the table is emptied and fills again from the reports that follow.
//!
//! And what the last report looked like, by position: the next report of the same kind and
//! issuer serialises the same strings and the same structs in the same order.
//! - The k-th string (value or map key) is first compared with the last report's k-th (one
//!   comparison of texts kept end to end in one buffer): the table above is asked only when they
//!   differ.
//! - The n-th struct's dict is a copy of a template kept for that position (`PyDict_Copy`: one
//!   allocation and the table copied, where filling a new dict inserts key by key and grows it at
//!   6, 11 and 22 keys; `_PyDict_NewPresized` is not in the abi3 API). The template holds the
//!   immutable values (str, int, bool, None) of the struct it was made from, so a field whose
//!   value is the same object is not set at all (it is never updated: documents of several
//!   kinds in turn would make every differing field cost two insertions); containers are always new objects (a report's dicts and
//!   lists are its own: changing one changes no other report). Four templates per position, the
//!   last used first, for archives whose documents of a few kinds come in turn.
//!
//! What follows `serde_json`, where a direct conversion would differ from the JSON: tuples and
//! byte strings are lists, non-finite floats are `None`, an `f32` reads as the shortest decimal
//! of its value (as serde_json prints it), and map keys are strings (integers and booleans
//! written as text, as serde_json does).

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, TryLockError};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use pyo3::IntoPyObjectExt;
use serde::ser::{self, Serialize};

/// The Python strings kept across reports (the names and keys never emptied, the values when
/// full): the module refuses sub-interpreters (PyO3's default), so one table serves the process.
#[derive(Default)]
struct Names {
    /// Static names (address, length) → their interned string: the field and variant names of
    /// the library's report types, a few hundred at most.
    statics: HashMap<(usize, usize), Py<PyString>, BuildHasherDefault<WordHasher>>,
    /// Map keys by their text: the keys of the checks' `details` and of the JSON values in them
    /// (`path`, `issuer`, `serial`…) are owned strings, but a small vocabulary of the library's.
    /// Bounded ([`MAX_KEYS`] keys of at most [`MAX_KEY_BYTES`]) whatever maps a report holds.
    keys: HashMap<Box<str>, Py<PyString>, BuildHasherDefault<WordHasher>>,
    /// Value strings kept across reports, by the hash of their text → (where the text is in
    /// `texts`, its length, the string). A report repeats its certificates' names, in the
    /// chains and in the messages, and the next report of the same issuer repeats them again,
    /// with the check names and most messages: each is made once and then shared (a `str` is
    /// immutable, so sharing one between reports is invisible but to `is`). Bounded
    /// ([`MAX_VALUES`] strings, [`MAX_VALUE_TEXT`] bytes of text): when full the table is
    /// emptied and fills again with what the following reports hold.
    values: HashMap<u64, (usize, usize, Py<PyString>), BuildHasherDefault<WordHasher>>,
    /// The texts of `values`, end to end.
    texts: Vec<u8>,
    /// The last report's string values in the order they were serialised, each with its
    /// Python string: the next report of the same kind and issuer serialises the same texts
    /// in the same order, so the k-th string is first compared with the k-th of the last
    /// report (one comparison, no hashing, no probe in `values`); the table is asked only
    /// when they differ. At most [`MAX_TAPE`] strings; each is (where its text starts in
    /// `tape_text`, its length, the string).
    tape: Vec<(usize, usize, Py<PyString>)>,
    /// The texts of `tape`, end to end in the order of the positions (read in that order: one
    /// run of memory rather than a heap block per string); a text that changes is written at
    /// the end, and the tape emptied when this exceeds [`MAX_TAPE_TEXT`].
    tape_text: Vec<u8>,
    /// The position in `tape` of the next string value of the report being converted.
    next_str: usize,
    /// The dicts of the last reports' structs as templates, by the struct's position in its
    /// report (the n-th struct serialised), its name and its number of fields: a dict is made
    /// as a copy of its template (one allocation and a copy of the table, instead of a key
    /// insertion each, with the table growing at 6, 11 and 22 keys) whose values are then
    /// replaced where they differ. The template holds the immutable values (str, int, bool,
    /// None) of the struct it was made from, so a field whose value is the same object (the kept strings
    /// above) is not set at all; a container's place holds None. Indexed by the position (at
    /// most [`MAX_SHAPES`]), [`WAYS`] templates each, the last used first: documents of a few
    /// kinds in turn keep theirs.
    shapes: Vec<[Option<Shape>; WAYS]>,
    /// The position of the next struct of the report being converted.
    next_struct: usize,
    /// Emptied field lists of structs, for the next structs to gather theirs in (a nested
    /// struct takes another): no allocation per struct.
    field_lists: Vec<Vec<(&'static str, Py<PyAny>)>>,
}

/// A template: a dict of a struct's keys in their order, with the values of the struct it was
/// made from.
struct Shape {
    /// The struct's name (its address: the same static text).
    name: usize,
    /// The template, never handed out (only its copies).
    dict: Py<PyDict>,
    /// Its fields in order, in one block.
    fields: Box<[ShapeField]>,
}

/// A field of a [`Shape`].
struct ShapeField {
    /// The field name (compared by address: the same static text).
    key: &'static str,
    /// Its interned Python string.
    key_obj: Py<PyString>,
    /// The address of the object the template holds under the key (what a new value is
    /// compared with: the same object needs no replacing).
    value: usize,
}

/// The templates kept per struct position.
const WAYS: usize = 4;

impl Names {
    /// The interned string of a static name (made and kept the first time).
    fn static_name(&mut self, py: Python<'_>, text: &'static str) -> &Py<PyString> {
        self.statics
            .entry((text.as_ptr() as usize, text.len()))
            .or_insert_with(|| PyString::intern(py, text).unbind())
    }

    /// Forgets the kept value strings.
    fn forget_values(&mut self) {
        self.values.clear();
        self.texts.clear();
        self.tape.clear();
        self.tape_text.clear();
        self.shapes.clear();
    }

    /// Readies the tables for the next report (its strings counted from the first).
    fn start_report(&mut self) {
        self.next_str = 0;
        self.next_struct = 0;
    }
}

/// The most map keys [`Names::keys`] keeps, and the longest.
const MAX_KEYS: usize = 2048;
const MAX_KEY_BYTES: usize = 48;
/// The value strings [`Names::values`] keeps: at most this long (longer ones are rare and
/// seldom recur), at most this many, and this many bytes of text in all.
const MAX_VALUE_BYTES: usize = 1024;
const MAX_VALUES: usize = 4096;
const MAX_VALUE_TEXT: usize = 256 << 10;
/// The most string values [`Names::tape`] keeps (each at most [`MAX_VALUE_BYTES`]).
const MAX_TAPE: usize = 1024;
/// The bytes of text [`Names::tape`] holds before it is emptied.
const MAX_TAPE_TEXT: usize = 256 << 10;
/// The struct positions [`Names::shapes`] keeps templates for (the structs beyond are made
/// key by key).
const MAX_SHAPES: usize = 1024;

static NAMES: Mutex<Option<Names>> = Mutex::new(None);

/// A hasher for addresses and short keys: a multiply per machine word (the default SipHash
/// would cost more than the lookup it serves; the keys are not chosen by an adversary).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
        // The bytes left: the text's last 8 (overlapping the words above) when it has that
        // many, or read as two overlapping halves; the callers hash the length as well.
        let rest = chunks.remainder().len();
        if rest == 0 {
            return;
        }
        let n = bytes.len();
        let word = if n >= 8 {
            let mut last = [0; 8];
            last.copy_from_slice(&bytes[n - 8..]);
            u64::from_le_bytes(last)
        } else if n >= 4 {
            let (mut low, mut high) = ([0; 4], [0; 4]);
            low.copy_from_slice(&bytes[..4]);
            high.copy_from_slice(&bytes[n - 4..]);
            u64::from(u32::from_le_bytes(low)) | u64::from(u32::from_le_bytes(high)) << 32
        } else {
            u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16
        };
        self.write_u64(word);
    }

    fn write_u8(&mut self, byte: u8) {
        self.write_u64(u64::from(byte));
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `value` as the Python object of its JSON.
pub(crate) fn to_python<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> Result<Bound<'py, PyAny>> {
    // Taken once for the whole report. `try_lock`: should this thread already hold it (a
    // finaliser run by the garbage collector during a conversion, itself converting a report)
    // or another thread hold it while waiting for the GIL we hold, convert without the table
    // rather than deadlock.
    let mut guard = match NAMES.try_lock() {
        Ok(guard) => guard,
        // A conversion that panicked (PyO3 turns the panic into an exception) left the table
        // locked-and-poisoned, perhaps holding its report's strings: forget those, go on.
        Err(TryLockError::Poisoned(poisoned)) => {
            NAMES.clear_poison();
            let mut guard = poisoned.into_inner();
            if let Some(names) = guard.as_mut() {
                names.forget_values();
            }
            guard
        }
        Err(TryLockError::WouldBlock) => return value.serialize(ToPy::new(py, None)),
    };
    let names = guard.get_or_insert_with(Names::default);
    names.start_report();
    value.serialize(ToPy::new(py, Some(names)))
}

/// A conversion's failure: a Python error (out of memory), or a value JSON cannot hold (a map
/// key that is neither text nor a number), or serde's custom message.
#[derive(Debug)]
pub(crate) struct Error(ErrorKind);

#[derive(Debug)]
enum ErrorKind {
    Python(PyErr),
    Message(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            ErrorKind::Python(e) => write!(f, "{e}"),
            ErrorKind::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Error(ErrorKind::Message(message.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(ErrorKind::Python(e))
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        match e.0 {
            ErrorKind::Python(e) => e,
            ErrorKind::Message(m) => PyValueError::new_err(m),
        }
    }
}

/// The serializer; `names` is the table of kept strings (absent: each string made afresh).
struct ToPy<'a, 'py> {
    py: Python<'py>,
    names: Option<&'a mut Names>,
    /// Serialising a map key: a string is looked up in [`Names::keys`].
    key: bool,
}

impl<'a, 'py> ToPy<'a, 'py> {
    fn new(py: Python<'py>, names: Option<&'a mut Names>) -> Self {
        ToPy { py, names, key: false }
    }
}

/// The interned Python string of a static name, from the table (made and kept the first time).
fn name<'py>(py: Python<'py>, names: Option<&mut Names>, text: &'static str) -> Bound<'py, PyString> {
    match names {
        Some(names) => names.static_name(py, text).bind(py).clone(),
        None => PyString::new(py, text),
    }
}

/// Sets `dict[name] = value`, the key a static name from the table (borrowed: no reference
/// taken and dropped).
fn set_named<'py>(
    dict: &Bound<'py, PyDict>,
    names: Option<&mut Names>,
    text: &'static str,
    value: Bound<'py, PyAny>,
) -> Result<()> {
    let py = dict.py();
    match names {
        Some(names) => dict.set_item(names.static_name(py, text).bind(py), value)?,
        None => dict.set_item(PyString::new(py, text), value)?,
    }
    Ok(())
}

/// The Python string of a map key: the last report's at the same position, or from the table
/// when it is there or fits.
fn map_key<'py>(py: Python<'py>, names: Option<&mut Names>, text: &str) -> Bound<'py, PyString> {
    let Some(names) = names.filter(|_| text.len() <= MAX_KEY_BYTES) else {
        return PyString::new(py, text);
    };
    taped(py, names, text, |py, names, text| {
        if let Some(kept) = names.keys.get(text) {
            return kept.bind(py).clone();
        }
        let made = PyString::intern(py, text);
        if names.keys.len() < MAX_KEYS {
            names.keys.insert(text.into(), made.clone().unbind());
        }
        made
    })
}

/// The Python string of a value: the last report's at the same position, or the one kept for
/// the same text, if any (made and kept otherwise, while the table has room).
fn value_str<'py>(py: Python<'py>, names: Option<&mut Names>, text: &str) -> Bound<'py, PyString> {
    let Some(names) = names.filter(|_| (1..=MAX_VALUE_BYTES).contains(&text.len())) else {
        return PyString::new(py, text);
    };
    taped(py, names, text, table_str)
}

/// The string at the report's next position in [`Names::tape`] if its text is `text`, else the
/// one `find` gives (then written at that position for the next report).
fn taped<'py>(
    py: Python<'py>,
    names: &mut Names,
    text: &str,
    find: impl FnOnce(Python<'py>, &mut Names, &str) -> Bound<'py, PyString>,
) -> Bound<'py, PyString> {
    let at = names.next_str;
    names.next_str += 1;
    if let Some((start, len, kept)) = names.tape.get(at) {
        if *len == text.len() && names.tape_text.get(*start..*start + *len) == Some(text.as_bytes()) {
            return kept.bind(py).clone();
        }
    }
    let found = find(py, names, text);
    if names.tape_text.len() + text.len() > MAX_TAPE_TEXT {
        names.tape.clear();
        names.tape_text.clear();
    }
    let start = names.tape_text.len();
    if let Some(slot) = names.tape.get_mut(at) {
        *slot = (start, text.len(), found.clone().unbind());
    } else if at == names.tape.len() && at < MAX_TAPE {
        names.tape.push((start, text.len(), found.clone().unbind()));
    } else {
        return found;
    }
    names.tape_text.extend_from_slice(text.as_bytes());
    found
}

/// The Python string of a value from [`Names::values`] (made and kept there if it is not).
fn table_str<'py>(py: Python<'py>, names: &mut Names, text: &str) -> Bound<'py, PyString> {
    let mut hasher = WordHasher::default();
    hasher.write(text.as_bytes());
    hasher.write_usize(text.len());
    let hash = hasher.finish();
    if let Some((start, len, kept)) = names.values.get(&hash) {
        if names.texts.get(*start..*start + *len) == Some(text.as_bytes()) {
            return kept.bind(py).clone();
        }
        // Another text with the same hash: made apart, not kept.
        return PyString::new(py, text);
    }
    let made = PyString::new(py, text);
    if names.values.len() >= MAX_VALUES || names.texts.len() + text.len() > MAX_VALUE_TEXT {
        names.forget_values();
    }
    names
        .values
        .insert(hash, (names.texts.len(), text.len(), made.clone().unbind()));
    names.texts.extend_from_slice(text.as_bytes());
    made
}

type Result<T> = std::result::Result<T, Error>;

impl<'a, 'py> ser::Serializer for ToPy<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = Variant<Seq<'a, 'py>>;
    type SerializeMap = Map<'a, 'py>;
    type SerializeStruct = Struct<'a, 'py>;
    type SerializeStructVariant = Variant<Struct<'a, 'py>>;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }

    fn serialize_i8(self, v: i8) -> Result<Self::Ok> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Self::Ok> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Self::Ok> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Self::Ok> {
        Ok(PyInt::new(self.py, v).into_any())
    }

    fn serialize_i128(self, v: i128) -> Result<Self::Ok> {
        Ok(v.into_bound_py_any(self.py)?)
    }

    fn serialize_u8(self, v: u8) -> Result<Self::Ok> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Self::Ok> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Self::Ok> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Self::Ok> {
        Ok(PyInt::new(self.py, v).into_any())
    }

    fn serialize_u128(self, v: u128) -> Result<Self::Ok> {
        Ok(v.into_bound_py_any(self.py)?)
    }

    fn serialize_f32(self, v: f32) -> Result<Self::Ok> {
        // serde_json prints an f32 as its own shortest decimal (0.1, not 0.10000000149011612),
        // which JSON readers then read as the nearest f64.
        if !v.is_finite() {
            return self.serialize_unit();
        }
        let shortest: f64 = v.to_string().parse().unwrap_or(f64::from(v));
        self.serialize_f64(shortest)
    }

    fn serialize_f64(self, v: f64) -> Result<Self::Ok> {
        if !v.is_finite() {
            return self.serialize_unit();
        }
        Ok(PyFloat::new(self.py, v).into_any())
    }

    fn serialize_char(self, v: char) -> Result<Self::Ok> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Self::Ok> {
        if self.key {
            return Ok(map_key(self.py, self.names, v).into_any());
        }
        Ok(value_str(self.py, self.names, v).into_any())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Self::Ok> {
        Ok(PyList::new(self.py, v)?.into_any())
    }

    fn serialize_none(self) -> Result<Self::Ok> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Self::Ok> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<Self::Ok> {
        Ok(name(self.py, self.names, variant).into_any())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        let ToPy { py, mut names, .. } = self;
        let value = value.serialize(ToPy::new(py, names.as_deref_mut()))?;
        let dict = PyDict::new(py);
        set_named(&dict, names, variant, value)?;
        Ok(dict.into_any())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a, 'py>> {
        Ok(Seq {
            py: self.py,
            names: self.names,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'py>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a, 'py>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq<'a, 'py>>> {
        Ok(Variant {
            variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'py>> {
        Ok(Map {
            py: self.py,
            names: self.names,
            dict: PyDict::new(self.py),
            key: None,
        })
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Struct<'a, 'py>> {
        let mut names = self.names;
        let (at, fields) = match names.as_deref_mut() {
            Some(names) => {
                names.next_struct += 1;
                (names.next_struct - 1, names.field_lists.pop())
            }
            None => (0, None),
        };
        Ok(Struct {
            py: self.py,
            names,
            at,
            name,
            fields: fields.unwrap_or_else(|| Vec::with_capacity(len)),
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Struct<'a, 'py>>> {
        Ok(Variant {
            variant,
            inner: self.serialize_struct(name, len)?,
        })
    }
}

/// A list (sequences, tuples, byte strings).
struct Seq<'a, 'py> {
    py: Python<'py>,
    names: Option<&'a mut Names>,
    items: Vec<Bound<'py, PyAny>>,
}

impl<'py> Seq<'_, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let item = value.serialize(ToPy::new(self.py, self.names.as_deref_mut()))?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Result<Bound<'py, PyAny>> {
        Ok(PyList::new(self.py, self.items)?.into_any())
    }
}

/// The three sequence forms serde_json writes as a JSON array, each a Python list.
macro_rules! list_form {
    ($form:ident, $element:ident) => {
        impl<'py> ser::$form for Seq<'_, 'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = Error;

            fn $element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.push(value)
            }

            fn end(self) -> Result<Self::Ok> {
                self.finish()
            }
        }
    };
}

list_form!(SerializeSeq, serialize_element);
list_form!(SerializeTuple, serialize_element);
list_form!(SerializeTupleStruct, serialize_field);

/// A dict of a struct: its keys are the field names, static. The fields are gathered first,
/// then the dict made from the template of the same position and keys when there is one.
struct Struct<'a, 'py> {
    py: Python<'py>,
    names: Option<&'a mut Names>,
    /// The struct's position in its report, and its name (with the number of fields, what
    /// finds its template).
    at: usize,
    name: &'static str,
    fields: Vec<(&'static str, Py<PyAny>)>,
}

/// The most emptied field lists [`Names::field_lists`] keeps (one per level of nesting).
const MAX_FIELD_LISTS: usize = 32;

impl<'py> Struct<'_, 'py> {
    /// The dict of the fields gathered.
    fn finish(&mut self) -> Result<Bound<'py, PyDict>> {
        let py = self.py;
        let mut fields = std::mem::take(&mut self.fields);
        let Some(names) = self.names.as_deref_mut() else {
            let dict = PyDict::new(py);
            for (key, value) in fields {
                set_named(&dict, None, key, value.into_bound(py))?;
            }
            return Ok(dict);
        };
        let made = struct_dict(py, names, self.at, self.name, &mut fields);
        if names.field_lists.len() < MAX_FIELD_LISTS {
            fields.clear();
            names.field_lists.push(fields);
        }
        made
    }
}

/// The dict of a struct's `fields` (taken out of the list), from the template of its position
/// `at` when one has the same name and keys (made key by key, and kept as a template, if not).
fn struct_dict<'py>(
    py: Python<'py>,
    names: &mut Names,
    at: usize,
    name: &'static str,
    fields: &mut Vec<(&'static str, Py<PyAny>)>,
) -> Result<Bound<'py, PyDict>> {
    let name = name.as_ptr() as usize;
    if let Some(ways) = names.shapes.get_mut(at) {
        let hit = ways.iter().position(|way| {
            way.as_ref().is_some_and(|shape| {
                shape.name == name
                    && shape.fields.len() == fields.len()
                    && shape
                        .fields
                        .iter()
                        .zip(fields.iter())
                        .all(|(kept, (key, _))| std::ptr::eq(kept.key, *key))
            })
        });
        if let Some(way) = hit {
            // The last used first.
            ways[..=way].rotate_right(1);
            if let Some(shape) = &ways[0] {
                return from_template(py, shape, fields.drain(..));
            }
        }
    }
    // Made key by key; a template of it kept for the reports that follow.
    let dict = PyDict::new(py);
    let template = PyDict::new(py);
    let mut shape_fields = Vec::with_capacity(fields.len());
    for (key, value) in fields.drain(..) {
        let value = value.into_bound(py);
        let key_obj = names.static_name(py, key).clone_ref(py);
        let kept = if immutable(&value) {
            value.clone()
        } else {
            py.None().into_bound(py)
        };
        dict.set_item(&key_obj, value)?;
        template.set_item(&key_obj, &kept)?;
        shape_fields.push(ShapeField {
            key,
            key_obj,
            value: kept.as_ptr() as usize,
        });
    }
    if at >= MAX_SHAPES {
        return Ok(dict);
    }
    if names.shapes.len() <= at {
        names.shapes.resize_with(at + 1, Default::default);
    }
    let ways = &mut names.shapes[at];
    ways.rotate_right(1);
    ways[0] = Some(Shape {
        name,
        dict: template.unbind(),
        fields: shape_fields.into_boxed_slice(),
    });
    Ok(dict)
}

/// A copy of `shape`'s template with `fields`' values where they are not the template's
/// objects already.
fn from_template<'py>(
    py: Python<'py>,
    shape: &Shape,
    fields: impl Iterator<Item = (&'static str, Py<PyAny>)>,
) -> Result<Bound<'py, PyDict>> {
    let template = shape.dict.bind(py);
    let dict = template.copy()?;
    for ((_, value), kept) in fields.zip(shape.fields.iter()) {
        let value = value.into_bound(py);
        if value.as_ptr() as usize == kept.value {
            continue;
        }
        dict.set_item(kept.key_obj.bind(py), value)?;
    }
    Ok(dict)
}

/// Whether `value` is of a type whose objects cannot change (what a template may hold and its
/// copies share): str, int, bool and None.
fn immutable(value: &Bound<'_, PyAny>) -> bool {
    value.is_exact_instance_of::<PyString>()
        || value.is_none()
        || value.is_exact_instance_of::<PyInt>()
        || value.is_exact_instance_of::<PyBool>()
}

impl<'py> ser::SerializeStruct for Struct<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        let value = value.serialize(ToPy::new(self.py, self.names.as_deref_mut()))?;
        self.fields.push((key, value.unbind()));
        Ok(())
    }

    fn end(mut self) -> Result<Self::Ok> {
        Ok(self.finish()?.into_any())
    }
}

/// A dict of a map: keys of any serialisable type, made strings as serde_json makes them.
struct Map<'a, 'py> {
    py: Python<'py>,
    names: Option<&'a mut Names>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

impl<'py> Map<'_, 'py> {
    /// `key` as the str JSON would have: str as is, integers and booleans as their text.
    fn key(&mut self, key: Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
        if key.is_instance_of::<PyString>() {
            Ok(key)
        } else if let Ok(b) = key.cast::<PyBool>() {
            Ok(PyString::new(self.py, if b.is_true() { "true" } else { "false" }).into_any())
        } else if key.is_instance_of::<PyInt>() {
            Ok(key.str()?.into_any())
        } else {
            Err(ser::Error::custom("a map key must be a string or a number"))
        }
    }
}

impl<'py> ser::SerializeMap for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        let key = key.serialize(ToPy {
            py: self.py,
            names: self.names.as_deref_mut(),
            key: true,
        })?;
        self.key = Some(self.key(key)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without its key"))?;
        let value = value.serialize(ToPy::new(self.py, self.names.as_deref_mut()))?;
        self.dict.set_item(key, value)?;
        Ok(())
    }

    fn end(self) -> Result<Self::Ok> {
        Ok(self.dict.into_any())
    }
}

/// An enum variant with contents: `{variant: contents}`, as serde_json's external tagging.
struct Variant<Inner> {
    variant: &'static str,
    inner: Inner,
}

impl<'py> Variant<Seq<'_, 'py>> {
    fn wrap(self) -> Result<Bound<'py, PyAny>> {
        let py = self.inner.py;
        let Seq { names, items, .. } = self.inner;
        let list = PyList::new(py, items)?;
        let dict = PyDict::new(py);
        set_named(&dict, names, self.variant, list.into_any())?;
        Ok(dict.into_any())
    }
}

impl<'py> ser::SerializeTupleVariant for Variant<Seq<'_, 'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.inner.push(value)
    }

    fn end(self) -> Result<Self::Ok> {
        self.wrap()
    }
}

impl<'py> ser::SerializeStructVariant for Variant<Struct<'_, 'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }

    fn end(mut self) -> Result<Self::Ok> {
        let dict = self.inner.finish()?;
        let outer = PyDict::new(self.inner.py);
        set_named(&outer, self.inner.names, self.variant, dict.into_any())?;
        Ok(outer.into_any())
    }
}
