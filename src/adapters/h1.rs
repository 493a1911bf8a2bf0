//! Raw HTTP/1 in, raw HTTP/1 out: the adapter for embedded and hand-written
//! servers (feature `h1`; `no_std`, no allocator, no dependency).
//!
//! It translates and nothing more. [`Request`] collects the CORS request
//! headers from the header lines your parser produced (`httparse` or your
//! own) into a [`RequestDescriptor`]; your policy (a [`FixedPolicy`], or
//! a `Policy` with the `alloc` feature) decides; [`write_headers`] (or
//! [`write_headers_fmt`]) writes the decided headers as `Name: value\r\n`
//! lines, and [`write_preflight`] the status line and headers of the
//! answer to a preflight. Ending the head with `\r\n` is always yours to
//! do, after any headers of your own.
//!
//! [`FixedPolicy`]: crate::FixedPolicy
//!
//! # A blocking server, one request per connection
//!
//! Everything below runs on stack buffers; the policy is a [`FixedPolicy`],
//! so the same code builds for a microcontroller (swap the `std::io` traits
//! for your network stack's).
//!
//! ```
//! use std::io::{self, Read, Write};
//!
//! use cors_engine::{h1, Config, FixedPolicy};
//!
//! static CONFIG: Config = Config::new()
//!     .allowed_origins(&["https://app.example.com"])
//!     .allowed_methods(&["PUT", "DELETE"])
//!     .allowed_headers(&["content-type"])
//!     .max_age(600);
//!
//! type Cors = FixedPolicy<256, 32>;
//!
//! /// Reads one request head from `conn` and answers it.
//! fn serve(policy: &Cors, conn: &mut (impl Read + Write)) -> io::Result<()> {
//!     // 1. Read until the blank line that ends the head. (A real server
//!     //    also bounds the wait and reads the body.)
//!     let mut buf = [0u8; 4096];
//!     let mut len = 0;
//!     while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
//!         let n = conn.read(&mut buf[len..])?;
//!         if n == 0 {
//!             return Err(io::ErrorKind::UnexpectedEof.into());
//!         }
//!         len += n;
//!     }
//!
//!     // 2. Parse, and feed every header line to the CORS collector.
//!     let mut lines = [httparse::EMPTY_HEADER; 32];
//!     let mut head = httparse::Request::new(&mut lines);
//!     if !matches!(head.parse(&buf[..len]), Ok(httparse::Status::Complete(_))) {
//!         return conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
//!     }
//!     let method = head.method.unwrap_or_default().as_bytes();
//!     let cors = h1::Request::from_headers(method, head.headers.iter().map(|h| (h.name, h.value)));
//!
//!     // 3. Decide.
//!     let decision = policy.decide(&cors.descriptor());
//!     let mut out = [0u8; 1024];
//!
//!     // 4a. A preflight is answered here: the application never sees it.
//!     if !decision.runs_handler() {
//!         let n = h1::write_preflight(&decision, &mut out).map_err(io::Error::other)?;
//!         conn.write_all(&out[..n])?;
//!         return conn.write_all(b"Connection: close\r\n\r\n");
//!     }
//!
//!     // 4b. Anything else runs the application, whatever the verdict (the
//!     //     browser, not the server, withholds a denied response). The
//!     //     CORS headers go next to the application's own; its `Vary` and
//!     //     the CORS `Vary` are two lines, which HTTP combines into one list.
//!     conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nVary: Accept-Encoding\r\n")?;
//!     let n = h1::write_headers(decision.headers(), &mut out).map_err(io::Error::other)?;
//!     conn.write_all(&out[..n])?;
//!     conn.write_all(b"\r\nok")
//! }
//!
//! # struct Conn { input: &'static [u8], output: Vec<u8> }
//! # impl Read for Conn {
//! #     fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> { self.input.read(buf) }
//! # }
//! # impl Write for Conn {
//! #     fn write(&mut self, buf: &[u8]) -> io::Result<usize> { self.output.write(buf) }
//! #     fn flush(&mut self) -> io::Result<()> { Ok(()) }
//! # }
//! let policy = Cors::compile(&CONFIG).expect("valid policy, enough capacity");
//!
//! let mut conn = Conn {
//!     input: b"OPTIONS /items/7 HTTP/1.1\r\n\
//!              Host: api.example.com\r\n\
//!              Origin: https://app.example.com\r\n\
//!              Access-Control-Request-Method: PUT\r\n\
//!              Access-Control-Request-Headers: content-type\r\n\r\n",
//!     output: Vec::new(),
//! };
//! serve(&policy, &mut conn)?;
//! assert_eq!(
//!     conn.output,
//!     b"HTTP/1.1 204 No Content\r\n\
//!       Access-Control-Allow-Origin: https://app.example.com\r\n\
//!       Access-Control-Allow-Methods: PUT\r\n\
//!       Access-Control-Allow-Headers: content-type\r\n\
//!       Access-Control-Max-Age: 600\r\n\
//!       Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n\
//!       Connection: close\r\n\
//!       \r\n"
//! );
//!
//! // An actual request from an origin the policy does not know: the
//! // handler runs, and only `Vary` is added.
//! let mut conn = Conn {
//!     input: b"GET /items HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://evil.test\r\n\r\n",
//!     output: Vec::new(),
//! };
//! serve(&policy, &mut conn)?;
//! assert_eq!(
//!     conn.output,
//!     b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nVary: Accept-Encoding\r\nVary: Origin\r\n\r\nok"
//! );
//! # Ok::<(), io::Error>(())
//! ```
//!
//! `examples/h1.rs` in the repository is the same loop over a
//! `std::net::TcpListener`.
//!
//! # Reading requests
//!
//! Give [`Request::header`] every header line of the request, in order,
//! whatever its name; it keeps the four CORS request headers and ignores
//! the rest. Names match case-insensitively. Values borrow from your
//! request buffer, so the buffer must outlive the decision.
//!
//! * Spaces and tabs around a value are dropped, as HTTP/1 parsers must;
//!   `httparse` has already done it. Anything else is passed on untouched:
//!   malformed bytes are the core's to deny, never this adapter's to fix.
//! * `Access-Control-Request-Headers` may come on several lines; each one
//!   is kept. The collector holds
//!   [`MAX_REQUEST_HEADER_LINES`](crate::limits::MAX_REQUEST_HEADER_LINES)` + 1`
//!   lines in a fixed array: a preflight with more than the cap is denied,
//!   so the lines past the first extra one need not be stored.
//! * A second `Origin`, `Access-Control-Request-Method` or
//!   `Access-Control-Request-Private-Network` line is recorded in
//!   [`RequestDescriptor::repeated`], and the core denies the request. Feed
//!   the collector the lines exactly as received: a server that merges
//!   repeated lines before calling it hides this.
//!
//! # Writing responses
//!
//! [`write_headers`] writes each decided header as one `Name: value\r\n`
//! line, names in their usual capitalisation. It writes nothing but these
//! lines: the status line, your own headers and the blank line that ends
//! the head are yours to write. Write them on *every* response the handler
//! produces, errors and requests without `Origin` included: those may
//! carry `Vary: Origin`, which keeps caches from mixing answers.
//!
//! Some values are request bytes echoed back: the origin, the requested
//! method and header names. The core only echoes visible ASCII, and this
//! adapter checks again before writing anything: a value with CR, LF, NUL,
//! DEL, any other control byte except tab, or a byte above `0x7e` fails
//! the whole write with [`WriteError::InvalidValue`], so no request can
//! split a response.
//!
//! Writes are all or nothing. Every value is checked and the total length
//! computed before the first byte is written; a buffer that is too small
//! gets [`WriteError::BufferTooSmall`] with the length that would do, and
//! is left as it was. How big a buffer? An ordinary answer takes a few
//! hundred bytes. The largest possible one echoes a request at every cap
//! ([`limits`](crate::limits): a 512-byte origin, a 64-byte method, 2 KiB
//! of requested header names); 4 KiB plus the length of your exposed
//! headers list always holds it, status line included. If a buffer is too
//! small anyway, retry with `needed` bytes or answer 500.
//!
//! ## `Vary`
//!
//! The decision's `Vary` is written as a line of its own. If the
//! application sends a `Vary` of its own, send both lines: HTTP defines
//! repeated `Vary` lines as one comma-separated list, so `Vary:
//! Accept-Encoding` and `Vary: Origin` mean `Vary: Accept-Encoding, Origin`.
//! Never drop either line, and never let the application's `Vary` replace
//! the CORS one: a cache would then serve one origin's answer to another.
//!
//! ## Preflights
//!
//! When [`Decision::runs_handler`] is `false` the request was a preflight:
//! answer it without calling the application, with
//! [`Decision::preflight_status`] (204 or 200 when allowed, 403 when
//! denied). [`write_preflight`] writes the status line, the CORS headers
//! and `Content-Length: 0` unless the status is 204 (which must not carry
//! one): the response has no body. Add your own headers (`Date`,
//! `Connection: close` if you will not read another request) and the blank
//! line. A server with its own status-line writer can use
//! [`reason_phrase`] and [`write_headers`] instead.

