//! What deciding a request produces: its kind, the verdict with a reason,
//! the preflight status and the response headers to add.

use core::fmt;

use crate::limits::MAX_REQUEST_HEADER_LINES;

/// How the Fetch standard classifies a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// No `Origin` header: CORS does not apply. The handler runs.
    NotCors,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`: answered
    /// by the CORS layer, the handler does not run.
    Preflight,
    /// Any other request with `Origin` (an `OPTIONS` without
    /// `Access-Control-Request-Method` included). The handler runs.
    Actual,
}

/// Why a request was denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The origin is well formed but not allowed.
    OriginNotAllowed,
    /// The origin is empty or has bytes outside visible ASCII.
    OriginMalformed,
    /// The origin is longer than [`MAX_ORIGIN_LEN`](crate::limits::MAX_ORIGIN_LEN).
    OriginTooLong,
    /// The requested method is not allowed.
    MethodNotAllowed,
    /// `Access-Control-Request-Method` is not a token, or too long.
    MethodMalformed,
    /// A requested header name is not allowed.
    HeaderNotAllowed,
    /// An element of `Access-Control-Request-Headers` is not a token.
    HeaderMalformed,
    /// More than [`MAX_REQUESTED_HEADERS`](crate::limits::MAX_REQUESTED_HEADERS) names.
    TooManyRequestedHeaders,
    /// More than [`MAX_EMPTY_ELEMENTS`](crate::limits::MAX_EMPTY_ELEMENTS) empty elements.
    TooManyEmptyElements,
    /// `Access-Control-Request-Headers` longer than
    /// [`MAX_REQUEST_HEADERS_LEN`](crate::limits::MAX_REQUEST_HEADERS_LEN).
    RequestHeadersTooLong,
    /// More than [`MAX_REQUEST_HEADER_LINES`] lines.
    TooManyRequestHeaderLines,
    /// `Origin`, `Access-Control-Request-Method` or
    /// `Access-Control-Request-Private-Network` came on more than one line
    /// (see [`RequestDescriptor::repeated`](crate::RequestDescriptor::repeated)).
    RepeatedHeader,
}

impl Reason {
    fn subject(self) -> &'static str {
        match self {
            Reason::OriginNotAllowed | Reason::OriginMalformed | Reason::OriginTooLong => "origin",
            Reason::MethodNotAllowed | Reason::MethodMalformed => "method",
            Reason::HeaderNotAllowed | Reason::HeaderMalformed => "header",
            Reason::TooManyRequestedHeaders
            | Reason::TooManyEmptyElements
            | Reason::RequestHeadersTooLong
            | Reason::TooManyRequestHeaderLines => "access-control-request-headers",
            Reason::RepeatedHeader => "request header",
        }
    }

    fn verdict(self) -> &'static str {
        match self {
            Reason::OriginNotAllowed | Reason::MethodNotAllowed | Reason::HeaderNotAllowed => {
                "is not allowed"
            }
            Reason::OriginMalformed | Reason::MethodMalformed | Reason::HeaderMalformed => {
                "is malformed"
            }
            Reason::OriginTooLong | Reason::RequestHeadersTooLong => "is too long",
            Reason::TooManyRequestedHeaders => "requests too many headers",
            Reason::TooManyEmptyElements => "has too many empty elements",
            Reason::TooManyRequestHeaderLines => "comes in too many lines",
            Reason::RepeatedHeader => "appears more than once",
        }
    }
}

/// A denial: the reason and the request bytes it is about.
///
/// `Display` gives a log-safe message: bytes outside printable ASCII are
/// escaped and long values are shortened, so request bytes can never forge
/// a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Denial<'a> {
    reason: Reason,
    value: &'a [u8],
}

impl<'a> Denial<'a> {
    pub(crate) fn new(reason: Reason, value: &'a [u8]) -> Self {
        Denial { reason, value }
    }

    /// Why the request was denied.
    pub fn reason(&self) -> Reason {
        self.reason
    }

    /// The offending request bytes, unescaped (do not log these directly).
    pub fn value(&self) -> &'a [u8] {
        self.value
    }
}

/// The longest part of a request value a denial message shows.
const SHOWN: usize = 96;

impl fmt::Display for Denial<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} \"", self.reason.subject())?;
        for &b in self.value.iter().take(SHOWN) {
            match b {
                b'"' | b'\\' => write!(f, "\\{}", b as char)?,
                0x20..=0x7e => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        if self.value.len() > SHOWN {
            write!(f, "...\" ({} bytes) ", self.value.len())?;
        } else {
            f.write_str("\" ")?;
        }
        f.write_str(self.reason.verdict())
    }
}

/// Allowed, or denied with a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict<'a> {
    /// CORS lets the browser use the response (for [`Kind::NotCors`]: CORS
    /// has nothing to refuse).
    Allowed,
    /// The browser will not get the access it asked for.
    Denied(Denial<'a>),
}

/// A response header name this crate emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderName {
    /// `Access-Control-Allow-Origin`
    AllowOrigin,
    /// `Access-Control-Allow-Credentials`
    AllowCredentials,
    /// `Access-Control-Allow-Methods`
    AllowMethods,
    /// `Access-Control-Allow-Headers`
    AllowHeaders,
    /// `Access-Control-Max-Age`
    MaxAge,
    /// `Access-Control-Allow-Private-Network`
    AllowPrivateNetwork,
    /// `Access-Control-Expose-Headers`
    ExposeHeaders,
    /// `Vary` — to be *appended* to any `Vary` the application sets.
    Vary,
}

impl HeaderName {
    /// The name in its usual capitalisation, for HTTP/1 writers.
    pub const fn as_str(self) -> &'static str {
        match self {
            HeaderName::AllowOrigin => "Access-Control-Allow-Origin",
            HeaderName::AllowCredentials => "Access-Control-Allow-Credentials",
            HeaderName::AllowMethods => "Access-Control-Allow-Methods",
            HeaderName::AllowHeaders => "Access-Control-Allow-Headers",
            HeaderName::MaxAge => "Access-Control-Max-Age",
            HeaderName::AllowPrivateNetwork => "Access-Control-Allow-Private-Network",
            HeaderName::ExposeHeaders => "Access-Control-Expose-Headers",
            HeaderName::Vary => "Vary",
        }
    }

    /// The name in lower case, as HTTP/2 and the `http` crate spell it.
    pub const fn as_lowercase(self) -> &'static str {
        match self {
            HeaderName::AllowOrigin => "access-control-allow-origin",
            HeaderName::AllowCredentials => "access-control-allow-credentials",
            HeaderName::AllowMethods => "access-control-allow-methods",
            HeaderName::AllowHeaders => "access-control-allow-headers",
            HeaderName::MaxAge => "access-control-max-age",
            HeaderName::AllowPrivateNetwork => "access-control-allow-private-network",
            HeaderName::ExposeHeaders => "access-control-expose-headers",
            HeaderName::Vary => "vary",
        }
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One response header: a name and a value borrowed from the policy or the
/// request. Values contain visible ASCII, spaces and tabs only — never CR or LF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    /// The header name.
    pub name: HeaderName,
    /// The header value.
    pub value: &'a [u8],
}

impl fmt::Display for Header<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.name)?;
        for &b in self.value {
            write!(f, "{}", b as char)?;
        }
        Ok(())
    }
}

pub(crate) const TRUE: &[u8] = b"true";

/// The response headers of a decision, in a fixed-size value (no heap).
///
/// Iterate to get each [`Header`]; `Access-Control-Allow-Headers` appears
/// once per non-empty `Access-Control-Request-Headers` line it echoes
/// (browsers join repeated lines with commas). At most
/// [`Headers::MAX`] headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Headers<'a> {
    pub(crate) allow_origin: Option<&'a [u8]>,
    pub(crate) allow_credentials: bool,
    pub(crate) allow_methods: Option<&'a [u8]>,
    pub(crate) allow_headers: &'a [&'a [u8]],
    pub(crate) max_age: Option<&'a [u8]>,
    pub(crate) allow_private_network: bool,
    pub(crate) expose_headers: Option<&'a [u8]>,
    pub(crate) vary: Option<&'static [u8]>,
}

impl<'a> Headers<'a> {
    /// The most headers a decision can hold.
    pub const MAX: usize = 7 + MAX_REQUEST_HEADER_LINES;

    /// The headers, in a stable order (`Vary` last).
    pub fn iter(&self) -> HeadersIter<'a> {
        HeadersIter {
            headers: *self,
            step: 0,
        }
    }

    /// The value of `name`, when it is present once (for
    /// `Access-Control-Allow-Headers`, the first line).
    pub fn get(&self, name: HeaderName) -> Option<&'a [u8]> {
        self.iter().find(|h| h.name == name).map(|h| h.value)
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// No header at all.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The `Vary` value to append, if any.
    pub fn vary(&self) -> Option<&'static [u8]> {
        self.vary
    }
}

impl<'a> IntoIterator for &Headers<'a> {
    type Item = Header<'a>;
    type IntoIter = HeadersIter<'a>;
    fn into_iter(self) -> HeadersIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Headers`].
