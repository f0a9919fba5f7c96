//! The JSON value used everywhere in the engine.
//!
//! Values are immutable trees with reference-counted children, so passing a
//! state's 48 KiB payload from state to state, into history events and into
//! the context object costs a pointer copy, not a deep clone. Composite nodes
//! remember the length of their compact JSON text once computed, which is what
//! makes the 256 KiB payload check cheap on every state.

use indexmap::IndexMap;
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

/// An object's members, in insertion order (AWS keeps key order in outputs).
///
/// Most objects in state data are small, so members live in a vector searched linearly;
/// a hash index is built only past [`INDEX_THRESHOLD`] members. That keeps the step loop
/// free of hashing and of the table allocation every new object would otherwise pay.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(Rc<str>, Value)>,
    index: Option<Box<IndexMap<Rc<str>, usize, FixedState>>>,
}

/// Members beyond which a [`Map`] keeps a hash index.
pub const INDEX_THRESHOLD: usize = 16;

impl Map {
    pub fn new() -> Map {
        Map::default()
    }
    pub fn with_capacity(n: usize) -> Map {
        Map { entries: Vec::with_capacity(n), index: None }
    }
    /// Same as [`Map::with_capacity`] (kept for callers written against `IndexMap`).
    pub fn with_capacity_and_hasher(n: usize, _: FixedState) -> Map {
        Map::with_capacity(n)
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| &**k == key),
        }
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].1)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(move |i| &mut self.entries[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }
    /// Insert or replace; a replaced member keeps its position, as in `IndexMap`.
    /// A copy with room for `extra` more members, so they can be added without growing.
    pub fn clone_with_room(&self, extra: usize) -> Map {
        let mut entries = Vec::with_capacity(self.entries.len() + extra);
        entries.extend(self.entries.iter().cloned());
        Map { entries, index: self.index.clone() }
    }
    pub fn insert(&mut self, key: Rc<str>, value: Value) -> Option<Value> {
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(&mut self.entries[i].1, value));
        }
        if let Some(ix) = &mut self.index {
            ix.insert(key.clone(), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > INDEX_THRESHOLD {
            self.reindex();
        }
        None
    }
    fn reindex(&mut self) {
        if self.entries.len() > INDEX_THRESHOLD {
            let mut ix = IndexMap::with_capacity_and_hasher(self.entries.len(), FixedState::default());
            for (i, (k, _)) in self.entries.iter().enumerate() {
                ix.insert(k.clone(), i);
            }
            self.index = Some(Box::new(ix));
        } else {
            self.index = None;
        }
    }
    /// Remove a member, keeping the others in order.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        let (_, v) = self.entries.remove(i);
        if self.index.is_some() {
            self.reindex();
        }
        Some(v)
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&Rc<str>, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.index.is_some() {
            self.reindex();
        }
    }
    /// The member for `key`, inserting the value `make` gives when it is absent.
    pub fn entry_or_insert_with(&mut self, key: Rc<str>, make: impl FnOnce() -> Value) -> &mut Value {
        let i = match self.position(&key) {
            Some(i) => i,
            None => {
                self.insert(key, make());
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Rc<str>, &Value)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Rc<str>, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Rc<str>> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
    pub fn first(&self) -> Option<(&Rc<str>, &Value)> {
        self.entries.first().map(|(k, v)| (k, v))
    }
    pub fn last(&self) -> Option<(&Rc<str>, &Value)> {
        self.entries.last().map(|(k, v)| (k, v))
    }
    pub fn get_index(&self, i: usize) -> Option<(&Rc<str>, &Value)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl FromIterator<(Rc<str>, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (Rc<str>, Value)>>(iter: I) -> Map {
        let mut m = Map::new();
        m.extend(iter);
        m
    }
}

impl Extend<(Rc<str>, Value)> for Map {
    fn extend<I: IntoIterator<Item = (Rc<str>, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Map {
    type Item = (Rc<str>, Value);
    type IntoIter = std::vec::IntoIter<(Rc<str>, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Rc<str>, &'a Value);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Rc<str>, Value)>, fn(&'a (Rc<str>, Value)) -> (&'a Rc<str>, &'a Value)>;
    fn into_iter(self) -> Self::IntoIter {
        fn pair(e: &(Rc<str>, Value)) -> (&Rc<str>, &Value) {
            (&e.0, &e.1)
        }
        self.entries.iter().map(pair as fn(&'a (Rc<str>, Value)) -> (&'a Rc<str>, &'a Value))
    }
}

/// A hash map with the fixed hasher (no per-process random keys, so nothing here reads OS
/// entropy and iteration order never varies between runs).
pub type FixedHashMap<K, V> = std::collections::HashMap<K, V, FixedState>;

/// The Fx hash (as in rustc): fast for short keys, and the same on every run and platform.
#[derive(Clone, Copy, Default, Debug)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `BuildHasher` for [`FxHasher`].
pub type FixedState = std::hash::BuildHasherDefault<FxHasher>;

/// A JSON number: integers stay integers, so `1` prints as `1` and `1.5` as `1.5`.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    /// The number as a double, for arithmetic and comparison.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
    /// The number as an integer when it is one exactly (`2.0` counts).
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
            Number::Float(_) => None,
        }
    }
    /// Whether the JSON text of this number had no fraction or exponent.
    pub fn is_integer(self) -> bool {
        matches!(self, Number::Int(_))
    }
    /// A number from a double, kept as an integer when it is one and fits.
    pub fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            _ => self.as_f64() == other.as_f64(),
        }
    }
}

/// A JSON value. Cloning is O(1).
#[derive(Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(Rc<str>),
    Array(Rc<Array>),
    Object(Rc<Object>),
}

