//! The `h1` adapter end to end: every spec-table request is written as
//! HTTP/1.1 bytes, parsed with `httparse`, collected with
//! `cors_engine::h1::Request`, decided, written back with the adapter and
//! parsed again, and the response is checked against the table.
//!
//! (Needs `alloc`: the shared table does. Without it, the adapter's unit
//! tests and doctests cover the `FixedPolicy` path.)
#![cfg(all(feature = "h1", feature = "alloc"))]

mod common;

use std::collections::HashMap;

use common::spec::{check_invariants, Observed, Request, CASES, POLICIES};
use cors_engine::h1::{self, WriteError};
use cors_engine::{Config, Decision, FixedPolicy, Kind, Policy, Reason};

/// The request head a client would send for `lines`, with each header name
/// spelled in one of three casings (names are case-insensitive).
fn request_bytes(method: &[u8], lines: &[(&str, &[u8])], casing: usize) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(method);
    out.extend_from_slice(b" /resource HTTP/1.1\r\nHost: api.example.test\r\n");
    for (i, (name, value)) in lines.iter().enumerate() {
        let name = match (casing + i) % 3 {
            0 => name.to_string(),
            1 => name.to_ascii_uppercase(),
            _ => title_case(name),
        };
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"User-Agent: test\r\n\r\n");
    out
}

fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Everything the server sends before the body for `decision`, through
/// the adapter only: `write_preflight` for a preflight, else the
/// application's status line, `write_headers` and the blank line.
/// Also checks that the two writers (slice and `fmt::Write`) agree.
fn response_head(decision: &Decision<'_>) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut block = String::new();
    h1::write_headers_fmt(decision.headers(), &mut block).map_err(|e| e.to_string())?;
    let n = h1::write_headers(decision.headers(), &mut buf).map_err(|e| e.to_string())?;
    if block.as_bytes() != &buf[..n] {
        return Err("write_headers and write_headers_fmt differ".into());
    }
    match h1::write_preflight(decision, &mut buf) {
        Ok(n) => {
            if decision.runs_handler() {
                return Err("write_preflight answered a request the handler runs".into());
            }
            let mut head = buf[..n].to_vec();
            head.extend_from_slice(b"\r\n");
            Ok(head)
        }
        Err(WriteError::NotPreflight) if decision.runs_handler() => {
            let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
            head.extend_from_slice(block.as_bytes());
            head.extend_from_slice(b"\r\n");
            Ok(head)
        }
        Err(e) => Err(format!("write_preflight: {e}")),
    }
}

/// Parses a response head back into what a client observes.
fn observe(head: &[u8], runs_handler: bool) -> Result<Observed, String> {
    let mut lines = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut lines);
    match response.parse(head) {
        Ok(httparse::Status::Complete(n)) if n == head.len() => {}
        other => {
            return Err(format!(
                "written head does not parse as one response: {other:?}\n{}",
                head.escape_ascii()
            ))
        }
    }
    let status = response.code.ok_or("no status")?;
    let mut headers = Vec::new();
    for h in response.headers.iter() {
        let name = h.name.to_ascii_lowercase();
        if name.starts_with("access-control-") || name == "vary" {
            headers.push((name, h.value.to_vec()));
        } else if name == "content-length" {
            if status == 204 || h.value != b"0" || runs_handler {
                return Err(format!("unexpected content-length with status {status}"));
            }
        } else {
            return Err(format!("unexpected header {name}"));
        }
    }
    if !runs_handler && status != 204 && !headers.is_empty() {
        // `Content-Length: 0` frames a bodyless 200/403.
        let framed = response
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("content-length"));
        if !framed {
            return Err(format!("{status} preflight without Content-Length"));
        }
    }
    Ok(Observed {
        // The adapter's caller sees only the response and whether to run
        // the handler; the core's own test compares kind and verdict.
        kind: None,
        outcome: None,
        preflight_status: (!runs_handler).then_some(status),
        runs_handler,
        headers,
    })
}