use core::fmt;

use crate::decision::{Decision, Header, HeaderName, Headers};
use crate::limits::MAX_REQUEST_HEADER_LINES;
use crate::request::{RequestDescriptor, SingleHeader};

/// How many `Access-Control-Request-Headers` lines [`Request`] stores: one
/// beyond the cap, enough for the core to deny a request over it.
const LINES: usize = MAX_REQUEST_HEADER_LINES + 1;

/// Collects the CORS request headers of an HTTP/1 request, line by line,
/// without allocating.
///
/// ```
/// use cors_engine::{h1, Config, FixedPolicy, Reason};
///
/// let policy = FixedPolicy::<128, 8>::compile(
///     &Config::new().allowed_origins(&["https://app.example.com"]),
/// ).unwrap();
///
/// let mut cors = h1::Request::new(b"GET");
/// cors.header("Host", b"api.example.com");
/// cors.header("origin", b"https://app.example.com");
/// assert!(policy.decide(&cors.descriptor()).is_allowed());
///
/// // A second `Origin` line: ambiguous, so the core denies.
/// cors.header("Origin", b"https://other.example.com");
/// let decision = policy.decide(&cors.descriptor());
/// assert_eq!(decision.denial().map(|d| d.reason()), Some(Reason::RepeatedHeader));
/// ```
#[derive(Clone, Debug)]
pub struct Request<'a> {
    method: &'a [u8],
    origin: Option<&'a [u8]>,
    request_method: Option<&'a [u8]>,
    request_private_network: Option<&'a [u8]>,
    lines: [&'a [u8]; LINES],
    line_count: usize,
    repeated: Option<SingleHeader>,
}