/// An array node: its items and the cached length of its JSON text.
pub struct Array {
    items: Vec<Value>,
    json_len: Cell<u32>,
    depth: Cell<u32>,
}

/// An object node: its members and the cached length of its JSON text.
pub struct Object {
    members: Map,
    json_len: Cell<u32>,
    depth: Cell<u32>,
}

/// The memo of a composite not measured yet. Memos are `u32` (a composite's header is
/// then 8 bytes smaller) and saturate one below this: far past the 256 KiB payload limit.
const UNKNOWN: u32 = u32::MAX;

impl Clone for Array {
    fn clone(&self) -> Array {
        Array { items: self.items.clone(), json_len: Cell::new(self.json_len.get()), depth: Cell::new(self.depth.get()) }
    }
}
impl Clone for Object {
    fn clone(&self) -> Object {
        Object { members: self.members.clone(), json_len: Cell::new(self.json_len.get()), depth: Cell::new(self.depth.get()) }
    }
}

impl std::ops::Deref for Array {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.items
    }
}
impl std::ops::Deref for Object {
    type Target = Map;
    fn deref(&self) -> &Map {
        &self.members
    }
}

impl Value {
    /// An array value.
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(Array { items, json_len: Cell::new(UNKNOWN), depth: Cell::new(u32::MAX) }))
    }
    /// An object value.
    pub fn object(members: Map) -> Value {
        Value::Object(Rc::new(Object { members, json_len: Cell::new(UNKNOWN), depth: Cell::new(u32::MAX) }))
    }
    /// An empty object.
    pub fn empty_object() -> Value {
        Value::object(Map::default())
    }
    /// A string value.
    pub fn string(s: &str) -> Value {
        Value::String(Rc::from(s))
    }
    /// An integer value.
    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }
    /// A number value from a double (integral doubles become integers).
    pub fn float(f: f64) -> Value {
        Value::Number(Number::from_f64(f))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(&a.items),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(o) => Some(&o.members),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// A member of an object, or `None`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }

    /// Mutable access to an object's members (copy-on-write); `None` for non-objects.
    pub fn object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(o) => {
                let o = Rc::make_mut(o);
                o.json_len.set(UNKNOWN);
                o.depth.set(u32::MAX);
                Some(&mut o.members)
            }
            _ => None,
        }
    }
    /// Mutable access to an array's items (copy-on-write); `None` for non-arrays.
    pub fn array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => {
                let a = Rc::make_mut(a);
                a.json_len.set(UNKNOWN);
                a.depth.set(u32::MAX);
                Some(&mut a.items)
            }
            _ => None,
        }
    }

    /// The JSON type name AWS uses in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The length in bytes of this value's compact JSON text (memoised on composites).
    pub fn json_len(&self) -> usize {
        match self {
            Value::Null => 4,
            Value::Bool(true) => 4,
            Value::Bool(false) => 5,
            Value::Number(Number::Int(i)) => int_len(*i),
            Value::Number(Number::Float(_)) => {
                let mut s = String::new();
                crate::json::write_value(&mut s, self);
                s.len()
            }
            Value::String(s) => string_json_len(s),
            Value::Array(a) if a.json_len.get() != UNKNOWN => a.json_len.get() as usize,
            Value::Object(o) if o.json_len.get() != UNKNOWN => o.json_len.get() as usize,
            Value::Array(_) | Value::Object(_) => self.measure().0 as usize,
        }
    }

    /// Fills both memos of a composite (text length, depth) in one walk. Lengths
    /// saturate: a value built from shared parts can describe more text than fits.
    fn measure(&self) -> (u32, u32) {
        match self {
            Value::Array(a) => {
                let (len, depth) = (a.json_len.get(), a.depth.get());
                if len != UNKNOWN && depth != u32::MAX {
                    return (len, depth);
                }
                let mut n = sat(2 + a.items.len().saturating_sub(1));
                let mut d = 0;
                for item in &a.items {
                    let (l, e) = item.measure();
                    n = n.saturating_add(l);
                    d = d.max(e);
                }
                let n = n.min(UNKNOWN - 1);
                a.json_len.set(n);
                a.depth.set(d + 1);
                (n, d + 1)
            }
            Value::Object(o) => {
                let (len, depth) = (o.json_len.get(), o.depth.get());
                if len != UNKNOWN && depth != u32::MAX {
                    return (len, depth);
                }
                let mut n = sat(2 + o.members.len().saturating_sub(1));
                let mut d = 0;
                for (k, v) in &o.members {
                    let (l, e) = v.measure();
                    n = n.saturating_add(sat(string_json_len(k) + 1)).saturating_add(l);
                    d = d.max(e);
                }
                let n = n.min(UNKNOWN - 1);
                o.json_len.set(n);
                o.depth.set(d + 1);
                (n, d + 1)
            }
            scalar => (sat(scalar.json_len()), 0),
        }
    }

    /// How deeply arrays and objects nest in this value (a scalar is 0), memoised on composites.
    /// The engine bounds it on every state output, so recursive walks never meet a value
    /// deeper than the parser accepts.
    pub fn depth(&self) -> u32 {
        match self {
            Value::Array(a) if a.depth.get() != u32::MAX => a.depth.get(),
            Value::Object(o) if o.depth.get() != u32::MAX => o.depth.get(),
            Value::Array(_) | Value::Object(_) => self.measure().1,
            _ => 0,
        }
    }

    /// Whether two values are the same node: one shared allocation, or the same scalar
    /// (numbers bit for bit, so `1` and `1.0` differ). Cheaper than `==` and never
    /// walks; a `false` says nothing about equality.
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(Number::Int(a)), Value::Number(Number::Int(b))) => a == b,
            (Value::Number(Number::Float(a)), Value::Number(Number::Float(b))) => a.to_bits() == b.to_bits(),
            (Value::String(a), Value::String(b)) => Rc::ptr_eq(a, b),
            (Value::Array(a), Value::Array(b)) => Rc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut s = String::new();
        crate::json::write_value(&mut s, self);
        s
    }
}

