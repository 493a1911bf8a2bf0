//! Origins: validating the configured ones, and matching a request's
//! `Origin` against patterns.
//!
//! A browser serializes an origin as `scheme://host[:port]`: lower case, the
//! host in punycode, the default port omitted, no path. Configured origins
//! must be written the same way, so that matching can be byte-exact.

use core::fmt::Write;

use crate::error::Problem;
use crate::token::{Case, Probe};

/// The longest `Origin` value looked at; longer ones are denied. A DNS name
/// is at most 253 bytes, so this leaves room for any scheme and port.
pub const MAX_ORIGIN_LEN: usize = 512;

/// Room for the canonical form of an IP host: `[` 39 bytes of IPv6 `]`.
pub(crate) const MAX_CANONICAL_HOST: usize = 48;

/// A configured origin, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OriginRule<'a> {
    /// `*`: any origin.
    Any,
    /// A serialized origin, matched byte for byte.
    Exact(&'a str),
    /// A pattern with a subdomain and/or port wildcard.
    Pattern(Pattern<'a>),
}

/// A validated origin pattern, as text slices of the configured value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pattern<'a> {
    /// `scheme://`
    pub(crate) prefix: &'a str,
    /// The host, or for subdomain patterns the suffix from its leading dot.
    pub(crate) host: &'a str,
    pub(crate) subdomains: bool,
    pub(crate) port: PatternPort<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatternPort<'a> {
    Default,
    Exact(&'a str),
    Any,
}

/// Validates one configured origin.
pub(crate) fn parse_rule(s: &str) -> Result<OriginRule<'_>, Problem> {
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    if s == "*" {
        return Ok(OriginRule::Any);
    }
    if s.eq_ignore_ascii_case("null") {
        return Err(Problem::NullOrigin);
    }
    if s.bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(Problem::Whitespace);
    }
    let Some(sep) = s.find("://") else {
        return Err(Problem::MissingScheme);
    };
    let (scheme, rest) = (&s[..sep], &s[sep + 3..]);
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(Problem::InvalidScheme);
    }
    if rest.contains('@') {
        return Err(Problem::Userinfo);
    }
    if rest.contains(['?', '#']) {
        return Err(Problem::Query);
    }
    if rest.contains('/') {
        return Err(Problem::Path);
    }
    if !rest.is_ascii() {
        return Err(Problem::NonAsciiHost);
    }
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(Problem::Uppercase);
    }
    let (host, port) = split_host_port(rest).ok_or(Problem::InvalidHost)?;
    let port = match port {
        None => PatternPort::Default,
        Some("*") => PatternPort::Any,
        Some(p) => {
            if parse_port(p.as_bytes()).is_none() {
                return Err(if p.contains('*') {
                    Problem::MisplacedWildcard
                } else {
                    Problem::InvalidPort
                });
            }
            if default_port(scheme) == Some(p) {
                return Err(Problem::DefaultPort);
            }
            PatternPort::Exact(p)
        }
    };
    let (host, subdomains) = match host.strip_prefix('*') {
        Some(suffix) if suffix.starts_with('.') => (suffix, true),
        Some(_) => return Err(Problem::MisplacedWildcard),
        None => (host, false),
    };
    if host.contains('*') {
        return Err(Problem::MisplacedWildcard);
    }
    if subdomains {
        // `.example.com`: a valid name of at least two labels after the dot.
        let name = &host[1..];
        // A name ending in a number is an IPv4 address to a URL parser,
        // and an address has no subdomains.
        if !valid_dns_name(name) || ends_in_number(name) {
            return Err(Problem::InvalidHost);
        }
        // RFC 6761 reserves `localhost` and its subdomains for this
        // machine, so `http://*.localhost:*` is as narrow as it looks.
        if !name.contains('.') && name != "localhost" {
            return Err(Problem::PatternTooBroad);
        }
    } else {
        check_host(host)?;
    }
    let prefix = &s[..sep + 3];
    Ok(match (subdomains, port) {
        (false, PatternPort::Default | PatternPort::Exact(_)) => OriginRule::Exact(s),
        _ => OriginRule::Pattern(Pattern {
            prefix,
            host,
            subdomains,
            port,
        }),
    })
}

