//! Joining CORS's `Vary` names with the application's, shared by the
//! adapters whose frameworks keep `Vary` in a header map.

use alloc::vec::Vec;

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
        (same_names && app == line).then(|| joined.clone())
    }

    /// Keeps `joined`, the join of `line` and `ours`, in place of the last.
    pub(crate) fn keep(&mut self, line: V, ours: V, joined: V) {
        self.last = Some((line, ours, joined));
    }
}

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