/// A length as a memo: saturated below [`UNKNOWN`].
fn sat(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX).min(UNKNOWN - 1)
}

/// Bytes of an integer's decimal text (comparisons, not divisions: this runs on every new object).
fn int_len(i: i64) -> usize {
    let sign = usize::from(i < 0);
    let u = i.unsigned_abs();
    let mut digits = 1;
    let mut bound = 10u64;
    while digits < 20 && u >= bound {
        digits += 1;
        bound = bound.saturating_mul(10);
    }
    sign + digits
}

/// Bytes of a string's JSON literal, quotes and escapes included (as `json::write_string` writes it).
fn string_json_len(s: &str) -> usize {
    let mut n = s.len() + 2;
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        return n;
    }
    for &b in s.as_bytes() {
        match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => n += 1,
            0..=0x1f => n += 5,
            _ => {}
        }
    }
    n
}

impl PartialEq for Value {
    /// Deep equality; numbers compare by value, object members regardless of order.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => Rc::ptr_eq(a, b) || a.items == b.items,
            (Value::Object(a), Value::Object(b)) => {
                Rc::ptr_eq(a, b) || (a.members.len() == b.members.len() && a.members.iter().all(|(k, v)| b.members.get(k) == Some(v)))
            }
            _ => false,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Rc::from(s))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(Number::Int(i)) => s.serialize_i64(*i),
            Value::Number(Number::Float(f)) => s.serialize_f64(*f),
            Value::String(t) => s.serialize_str(t),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.items.len()))?;
                for v in &a.items {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(o) => {
                let mut map = s.serialize_map(Some(o.members.len()))?;
                for (k, v) in &o.members {
                    map.serialize_entry(&**k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Conversion from serde_json, for callers that hold serde values.
impl From<&serde_json::Value> for Value {
    fn from(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::int(i),
                None => Value::Number(Number::Float(n.as_f64().unwrap_or(0.0))),
            },
            serde_json::Value::String(s) => Value::string(s),
            serde_json::Value::Array(a) => Value::array(a.iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => Value::object(o.iter().map(|(k, v)| (Rc::from(k.as_str()), Value::from(v))).collect()),
        }
    }
}

impl From<&Value> for serde_json::Value {
    fn from(v: &Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(Number::Int(i)) => serde_json::Value::from(*i),
            Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(serde_json::Value::from).collect()),
            Value::Object(o) => serde_json::Value::Object(o.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(v))).collect()),
        }
    }
}
