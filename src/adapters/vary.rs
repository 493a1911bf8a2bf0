//! Joining CORS's `Vary` names with the application's, shared by the
//! adapters whose frameworks keep `Vary` in a header map.

extern crate std;

use alloc::vec::Vec;
#[cfg(any(feature = "http", feature = "actix"))]
use core::cell::RefCell;
#[cfg(any(feature = "http", feature = "actix"))]
use std::thread::LocalKey;

#[cfg(any(feature = "http", feature = "actix"))]
/// Each adapter's per-thread [`LastJoin`], for its own header value type.
pub(crate) type Kept<V> = LocalKey<RefCell<LastJoin<V>>>;

#[cfg(any(feature = "http", feature = "actix"))]
/// Joins CORS's `Vary` names (`ours`) into the application's first `Vary`
/// line, in place: `Accept-Encoding` becomes `Accept-Encoding, Origin`
/// (some caches read only one line). The line is left alone when it lists
/// every name already, or `*`. The last join made on this thread is kept in
/// `kept` and reused when the same line comes again, which spares the
/// allocation.
///
/// Returns `false` only when the joined line is not a valid header value;
/// the caller then adds `ours` as a line of its own.
pub(crate) fn join_first_line<V>(first: &mut V, ours: &V, kept: &'static Kept<V>) -> bool
where
    V: Clone + PartialEq + AsRef<[u8]> + TryFrom<Vec<u8>>,
{
    if let Ok(Some(joined)) = kept.try_with(|last| last.borrow().get(first, ours)) {
        *first = joined;
        return true;
    }
    if lists_all(first.as_ref(), ours.as_ref()) {
        return true;
    }
    match V::try_from(joined(first.as_ref(), ours.as_ref())) {
        Ok(joined) => {
            let _ = kept.try_with(|last| {
                last.borrow_mut()
                    .keep(first.clone(), ours.clone(), joined.clone());
            });
            *first = joined;
            true
        }
        Err(_) => false,
    }
}

/// Whether the `Vary` value `line` lists every name in `ours`, or `*`.
pub(crate) fn lists_all(line: &[u8], ours: &[u8]) -> bool {
    let listed = |name: &[u8]| {
        line.split(|&b| b == b',')
            .map(<[u8]>::trim_ascii)
            .any(|n| n == b"*" || n.eq_ignore_ascii_case(name))
    };
    ours.split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .all(listed)
}

/// `first, second` in one allocation whose length is its capacity, so a
/// header value can take it over without a copy.
pub(crate) fn joined(first: &[u8], second: &[u8]) -> Vec<u8> {
    let mut joined = Vec::with_capacity(first.len() + 2 + second.len());
    joined.extend_from_slice(first);
    joined.extend_from_slice(b", ");
    joined.extend_from_slice(second);
    joined
}

#[cfg(any(feature = "http", feature = "actix"))]
/// The last `Vary` line an adapter joined with CORS's names, and the
/// result.
///
/// Applications send the same `Vary` on almost every response, so keeping
/// one join makes the next ones a comparison and a clone of the kept value
/// (for reference-counted values, no allocation). `V` is the framework's
/// header value type.
#[derive(Debug)]
pub(crate) struct LastJoin<V> {
    /// The application's line, CORS's names, and `joined` of the two.
    last: Option<(V, V, V)>,
}

#[cfg(any(feature = "http", feature = "actix"))]
impl<V: Clone + PartialEq + AsRef<[u8]>> LastJoin<V> {
    pub(crate) const fn new() -> Self {
        LastJoin { last: None }
    }

    /// The kept join of `line` and `ours`, if it is the last one made.
    pub(crate) fn get(&self, line: &V, ours: &V) -> Option<V> {
        let (app, names, joined) = self.last.as_ref()?;
        // CORS's names are the policy's constants: in practice the same
        // bytes at the same address, which spares comparing them.
        let (names, ours_bytes) = (names.as_ref(), ours.as_ref());
        let same_names = core::ptr::eq(names, ours_bytes) || names == ours_bytes;
        // An application's constant `Vary` is likewise the same bytes each
        // time.
        let (app, line) = (app.as_ref(), line.as_ref());
        let same_line = core::ptr::eq(app, line) || app == line;
        (same_names && same_line).then(|| joined.clone())
    }

    /// Keeps `joined`, the join of `line` and `ours`, in place of the last.
    pub(crate) fn keep(&mut self, line: V, ours: V, joined: V) {
        self.last = Some((line, ours, joined));
    }
}

/// What the application's `Vary` lines become, in order, for CORS's
/// `Origin`: each adapter's test runs them through its map type. A case
/// repeated is the kept join.
#[cfg(test)]
pub(crate) const JOIN_CASES: &[(&[&str], &[&str])] = &[
    (&[], &["Origin"]),
    (&["Accept-Encoding"], &["Accept-Encoding, Origin"]),
    (&["Accept-Encoding"], &["Accept-Encoding, Origin"]),
    (&["accept-encoding, origin"], &["accept-encoding, origin"]),
    (&["*"], &["*"]),
    (&["A", "B"], &["A, Origin", "B"]),
    (&["origin", "A"], &["origin", "A"]),
    // Only the first line is read: joining it is harmless when a later one
    // lists `Origin` too.
    (&["A", "origin"], &["A, Origin", "origin"]),
    (&["Accept-Encoding"], &["Accept-Encoding, Origin"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_as_list_elements_without_case() {
        assert!(lists_all(b"Accept-Encoding, origin", b"Origin"));
        assert!(lists_all(b"*", b"Origin, Access-Control-Request-Method"));
        assert!(!lists_all(b"Origins", b"Origin"));
        assert!(!lists_all(
            b"Origin",
            b"Origin, Access-Control-Request-Method"
        ));
        assert_eq!(joined(b"A", b"Origin"), b"A, Origin");
    }

    #[test]
    fn the_last_join_is_kept_for_the_same_line_and_names() {
        let mut last = LastJoin::new();
        assert_eq!(last.get(&"A", &"Origin"), None);
        last.keep("A", "Origin", "A, Origin");
        assert_eq!(last.get(&"A", &"Origin"), Some("A, Origin"));
        assert_eq!(last.get(&"B", &"Origin"), None);
        assert_eq!(
            last.get(&"A", &"Origin, Access-Control-Request-Method"),
            None
        );
        // The same names at another address.
        assert_eq!(
            last.get(&"A", &&*alloc::string::String::from("Origin")),
            Some("A, Origin")
        );
        last.keep("B", "Origin", "B, Origin");
        assert_eq!(last.get(&"A", &"Origin"), None);
        assert_eq!(last.get(&"B", &"Origin"), Some("B, Origin"));
    }
}
