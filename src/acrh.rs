//! Parsing `Access-Control-Request-Headers`: one pass, no allocation, with
//! caps that bound the work whatever the request sends.
//!
//! The value is a comma-separated list of header names (RFC 9110 `#token`):
//! optional whitespace around elements, empty elements allowed, possibly
//! spread over several header lines, in any order and any case.

use crate::decision::Reason;
use crate::limits::{
    MAX_EMPTY_ELEMENTS, MAX_REQUESTED_HEADERS, MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES,
};
use crate::token::{is_ows, is_tchar, outside_lower_token, word, word_at, Case, Hasher, Probe};

/// Scans the token starting at `start` (possibly empty) and returns where
/// it ends, with the probe that looks it up in a case-insensitive table.
///
/// Eight bytes at a time while they are lower-case letters, digits and
/// `-` (what browsers send), hashing as it goes: such a name is already in
/// canonical form. A name with any other token byte (upper case, `_`, ...)
/// is finished byte by byte and probed folded. Either way each byte is
/// looked at a bounded number of times.
// Inlined into the one caller: the probe then never goes through memory.
#[inline(always)]
fn scan_name(line: &[u8], start: usize) -> (usize, Probe<'_>) {
    let mut h = Hasher::new();
    let mut i = start;
    let (w, outside) = loop {
        let Some(chunk) = line.get(i..).and_then(<[u8]>::first_chunk::<8>) else {
            // Fewer than eight bytes left: zero-padded, and zero ends a run.
            let w = word_at(line, i);
            break (w, outside_lower_token(w));
        };
        let w = u64::from_le_bytes(*chunk);
        let outside = outside_lower_token(w);
        if outside != 0 {
            break (w, outside);
        }
        h.mix(w);
        i += 8;
    };
    let run = (outside.trailing_zeros() / 8) as usize;
    let mut end = i + run;
    if end < line.len() && is_tchar(line[end]) {
        while end < line.len() && is_tchar(line[end]) {
            end += 1;
        }
        return (end, Probe::new(&line[start..end], Case::Insensitive));
    }
    let tail = w & !(u64::MAX << (8 * run));
    if run > 0 {
        h.mix(tail);
    }
    let len = end - start;
    let (first, last) = if len < 8 {
        (tail, tail)
    } else {
        (word(line, start), word(line, end - 8))
    };
    let probe = Probe {
        bytes: &line[start..end],
        hash: h.finish(len),
        first,
        last,
        case: Case::Sensitive,
    };
    (end, probe)
}

