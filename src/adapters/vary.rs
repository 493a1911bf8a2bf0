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
}