/// Splits `host[:port]`, handling bracketed IPv6 literals.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let (host, after) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        (&authority[..end], &authority[end..])
    } else {
        match authority.find(':') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        }
    };
    if host.is_empty() {
        return None;
    }
    match after {
        "" => Some((host, None)),
        _ => after.strip_prefix(':').map(|p| (host, Some(p))),
    }
}

/// The port a browser leaves out for `scheme`.
fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" | "ws" => Some("80"),
        "https" | "wss" => Some("443"),
        "ftp" => Some("21"),
        _ => None,
    }
}

/// A port as a browser writes it: 1..=65535, no sign, no leading zero.
fn parse_port(p: &[u8]) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || p[0] == b'0' || !p.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = p.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    u16::try_from(n).ok()
}

/// Lower-case labels of `[a-z0-9_-]`, non-empty, at most 63 bytes, joined by
/// single dots; at most 253 bytes.
fn valid_dns_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

/// A host as browsers serialize it: a DNS name, or an IP address in its
/// one canonical form. A URL parser rewrites `0x7f.1`, `127.000.0.1` or
/// `[0:0:0:0:0:0:0:1]` before the origin is ever sent, so a configured
/// origin spelt that way would never match: the fix names the form sent.
fn check_host(host: &str) -> Result<(), Problem> {
    let canonical = if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(Problem::InvalidHost)?;
        let address: core::net::Ipv6Addr = inner.parse().map_err(|_| Problem::InvalidHost)?;
        ipv6_host(address)
    } else if ends_in_number(host) {
        ipv4_host(parse_ipv4(host).ok_or(Problem::InvalidHost)?)
    } else if valid_dns_name(host) {
        return Ok(());
    } else {
        return Err(Problem::InvalidHost);
    };
    if canonical == host {
        Ok(())
    } else {
        Err(Problem::NonCanonicalHost(canonical))
    }
}

type CanonicalHost = heapless::String<MAX_CANONICAL_HOST>;

