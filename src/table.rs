//! Where a compiled policy keeps its data: one byte arena and one entry
//! array, either on the heap ([`alloc::vec::Vec`]) or in fixed capacity
//! ([`heapless::Vec`]). Keys are stored once in the arena; sets of keys are
//! open-addressing hash tables laid out inside the entry array, so a lookup
//! costs one hash and (nearly always) one comparison however many keys the
//! policy holds.

use core::ops::{Deref, DerefMut};

use crate::token::{Case, Probe};

/// A growable buffer that may refuse to grow (fixed capacity).
pub(crate) trait Buf<T: Copy>: Default + Deref<Target = [T]> + DerefMut {
    /// Appends `v`; `false` when the buffer is full.
    fn try_push(&mut self, v: T) -> bool;

    /// Appends all of `s`, or as much as fits; `false` when it did not all
    /// fit.
    fn try_extend(&mut self, s: &[T]) -> bool {
        s.iter().all(|&v| self.try_push(v))
    }

    /// Gives back spare capacity once compiling is done: a growing `Vec`
    /// doubles, and a policy of a million origins would otherwise keep up
    /// to twice the room it uses.
    fn shrink(&mut self) {}
}

#[cfg(feature = "alloc")]
impl<T: Copy> Buf<T> for alloc::vec::Vec<T> {
    fn try_push(&mut self, v: T) -> bool {
        self.push(v);
        true
    }

    fn try_extend(&mut self, s: &[T]) -> bool {
        self.extend_from_slice(s);
        true
    }

    fn shrink(&mut self) {
        self.shrink_to_fit();
    }
}

impl<T: Copy, const N: usize> Buf<T> for heapless::Vec<T, N> {
    fn try_push(&mut self, v: T) -> bool {
        self.push(v).is_ok()
    }
}

/// A range of the byte arena.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// Its length in bytes.
    pub(crate) fn len(self) -> usize {
        self.len as usize
    }
}

/// A range of the entry array.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Section {
    start: u32,
    len: u32,
}

/// What the port of an origin pattern accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PortRule {
    /// No port in the origin (the scheme's default).
    Default,
    /// Exactly this port text (e.g. `8443`).
    Exact(Span),
    /// Any valid port, or none.
    Any,
}

/// One slot of the entry array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// An unused hash-table slot.
    Empty,
    /// A key of a hash set, with the hash and words a [`Probe`] compares
    /// before looking at the arena (which only keys longer than 16 bytes
    /// need).
    Key {
        hash: u32,
        key: Span,
        first: u64,
        last: u64,
    },
    /// An origin pattern: `prefix` is `scheme://`, `host` the exact host or,
    /// when `subdomains`, the suffix starting with the dot (`.example.com`).
    Pattern {
        prefix: Span,
        host: Span,
        subdomains: bool,
        port: PortRule,
    },
}

// A probe reads one entry per slot: the key's words must not make the
// entries (and so the tables) larger than the pattern variant already does.
const _: () = assert!(core::mem::size_of::<Entry>() <= 32);

/// Counts what a policy needs while storing what fits, so that a fixed
/// capacity that is too small is reported with the capacity that would do.
#[derive(Clone)]
pub(crate) struct Arena<B, E> {
    pub(crate) bytes: B,
    pub(crate) entries: E,
    needed_bytes: usize,
    needed_entries: usize,
    full: bool,
}

impl<B: Buf<u8>, E: Buf<Entry>> Arena<B, E> {
    pub(crate) fn new() -> Self {
        Arena {
            bytes: B::default(),
            entries: E::default(),
            needed_bytes: 0,
            needed_entries: 0,
            full: false,
        }
    }

    /// Gives back the buffers' spare capacity (see [`Buf::shrink`]).
    pub(crate) fn shrink(&mut self) {
        self.bytes.shrink();
        self.entries.shrink();
    }

    /// `Some((bytes, entries))` needed when something did not fit.
    pub(crate) fn shortfall(&self) -> Option<(usize, usize)> {
        self.full
            .then_some((self.needed_bytes, self.needed_entries))
    }

    /// Stores `s` and returns where it lives.
    pub(crate) fn push_bytes(&mut self, s: &[u8]) -> Span {
        let start = self.needed_bytes;
        self.needed_bytes += s.len();
        if !self.full && !self.bytes.try_extend(s) {
            self.full = true;
        }
        self.span_since(start)
    }

