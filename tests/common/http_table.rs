//! The shared spec table (`spec.rs`) run over real HTTP/1.1, against any
//! adapter's server, plus the raw client it uses.
//!
//! The client writes requests byte for byte (so a test can send what no
//! HTTP library would: non-UTF-8 values, a hundred `Origin` lines, huge
//! header lists) and reads the response to EOF.
//!
//! Every server is expected to put the DESIGN §5 application handler behind
//! its CORS layer: every method on every path answers 200 with the body
//! `ok` and the headers `X-Handler: app`, `Vary: Accept-Encoding` and
//! `X-Total-Count: 42`. That is how a response shows whether the handler
//! ran, and whether the layer kept the application's own `Vary`.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use super::spec::{check_invariants, Case, Observed, CASES, VARY};

/// How long one exchange may take before the client gives up.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The `Vary` element the application handler sets.
const APP_VARY: &[u8] = b"Accept-Encoding";

/// A parsed HTTP/1.1 response.
#[derive(Clone, Debug, Default)]
pub struct Response {
    pub status: u16,
    /// Every header line in order, name in lower case, value as sent
    /// (surrounding whitespace removed).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The value of the first `name` line (`name` in lower case).
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The values of every `name` line, in order (`name` in lower case).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Whether the DESIGN §5 application handler produced this response.
    pub fn handler_ran(&self) -> bool {
        self.get_all("x-handler").any(|v| v == b"app")
    }
}

/// Sends one request and reads the whole response; panics when the server
/// does not answer with a parsable response.
///
/// `lines` are written exactly as given, duplicates as separate lines,
/// after `Host` and before `Connection: close`.
pub fn send(addr: SocketAddr, method: &[u8], lines: &[(&str, &[u8])]) -> Response {
    try_send(addr, method, lines).unwrap_or_else(|e| {
        panic!(
            "{} request to {addr} with {} header line(s): {e}",
            method.escape_ascii(),
            lines.len()
        )
    })
}

/// [`send`] without the panic: for requests a server may refuse by closing
/// the connection.
pub fn try_send(addr: SocketAddr, method: &[u8], lines: &[(&str, &[u8])]) -> io::Result<Response> {
    try_send_to(addr, method, "/", lines)
}

/// [`send`] to another path than `/`.
pub fn send_to(addr: SocketAddr, method: &[u8], path: &str, lines: &[(&str, &[u8])]) -> Response {
    try_send_to(addr, method, path, lines).unwrap_or_else(|e| {
        panic!(
            "{} {path} request to {addr} with {} header line(s): {e}",
            method.escape_ascii(),
            lines.len()
        )
    })
}

/// [`try_send`] to another path than `/`.
pub fn try_send_to(
    addr: SocketAddr,
    method: &[u8],
    path: &str,
    lines: &[(&str, &[u8])],
) -> io::Result<Response> {
    try_send_body(addr, method, path, lines, &[])
}

/// [`try_send_to`] with a body (and its `Content-Length`, when not empty).
pub fn try_send_body(
    addr: SocketAddr,
    method: &[u8],
    path: &str,
    lines: &[(&str, &[u8])],
    body: &[u8],
) -> io::Result<Response> {
    let mut request = Vec::with_capacity(256);
    request.extend_from_slice(method);
    request.push(b' ');
    request.extend_from_slice(path.as_bytes());
    request.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    request.extend_from_slice(addr.to_string().as_bytes());
    request.extend_from_slice(b"\r\n");
    for (name, value) in lines {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() {
        request.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request.extend_from_slice(body);

    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    // A server may answer (say, 431) and close before it has read a huge
    // request; what it answered is still worth reading.
    let written = stream.write_all(&request).and_then(|()| stream.flush());
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    if raw.is_empty() {
        written?;
        read?;
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed without a response",
        ));
    }
    parse(&raw, method == b"HEAD")
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses status line, header lines and body (chunked, `Content-Length`,
/// or up to EOF).
fn parse(raw: &[u8], head_request: bool) -> io::Result<Response> {
    let end = find(raw, b"\r\n\r\n").ok_or_else(|| invalid("no end of response head"))?;
    let head = &raw[..end];
    let rest = &raw[end + 4..];
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));

    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, |&b| b == b' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with(b"HTTP/1.") {
        return Err(invalid(format!(
            "bad status line {:?}",
            status_line.escape_ascii().to_string()
        )));
    }
    let status = parts
        .next()
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| invalid("bad status code"))?;

    let mut headers = Vec::new();
    for line in lines {
        let colon = line.iter().position(|&b| b == b':').ok_or_else(|| {
            invalid(format!(
                "bad header line {:?}",
                line.escape_ascii().to_string()
            ))
        })?;
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        let value = line[colon + 1..].trim_ascii().to_vec();
        headers.push((name, value));
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };

    let bodiless = head_request || status == 204 || status == 304 || (100..200).contains(&status);
    if bodiless {
        return Ok(response);
    }
    let chunked = response
        .get_all("transfer-encoding")
        .any(|v| v.to_ascii_lowercase().windows(7).any(|w| w == b"chunked"));
    response.body = if chunked {
        dechunk(rest)?
    } else if let Some(len) = response.get("content-length") {
        let len = std::str::from_utf8(len)
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| invalid("bad content-length"))?;
        rest.get(..len)
            .ok_or_else(|| invalid(format!("body shorter than content-length {len}")))?
            .to_vec()
    } else {
        rest.to_vec()
    };
    Ok(response)
}

