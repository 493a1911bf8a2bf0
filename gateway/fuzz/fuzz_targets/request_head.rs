//! Raw bytes through the gateway's request path, without a network.
//!
//! The input is a request head and, after the first `\0`, an upstream
//! response head. The request head is parsed with `httparse` (the parser
//! under Pingora's HTTP/1 session), decided by `cors_gateway::policy::decide`
//! under one of a few policies, and the outcome is applied to the upstream
//! head as the proxy does (`policy::apply`) or turned into the gateway's own
//! answer (`policy::answer_head`).
//!
//! Checked: nothing panics; a denied request gets no `Access-Control-*`
//! header at all (the upstream's are stripped); a preflight answer is
//! 200, 204 or 403; the upstream's `Vary` names all survive.
#![no_main]

use std::sync::OnceLock;

use cors_gateway::policy::{self, Outcome, Policies};
use libfuzzer_sys::fuzz_target;
use pingora_http::ResponseHeader;

const POLICIES: [&str; 3] = [
    r#"
allowed_origins = ["https://app.example.com", "https://*.example.org", "http://localhost:*"]
allowed_methods = ["PUT", "DELETE"]
allowed_headers = ["content-type", "x-custom"]
exposed_headers = ["x-total-count"]
allow_credentials = true
max_age = 600
"#,
    r#"
allowed_origins = ["*"]
allowed_methods = ["*"]
allowed_headers = ["*"]
exposed_headers = ["*"]

[[routes]]
paths = ["/internal/*"]
cors = false
"#,
    r#"
allowed_origin_regexes = ['^https://[a-z0-9-]+\.preview\.example\.net$']
allowed_methods = ["PATCH"]
allow_private_network = true
preflight_success_status = 200

[[routes]]
paths = ["/api/*"]
allowed_origins = ["https://api.example.com"]
"#,
];

fn policies() -> &'static [Policies] {
    static SETS: OnceLock<Vec<Policies>> = OnceLock::new();
    SETS.get_or_init(|| {
        POLICIES
            .iter()
            .map(|text| policy::from_toml_text(text).expect("the fuzz policies compile"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, data)) = data.split_first() else {
        return;
    };
    let set = &policies()[usize::from(which) % POLICIES.len()];
    let (request, upstream) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };

    let mut lines = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut lines);
    let Ok(httparse::Status::Complete(_)) = parsed.parse(request) else {
        return;
    };
    let (Some(method), Some(target)) = (parsed.method, parsed.path) else {
        return;
    };
    let Ok(method) = http::Method::from_bytes(method.as_bytes()) else {
        return;
    };
    let path = target.split('?').next().unwrap_or("");
    let mut headers = http::HeaderMap::new();
    for line in parsed.headers.iter() {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(line.name.as_bytes()),
            http::HeaderValue::from_bytes(line.value),
        ) {
            headers.append(name, value);
        }
    }

    let decided = policy::decide(set, path, &method, &headers);
    let denied = decided.summary.ends_with("/denied");
    match decided.outcome {
        Outcome::Answer { status, headers } => {
            assert!(
                matches!(status, 200 | 204 | 403),
                "preflight status {status}"
            );
            let head = policy::answer_head(status, &headers, 0);
            if denied {
                assert!(no_cors_headers(&head), "denied preflight with CORS headers");
            }
        }
        Outcome::Forward(add) => {
            let mut head = upstream_head(upstream);
            let vary_before = vary_names(&head);
            policy::apply(set, decided.route, add, &mut head, false);
            if denied {
                assert!(no_cors_headers(&head), "denied request with CORS headers");
            }
            let vary_after = vary_names(&head);
            for name in &vary_before {
                assert!(vary_after.contains(name), "upstream Vary {name:?} lost");
            }
        }
        Outcome::Off => {}
    }
});

/// The upstream's response head from fuzz bytes (any parsable head, or a
/// plain 200).
fn upstream_head(bytes: &[u8]) -> ResponseHeader {
    let mut lines = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut lines);
    let status = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => parsed.code.unwrap_or(200),
        _ => 200,
    };
    let mut head = ResponseHeader::build(status, None)
        .unwrap_or_else(|_| ResponseHeader::build(200, None).expect("200 is valid"));
    for line in parsed.headers.iter().filter(|l| !l.name.is_empty()) {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(line.name.as_bytes()),
            http::HeaderValue::from_bytes(line.value),
        ) {
            let _ = head.append_header(name, value);
        }
    }
    head
}

fn no_cors_headers(head: &ResponseHeader) -> bool {
    !head
        .headers
        .keys()
        .any(|n| n.as_str().starts_with("access-control-"))
}

fn vary_names(head: &ResponseHeader) -> Vec<String> {
    head.headers
        .get_all(http::header::VARY)
        .iter()
        .flat_map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(',')
                .map(|e| e.trim().to_ascii_lowercase())
                .filter(|e| !e.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}