    /// Stores `s` in ASCII lower case.
    pub(crate) fn push_lower(&mut self, s: &[u8]) -> Span {
        let start = self.needed_bytes;
        for &b in s {
            self.push_bytes(&[b.to_ascii_lowercase()]);
        }
        self.span_since(start)
    }

    /// The bytes stored since `start`; marks the arena full if offsets
    /// outgrow `u32` (a configuration of gigabytes).
    fn span_since(&mut self, start: usize) -> Span {
        match (
            u32::try_from(start),
            u32::try_from(self.needed_bytes - start),
        ) {
            (Ok(start), Ok(len)) if !self.full => Span { start, len },
            _ => {
                self.full = true;
                Span::default()
            }
        }
    }

    /// Where the next entry will go, to delimit a list with [`Arena::section`].
    pub(crate) fn mark(&self) -> usize {
        self.needed_entries
    }

    /// Stores `s` followed by the next strings, each after `sep`, in one span.
    pub(crate) fn push_joined(&mut self, items: &[&str], sep: &[u8]) -> Span {
        let start = self.needed_bytes;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.push_bytes(sep);
            }
            self.push_bytes(item.as_bytes());
        }
        self.span_since(start)
    }

    /// Stores `keys` in ASCII lower case, sorted bytewise, without
    /// duplicates, joined by `,`: the form in which browsers send
    /// `Access-Control-Request-Headers`, for `acrh::leading_names`.
    /// Sorted by repeated selection, which needs no allocation (compiling
    /// happens once, and lists of header names are short).
    pub(crate) fn push_sorted_joined<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k [u8]> + Clone,
    ) -> Span {
        let lower = |k: &'k [u8]| k.iter().map(u8::to_ascii_lowercase);
        let start = self.needed_bytes;
        let mut last: Option<&'k [u8]> = None;
        loop {
            let after_last = |k: &&'k [u8]| last.is_none_or(|l| lower(k).gt(lower(l)));
            let Some(next) = keys
                .clone()
                .filter(after_last)
                .min_by(|a, b| lower(a).cmp(lower(b)))
            else {
                break;
            };
            if last.is_some() {
                self.push_bytes(b",");
            }
            self.push_lower(next);
            last = Some(next);
        }
        self.span_since(start)
    }

    pub(crate) fn push_entry(&mut self, e: Entry) {
        self.needed_entries += 1;
        if !self.full && !self.entries.try_push(e) {
            self.full = true;
        }
    }

    /// Builds a hash set of `keys` (already normalised: lower case when
    /// `case` is insensitive). Duplicates are stored once.
    pub(crate) fn push_set<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k [u8]> + Clone,
        case: Case,
    ) -> Section {
        let n = keys.clone().count();
        self.push_set_of(keys, case, n)
    }

    /// [`Arena::push_set`] of `n` keys, known beforehand: the caller spares
    /// a pass over keys that are costly to produce (parsed origins).
    pub(crate) fn push_set_of<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k [u8]> + Clone,
        case: Case,
        n: usize,
    ) -> Section {
        let start = self.needed_entries;
        if n == 0 {
            return self.section(start);
        }
        // Load factor at most 1/2: probes stay short and always find a hole.
        let slots = (n * 2).next_power_of_two();
        for _ in 0..slots {
            self.push_entry(Entry::Empty);
        }
        let section = self.section(start);
        if self.full {
            // Still count the key bytes so the report names a sufficient size.
            for k in keys {
                self.push_bytes(k);
            }
            return section;
        }
        for k in keys {
            let probe = Probe::new(k, case);
            if self.contains(section, &probe) {
                continue;
            }
            let key = match case {
                Case::Sensitive => self.push_bytes(k),
                // Stored in lower case, so lookups fold only their own side.
                Case::Insensitive => self.push_lower(k),
            };
            if self.full {
                continue;
            }
            let mask = slots - 1;
            let mut i = probe.hash as usize & mask;
            let base = section.start as usize;
            while self.entries[base + i] != Entry::Empty {
                i = (i + 1) & mask;
            }
            // The probe's words are already folded: those of the stored key.
            self.entries[base + i] = Entry::Key {
                hash: probe.hash,
                key,
                first: probe.first,
                last: probe.last,
            };
        }
        section
    }

    /// The entries pushed since `start` (from [`Arena::mark`]).
    pub(crate) fn section(&mut self, start: usize) -> Section {
        let len = self.needed_entries - start;
        match (u32::try_from(start), u32::try_from(len)) {
            (Ok(start), Ok(len)) => Section { start, len },
            _ => {
                self.full = true;
                Section::default()
            }
        }
    }

    /// The bytes a span refers to.
    #[inline]
    pub(crate) fn get(&self, span: Span) -> &[u8] {
        let start = span.start as usize;
        self.bytes
            .get(start..start + span.len as usize)
            .unwrap_or(&[])
    }

    /// The entries of a section.
    #[inline]
    pub(crate) fn list(&self, section: Section) -> &[Entry] {
        let start = section.start as usize;
        self.entries
            .get(start..start + section.len as usize)
            .unwrap_or(&[])
    }

    /// Is the probed key in the set `section`?
    // Inlined so that the probe stays in registers.
    #[inline(always)]
    pub(crate) fn contains(&self, section: Section, p: &Probe<'_>) -> bool {
        let slots = self.list(section);
        if slots.is_empty() {
            return false;
        }
        let mask = slots.len() - 1;
        let mut i = p.hash as usize & mask;
        // Bounded by the table size; a hole is always reached first because
        // the table is at most half full.
        for _ in 0..slots.len() {
            match slots[i] {
                Entry::Key {
                    hash,
                    key,
                    first,
                    last,
                } if hash == p.hash
                    && first == p.first
                    && last == p.last
                    && key.len as usize == p.bytes.len()
                    && (p.bytes.len() <= 16 || p.middle_eq(self.get(key))) =>
                {
                    return true
                }
                Entry::Empty => return false,
                _ => i = (i + 1) & mask,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Small = Arena<heapless::Vec<u8, 64>, heapless::Vec<Entry, 8>>;

    #[test]
    fn set_lookup_and_duplicates() {
        let mut a: Small = Arena::new();
        let keys = [&b"get"[..], b"put", b"get"];
        let s = a.push_set(keys.iter().copied(), Case::Sensitive);
        assert!(a.shortfall().is_none());
        assert_eq!(a.bytes.len(), 6, "duplicate stored once");
        for k in [&b"get"[..], b"put"] {
            assert!(a.contains(s, &Probe::new(k, Case::Sensitive)));
        }
        let k = b"GET";
        assert!(!a.contains(s, &Probe::new(k, Case::Sensitive)));
    }

    #[test]
    fn case_insensitive_set() {
        let mut a: Small = Arena::new();
        let s = a.push_set([&b"x-a"[..]].into_iter(), Case::Insensitive);
        let k = b"X-A";
        assert!(a.contains(s, &Probe::new(k, Case::Insensitive)));
    }

    #[test]
    fn empty_set_contains_nothing() {
        let mut a: Small = Arena::new();
        let s = a.push_set(core::iter::empty(), Case::Sensitive);
        assert!(!a.contains(s, &Probe::new(b"", Case::Sensitive)));
    }

    #[test]
    fn overflow_reports_what_is_needed() {
        let mut a: Small = Arena::new();
        let keys: [&[u8]; 5] = [b"aaaaaaaaaaaaaaaaaaaa", b"b", b"c", b"d", b"e"];
        a.push_set(keys.iter().copied(), Case::Sensitive);
        assert_eq!(a.shortfall(), Some((24, 16)));
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn a_thousand_keys_all_found() {
        use alloc::format;
        use alloc::vec::Vec;
        let keys: Vec<_> = (0..1000).map(|i| format!("https://o{i}.example")).collect();
        let mut a: Arena<Vec<u8>, Vec<Entry>> = Arena::new();
        let s = a.push_set(keys.iter().map(|k| k.as_bytes()), Case::Sensitive);
        for k in &keys {
            let k = k.as_bytes();
            assert!(a.contains(s, &Probe::new(k, Case::Sensitive)));
        }
        let k = b"https://o1000.example";
        assert!(!a.contains(s, &Probe::new(k, Case::Sensitive)));
    }
}