fn policies() -> HashMap<&'static str, Policy> {
    POLICIES
        .iter()
        .map(|p| (p.name, Policy::compile(&p.config).expect(p.name)))
        .collect()
}

/// Whether the only bytes HTTP/1 cannot carry are spaces and tabs at
/// the edges of `Access-Control-Request-Headers` lines. A parser strips
/// them, and the core trims those lines itself, so the case's expected
/// response still holds. (Stripped edges of an origin or a method
/// would change the answer; those cases stay with the core's test.)
fn acrh_whitespace_only(request: &Request) -> bool {
    let field_bytes = |v: &[u8]| {
        v.iter()
            .all(|&b| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80)
    };
    request.acrh.iter().all(|l| field_bytes(l))
        && Request {
            acrh: &[],
            ..*request
        }
        .is_http_representable()
}

#[test]
fn request_table_through_h1() {
    let policies = policies();
    let mut ran = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let exact = case.request.is_http_representable();
        if !exact && !acrh_whitespace_only(&case.request) {
            skipped.push(case.name);
            continue;
        }
        ran += 1;
        let bytes = request_bytes(case.request.method, &case.request.header_lines(), i);
        let mut lines = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut lines);
        if !matches!(parsed.parse(&bytes), Ok(httparse::Status::Complete(_))) {
            failures.push(format!("[{}] request does not parse", case.name));
            continue;
        }
        let method = parsed.method.unwrap_or_default().as_bytes();
        let cors =
            h1::Request::from_headers(method, parsed.headers.iter().map(|h| (h.name, h.value)));
        // The collector hands the core exactly what the table describes
        // (but for the whitespace HTTP/1 strips).
        if exact && cors.descriptor() != case.request.descriptor() {
            failures.push(format!(
                "[{}] descriptor differs:\n    {:?}\n    {:?}",
                case.name,
                cors.descriptor(),
                case.request.descriptor()
            ));
            continue;
        }
        let decision = policies[case.policy.name].decide(&cors.descriptor());
        let result = response_head(&decision).and_then(|head| {
            let got = observe(&head, decision.runs_handler())?;
            case.expect.check(&got)?;
            check_invariants(&case.request, &got).map_err(|e| format!("invariant: {e}"))
        });
        if let Err(e) = result {
            failures.push(format!(
                "[{}] (policy {})\n    {e}",
                case.name, case.policy.name
            ));
        }
    }
    println!(
        "h1: {ran} of {} spec cases run, {} skipped (values HTTP/1 cannot carry): {skipped:?}",
        CASES.len(),
        skipped.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed through h1:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        ran * 10 >= CASES.len() * 9,
        "only {ran} of {} ran",
        CASES.len()
    );
}

/// Cases whose bytes no HTTP/1 parser lets through (CR, LF, NUL, edge
/// whitespace) still go through the collector as raw lines: whatever
/// the core decides, what is written is a clean header block.
#[test]
fn unrepresentable_requests_still_write_clean_blocks() {
    let policies = policies();
    let mut ran = 0;
    for case in CASES.iter().filter(|c| !c.request.is_http_representable()) {
        ran += 1;
        let lines = case.request.header_lines();
        let cors = h1::Request::from_headers(case.request.method, lines.iter().copied());
        let decision = policies[case.policy.name].decide(&cors.descriptor());
        let head = response_head(&decision).unwrap_or_else(|e| panic!("[{}] {e}", case.name));
        let got = observe(&head, decision.runs_handler())
            .unwrap_or_else(|e| panic!("[{}] {e}", case.name));
        check_invariants(&case.request, &got).unwrap_or_else(|e| panic!("[{}] {e}", case.name));
    }
    println!("h1: {ran} unrepresentable cases written cleanly");
}

