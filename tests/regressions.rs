//! Inputs that property tests, fuzzing or review once caught, kept as named
//! tests so they stay fixed. Each says where it came from.
//!
//! Two other catches are pinned where their class lives, not repeated here:
//! a regex escaping its anchors (`a)|(.*`) in `tests/bug_classes.rs`
//! (`regex_cannot_break_out_of_its_anchors`), and a literal `*` method or
//! header never being echoed in the spec table (`credentials/requested-*`).

mod model;

use cors_engine::limits::MAX_REQUESTED_HEADERS;
use cors_engine::{Config, Policy, Reason, RequestDescriptor};

/// Fuzz target `differential`: `https://*.example.net:*` (subdomain *and*
/// any port) allows `https://a.b.example.net:1234`. The engine was right;
/// the reference model did not know the combination and was extended.
#[test]
fn subdomain_and_port_wildcards_combine() {
    let config = Config::new().allowed_origins(&["https://*.example.net:*"]);
    let policy = Policy::compile(&config).unwrap();
    for (origin, allowed) in [
        (&b"https://a.b.example.net:1234"[..], true),
        (b"https://a.example.net", true),
        (b"https://example.net:1234", false),
        (b"https://a.example.net:0", false),
        (b"https://a.example.net:", false),
    ] {
        let d = policy.decide(&RequestDescriptor::new(b"GET").origin(origin));
        assert_eq!(
            d.is_allowed(),
            allowed,
            "{}",
            String::from_utf8_lossy(origin)
        );
        let spec = model::PolicySpec {
            origins: vec!["https://*.example.net:*".into()],
            regexes: vec![],
            allow_null: false,
            methods: vec![],
            headers: vec![],
            exposed: vec![],
            credentials: false,
            max_age: None,
            private_network: false,
            status: 204,
        };
        let request = model::RequestSpec {
            method: b"GET"[..].into(),
            origin: Some(origin.into()),
            ..Default::default()
        };
        assert_eq!(model::decide(&spec, &request).allowed, allowed);
    }
}

/// proptest `engine_matches_model`: a malformed element right after the
/// 64th name is reported as exceeding the cap (the cap is checked first).
#[test]
fn name_cap_is_checked_before_a_malformed_element() {
    let policy = Policy::compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_headers(&["content-type"]),
    )
    .unwrap();
    let mut line = vec!["content-type"; MAX_REQUESTED_HEADERS].join(",");
    line.push_str(",x y");
    let lines: &[&[u8]] = &[line.as_bytes()];
    let d = policy.decide(
        &RequestDescriptor::new(b"OPTIONS")
            .origin(b"https://app.example.com")
            .request_method(b"GET")
            .request_headers(lines),
    );
    assert_eq!(
        d.denial().map(|x| x.reason()),
        Some(Reason::TooManyRequestedHeaders)
    );
}

/// proptest `denial_display_is_log_safe`: long values were shortened with a
/// non-ASCII ellipsis; log lines are printable ASCII only.
#[test]
fn long_denial_messages_stay_ascii() {
    let policy = Policy::compile(&Config::new().allowed_origins(&["https://a.test"])).unwrap();
    let origin = vec![b'a'; 300];
    let d = policy.decide(&RequestDescriptor::new(b"GET").origin(&origin));
    let message = d.denial().unwrap().to_string();
    assert!(
        message.is_ascii() && message.contains("(300 bytes)"),
        "{message}"
    );
}
