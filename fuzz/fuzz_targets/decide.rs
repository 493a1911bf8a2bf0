//! Arbitrary bytes in every request field, against fixed policies; checks
//! the DESIGN §6 invariants on every decision, not just "no crash".
#![no_main]

use std::sync::OnceLock;

use cors_engine::{Config, HeaderName, Kind, Policy, RequestDescriptor, SingleHeader};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const CONFIGS: [Config<'static, 'static>; 4] = [
    Config::new()
        .allowed_origins(&[
            "https://app.example.com",
            "https://*.example.org",
            "http://localhost:*",
        ])
        .allowed_origin_regexes(&[r"^https://[a-z0-9-]+\.preview\.example\.net$"])
        .allowed_methods(&["GET", "POST", "PUT"])
        .allowed_headers(&["authorization", "content-type"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600)
        .allow_private_network(true),
    Config::new()
        .allowed_origins(&["*"])
        .allowed_methods(&["*"])
        .allowed_headers(&["*"]),
    Config::new()
        .allowed_origins(&["https://a.test"])
        .allow_null_origin(true)
        .allowed_headers(&["*", "authorization"])
        .allow_credentials(true),
    Config::new()
        .allowed_origin_regexes(&["https://(a|b)+\\.test"])
        .allowed_methods(&["PATCH", "patch"])
        .preflight_success_status(200),
];

fn policies() -> &'static [Policy] {
    static P: OnceLock<Vec<Policy>> = OnceLock::new();
    P.get_or_init(|| {
        CONFIGS
            .iter()
            .map(|c| Policy::compile(c).expect("valid"))
            .collect()
    })
}

fn field<'a>(u: &mut Unstructured<'a>) -> Result<Option<&'a [u8]>> {
    if u.arbitrary()? {
        let len = u.int_in_range(0..=600usize)?;
        Ok(Some(u.bytes(len.min(u.len()))?))
    } else {
        Ok(None)
    }
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let policy = &policies()[u.choose_index(CONFIGS.len())?];
    let method: &[u8] = if u.arbitrary()? {
        b"OPTIONS"
    } else {
        field(&mut u)?.unwrap_or(b"GET")
    };
    let origin = field(&mut u)?;
    let acrm = field(&mut u)?;
    let mut lines = Vec::new();
    for _ in 0..u.int_in_range(0..=10u8)? {
        lines.push(field(&mut u)?.unwrap_or_default());
    }
    let acrpn = field(&mut u)?;
    let repeated = match u.int_in_range(0..=7u8)? {
        0 => Some(SingleHeader::Origin),
        1 => Some(SingleHeader::RequestMethod),
        2 => Some(SingleHeader::RequestPrivateNetwork),
        _ => None,
    };
    let request = RequestDescriptor {
        method,
        origin,
        request_method: acrm,
        request_headers: &lines,
        request_private_network: acrpn,
        repeated,
    };
    if repeated.is_some() && origin.is_some() {
        let d = policy.decide(&request);
        // DESIGN §3.2: an any-origin policy's static answer echoes nothing,
        // so it stands on an actual request even with a repeated header.
        // Outside a preflight only a repeated `Origin` counts: no other
        // request header is read there.
        let static_answer =
            d.kind() == Kind::Actual && d.headers().get(HeaderName::AllowOrigin) == Some(&b"*"[..]);
        let read = d.kind() == Kind::Preflight || repeated == Some(SingleHeader::Origin);
        assert!(
            !d.is_allowed() || static_answer || !read,
            "a repeated header is denied"
        );
    }
    let d = policy.decide(&request);
    let h = d.headers();
    let acao = h.get(HeaderName::AllowOrigin);
    let acac = h.get(HeaderName::AllowCredentials).is_some();
    if !d.is_allowed() {
        assert!(acao.is_none() && !acac, "no CORS grant on a denial");
    }
    assert!(!acac || acao.is_some(), "ACAC without ACAO");
    if acac {
        // DESIGN §3.4: with credentials `*` only ever appears as the echo
        // of a method or header the request literally named `*`.
        let asked_star = |name: HeaderName| match name {
            HeaderName::AllowMethods => request.request_method == Some(&b"*"[..]),
            HeaderName::AllowHeaders => request
                .request_headers
                .iter()
                .any(|l| l.trim_ascii() == b"*"),
            _ => false,
        };
        for header in h {
            assert!(
                header.value != b"*" || asked_star(header.name),
                "`*` with credentials"
            );
        }
    }
    if let Some(acao) = acao {
        assert!(
            acao == b"*" || Some(acao) == origin,
            "ACAO echoes the origin"
        );
    }
    for header in h {
        assert!(!header
            .value
            .iter()
            .any(|&b| b == b'\r' || b == b'\n' || b == 0));
    }
    match d.kind() {
        Kind::Preflight => assert!(!d.runs_handler() && d.preflight_status().is_some()),
        _ => assert!(d.runs_handler() && d.preflight_status().is_none()),
    }
    if d.preflight_status() == Some(403) {
        assert!(
            h.iter().all(|x| x.name == HeaderName::Vary),
            "denied preflight leaks"
        );
    }
    let message = d.to_string();
    assert!(
        message.bytes().all(|b| (0x20..0x7f).contains(&b)),
        "log-safe message"
    );
    assert_eq!(policy.decide(&request), d, "decide is deterministic");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
