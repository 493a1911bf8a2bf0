//! Arbitrary bytes as HTTP/1 header lines through the `h1` adapter:
//! collect, decide against fixed policies, write. Checks that the
//! collector counts lines as documented, that whatever is written is a
//! clean header block (no CR or LF inside a value), that writing is
//! deterministic and that a short buffer is refused, never truncated.
//!
//! Input: the first byte picks the policy; the rest is split into lines on
//! `\n` (a trailing `\r` dropped): the first line is the method, each other
//! line `name:value`. Bytes the split leaves in a value (a lone `\r`, NUL,
//! anything) reach the collector as they are.
#![no_main]

use std::sync::OnceLock;

use cors_engine::h1::{self, WriteError};
use cors_engine::limits::MAX_REQUEST_HEADER_LINES;
use cors_engine::{Config, Decision, FixedPolicy, HeaderName, Policy, SingleHeader};
use libfuzzer_sys::fuzz_target;

const CONFIGS: [Config<'static, 'static>; 2] = [
    Config::new()
        .allowed_origins(&[
            "https://app.example.com",
            "https://*.example.org",
            "http://localhost:*",
        ])
        .allowed_methods(&["GET", "POST", "PUT"])
        .allowed_headers(&["authorization", "content-type"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600)
        .allow_private_network(true),
    Config::new()
        .allowed_origins(&["*"])
        .allowed_methods(&["*"])
        .allowed_headers(&["*"])
        .exposed_headers(&["*"])
        .preflight_success_status(200),
];

/// The no-allocator policy type, as an embedded server would use it.
const FIXED: Config<'static, 'static> = Config::new()
    .allowed_origins(&["https://a.test"])
    .allow_null_origin(true)
    .allowed_methods(&["PATCH"])
    .allowed_headers(&["*", "authorization"]);

fn policies() -> &'static [Policy] {
    static P: OnceLock<Vec<Policy>> = OnceLock::new();
    P.get_or_init(|| {
        CONFIGS
            .iter()
            .map(|c| Policy::compile(c).expect("valid"))
            .collect()
    })
}

fn fixed() -> &'static FixedPolicy<256, 16> {
    static P: OnceLock<FixedPolicy<256, 16>> = OnceLock::new();
    P.get_or_init(|| FixedPolicy::compile(&FIXED).expect("valid"))
}

fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

fn split_header(line: &[u8]) -> (&[u8], &[u8]) {
    match line.iter().position(|&b| b == b':') {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, b""),
    }
}

/// What a valid response value may hold.
fn value_byte(b: u8) -> bool {
    b == b'\t' || (0x20..=0x7e).contains(&b)
}

/// Checks a written block line by line; returns the number of lines.
fn check_block(block: &[u8], vary_is_last: bool) -> usize {
    assert!(
        block.is_empty() || block.ends_with(b"\r\n"),
        "block ends mid-line"
    );
    let mut count = 0;
    let mut last = None;
    for line in block.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let line = line.strip_suffix(b"\r").expect("LF without CR");
        let sep = line.windows(2).position(|w| w == b": ").expect("no `: `");
        let (name, value) = (&line[..sep], &line[sep + 2..]);
        assert!(
            value.iter().all(|&b| value_byte(b)),
            "bad byte in a value: {line:?}"
        );
        assert!(name.iter().all(|b| b.is_ascii_alphabetic() || *b == b'-'));
        last = Some(name);
        count += 1;
    }
    if vary_is_last && count > 0 && block.windows(6).any(|w| w == b"Vary: ") {
        assert_eq!(last, Some(&b"Vary"[..]), "Vary is written last");
    }
    count
}