/// Calls `allowed` for every requested header name, in order, and stops at
/// the first problem: a cap exceeded, a malformed element, or a name
/// `allowed` refuses. The error carries the reason and the offending bytes
/// (the element, or the whole line for caps).
///
/// Work is linear in the bytes looked at, and never more than
/// [`MAX_REQUEST_HEADERS_LEN`] bytes are looked at: the total length is
/// checked before the scan starts.
pub(crate) fn check_names<'r>(
    lines: &[&'r [u8]],
    mut allowed: impl FnMut(&Probe<'r>) -> bool,
) -> Result<(), (Reason, &'r [u8])> {
    if lines.len() > MAX_REQUEST_HEADER_LINES {
        let last = lines.last().copied().unwrap_or_default();
        return Err((Reason::TooManyRequestHeaderLines, last));
    }
    let mut total = 0usize;
    for line in lines {
        total = total.saturating_add(line.len());
        if total > MAX_REQUEST_HEADERS_LEN {
            return Err((Reason::RequestHeadersTooLong, line));
        }
    }
    let (mut names, mut empties) = (0usize, 0usize);
    for &line in lines {
        // One pass per line: `OWS token OWS` then `,` or the end.
        let mut i = 0;
        loop {
            while i < line.len() && is_ows(line[i]) {
                i += 1;
            }
            let start = i;
            let (end, probe) = scan_name(line, start);
            i = end;
            let name = probe.bytes;
            while i < line.len() && is_ows(line[i]) {
                i += 1;
            }
            let malformed = i < line.len() && line[i] != b',';
            if name.is_empty() && !malformed {
                empties += 1;
                if empties > MAX_EMPTY_ELEMENTS {
                    return Err((Reason::TooManyEmptyElements, line));
                }
            } else {
                // A malformed element still counts as a requested name, so
                // the cap is checked before its contents.
                names += 1;
                if names > MAX_REQUESTED_HEADERS {
                    return Err((Reason::TooManyRequestedHeaders, line));
                }
                if malformed {
                    let end = line[i..]
                        .iter()
                        .position(|&b| b == b',')
                        .map_or(line.len(), |n| i + n);
                    return Err((Reason::HeaderMalformed, &line[start..end]));
                }
                if !allowed(&probe) {
                    return Err((Reason::HeaderNotAllowed, name));
                }
            }
            if i >= line.len() {
                break;
            }
            i += 1; // the comma
        }
    }
    Ok(())
}

/// The fast path for what browsers send: one line of lower-case names,
/// sorted, separated by commas without spaces (`authorization,content-type`).
/// `allowed` is the policy's allowed names in the same form (see
/// `Arena::push_sorted_joined`). Returns `true` when `line` is the
/// policy's first names — often all of them, when the policy lists what
/// its own front end sends: one comparison of bytes, since a prefix of
/// `allowed` that ends where a name does is whole, distinct, allowed names
/// (so the general scan would accept it too). Anything else returns
/// `false`, and the caller runs the general scan, which decides.
///
/// A merge of the two sorted lists for other subsets was measured and
/// dropped: it cost as much as hashing each name, and a failed merge
/// doubled the cost of a denial.
#[inline]
pub(crate) fn leading_names(line: &[u8], allowed: &[u8]) -> bool {
    match allowed.strip_prefix(line) {
        Some(rest) => !line.is_empty() && matches!(rest.first(), None | Some(b',')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    fn names(lines: &[&[u8]]) -> Result<Vec<Vec<u8>>, (Reason, Vec<u8>)> {
        let mut seen = Vec::new();
        check_names(lines, |n| {
            // The scan's probe is the one a case-insensitive table expects.
            let want = Probe::new(n.bytes, Case::Insensitive);
            assert_eq!(
                (n.hash, n.first, n.last),
                (want.hash, want.first, want.last),
                "{:?}",
                n.bytes
            );
            let lower = n.bytes.iter().all(|b| !b.is_ascii_uppercase());
            assert!(n.case == Case::Insensitive || lower);
            seen.push(n.bytes.to_vec());
            true
        })
        .map(|()| seen)
        .map_err(|(r, v)| (r, v.to_vec()))
    }

    #[test]
    fn whitespace_empties_and_lines() {
        let got = names(&[b" content-type ,\tX-Trace,, ", b"", b"authorization"]).unwrap();
        assert_eq!(got, [&b"content-type"[..], b"X-Trace", b"authorization"]);
    }

    #[test]
    fn names_of_every_length_and_offset() {
        // Lower case (scanned a word at a time), mixed case and other
        // token bytes (finished byte by byte), ending at a comma, at
        // whitespace or at the end of the line.
        let alphabets: [&[u8]; 3] = [b"abc-xyz0189", b"aBc-XyZ", b"a_b.c~d"];
        for alphabet in alphabets {
            for len in 1..=24 {
                let name: Vec<u8> = alphabet.iter().copied().cycle().take(len).collect();
                for pad in 0..9 {
                    for end in [&b""[..], b",x", b" ,", b"\t"] {
                        let mut line = b" ".repeat(pad);
                        line.extend_from_slice(&name);
                        line.extend_from_slice(end);
                        let got = names(&[&line]).unwrap();
                        assert_eq!(got[0], name, "{line:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn malformed_element() {
        assert_eq!(
            names(&[b"a, b c"]),
            Err((Reason::HeaderMalformed, b"b c".to_vec()))
        );
        assert_eq!(names(&[b"a\r\nb"]).unwrap_err().0, Reason::HeaderMalformed);
        assert_eq!(
            names(&["caf\u{e9}".as_bytes()]).unwrap_err().0,
            Reason::HeaderMalformed
        );
    }

    #[test]
    fn refused_name_stops_the_scan() {
        let mut calls = 0;
        let r = check_names(&[b"a, b, c"], |n| {
            calls += 1;
            n.bytes != b"b"
        });
        assert_eq!(r, Err((Reason::HeaderNotAllowed, &b"b"[..])));
        assert_eq!(calls, 2);
    }

    /// The fast path agrees with a plain reading of its contract: the line
    /// is the policy's first names, at least one (so the general scan
    /// accepts it too).
    #[test]
    fn leading_names_are_exact() {
        let allowed: &[&[u8]] = &[b"a", b"ab", b"authorization", b"content-type", b"x-a"];
        let joined = allowed.join(&b","[..]);
        let want = |line: &[u8]| (1..=allowed.len()).any(|n| allowed[..n].join(&b","[..]) == line);
        let mut pool: Vec<&[u8]> = allowed.to_vec();
        pool.extend_from_slice(&[
            b"",
            b"A",
            b"x-",
            b"aa",
            b" a",
            b"a ",
            b"a\0",
            b"authorization-x",
        ]);
        let mut checked = 0;
        for a in &pool {
            for b in pool.iter().map(Some).chain([None]) {
                for c in pool.iter().map(Some).chain([None]) {
                    if b.is_none() && c.is_some() {
                        continue;
                    }
                    let mut line = a.to_vec();
                    for n in [b, c].into_iter().flatten() {
                        line.push(b',');
                        line.extend_from_slice(n);
                    }
                    let fast = leading_names(&line, &joined);
                    let shown = std::string::String::from_utf8_lossy(&line);
                    assert_eq!(fast, want(&line), "{shown:?}");
                    if fast {
                        assert!(check_names(&[&line], |n| allowed.contains(&n.bytes)).is_ok());
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 500);
        assert!(!leading_names(b"a", b""));
        assert!(!leading_names(b"", b"a"));
        assert!(!leading_names(b"a,", b"a,b"));
    }

    #[test]
    fn caps() {
        let commas = [b','; MAX_EMPTY_ELEMENTS + 1];
        assert_eq!(
            names(&[&commas]).unwrap_err().0,
            Reason::TooManyEmptyElements
        );
        let commas = [b','; MAX_EMPTY_ELEMENTS - 1];
        assert!(names(&[&commas]).unwrap().is_empty());

        let many: Vec<u8> = (0..=MAX_REQUESTED_HEADERS).flat_map(|_| *b"a,").collect();
        assert_eq!(
            names(&[&many]).unwrap_err().0,
            Reason::TooManyRequestedHeaders
        );

        let long = [b'a'; MAX_REQUEST_HEADERS_LEN + 1];
        assert_eq!(
            names(&[&long]).unwrap_err().0,
            Reason::RequestHeadersTooLong
        );
        let half = [b'a'; MAX_REQUEST_HEADERS_LEN / 2 + 1];
        assert_eq!(
            names(&[&half, &half]).unwrap_err().0,
            Reason::RequestHeadersTooLong
        );

        let lines = [&b"a"[..]; MAX_REQUEST_HEADER_LINES + 1];
        assert_eq!(
            names(&lines).unwrap_err().0,
            Reason::TooManyRequestHeaderLines
        );
        let lines = [&b"a"[..]; MAX_REQUEST_HEADER_LINES];
        assert_eq!(names(&lines).unwrap().len(), MAX_REQUEST_HEADER_LINES);
    }
}
