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
use crate::token::{is_ows, is_tchar};

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
    mut allowed: impl FnMut(&[u8]) -> bool,
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
            while i < line.len() && is_tchar(line[i]) {
                i += 1;
            }
            let name = &line[start..i];
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
                if !allowed(name) {
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

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    fn names(lines: &[&[u8]]) -> Result<Vec<Vec<u8>>, (Reason, Vec<u8>)> {
        let mut seen = Vec::new();
        check_names(lines, |n| {
            seen.push(n.to_vec());
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
            n != b"b"
        });
        assert_eq!(r, Err((Reason::HeaderNotAllowed, &b"b"[..])));
        assert_eq!(calls, 2);
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