impl<'a> Request<'a> {
    /// A request with this method (as sent, case-sensitive) and no header
    /// yet.
    pub const fn new(method: &'a [u8]) -> Self {
        Request {
            method,
            origin: None,
            request_method: None,
            request_private_network: None,
            lines: [&[]; LINES],
            line_count: 0,
            repeated: None,
        }
    }

    /// Collects every header line of `headers`, in order: each item is a
    /// name (`&str` or `&[u8]`) and a value.
    ///
    /// With `httparse`:
    /// `Request::from_headers(method, req.headers.iter().map(|h| (h.name, h.value)))`.
    pub fn from_headers<N, I>(method: &'a [u8], headers: I) -> Self
    where
        N: AsRef<[u8]>,
        I: IntoIterator<Item = (N, &'a [u8])>,
    {
        let mut request = Request::new(method);
        for (name, value) in headers {
            request.header(name, value);
        }
        request
    }

    /// Takes one header line. Call it for every line of the request, in
    /// order; lines other than the CORS request headers are ignored.
    ///
    /// `name` matches case-insensitively; spaces and tabs around `value`
    /// are dropped.
    pub fn header(&mut self, name: impl AsRef<[u8]>, value: &'a [u8]) {
        let name = name.as_ref();
        let value = trim(value);
        let (header, slot) = if name.eq_ignore_ascii_case(b"origin") {
            (SingleHeader::Origin, &mut self.origin)
        } else if name.eq_ignore_ascii_case(b"access-control-request-method") {
            (SingleHeader::RequestMethod, &mut self.request_method)
        } else if name.eq_ignore_ascii_case(b"access-control-request-private-network") {
            (
                SingleHeader::RequestPrivateNetwork,
                &mut self.request_private_network,
            )
        } else if name.eq_ignore_ascii_case(b"access-control-request-headers") {
            // Past `LINES` the count stays over the cap, which is all the
            // core needs to deny.
            if let Some(slot) = self.lines.get_mut(self.line_count) {
                *slot = value;
                self.line_count += 1;
            }
            return;
        } else {
            return;
        };
        if slot.is_none() {
            *slot = Some(value);
        } else {
            // Keep the first line, and the first header found repeated.
            self.repeated.get_or_insert(header);
        }
    }

    /// The descriptor to decide on. It borrows this collector (for the
    /// `Access-Control-Request-Headers` lines) and the request's bytes.
    pub fn descriptor(&self) -> RequestDescriptor<'_> {
        RequestDescriptor {
            method: self.method,
            origin: self.origin,
            request_method: self.request_method,
            request_headers: self.lines.get(..self.line_count).unwrap_or(&[]),
            request_private_network: self.request_private_network,
            repeated: self.repeated,
        }
    }
}

/// Drops the optional whitespace (spaces, tabs) around a field value.
fn trim(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// Why a write failed. Nothing was written to a buffer when it fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteError {
    /// The buffer is too small; `needed` bytes hold the whole block.
    BufferTooSmall {
        /// The length of everything the call would write.
        needed: usize,
    },
    /// The value of `name` holds a byte that must not appear in an HTTP/1
    /// field value written by this adapter (CR, LF, NUL, another control
    /// byte but tab, or a byte above `0x7e`).
    InvalidValue {
        /// The header whose value was refused.
        name: HeaderName,
    },
    /// [`write_preflight`] was given a decision that is not a preflight:
    /// the application answers that request.
    NotPreflight,
    /// The [`fmt::Write`] sink reported an error (it may hold part of the
    /// block).
    Fmt,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::BufferTooSmall { needed } => {
                write!(
                    f,
                    "buffer too small for the CORS headers: {needed} bytes needed"
                )
            }
            WriteError::InvalidValue { name } => write!(
                f,
                "the {name} value holds a byte not allowed in an HTTP/1 header value"
            ),
            WriteError::NotPreflight => f.write_str("not a preflight: the application answers it"),
            WriteError::Fmt => f.write_str("the formatter failed"),
        }
    }
}