#[test]
fn every_short_buffer_errors_and_the_needed_size_succeeds() {
    let policies = policies();
    for case in CASES {
        let lines = case.request.header_lines();
        let cors = h1::Request::from_headers(case.request.method, lines.iter().copied());
        let decision = policies[case.policy.name].decide(&cors.descriptor());
        type Write = fn(&Decision<'_>, &mut [u8]) -> Result<usize, WriteError>;
        let writers: [(&str, Write); 2] = [
            ("write_headers", |d, buf| {
                h1::write_headers(d.headers(), buf)
            }),
            ("write_preflight", h1::write_preflight),
        ];
        for (what, write) in writers {
            let mut big = vec![0u8; 16 * 1024];
            let needed = match write(&decision, &mut big) {
                Ok(n) => n,
                Err(WriteError::NotPreflight) => continue,
                Err(e) => panic!("[{}] {what}: {e}", case.name),
            };
            let expected = big[..needed].to_vec();
            let mut buf = vec![0x5Au8; needed];
            for size in 0..needed {
                assert_eq!(
                    write(&decision, &mut buf[..size]),
                    Err(WriteError::BufferTooSmall { needed }),
                    "[{}] {what}, {size} bytes",
                    case.name
                );
                assert!(
                    buf.iter().all(|&b| b == 0x5A),
                    "[{}] {what} wrote into a short buffer",
                    case.name
                );
            }
            assert_eq!(write(&decision, &mut buf), Ok(needed), "[{}]", case.name);
            assert_eq!(buf, expected, "[{}] {what} is deterministic", case.name);
        }
    }
}

#[test]
fn crlf_in_request_values_never_reaches_the_response() {
    let policies = policies();
    let hostile: [&[u8]; 5] = [
        b"https://example.com\r\nSet-Cookie: a=1",
        b"https://example.com\nX: y",
        b"https://example.com\rX: y",
        b"https://example.com\0",
        b"https://app.example.com\r\n\r\n<html>",
    ];
    for policy in policies.values() {
        for value in hostile {
            for (name, method) in [
                ("Origin", &b"GET"[..]),
                ("Access-Control-Request-Method", b"PUT\r\nX: y"),
                ("Access-Control-Request-Headers", b"content-type"),
            ] {
                let lines: [(&str, &[u8]); 3] = [
                    (
                        "Origin",
                        if name == "Origin" {
                            value
                        } else {
                            b"https://example.com"
                        },
                    ),
                    ("Access-Control-Request-Method", method),
                    (
                        "Access-Control-Request-Headers",
                        if name == "Origin" { b"x" } else { value },
                    ),
                ];
                let cors = h1::Request::from_headers(b"OPTIONS", lines);
                let decision = policy.decide(&cors.descriptor());
                let head = response_head(&decision).expect("writes");
                let body = &head[..head.len() - 2];
                assert!(!body.windows(2).any(|w| w == b"\r\r" || w == b"\n\n"));
                for bad in [&b"Set-Cookie"[..], b"X: y", b"<html>", b"\0"] {
                    assert!(
                        !head.windows(bad.len()).any(|w| w == bad),
                        "{}",
                        head.escape_ascii()
                    );
                }
                observe(&head, decision.runs_handler()).expect("parses");
            }
        }
    }
}

static CONFIG: Config<'static, 'static> = Config::new()
    .allowed_origins(&["https://app.example.com", "https://*.example.org"])
    .allowed_methods(&["PUT", "DELETE"])
    .allowed_headers(&["content-type", "x-trace"])
    .allow_credentials(true)
    .max_age(600);

type Fixed = FixedPolicy<512, 32>;

/// Parses `bytes`, collects, decides with a [`FixedPolicy`] (the no-alloc
/// path) and returns the response head.
fn serve(policy: &Fixed, bytes: &[u8]) -> (Kind, Option<Reason>, Vec<u8>) {
    let mut lines = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Request::new(&mut lines);
    assert!(matches!(
        parsed.parse(bytes),
        Ok(httparse::Status::Complete(_))
    ));
    let method = parsed.method.unwrap_or_default().as_bytes();
    let mut cors = h1::Request::new(method);
    for h in parsed.headers.iter() {
        cors.header(h.name, h.value);
    }
    let decision = policy.decide(&cors.descriptor());
    let head = response_head(&decision).expect("writes");
    (decision.kind(), decision.denial().map(|d| d.reason()), head)
}

#[test]
fn fixed_policy_flow() {
    let policy = Fixed::compile(&CONFIG).expect("fits");
    let (kind, reason, head) = serve(
        &policy,
        b"OPTIONS /x HTTP/1.1\r\nhost: a\r\norigin: https://shop.example.org\r\n\
          access-control-request-method: DELETE\r\n\
          access-control-request-headers: x-trace\r\n\
          ACCESS-CONTROL-REQUEST-HEADERS: Content-Type\r\n\r\n",
    );
    assert_eq!((kind, reason), (Kind::Preflight, None));
    assert_eq!(
        head,
        b"HTTP/1.1 204 No Content\r\n\
          Access-Control-Allow-Origin: https://shop.example.org\r\n\
          Access-Control-Allow-Credentials: true\r\n\
          Access-Control-Allow-Methods: DELETE\r\n\
          Access-Control-Allow-Headers: x-trace\r\n\
          Access-Control-Allow-Headers: Content-Type\r\n\
          Access-Control-Max-Age: 600\r\n\
          Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers\r\n\
          \r\n"
    );
}

#[test]
fn duplicate_origin_lines_are_denied() {
    let policy = Fixed::compile(&CONFIG).expect("fits");
    // Same value twice, or a second value: either way ambiguous.
    for second in ["https://app.example.com", "https://evil.test"] {
        let request = format!(
            "GET / HTTP/1.1\r\nOrigin: https://app.example.com\r\nHost: a\r\norigin: {second}\r\n\r\n"
        );
        let (kind, reason, head) = serve(&policy, request.as_bytes());
        assert_eq!((kind, reason), (Kind::Actual, Some(Reason::RepeatedHeader)));
        assert_eq!(head, b"HTTP/1.1 200 OK\r\nVary: Origin\r\n\r\n");

        let preflight = format!(
            "OPTIONS / HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
             Access-Control-Request-Method: PUT\r\nOrigin: {second}\r\n\r\n"
        );
        let (kind, reason, head) = serve(&policy, preflight.as_bytes());
        assert_eq!(
            (kind, reason),
            (Kind::Preflight, Some(Reason::RepeatedHeader))
        );
        assert!(head.starts_with(b"HTTP/1.1 403 Forbidden\r\n"));
        assert!(!head.windows(12).any(|w| w == b"Allow-Origin"));
    }
    // A repeated method line too.
    let (_, reason, _) = serve(
        &policy,
        b"OPTIONS / HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
          Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Method: PUT\r\n\r\n",
    );
    assert_eq!(reason, Some(Reason::RepeatedHeader));
}

#[test]
fn too_many_request_header_lines_are_denied() {
    use cors_engine::limits::MAX_REQUEST_HEADER_LINES;
    let policy = Fixed::compile(&CONFIG).expect("fits");
    for lines in [MAX_REQUEST_HEADER_LINES, MAX_REQUEST_HEADER_LINES + 1, 20] {
        let mut request = String::from(
            "OPTIONS / HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
             Access-Control-Request-Method: PUT\r\n",
        );
        for _ in 0..lines {
            request.push_str("Access-Control-Request-Headers: x-trace\r\n");
        }
        request.push_str("\r\n");
        let (_, reason, _) = serve(&policy, request.as_bytes());
        let expected =
            (lines > MAX_REQUEST_HEADER_LINES).then_some(Reason::TooManyRequestHeaderLines);
        assert_eq!(reason, expected, "{lines} lines");
    }
}