fn check_writes(decision: &Decision<'_>, size_hint: usize) {
    let headers = decision.headers();
    let mut big = [0u8; 16 * 1024];
    let written = match h1::write_headers(headers, &mut big) {
        Ok(n) => n,
        Err(WriteError::InvalidValue { .. }) => {
            // Allowed by the API, but the core only echoes clean bytes:
            // if this ever fires, one of them disagrees with its docs.
            panic!("the core produced a value the adapter refuses");
        }
        Err(e) => panic!("a 16 KiB buffer was too small: {e}"),
    };
    let block = &big[..written];
    assert_eq!(check_block(block, true), headers.len());

    // Deterministic, and the `fmt::Write` sink agrees byte for byte.
    let mut again = [0u8; 16 * 1024];
    assert_eq!(h1::write_headers(headers, &mut again), Ok(written));
    assert_eq!(&again[..written], block);
    let mut text = String::new();
    h1::write_headers_fmt(headers, &mut text).expect("String never fails");
    assert_eq!(text.as_bytes(), block);

    // A short buffer: refused with the size that would do, left untouched.
    if written > 0 {
        let size = size_hint % written;
        let mut short = vec![0xA5u8; size];
        assert_eq!(
            h1::write_headers(headers, &mut short),
            Err(WriteError::BufferTooSmall { needed: written })
        );
        assert!(short.iter().all(|&b| b == 0xA5), "short buffer written to");
        let mut exact = vec![0u8; written];
        assert_eq!(h1::write_headers(headers, &mut exact), Ok(written));
        assert_eq!(exact, block);
    }

    // The preflight writer: only for preflights, status line then block.
    let mut head = [0u8; 16 * 1024];
    match h1::write_preflight(decision, &mut head) {
        Ok(n) => {
            assert!(!decision.runs_handler());
            let status = decision.preflight_status().expect("preflight status");
            let line = format!("HTTP/1.1 {status} {}\r\n", h1::reason_phrase(status));
            let head = &head[..n];
            assert!(head.starts_with(line.as_bytes()));
            let rest = &head[line.len()..];
            assert!(rest.starts_with(block));
            let tail: &[u8] = if status == 204 {
                b""
            } else {
                b"Content-Length: 0\r\n"
            };
            assert_eq!(&rest[block.len()..], tail);
            if n > 0 {
                let mut short = vec![0xA5u8; size_hint % n];
                assert_eq!(
                    h1::write_preflight(decision, &mut short),
                    Err(WriteError::BufferTooSmall { needed: n })
                );
                assert!(short.iter().all(|&b| b == 0xA5));
            }
        }
        Err(WriteError::NotPreflight) => assert!(decision.runs_handler()),
        Err(e) => panic!("write_preflight: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut it = lines(rest);
    let method = it.next().unwrap_or(b"GET");
    let header_lines: Vec<(&[u8], &[u8])> = it.map(split_header).collect();

    let mut cors = h1::Request::new(method);
    for &(name, value) in &header_lines {
        cors.header(name, value);
    }
    let descriptor = cors.descriptor();

    // The collector, against a count of the lines it was given.
    let count = |want: &str| {
        header_lines
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(want.as_bytes()))
            .count()
    };
    let acrh = count("access-control-request-headers");
    assert_eq!(
        descriptor.request_headers.len(),
        acrh.min(MAX_REQUEST_HEADER_LINES + 1)
    );
    let singles = [
        (SingleHeader::Origin, descriptor.origin.is_some()),
        (
            SingleHeader::RequestMethod,
            descriptor.request_method.is_some(),
        ),
        (
            SingleHeader::RequestPrivateNetwork,
            descriptor.request_private_network.is_some(),
        ),
    ];
    for (header, present) in singles {
        assert_eq!(present, count(header.as_str()) > 0, "{header:?}");
    }
    let any_repeated = singles.iter().any(|(h, _)| count(h.as_str()) > 1);
    assert_eq!(descriptor.repeated.is_some(), any_repeated);
    if let Some(h) = descriptor.repeated {
        assert!(count(h.as_str()) > 1);
    }

    let size_hint = usize::from(pick) * 7 + rest.len();
    let decision = match pick % 3 {
        0 | 1 => policies()[usize::from(pick % 3)].decide(&descriptor),
        _ => fixed().decide(&descriptor),
    };
    // Whatever is echoed comes from the request, byte for byte.
    if let Some(acao) = decision.headers().get(HeaderName::AllowOrigin) {
        assert!(acao == b"*" || Some(acao) == descriptor.origin);
    }
    check_writes(&decision, size_hint);
});