impl core::error::Error for WriteError {}

/// A byte this adapter writes in a value: tab and visible ASCII with space.
fn value_byte(b: u8) -> bool {
    b == b'\t' || (0x20..=0x7e).contains(&b)
}

/// The pieces of one header line.
fn line<'h>(h: &Header<'h>) -> [&'h [u8]; 4] {
    [h.name.as_str().as_bytes(), b": ", h.value, b"\r\n"]
}

/// Checks every value and returns the length of the whole block.
fn measure(headers: &Headers<'_>) -> Result<usize, WriteError> {
    let mut needed = 0usize;
    for h in headers {
        if !h.value.iter().all(|&b| value_byte(b)) {
            return Err(WriteError::InvalidValue { name: h.name });
        }
        for piece in line(&h) {
            needed = needed.saturating_add(piece.len());
        }
    }
    Ok(needed)
}

/// Appends to a buffer whose room was checked beforehand; never panics.
struct Cursor<'b> {
    buf: &'b mut [u8],
    at: usize,
}

impl Cursor<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.at.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.at..end) {
            dst.copy_from_slice(bytes);
        }
        self.at = end;
    }

    fn put_headers(&mut self, headers: &Headers<'_>) {
        for h in headers {
            for piece in line(&h) {
                self.put(piece);
            }
        }
    }
}

/// Writes `headers` as `Name: value\r\n` lines at the start of `buf` and
/// returns how many bytes it wrote.
///
/// All or nothing: on error `buf` is untouched. Writes nothing (and returns
/// 0) when there is no header.
///
/// ```
/// use cors_engine::{h1, Config, FixedPolicy, RequestDescriptor};
///
/// let policy = FixedPolicy::<128, 8>::compile(
///     &Config::new().allowed_origins(&["https://app.example.com"]).allow_credentials(true),
/// ).unwrap();
/// let decision = policy.decide(&RequestDescriptor::new(b"GET").origin(b"https://app.example.com"));
///
/// let mut buf = [0u8; 256];
/// let n = h1::write_headers(decision.headers(), &mut buf)?;
/// assert_eq!(
///     &buf[..n],
///     b"Access-Control-Allow-Origin: https://app.example.com\r\n\
///       Access-Control-Allow-Credentials: true\r\n\
///       Vary: Origin\r\n"
/// );
///
/// // Too small: nothing written, and the size that would do.
/// let err = h1::write_headers(decision.headers(), &mut buf[..10]).unwrap_err();
/// assert_eq!(err, h1::WriteError::BufferTooSmall { needed: n });
/// # Ok::<(), h1::WriteError>(())
/// ```
pub fn write_headers(headers: &Headers<'_>, buf: &mut [u8]) -> Result<usize, WriteError> {
    let needed = measure(headers)?;
    if needed > buf.len() {
        return Err(WriteError::BufferTooSmall { needed });
    }
    let mut out = Cursor { buf, at: 0 };
    out.put_headers(headers);
    Ok(needed)
}

