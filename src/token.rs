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
    /// Folds one little-endian word of key bytes.
    #[inline]
    fn fold(self, w: u64) -> u64 {
        match self {
            Case::Sensitive => w,
            Case::Insensitive => lower_word(w),
        }
    }

    /// Is `key` equal to `stored`, a key kept in canonical form (lower case
    /// when case-insensitive)?
    #[inline]
    pub(crate) fn eq(self, stored: &[u8], key: &[u8]) -> bool {
        match self {
            Case::Sensitive => stored == key,
            Case::Insensitive => {
                let mut equal = stored.len() == key.len();
                let mut i = 0;
                while equal && i < key.len() {
                    equal = word_at(stored, i) == self.fold(word_at(key, i));
                    i += 8;
                }
                equal
            }
        }
    }
}

/// The word of `s` starting at byte `i` (little-endian, zero-padded past
/// the end). A tail is read with one load of the last eight bytes, shifted,
/// and keys shorter than a word with two overlapping loads: no byte loops.
#[inline]
fn word_at(s: &[u8], i: usize) -> u64 {
    let n = s.len();
    if let Some(w) = s.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        return u64::from_le_bytes(*w);
    }
    if let Some(last) = s.last_chunk::<8>() {
        // 0 < n - i < 8: drop the bytes before `i`.
        return u64::from_le_bytes(*last) >> (8 * (8 - (n - i)));
    }
    match (s.first_chunk::<4>(), s.last_chunk::<4>()) {
        // 4 <= n < 8: the two loads overlap on identical bytes.
        (Some(lo), Some(hi)) => {
            u64::from(u32::from_le_bytes(*lo)) | u64::from(u32::from_le_bytes(*hi)) << (8 * (n - 4))
        }
        _ => match s {
            [] => 0,
            // 1 <= n < 4: bytes 0, n/2 and n-1 cover every position.
            [a, ..] => {
                let mid = n / 2;
                u64::from(*a)
                    | u64::from(s[mid]) << (8 * mid)
                    | u64::from(s[n - 1]) << (8 * (n - 1))
            }
        },
    }
}

/// ASCII lower case for eight bytes at once: adds 0x20 to each byte in
/// `A..=Z` and leaves every other byte, non-ASCII included, unchanged.
#[inline]
fn lower_word(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low7 = w & (0x7f * ONES);
    // Per byte, the high bit says `>= 'A'` and `> 'Z'`; no carry crosses a
    // byte because `low7 + 0x3f <= 0xbe`.
    let at_least_a = low7 + (0x80 - u64::from(b'A')) * ONES;
    let above_z = low7 + (0x7f - u64::from(b'Z')) * ONES;
    let upper = at_least_a & !above_z & !w & (0x80 * ONES);
    w | (upper >> 2)
}

/// A fast, word-at-a-time hash for short keys (origins, methods, header
/// names). Not collision-resistant: the tables are built from the trusted
/// policy, and a lookup only ever probes until the first empty slot.
/// Under [`Case::Insensitive`] it hashes the lower-case form, so keys equal
/// under [`Case::eq`] hash alike.
#[inline]
pub(crate) fn hash(bytes: &[u8], case: Case) -> u32 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut i = 0;
    while i < bytes.len() {
        h = (h.rotate_left(23) ^ case.fold(word_at(bytes, i))).wrapping_mul(K);
        i += 8;
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
            assert!(Case::Insensitive.eq(b, a));
            assert_ne!(hash(a, Case::Sensitive), hash(b, Case::Sensitive));
        }
    }

    #[test]
    fn lower_word_is_ascii_lowercase() {
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b, b'A', b'z', b'[', b'@', 0xc3, b'Z', b'^']);
            let got = lower_word(w).to_le_bytes();
            assert_eq!(got[0], b.to_ascii_lowercase(), "{b:#x}");
            assert_eq!(&got[1..], &[b'a', b'z', b'[', b'@', 0xc3, b'z', b'^']);
        }
        assert!(!Case::Insensitive.eq(b"a^b", b"a~b"));
        assert!(!Case::Insensitive.eq(b"a_b", b"a\x7fb"));
        assert!(Case::Insensitive.eq(b"x-request-id-long", b"X-Request-ID-Long"));
    }

    #[test]
    fn words_pad_with_zeros() {
        let bytes = *b"abcdefghijklmnopq";
        for n in 0..=bytes.len() {
            for i in (0..n.max(1)).step_by(8) {
                let mut want = [0u8; 8];
                let k = n.saturating_sub(i).min(8);
                want[..k].copy_from_slice(&bytes[i..i + k]);
                assert_eq!(
                    word_at(&bytes[..n], i),
                    u64::from_le_bytes(want),
                    "n = {n}, i = {i}"
                );
            }
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