fn dechunk(mut rest: &[u8]) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let eol = find(rest, b"\r\n").ok_or_else(|| invalid("unterminated chunk size"))?;
        let size_text = rest[..eol]
            .split(|&b| b == b';')
            .next()
            .unwrap_or_default()
            .trim_ascii();
        let size = std::str::from_utf8(size_text)
            .ok()
            .and_then(|s| usize::from_str_radix(s, 16).ok())
            .ok_or_else(|| invalid("bad chunk size"))?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).ok_or_else(|| invalid("truncated chunk"))?;
        body.extend_from_slice(chunk);
        rest = rest
            .get(size + 2..)
            .ok_or_else(|| invalid("truncated chunk"))?;
    }
}

/// The `Vary` elements of one line, trimmed, empty ones dropped.
fn vary_elements(line: &[u8]) -> Vec<&[u8]> {
    line.split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .filter(|e| !e.is_empty())
        .collect()
}

/// Turns a response into what the table compares, checking on the way what
/// only a response through a real handler can show: the handler's own
/// status, body and headers survive, and its `Vary` is appended to, never
/// replaced (the CORS layer's `Vary` may come as a second line or merged
/// into the application's).
pub fn observe(response: &Response) -> Result<Observed, String> {
    let mut problems = Vec::new();
    let runs_handler = response.handler_ran();
    if runs_handler {
        if response.status != 200 {
            problems.push(format!("handler ran but status is {}", response.status));
        }
        if response.body != b"ok" {
            problems.push(format!(
                "handler ran but body is {:?}",
                response.body.escape_ascii().to_string()
            ));
        }
        let totals: Vec<&[u8]> = response.get_all("x-total-count").collect();
        if totals != [b"42"] {
            problems.push(format!("X-Total-Count is {totals:?}, want [\"42\"]"));
        }
    }

    let mut headers: Vec<(String, Vec<u8>)> = response
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("access-control-"))
        .cloned()
        .collect();

    let mut app_vary = 0;
    for line in response.get_all(VARY) {
        let elements = vary_elements(line);
        let is_app = |e: &[u8]| e.eq_ignore_ascii_case(APP_VARY);
        let app_here = elements.iter().filter(|e| is_app(e)).count();
        if app_here == 0 {
            headers.push((VARY.to_string(), line.to_vec()));
            continue;
        }
        app_vary += app_here;
        let cors: Vec<&[u8]> = elements.into_iter().filter(|e| !is_app(e)).collect();
        if !cors.is_empty() {
            headers.push((VARY.to_string(), cors.join(&b", "[..])));
        }
    }
    match (runs_handler, app_vary) {
        (true, 1) | (false, 0) => {}
        (true, n) => problems.push(format!(
            "the application's `Vary: Accept-Encoding` appears {n} times \
             (a CORS layer must append to it, never replace it)"
        )),
        (false, n) => problems.push(format!(
            "handler did not run but `Accept-Encoding` is in Vary {n} times"
        )),
    }

    if problems.is_empty() {
        Ok(Observed {
            kind: None,
            outcome: None,
            preflight_status: (!runs_handler).then_some(response.status),
            runs_handler,
            headers,
        })
    } else {
        Err(problems.join("\n    "))
    }
}

fn run_case(case: &Case, addr: SocketAddr) -> Result<(), String> {
    let lines = case.request.header_lines();
    let response = try_send(addr, case.request.method, &lines).map_err(|e| format!("I/O: {e}"))?;
    let got = observe(&response)?;
    let mut problems = Vec::new();
    if let Err(e) = case.expect.check(&got) {
        problems.push(e);
    }
    if let Err(e) = check_invariants(&case.request, &got) {
        problems.push(format!("invariant: {e}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

/// A case a framework answers itself before any middleware runs, so no
/// adapter can decide it: what the framework answers instead is checked,
/// so that the exception fails once the framework changes.
pub struct Exception {
    /// The case's name.
    pub case: &'static str,
    /// Why the framework answers it.
    pub why: &'static str,
    /// Whether a response is the framework's own answer.
    pub answer: fn(&Response) -> bool,
}

/// Runs every HTTP-representable case against servers, one per named policy,
/// whose address `addr_of(policy_name)` gives. Panics with every failing case listed.
pub fn run(front_end: &str, addr_of: &dyn Fn(&str) -> SocketAddr) {
    run_except(front_end, addr_of, &[]);
}

/// [`run`], with the cases in `exceptions` checked against the framework's
/// own answer instead.
pub fn run_except(front_end: &str, addr_of: &dyn Fn(&str) -> SocketAddr, exceptions: &[Exception]) {
    let mut ran = 0;
    let mut skipped = 0;
    let mut failures = Vec::new();
    for case in CASES {
        if !case.request.is_http_representable() {
            skipped += 1;
            continue;
        }
        ran += 1;
        if let Some(exception) = exceptions.iter().find(|e| e.case == case.name) {
            let addr = addr_of(case.policy.name);
            let lines = case.request.header_lines();
            match try_send(addr, case.request.method, &lines) {
                Ok(response) if (exception.answer)(&response) => {
                    println!(
                        "[{}] answered by {front_end} itself: {}",
                        case.name, exception.why
                    );
                }
                other => failures.push(format!(
                    "[{}] was expected to be answered by {front_end} itself ({}), got {other:?}",
                    case.name, exception.why
                )),
            }
            continue;
        }
        if let Err(e) = run_case(case, addr_of(case.policy.name)) {
            failures.push(format!(
                "[{}] (policy {})\n    {e}",
                case.name, case.policy.name
            ));
        }
    }
    println!(
        "spec table over HTTP ({front_end}): {ran} of {} cases ran, {skipped} skipped as not \
         representable in HTTP/1",
        CASES.len()
    );
    assert!(
        failures.is_empty(),
        "{front_end}: {} of {ran} spec cases failed over HTTP:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        ran * 10 >= CASES.len() * 9,
        "{front_end}: only {ran} of {} cases are representable in HTTP/1",
        CASES.len()
    );
}