/// Writes `headers` as `Name: value\r\n` lines to a [`fmt::Write`] sink
/// (a `heapless::String`, a `String`, a formatter).
///
/// Every value is checked before the first write, so an invalid value
/// leaves `out` untouched; only an error of the sink itself
/// ([`WriteError::Fmt`]) can leave part of the block behind.
///
/// ```
/// use core::fmt::Write;
/// use cors_engine::{h1, Config, FixedPolicy, RequestDescriptor};
///
/// let policy = FixedPolicy::<128, 8>::compile(&Config::new().allowed_origins(&["*"])).unwrap();
/// let decision = policy.decide(&RequestDescriptor::new(b"GET").origin(b"https://a.test"));
///
/// let mut head = String::from("HTTP/1.1 200 OK\r\n");
/// h1::write_headers_fmt(decision.headers(), &mut head)?;
/// head.push_str("\r\n");
/// assert_eq!(head, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n");
/// # Ok::<(), h1::WriteError>(())
/// ```
pub fn write_headers_fmt<W: fmt::Write + ?Sized>(
    headers: &Headers<'_>,
    out: &mut W,
) -> Result<(), WriteError> {
    measure(headers)?;
    for h in headers {
        // `measure` let through ASCII only, so this cannot fail.
        let value =
            core::str::from_utf8(h.value).map_err(|_| WriteError::InvalidValue { name: h.name })?;
        for piece in [h.name.as_str(), ": ", value, "\r\n"] {
            out.write_str(piece).map_err(|_| WriteError::Fmt)?;
        }
    }
    Ok(())
}

/// The reason phrase of a status a decision can give (`"No Content"`,
/// `"OK"`, `"Forbidden"`), or `""` for any other status (HTTP/1.1 allows
/// an empty phrase).
pub const fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        403 => "Forbidden",
        _ => "",
    }
}

/// Writes the start of the response to a preflight at the start of `buf`:
/// the status line, the CORS headers, and `Content-Length: 0` unless the
/// status is 204. Returns the bytes written. The response has no body;
/// finish the head with your own headers, if any, and `\r\n`.
///
/// Fails with [`WriteError::NotPreflight`] when `decision` is not a
/// preflight (the application answers those). All or nothing: on error
/// `buf` is untouched.
///
/// ```
/// use cors_engine::{h1, Config, FixedPolicy, RequestDescriptor};
///
/// let policy = FixedPolicy::<128, 8>::compile(
///     &Config::new().allowed_origins(&["https://app.example.com"]).allowed_methods(&["PUT"]),
/// ).unwrap();
/// let preflight = RequestDescriptor::new(b"OPTIONS")
///     .origin(b"https://app.example.com")
///     .request_method(b"DELETE");
///
/// let mut buf = [0u8; 512];
/// let n = h1::write_preflight(&policy.decide(&preflight), &mut buf)?;
/// assert_eq!(
///     &buf[..n],
///     b"HTTP/1.1 403 Forbidden\r\n\
///       Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n\
///       Content-Length: 0\r\n"
/// );
/// // Then any header of yours (`Date`, `Connection`), and the blank line `\r\n`.
/// # Ok::<(), h1::WriteError>(())
/// ```
pub fn write_preflight(decision: &Decision<'_>, buf: &mut [u8]) -> Result<usize, WriteError> {
    let status = match decision.preflight_status() {
        Some(status) if !decision.runs_handler() => status,
        _ => return Err(WriteError::NotPreflight),
    };
    let mut digits = [0u8; 5];
    let code = decimal(status, &mut digits);
    let reason = reason_phrase(status).as_bytes();
    let length: &[u8] = if status == 204 {
        b""
    } else {
        b"Content-Length: 0\r\n"
    };
    let status_line: [&[u8]; 5] = [b"HTTP/1.1 ", code, b" ", reason, b"\r\n"];
    let mut needed = measure(decision.headers())?;
    for piece in status_line.into_iter().chain([length]) {
        needed = needed.saturating_add(piece.len());
    }
    if needed > buf.len() {
        return Err(WriteError::BufferTooSmall { needed });
    }
    let mut out = Cursor { buf, at: 0 };
    for piece in status_line {
        out.put(piece);
    }
    out.put_headers(decision.headers());
    out.put(length);
    Ok(needed)
}