/// Whether a URL parser takes `host` for an IPv4 address (WHATWG URL, "ends
/// in a number"): its last label is decimal digits or `0x` and hex digits.
fn ends_in_number(host: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or(host);
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || last
            .strip_prefix("0x")
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The WHATWG IPv4 parser: one to four parts, each decimal, octal (leading
/// `0`) or hex (`0x`); the last part fills the remaining bytes.
fn parse_ipv4(host: &str) -> Option<u32> {
    let mut parts = heapless::Vec::<u64, 4>::new();
    for part in host.split('.') {
        let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
        let value = if digits.is_empty() {
            // `0x` alone is zero; an empty part is not a number.
            if radix == 16 {
                0
            } else {
                return None;
            }
        } else if digits.len() > 12 {
            return None;
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        parts.push(value).ok()?;
    }
    let (last, first) = parts.split_last()?;
    if first.iter().any(|&p| p > 255) || *last >= 1 << (8 * (4 - first.len())) {
        return None;
    }
    let high = first
        .iter()
        .enumerate()
        .fold(0u64, |n, (i, &p)| n | p << (8 * (3 - i)));
    u32::try_from(high | last).ok()
}

fn ipv4_host(address: u32) -> CanonicalHost {
    let mut out = CanonicalHost::new();
    let [a, b, c, d] = address.to_be_bytes();
    // 15 bytes at most: always fits.
    let _ = write!(out, "{a}.{b}.{c}.{d}");
    out
}

/// WHATWG's IPv6 serialization: lower-case hex pieces without leading
/// zeros, the first longest run of two or more zero pieces as `::`, and no
/// dotted IPv4 tail (`[::ffff:7f00:1]`, not `[::ffff:127.0.0.1]`).
fn ipv6_host(address: core::net::Ipv6Addr) -> CanonicalHost {
    let pieces = address.segments();
    let (mut best, mut best_len, mut run) = (None, 1, 0);
    for (i, &p) in pieces.iter().enumerate() {
        run = if p == 0 { run + 1 } else { 0 };
        if run > best_len {
            best = Some(i + 1 - run);
            best_len = run;
        }
    }
    let mut out = CanonicalHost::new();
    // 41 bytes at most: always fits.
    let _ = out.push('[');
    let mut i = 0;
    while i < 8 {
        if Some(i) == best {
            let _ = out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        let _ = write!(out, "{:x}", pieces[i]);
        if i < 7 {
            let _ = out.push(':');
        }
        i += 1;
    }
    let _ = out.push(']');
    out
}

/// Whether a subdomain pattern stands over a public suffix (`*.co.uk`,
/// `*.github.io`), by the Public Suffix List, ICANN and private sections.
#[cfg(feature = "alloc")]
pub(crate) fn is_public_suffix_pattern(p: &Pattern<'_>) -> bool {
    let name = p.host.trim_start_matches('.');
    p.subdomains
        && psl::suffix(name.as_bytes())
            .is_some_and(|s| s.is_known() && s.as_bytes() == name.as_bytes())
}

/// Without `alloc` there is no Public Suffix List; single-label patterns
/// are refused all the same.
#[cfg(not(feature = "alloc"))]
pub(crate) fn is_public_suffix_pattern(_: &Pattern<'_>) -> bool {
    false
}

/// The result of looking at a request's `Origin` bytes before matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Visible ASCII only, within [`MAX_ORIGIN_LEN`]: safe to echo.
    Plausible,
    /// Longer than [`MAX_ORIGIN_LEN`].
    TooLong,
    /// Empty, or with bytes outside visible ASCII (controls, space, CR/LF,
    /// non-ASCII): never allowed, never echoed.
    Malformed,
}

/// Checks the bytes of a request's origin in one branch-free pass.
#[inline]
pub(crate) fn shape(origin: &[u8]) -> Shape {
    if origin.len() > MAX_ORIGIN_LEN {
        return Shape::TooLong;
    }
    // `b - 0x21 < 0x5e` ⇔ `0x21 <= b <= 0x7e`; folding with `&` lets the
    // compiler vectorise the loop.
    let visible = origin
        .iter()
        .fold(true, |ok, &b| ok & (b.wrapping_sub(0x21) < 0x5e));
    if visible && !origin.is_empty() {
        Shape::Plausible
    } else {
        Shape::Malformed
    }
}

/// [`shape`] and, when plausible, the probe of the exact-origin table, in
/// one pass over the origin's words.
#[inline(always)]
pub(crate) fn probe(origin: &[u8]) -> Result<Probe<'_>, Shape> {
    if origin.len() > MAX_ORIGIN_LEN {
        return Err(Shape::TooLong);
    }
    if origin.len() < 8 {
        return match shape(origin) {
            Shape::Plausible => Ok(Probe::new(origin, Case::Sensitive)),
            other => Err(other),
        };
    }
    let mut invisible = 0;
    let probe = Probe::inspecting(origin, Case::Sensitive, |w| {
        invisible |= outside_visible(w);
    });
    if invisible == 0 {
        Ok(probe)
    } else {
        Err(Shape::Malformed)
    }
}

/// The high bit of every byte of `w` outside visible ASCII (`0x21..=0x7e`).
#[inline]
fn outside_visible(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte, `low7 + (0x80 - lo)` has its high bit set iff `low7 >= lo`,
    // and no sum carries into the next byte.
    let low7 = w & (0x7f * ONES);
    let at_least_bang = low7 + (0x80 - 0x21) * ONES;
    let del = low7 + ONES;
    !(at_least_bang & !del & !w) & (0x80 * ONES)
}

/// Does the pattern accept the request origin `o` (already [`shape`]d as
/// plausible)? `prefix`, `host` and `port` are the pattern's stored texts.
#[inline]
pub(crate) fn pattern_matches(
    o: &[u8],
    prefix: &[u8],
    host: &[u8],
    subdomains: bool,
    port: PortMatch<'_>,
) -> bool {
    let Some(authority) = o.strip_prefix(prefix) else {
        return false;
    };
    // Split off the port, reading from the end: a port is the digits after
    // the last `:`, and hosts hold no `:` outside IPv6 brackets, which end
    // with `]`. Only the bytes the rule needs are looked at.
    let h = match port {
        // The host must end the origin: its last label is never a port.
        PortMatch::Default => authority,
        PortMatch::Exact(want) => {
            match authority
                .strip_suffix(want)
                .and_then(|a| a.strip_suffix(b":"))
            {
                Some(h) => h,
                None => return false,
            }
        }
        PortMatch::Any => {
            let digits = authority
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let split = authority.len() - digits;
            match authority[..split].strip_suffix(b":") {
                Some(h) if parse_port(&authority[split..]).is_some() => h,
                Some(_) => return false,
                None => authority,
            }
        }
    };
    if !subdomains {
        return h == host;
    }
    // One or more labels, then the suffix (which starts with its dot).
    match h.len().checked_sub(host.len()) {
        Some(n) if n > 0 && h.ends_with(host) => valid_labels(&h[..n]),
        _ => false,
    }
}

/// The port rule of a stored pattern, with the exact port's bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PortMatch<'p> {
    Default,
    Exact(&'p [u8]),
    Any,
}

/// Dot-separated, non-empty labels of lower-case letters, digits, `-`, `_`.
fn valid_labels(s: &[u8]) -> bool {
    let mut previous_dot = true;
    for &b in s {
        match b {
            b'.' if previous_dot => return false,
            b'.' => previous_dot = true,
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => previous_dot = false,
            _ => return false,
        }
    }
    !previous_dot
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Pattern<'_> {
        match parse_rule(s) {
            Ok(OriginRule::Pattern(p)) => p,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn matches(p: &Pattern<'_>, o: &str) -> bool {
        let port = match p.port {
            PatternPort::Default => PortMatch::Default,
            PatternPort::Exact(x) => PortMatch::Exact(x.as_bytes()),
            PatternPort::Any => PortMatch::Any,
        };
        shape(o.as_bytes()) == Shape::Plausible
            && pattern_matches(
                o.as_bytes(),
                p.prefix.as_bytes(),
                p.host.as_bytes(),
                p.subdomains,
                port,
            )
    }

    #[test]
    fn exact_origins_accepted() {
        for s in [
            "https://example.com",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "chrome-extension://abcdefghijklmnop",
            "https://xn--bcher-kva.example",
            "https://a_b.example.com",
        ] {
            assert_eq!(parse_rule(s), Ok(OriginRule::Exact(s)), "{s}");
        }
    }

    #[test]
    fn origin_mistakes_rejected() {
        for (s, want) in [
            ("", Problem::Empty),
            ("null", Problem::NullOrigin),
            ("NULL", Problem::NullOrigin),
            ("example.com", Problem::MissingScheme),
            ("https://example.com/", Problem::Path),
            ("https://example.com/app", Problem::Path),
            ("https://user:pw@example.com", Problem::Userinfo),
            ("https://example.com?x=1", Problem::Query),
            ("https://example.com#top", Problem::Query),
            ("https://bücher.example", Problem::NonAsciiHost),
            ("https://Example.com", Problem::Uppercase),
            ("HTTPS://example.com", Problem::Uppercase),
            ("https://example.com:443", Problem::DefaultPort),
            ("http://example.com:80", Problem::DefaultPort),
            ("https://example.com:0", Problem::InvalidPort),
            ("https://example.com:65536", Problem::InvalidPort),
            ("https://example.com:08080", Problem::InvalidPort),
            ("https://example.com:", Problem::InvalidPort),
            ("https://example.com:x", Problem::InvalidPort),
            ("https://*example.com", Problem::MisplacedWildcard),
            ("https://a.*.example.com", Problem::MisplacedWildcard),
            ("https://example.*", Problem::MisplacedWildcard),
            ("https://example.com:8*", Problem::MisplacedWildcard),
            ("https://*.com", Problem::PatternTooBroad),
            ("https://*.127.000.0.1", Problem::InvalidHost),
            ("http://*.10.0.0.1:*", Problem::InvalidHost),
            ("https://", Problem::InvalidHost),
            ("https://exa mple.com", Problem::Whitespace),
            ("https://example..com", Problem::InvalidHost),
            ("https://example.com.", Problem::InvalidHost),
            ("1https://example.com", Problem::InvalidScheme),
            ("://example.com", Problem::InvalidScheme),
        ] {
            assert_eq!(parse_rule(s), Err(want), "{s:?}");
        }
    }

    #[test]
    fn subdomain_pattern() {
        let p = pat("https://*.example.com");
        assert!(matches(&p, "https://a.example.com"));
        assert!(matches(&p, "https://a.b.example.com"));
        assert!(!matches(&p, "https://example.com"), "never the apex");
        assert!(!matches(&p, "https://.example.com"));
        assert!(!matches(&p, "https://a..example.com"));
        assert!(!matches(&p, "https://evilexample.com"));
        assert!(!matches(&p, "https://a.example.com.evil.com"));
        assert!(!matches(&p, "http://a.example.com"));
        assert!(!matches(&p, "https://a.example.com:8443"));
        assert!(!matches(&p, "https://A.example.com"));
    }

    #[test]
    fn port_pattern() {
        let p = pat("http://localhost:*");
        assert!(matches(&p, "http://localhost:3000"));
        assert!(matches(&p, "http://localhost:1"));
        assert!(
            matches(&p, "http://localhost"),
            "the default port is a port"
        );
        assert!(!matches(&p, "http://localhost:0"));
        assert!(!matches(&p, "http://localhost:65536"));
        assert!(!matches(&p, "http://localhost:"));
        assert!(!matches(&p, "http://localhost.evil.com:3000"));
        assert!(!matches(&p, "http://localhostevil:3000"));
        assert!(!matches(&p, "https://localhost:3000"));
        let v6 = pat("http://[::1]:*");
        assert!(matches(&v6, "http://[::1]:8080"));
        assert!(matches(&v6, "http://[::1]"));
        assert!(!matches(&v6, "http://[::2]:8080"));
    }

    #[test]
    fn both_wildcards() {
        let p = pat("https://*.example.com:*");
        assert!(matches(&p, "https://a.example.com:8443"));
        assert!(matches(&p, "https://a.example.com"));
        assert!(!matches(&p, "https://example.com:8443"));
    }

    #[test]
    fn probe_agrees_with_shape() {
        let mut o = *b"https://app.example.com:8443";
        for n in 0..=o.len() {
            for i in 0..n {
                for b in [0x00, 0x20, 0x21, b'a', 0x7e, 0x7f, 0x80, 0xff] {
                    let saved = o[i];
                    o[i] = b;
                    let s = &o[..n];
                    match probe(s) {
                        Ok(p) => {
                            assert_eq!(shape(s), Shape::Plausible, "{s:?}");
                            assert_eq!(p.hash, Probe::new(s, Case::Sensitive).hash);
                        }
                        Err(got) => assert_eq!(shape(s), got, "{s:?}"),
                    }
                    o[i] = saved;
                }
            }
        }
        assert_eq!(probe(b"").unwrap_err(), Shape::Malformed);
        assert_eq!(
            probe(&[b'a'; MAX_ORIGIN_LEN + 1]).unwrap_err(),
            Shape::TooLong
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(shape(b"https://a.com"), Shape::Plausible);
        assert_eq!(shape(b""), Shape::Malformed);
        assert_eq!(shape(b"https://a.com\r\nX: y"), Shape::Malformed);
        assert_eq!(shape(b"https://a .com"), Shape::Malformed);
        assert_eq!(shape("https://é.com".as_bytes()), Shape::Malformed);
        assert_eq!(shape(&[b'a'; MAX_ORIGIN_LEN + 1]), Shape::TooLong);
        assert_eq!(shape(&[b'a'; MAX_ORIGIN_LEN]), Shape::Plausible);
    }
}
