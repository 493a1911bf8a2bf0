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
    /// Origins and methods: byte-exact. Also header names already known to
    /// be in lower case, for which folding would change nothing.
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
}

/// A key to look up, with what every probe of a table compares first: its
/// hash and its first and last words (the whole key when it is at most 16
/// bytes long, which keeps most comparisons inside the table entry).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe<'k> {
    pub(crate) bytes: &'k [u8],
    pub(crate) hash: u32,
    /// The first eight bytes, or the zero-padded key when shorter; folded
    /// to lower case under [`Case::Insensitive`].
    pub(crate) first: u64,
    /// The last eight bytes (overlapping `first` when shorter than 16),
    /// folded like `first`.
    pub(crate) last: u64,
    /// How `bytes` compare with a stored key (kept in canonical form:
    /// lower case when the table is case-insensitive).
    pub(crate) case: Case,
}

impl<'k> Probe<'k> {
    /// The probe for `bytes`. Under [`Case::Insensitive`] the hash and
    /// words are those of the lower-case form, so keys equal but for case
    /// probe alike.
    #[inline]
    pub(crate) fn new(bytes: &'k [u8], case: Case) -> Self {
        Probe::inspecting(bytes, case, |_| {})
    }

    /// [`Probe::new`], also showing `inspect` every word of a key of at
    /// least eight bytes, unfolded (the last one may overlap the one
    /// before), so that a caller can validate the bytes in the same pass.
    #[inline(always)]
    pub(crate) fn inspecting(bytes: &'k [u8], case: Case, mut inspect: impl FnMut(u64)) -> Self {
        let n = bytes.len();
        let mut h = Hasher::new();
        let (first, last);
        if n < 8 {
            first = case.fold(short_word(bytes));
            last = first;
            if n > 0 {
                h.mix(first);
            }
        } else {
            let mut chunks = bytes.chunks_exact(8);
            for chunk in &mut chunks {
                let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
                inspect(w);
                h.mix(case.fold(w));
            }
            let raw_last = word(bytes, n - 8);
            let rest = chunks.remainder().len();
            if rest > 0 {
                inspect(raw_last);
                // The zero-padded tail: the top `rest` bytes of the last word.
                h.mix(case.fold(raw_last >> (8 * (8 - rest))));
            }
            first = case.fold(word(bytes, 0));
            last = case.fold(raw_last);
        }
        Probe {
            bytes,
            hash: h.finish(n),
            first,
            last,
            case,
        }
    }