/// `n` in decimal, in the tail of `buf`.
fn decimal(mut n: u16, buf: &mut [u8; 5]) -> &[u8] {
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES};
    use crate::{Config, FixedPolicy, Kind, Reason};

    type Small = FixedPolicy<512, 32>;

    const CONFIG: Config<'static, 'static> = Config::new()
        .allowed_origins(&["https://app.example.com", "http://localhost:*"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["content-type", "x-trace"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600);

    fn policy() -> Small {
        match Small::compile(&CONFIG) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    fn reason(p: &Small, r: &Request<'_>) -> Option<Reason> {
        p.decide(&r.descriptor()).denial().map(|d| d.reason())
    }

    #[test]
    fn names_match_case_insensitively_and_others_are_ignored() {
        let mut r = Request::new(b"OPTIONS");
        r.header("HOST", b"x");
        r.header("oRiGiN", b"https://app.example.com");
        r.header(b"ACCESS-CONTROL-REQUEST-METHOD".as_slice(), b"PUT");
        r.header("Access-Control-Request-Headers", b"content-type");
        r.header("access-control-request-headers", b"x-trace");
        r.header("Access-Control-Request-Private-Network", b"true");
        r.header("Origin-X", b"https://evil.test");
        let d = r.descriptor();
        assert_eq!(d.method, b"OPTIONS");
        assert_eq!(d.origin, Some(&b"https://app.example.com"[..]));
        assert_eq!(d.request_method, Some(&b"PUT"[..]));
        assert_eq!(d.request_headers, [&b"content-type"[..], b"x-trace"]);
        assert_eq!(d.request_private_network, Some(&b"true"[..]));
        assert_eq!(d.repeated, None);
    }

    #[test]
    fn from_headers_equals_line_by_line() {
        let lines: [(&str, &[u8]); 3] = [
            ("Origin", b"https://app.example.com"),
            ("Access-Control-Request-Method", b"PUT"),
            ("Access-Control-Request-Headers", b"x-trace"),
        ];
        let a = Request::from_headers(b"OPTIONS", lines);
        let mut b = Request::new(b"OPTIONS");
        for (n, v) in lines {
            b.header(n, v);
        }
        assert_eq!(a.descriptor(), b.descriptor());
    }

    #[test]
    fn values_lose_surrounding_whitespace_only() {
        let mut r = Request::new(b"GET");
        r.header("Origin", b" \thttps://app.example.com \t");
        r.header("Access-Control-Request-Headers", b"  ");
        r.header("Access-Control-Request-Method", b" a b ");
        let d = r.descriptor();
        assert_eq!(d.origin, Some(&b"https://app.example.com"[..]));
        assert_eq!(d.request_headers, [&b""[..]]);
        assert_eq!(d.request_method, Some(&b"a b"[..]));
        assert_eq!(trim(b""), b"");
        assert_eq!(trim(b"\t"), b"");
    }

    #[test]
    fn a_repeated_single_header_is_recorded_and_denied() {
        let p = policy();
        for (name, first) in [
            ("origin", SingleHeader::Origin),
            ("Access-Control-Request-Method", SingleHeader::RequestMethod),
            (
                "access-control-request-private-network",
                SingleHeader::RequestPrivateNetwork,
            ),
        ] {
            let mut r = Request::new(b"OPTIONS");
            r.header("Origin", b"https://app.example.com");
            r.header("Access-Control-Request-Method", b"PUT");
            r.header("Access-Control-Request-Private-Network", b"true");
            r.header(name, b"whatever");
            // The first line is kept; the first header repeated is named.
            assert_eq!(r.descriptor().origin, Some(&b"https://app.example.com"[..]));
            r.header("origin", b"x");
            assert_eq!(r.descriptor().repeated, Some(first), "{name}");
            assert_eq!(reason(&p, &r), Some(Reason::RepeatedHeader), "{name}");
        }
        // The list header may repeat.
        let mut r = Request::new(b"OPTIONS");
        r.header("Origin", b"https://app.example.com");
        r.header("Access-Control-Request-Method", b"PUT");
        r.header("Access-Control-Request-Headers", b"content-type");
        r.header("Access-Control-Request-Headers", b"x-trace");
        assert_eq!(reason(&p, &r), None);
    }

    #[test]
    fn request_header_lines_past_the_cap_are_denied() {
        let p = policy();
        let preflight = |lines: usize| {
            let mut r = Request::new(b"OPTIONS");
            r.header("Origin", b"https://app.example.com");
            r.header("Access-Control-Request-Method", b"PUT");
            for _ in 0..lines {
                r.header("Access-Control-Request-Headers", b"x-trace");
            }
            r
        };
        let at_cap = preflight(MAX_REQUEST_HEADER_LINES);
        assert_eq!(
            at_cap.descriptor().request_headers.len(),
            MAX_REQUEST_HEADER_LINES
        );
        assert_eq!(reason(&p, &at_cap), None);
        for lines in [MAX_REQUEST_HEADER_LINES + 1, MAX_REQUEST_HEADER_LINES + 50] {
            let r = preflight(lines);
            assert_eq!(r.descriptor().request_headers.len(), LINES);
            assert_eq!(reason(&p, &r), Some(Reason::TooManyRequestHeaderLines));
        }
    }

    #[test]
    fn headers_are_written_as_lines() {
        let p = policy();
        let r = Request::from_headers(
            b"OPTIONS",
            [
                ("Origin", &b"https://app.example.com"[..]),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", b"X-Trace"),
            ],
        );
        let d = p.decide(&r.descriptor());
        let mut buf = [0u8; 512];
        let expected: &[u8] = b"Access-Control-Allow-Origin: https://app.example.com\r\n\
Access-Control-Allow-Credentials: true\r\n\
Access-Control-Allow-Methods: PUT\r\n\
Access-Control-Allow-Headers: X-Trace\r\n\
Access-Control-Max-Age: 600\r\n\
Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n";
        assert_eq!(write_headers(d.headers(), &mut buf), Ok(expected.len()));
        assert_eq!(buf.get(..expected.len()), Some(expected));

        let mut s = Text::new();
        assert_eq!(write_headers_fmt(d.headers(), &mut s), Ok(()));
        assert_eq!(s.as_bytes(), expected);

        let n = write_preflight(&d, &mut buf).expect("fits");
        let head = b"HTTP/1.1 204 No Content\r\n";
        assert_eq!(buf.get(..head.len()), Some(&head[..]));
        assert_eq!(buf.get(head.len()..n), Some(expected));
    }

    #[test]
    fn every_short_buffer_is_refused_and_left_untouched() {
        let p = policy();
        let r = Request::from_headers(
            b"OPTIONS",
            [
                ("Origin", &b"https://app.example.com"[..]),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", b"content-type"),
            ],
        );
        let d = p.decide(&r.descriptor());
        let mut buf = [0xAAu8; 512];
        let needed = write_headers(d.headers(), &mut buf).expect("fits");
        let preflight = write_preflight(&d, &mut buf).expect("fits");
        for size in 0..preflight {
            let mut small = [0xAAu8; 512];
            let small = &mut small[..size];
            if size < needed {
                assert_eq!(
                    write_headers(d.headers(), small),
                    Err(WriteError::BufferTooSmall { needed })
                );
            }
            assert_eq!(
                write_preflight(&d, small),
                Err(WriteError::BufferTooSmall { needed: preflight })
            );
            assert!(small.iter().all(|&b| b == 0xAA), "size {size}");
        }
    }

    #[test]
    fn values_with_control_bytes_are_never_written() {
        // The core never echoes such bytes; the adapter checks anyway, with
        // headers built by hand.
        for bad in [
            &b"https://a.test\r\nSet-Cookie: x=1"[..],
            b"https://a.test\n",
            b"a\rb",
            b"a\0b",
            b"a\x7fb",
            b"a\x1bb",
            b"caf\xc3\xa9",
        ] {
            let lines = [bad];
            let headers = Headers {
                allow_origin: Some(b"https://a.test"),
                allow_headers: &lines,
                vary: Some(b"Origin"),
                ..Headers::default()
            };
            let mut buf = [0xAAu8; 256];
            assert_eq!(
                write_headers(&headers, &mut buf),
                Err(WriteError::InvalidValue {
                    name: HeaderName::AllowHeaders
                })
            );
            assert!(buf.iter().all(|&b| b == 0xAA));
            let mut s = Text::new();
            assert_eq!(
                write_headers_fmt(&headers, &mut s),
                Err(WriteError::InvalidValue {
                    name: HeaderName::AllowHeaders
                })
            );
            assert!(s.is_empty());
        }
        // A tab inside a value is a valid field value.
        let headers = Headers {
            allow_methods: Some(b"PUT,\tDELETE"),
            ..Headers::default()
        };
        assert_eq!(write_headers(&headers, &mut [0; 64]), Ok(43));
    }

    #[test]
    fn echoed_request_bytes_with_controls_are_denied_before_writing() {
        // Through the core: a hostile origin is not echoed at all.
        let p = policy();
        let r = Request::from_headers(b"GET", [("Origin", &b"http://localhost:1\r\nX: y"[..])]);
        let d = p.decide(&r.descriptor());
        assert!(!d.is_allowed());
        let mut buf = [0u8; 128];
        let n = write_headers(d.headers(), &mut buf).expect("fits");
        assert_eq!(buf.get(..n), Some(&b"Vary: Origin\r\n"[..]));
    }

    #[test]
    fn preflight_only_and_status_lines() {
        let p = policy();
        let get = Request::new(b"GET");
        let actual = p.decide(&get.descriptor());
        assert_eq!(actual.kind(), Kind::NotCors);
        let mut buf = [0xAAu8; 64];
        assert_eq!(
            write_preflight(&actual, &mut buf),
            Err(WriteError::NotPreflight)
        );
        assert!(buf.iter().all(|&b| b == 0xAA));

        let denied = Request::from_headers(
            b"OPTIONS",
            [
                ("Origin", &b"https://evil.test"[..]),
                ("Access-Control-Request-Method", b"PUT"),
            ],
        );
        let d = p.decide(&denied.descriptor());
        let mut buf = [0u8; 256];
        let n = write_preflight(&d, &mut buf).expect("fits");
        assert_eq!(
            buf.get(..n),
            Some(
                &b"HTTP/1.1 403 Forbidden\r\n\
Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n\
Content-Length: 0\r\n"[..]
            )
        );
        assert_eq!(reason_phrase(204), "No Content");
        assert_eq!(reason_phrase(200), "OK");
        assert_eq!(reason_phrase(403), "Forbidden");
        assert_eq!(reason_phrase(599), "");
        for (n, s) in [
            (0u16, &b"0"[..]),
            (7, b"7"),
            (204, b"204"),
            (65535, b"65535"),
        ] {
            assert_eq!(decimal(n, &mut [0; 5]), s);
        }
    }

    #[test]
    fn the_largest_answer_fits_the_documented_4_kib() {
        use crate::limits::{MAX_METHOD_LEN, MAX_ORIGIN_LEN};
        // Every echoed value at its cap, every optional header present.
        let mut origin = [b'a'; MAX_ORIGIN_LEN];
        let (scheme, tail) = (b"https://", b".example.com");
        origin[..scheme.len()].copy_from_slice(scheme);
        origin[MAX_ORIGIN_LEN - tail.len()..].copy_from_slice(tail);
        for i in (scheme.len() + 60..MAX_ORIGIN_LEN - tail.len()).step_by(61) {
            origin[i] = b'.';
        }
        let method = [b'M'; MAX_METHOD_LEN];
        let name = [b'x'; MAX_REQUEST_HEADERS_LEN / MAX_REQUEST_HEADER_LINES];
        let p = Small::compile(
            &Config::new()
                .allowed_origins(&["https://*.example.com"])
                .allowed_methods(&["*"])
                .allowed_headers(&["*"])
                .allow_credentials(true)
                .allow_private_network(true)
                .max_age(86_400),
        )
        .expect("valid");
        let mut r = Request::new(b"OPTIONS");
        r.header("Origin", &origin);
        r.header("Access-Control-Request-Method", &method);
        r.header("Access-Control-Request-Private-Network", b"true");
        for _ in 0..MAX_REQUEST_HEADER_LINES {
            r.header("Access-Control-Request-Headers", &name);
        }
        let d = p.decide(&r.descriptor());
        assert_eq!(d.denial(), None);
        assert_eq!(d.headers().len(), Headers::MAX - 1, "all but ACEH");
        let mut buf = [0u8; 4096];
        let n = write_preflight(&d, &mut buf).expect("fits in 4 KiB");
        assert!(n > MAX_ORIGIN_LEN + MAX_METHOD_LEN + MAX_REQUEST_HEADERS_LEN);
    }

    #[test]
    fn errors_display() {
        use core::fmt::Write;
        let mut s = Text::new();
        let _ = write!(s, "{}", WriteError::BufferTooSmall { needed: 42 });
        assert_eq!(
            s.as_bytes(),
            b"buffer too small for the CORS headers: 42 bytes needed"
        );
        let mut s = Text::new();
        let _ = write!(
            s,
            "{}",
            WriteError::InvalidValue {
                name: HeaderName::AllowOrigin
            }
        );
        assert!(s
            .as_bytes()
            .starts_with(b"the Access-Control-Allow-Origin value"));
    }

    /// A `fmt::Write` sink on the stack (the tests run without `alloc` too).
    type Text = heapless::String<1024>;
}