#[derive(Clone, Debug)]
pub struct HeadersIter<'a> {
    headers: Headers<'a>,
    step: usize,
}

impl<'a> Iterator for HeadersIter<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        let h = &self.headers;
        let lines = h.allow_headers.len();
        loop {
            let step = self.step;
            self.step += 1;
            let (name, value) = match step {
                0 => (HeaderName::AllowOrigin, h.allow_origin),
                1 => (
                    HeaderName::AllowCredentials,
                    h.allow_credentials.then_some(TRUE),
                ),
                2 => (HeaderName::AllowMethods, h.allow_methods),
                s if s < 3 + lines => {
                    let line = crate::token::trim_ows(h.allow_headers[s - 3]);
                    (
                        HeaderName::AllowHeaders,
                        Some(line).filter(|l| !l.is_empty()),
                    )
                }
                s if s == 3 + lines => (HeaderName::MaxAge, h.max_age),
                s if s == 4 + lines => (
                    HeaderName::AllowPrivateNetwork,
                    h.allow_private_network.then_some(TRUE),
                ),
                s if s == 5 + lines => (HeaderName::ExposeHeaders, h.expose_headers),
                s if s == 6 + lines => (HeaderName::Vary, h.vary),
                _ => return None,
            };
            if let Some(value) = value {
                return Some(Header { name, value });
            }
        }
    }
}

