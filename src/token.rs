//! The HTTP `token` grammar (RFC 9110 §5.6.2) shared by methods and header
//! names, and the small hash used by the lookup tables.

/// `true` for the bytes allowed in an RFC 9110 `token`:
/// `!#$%&'*+-.^_`|~`, digits and ASCII letters.
const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    t
};

/// Is `b` a byte of an RFC 9110 token?
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// Is `s` a non-empty RFC 9110 token?
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Optional whitespace (RFC 9110 `OWS`): space or horizontal tab.
#[inline]
pub(crate) fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims `OWS` on both sides.
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_ows(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_ows(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// Whether a key is compared byte-for-byte or ASCII-case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// Origins and methods: byte-exact.
    Sensitive,
    /// Header names: ASCII case folded.
    Insensitive,
}

impl Case {
    /// The OR-mask that folds ASCII upper case onto lower case in a word.
    /// It also merges a few non-letter pairs (`_`/DEL, `^`/`~`), which only
    /// costs an extra comparison on a collision: equality is always checked.
    #[inline]
    fn fold_mask(self) -> u64 {
        match self {
            Case::Sensitive => 0,
            Case::Insensitive => 0x2020_2020_2020_2020,
        }
    }

    #[inline]
    pub(crate) fn eq(self, a: &[u8], b: &[u8]) -> bool {
        match self {
            Case::Sensitive => a == b,
            Case::Insensitive => a.eq_ignore_ascii_case(b),
        }
    }
}

/// A fast, word-at-a-time hash for short keys (origins, methods, header
/// names). Not collision-resistant: the tables are built from the trusted
/// policy, and a lookup only ever probes until the first empty slot.
#[inline]
pub(crate) fn hash(bytes: &[u8], case: Case) -> u32 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let fold = case.fold_mask();
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        h = (h.rotate_left(23) ^ (u64::from_le_bytes(w) | fold)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ (u64::from_le_bytes(w) | fold)).wrapping_mul(K);
    }
    (h ^ (h >> 29) ^ (h >> 47)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(is_token(b"GET"));
        assert!(is_token(b"x-custom_header.v1"));
        assert!(!is_token(b""));
        assert!(!is_token(b"a b"));
        assert!(!is_token(b"a,b"));
        assert!(!is_token(b"caf\xc3\xa9"));
        assert!(!is_token(b"a\r\n"));
    }

    #[test]
    fn ows_trim() {
        assert_eq!(trim_ows(b" \t a b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
    }

    #[test]
    fn case_insensitive_hash_agrees_with_equality() {
        for (a, b) in [
            (&b"Content-Type"[..], &b"content-type"[..]),
            (b"X-A", b"x-a"),
            (
                b"AUTHORIZATION-AND-MORE-THAN-8",
                b"authorization-and-more-than-8",
            ),
        ] {
            assert_eq!(hash(a, Case::Insensitive), hash(b, Case::Insensitive));
            assert!(Case::Insensitive.eq(a, b));
            assert_ne!(hash(a, Case::Sensitive), hash(b, Case::Sensitive));
        }
    }

    #[test]
    fn hash_depends_on_length_and_content() {
        assert_ne!(hash(b"", Case::Sensitive), hash(b"\0", Case::Sensitive));
        assert_ne!(
            hash(b"https://a.com", Case::Sensitive),
            hash(b"https://b.com", Case::Sensitive)
        );
    }
}