    /// Is this the key `stored` (in canonical form), given that the hash,
    /// length and first and last words already matched? Only keys longer
    /// than 16 bytes have bytes left to compare.
    #[inline]
    pub(crate) fn middle_eq(&self, stored: &[u8]) -> bool {
        let key = self.bytes;
        let n = key.len();
        let mut diff = 0;
        let mut i = 8;
        while i + 8 < n {
            diff |= word(stored, i) ^ self.case.fold(word(key, i));
            i += 8;
        }
        diff == 0
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x80 * ONES;

/// The eight bytes of `s` from `i` as a little-endian word; callers ensure
/// `i + 8 <= s.len()` (anything else reads as zero).
#[inline]
pub(crate) fn word(s: &[u8], i: usize) -> u64 {
    s.get(i..)
        .and_then(<[u8]>::first_chunk::<8>)
        .map_or(0, |w| u64::from_le_bytes(*w))
}

/// A key shorter than a word, zero-padded: two overlapping loads of four
/// bytes, or three of one byte, rather than a byte loop.
#[inline]
fn short_word(s: &[u8]) -> u64 {
    let n = s.len();
    match (s.first_chunk::<4>(), s.last_chunk::<4>()) {
        // 4 <= n: the two loads overlap on identical bytes.
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

/// The word of `s` starting at byte `i` (little-endian, zero-padded past
/// the end). A tail is read with one load of the last eight bytes, shifted:
/// no byte loops.
#[inline]
pub(crate) fn word_at(s: &[u8], i: usize) -> u64 {
    let n = s.len();
    if let Some(w) = s.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        return u64::from_le_bytes(*w);
    }
    if let Some(last) = s.last_chunk::<8>() {
        // n - 8 < i: drop the bytes before `i` (all of them when i >= n).
        return match n.checked_sub(i) {
            Some(left) if left > 0 => u64::from_le_bytes(*last) >> (8 * (8 - left)),
            _ => 0,
        };
    }
    match s.get(i..) {
        Some(rest) => short_word(rest),
        None => 0,
    }
}

/// ASCII lower case for eight bytes at once: adds 0x20 to each byte in
/// `A..=Z` and leaves every other byte, non-ASCII included, unchanged.
#[inline]
fn lower_word(w: u64) -> u64 {
    let low7 = w & (0x7f * ONES);
    // Per byte, the high bit says `>= 'A'` and `> 'Z'`; no carry crosses a
    // byte because `low7 + 0x3f <= 0xbe`.
    let at_least_a = low7 + (0x80 - u64::from(b'A')) * ONES;
    let above_z = low7 + (0x7f - u64::from(b'Z')) * ONES;
    let upper = at_least_a & !above_z & !w & HIGH;
    w | (upper >> 2)
}

/// The high bit of every byte of `w` that is *not* a lower-case letter, a
/// digit or `-`, the bytes of the names browsers send: a run of those needs
/// neither folding nor a per-byte table lookup.
#[inline]
pub(crate) fn outside_lower_token(w: u64) -> u64 {
    let low7 = w & (0x7f * ONES);
    let letter = at_least(low7, b'a') & !at_least(low7, b'z' + 1);
    let digit = at_least(low7, b'0') & !at_least(low7, b'9' + 1);
    // `x + 0x7f` has its high bit set iff the 7-bit `x` is not zero.
    let dash = !((low7 ^ (u64::from(b'-') * ONES)) + 0x7f * ONES);
    !((letter | digit | dash) & !w) & HIGH
}

/// Per byte of `low7` (seven-bit bytes), the high bit says `>= lo`: no sum
/// carries into the next byte since `0x7f + 0x80 - lo <= 0xff` for `lo > 0`.
#[inline]
fn at_least(low7: u64, lo: u8) -> u64 {
    low7 + u64::from(0x80 - lo) * ONES
}

/// The key hash, fed a word at a time so that a scanner can compute it on
/// the fly: the words of a key are those of [`word_at`] from its start,
/// eight bytes apart, the last one zero-padded.
#[derive(Clone, Copy)]
pub(crate) struct Hasher(u64);

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher {
    #[inline]
    pub(crate) fn new() -> Self {
        Hasher(K)
    }

    #[inline]
    pub(crate) fn mix(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(23) ^ w).wrapping_mul(K);
    }

    /// The hash of a key of `len` bytes whose words were mixed in.
    #[inline]
    pub(crate) fn finish(self, len: usize) -> u32 {
        // The length goes in last, so that a scanner need not know it
        // beforehand; table indices take the low bits, which the shifts
        // fill from the well-mixed high ones.
        let h = (self.0 ^ len as u64).wrapping_mul(K);
        (h ^ (h >> 29) ^ (h >> 47)) as u32
    }
}

/// A fast, word-at-a-time hash for short keys (origins, methods, header
/// names); see [`Hasher`] for the words it takes. Not collision-resistant:
/// the tables are built from the trusted policy, and a lookup only ever
/// probes until the first empty slot. Under [`Case::Insensitive`] it hashes
/// the lower-case form.
#[cfg(test)]
pub(crate) fn hash(bytes: &[u8], case: Case) -> u32 {
    Probe::new(bytes, case).hash
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comparison a table makes between a stored key and a probe.
    fn key_eq(stored: &[u8], key: &[u8], case: Case) -> bool {
        let (s, k) = (Probe::new(stored, Case::Sensitive), Probe::new(key, case));
        s.bytes.len() == k.bytes.len()
            && s.first == k.first
            && s.last == k.last
            && k.middle_eq(stored)
    }

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
            assert!(key_eq(b, a, Case::Insensitive));
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
        assert!(!key_eq(b"a^b", b"a~b", Case::Insensitive));
        assert!(!key_eq(b"a_b", b"a\x7fb", Case::Insensitive));
        assert!(key_eq(
            b"x-request-id-long",
            b"X-Request-ID-Long",
            Case::Insensitive
        ));
    }

    #[test]
    fn outside_lower_token_flags_exactly_the_other_bytes() {
        for b in 0..=255u8 {
            let fast = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
            for at in 0..8 {
                let mut bytes = *b"a-0z9m-q";
                bytes[at] = b;
                let got = outside_lower_token(u64::from_le_bytes(bytes)).to_le_bytes();
                for (i, g) in got.iter().enumerate() {
                    let want = if i == at { !fast } else { false };
                    assert_eq!(*g == 0x80, want, "{b:#x} at {at}");
                    assert!(*g == 0 || *g == 0x80);
                }
            }
        }
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