/// The outcome of [`Policy::decide`](crate::Policy::decide) for one request.
///
/// It borrows from the policy (precomputed values) and from the request
/// (echoed origin, method and header names) and owns nothing: building one
/// never allocates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision<'a> {
    pub(crate) kind: Kind,
    pub(crate) verdict: Verdict<'a>,
    pub(crate) headers: Headers<'a>,
    pub(crate) preflight_status: Option<u16>,
}

impl<'a> Decision<'a> {
    /// How the request was classified.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Allowed or denied, with the reason.
    pub fn verdict(&self) -> Verdict<'a> {
        self.verdict
    }

    /// `true` unless denied.
    pub fn is_allowed(&self) -> bool {
        matches!(self.verdict, Verdict::Allowed)
    }

    /// The denial, if denied.
    pub fn denial(&self) -> Option<Denial<'a>> {
        match self.verdict {
            Verdict::Denied(d) => Some(d),
            Verdict::Allowed => None,
        }
    }

    /// The headers to add to the response.
    pub fn headers(&self) -> &Headers<'a> {
        &self.headers
    }

    /// For a preflight, the status to answer with (204 or 200 when allowed,
    /// 403 when denied); `None` otherwise.
    pub fn preflight_status(&self) -> Option<u16> {
        self.preflight_status
    }

    /// Whether the application handler runs: always, except for preflights,
    /// which the CORS layer answers itself.
    pub fn runs_handler(&self) -> bool {
        self.kind != Kind::Preflight
    }
}

impl fmt::Display for Decision<'_> {
    /// One log line: kind, verdict and reason (escaped).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            Kind::NotCors => "not-cors",
            Kind::Preflight => "preflight",
            Kind::Actual => "actual",
        };
        match self.verdict {
            Verdict::Allowed => write!(f, "{kind} allowed"),
            Verdict::Denied(d) => write!(f, "{kind} denied: {d}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;
    use std::vec::Vec;

    #[test]
    fn denial_messages_escape_request_bytes() {
        let d = Denial::new(
            Reason::OriginNotAllowed,
            b"https://x\r\nSet-Cookie: a\"\xff",
        );
        assert_eq!(
            d.to_string(),
            r#"origin "https://x\x0d\x0aSet-Cookie: a\"\xff" is not allowed"#
        );
        let long = [b'a'; 200];
        let msg = Denial::new(Reason::HeaderMalformed, &long).to_string();
        assert!(msg.contains("(200 bytes)") && msg.len() < 140, "{msg}");
    }

    #[test]
    fn headers_iterate_in_order_and_skip_empty_lines() {
        let lines: &[&[u8]] = &[b"a, b", b"  ", b"c"];
        let h = Headers {
            allow_origin: Some(b"https://x"),
            allow_credentials: true,
            allow_methods: Some(b"PUT"),
            allow_headers: lines,
            max_age: Some(b"600"),
            allow_private_network: false,
            expose_headers: None,
            vary: Some(b"Origin"),
        };
        let names: Vec<_> = h.iter().map(|h| h.name).collect();
        assert_eq!(
            names,
            [
                HeaderName::AllowOrigin,
                HeaderName::AllowCredentials,
                HeaderName::AllowMethods,
                HeaderName::AllowHeaders,
                HeaderName::AllowHeaders,
                HeaderName::MaxAge,
                HeaderName::Vary
            ]
        );
        assert_eq!(h.len(), 7);
        assert_eq!(h.get(HeaderName::AllowHeaders), Some(&b"a, b"[..]));
        assert!(Headers::default().is_empty());
    }
}
