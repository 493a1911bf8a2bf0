//! Inputs that property tests, fuzzing or review once caught, kept as named
//! tests so they stay fixed. Each says where it came from.
//!
//! Two other catches are pinned where their class lives, not repeated here:
//! a regex escaping its anchors (`a)|(.*`) in `tests/bug_classes.rs`
//! (`regex_cannot_break_out_of_its_anchors`), and the literal `*` method or
//! header in the spec table (`credentials/requested-*`, `star-request/*`).
//!
//! The review of issue 11 found four places where the engine disagreed with
//! Fetch or with what users meant; each has a test below. Every warning and
//! every with-credentials error is also in the spec tables
//! (`WARNING_CASES`, `CONFIG_CASES` in `tests/common/spec.rs`, run with and
//! without `strict` by `tests/spec.rs`).

mod model;

use cors_engine::limits::MAX_REQUESTED_HEADERS;
use cors_engine::{
    Config, Decision, Field, HeaderName, Kind, Policy, Problem, Reason, RequestDescriptor, Value,
};

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

// ---------------------------------------------------------------------------
// Issue 11
// ---------------------------------------------------------------------------

fn header<'a>(d: &Decision<'a>, name: HeaderName) -> Option<&'a [u8]> {
    d.headers().get(name)
}

fn spec_any_origin(exposed: &[&str]) -> model::PolicySpec {
    model::PolicySpec {
        origins: vec!["*".into()],
        regexes: vec![],
        allow_null: false,
        methods: vec![],
        headers: vec![],
        exposed: exposed.iter().map(|e| e.to_string()).collect(),
        credentials: false,
        max_age: None,
        private_network: false,
        status: 204,
    }
}

/// Issue 11, finding 1 (Fetch, "CORS protocol and HTTP caches"): an
/// any-origin policy sent `Access-Control-Allow-Origin: *` only when the
/// request had `Origin`. A shared cache that stored the answer to a request
/// without `Origin` (a navigation, `curl`) then served it to a later CORS
/// request for the same URL — without ACAO, and with no `Vary: Origin` to
/// tell them apart — and the browser blocked it. The static answer now goes
/// on every response.
#[test]
fn static_answer_reaches_requests_without_origin() {
    let config = Config::new()
        .allowed_origins(&["*"])
        .exposed_headers(&["x-total-count", "etag"]);
    let policy = Policy::compile(&config).unwrap();
    let no_origin = policy.decide(&RequestDescriptor::new(b"GET"));
    let with_origin = policy.decide(&RequestDescriptor::new(b"GET").origin(b"https://a.test"));
    assert_eq!(no_origin.kind(), Kind::NotCors);
    for d in [&no_origin, &with_origin] {
        assert!(d.is_allowed() && d.runs_handler(), "{d}");
        assert_eq!(header(d, HeaderName::AllowOrigin), Some(&b"*"[..]), "{d}");
        assert_eq!(
            header(d, HeaderName::ExposeHeaders),
            Some(&b"x-total-count, etag"[..]),
            "{d}"
        );
        assert_eq!(d.headers().vary(), None, "{d}");
    }
    // The cached answer is the answer: both carry the same headers.
    assert_eq!(no_origin.headers(), with_origin.headers());
    // The reference model says the same.
    let spec = spec_any_origin(&["x-total-count", "etag"]);
    let request = model::RequestSpec {
        method: b"GET"[..].into(),
        ..Default::default()
    };
    assert_eq!(
        model::decide(&spec, &request),
        model::bridge::outcome(&no_origin)
    );
    // An origin-dependent policy still answers a request without `Origin`
    // with `Vary: Origin` alone.
    let listed = Policy::compile(
        &Config::new()
            .allowed_origins(&["https://a.test"])
            .exposed_headers(&["etag"]),
    )
    .unwrap();
    let d = listed.decide(&RequestDescriptor::new(b"GET"));
    assert_eq!(header(&d, HeaderName::AllowOrigin), None);
    assert_eq!(header(&d, HeaderName::ExposeHeaders), None);
    assert_eq!(d.headers().vary(), Some(&b"Origin"[..]));
}

/// Issue 11, finding 2 (WPT `fetch/api/cors/cors-preflight-star`): a
/// preflight asking for the method or header literally named `*` was denied
/// even by an any-method / any-header policy. Fetch lets scripts use `*` as
/// a name, and echoing it covers the request both with credentials (read as
/// the name) and without (read as the wildcard). It is now allowed and
/// echoed — but only by the wildcard, and never in place of `authorization`.
#[test]
fn literal_star_method_and_header_are_covered_by_the_wildcards() {
    let o = b"https://app.example.com";
    let base = Config::new()
        .allowed_origins(&["https://app.example.com"])
        .allowed_methods(&["*"])
        .allowed_headers(&["*"]);
    for credentials in [false, true] {
        let policy = Policy::compile(&base.allow_credentials(credentials)).unwrap();
        let d = policy.decide(
            &RequestDescriptor::new(b"OPTIONS")
                .origin(o)
                .request_method(b"*")
                .request_headers(&[b"*", b"x-a,*"]),
        );
        assert!(d.is_allowed(), "credentials {credentials}: {d}");
        assert_eq!(header(&d, HeaderName::AllowOrigin), Some(&o[..]));
        assert_eq!(header(&d, HeaderName::AllowMethods), Some(&b"*"[..]));
        let acah: Vec<&[u8]> = d
            .headers()
            .iter()
            .filter(|h| h.name == HeaderName::AllowHeaders)
            .map(|h| h.value)
            .collect();
        assert_eq!(acah, [&b"*"[..], b"x-a,*"]);
        let d = policy.decide(
            &RequestDescriptor::new(b"OPTIONS")
                .origin(o)
                .request_method(b"PUT")
                .request_headers(&[b"*, authorization"]),
        );
        assert_eq!(
            d.denial().map(|x| (x.reason(), x.value())),
            Some((Reason::HeaderNotAllowed, &b"authorization"[..]))
        );
    }
    // Without the wildcards, `*` is an ordinary name that is not listed.
    let named = Policy::compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_methods(&["PUT"])
            .allowed_headers(&["x-a"]),
    )
    .unwrap();
    let method = named.decide(
        &RequestDescriptor::new(b"OPTIONS")
            .origin(o)
            .request_method(b"*"),
    );
    assert_eq!(
        method.denial().map(|x| x.reason()),
        Some(Reason::MethodNotAllowed)
    );
    let name = named.decide(
        &RequestDescriptor::new(b"OPTIONS")
            .origin(o)
            .request_method(b"PUT")
            .request_headers(&[b"x-a, *"]),
    );
    assert_eq!(
        name.denial().map(|x| (x.reason(), x.value())),
        Some((Reason::HeaderNotAllowed, &b"*"[..]))
    );
}

/// Issue 11, finding 3 (Private Network Access; peers answer the same): a
/// preflight carrying `Access-Control-Request-Private-Network: true` under a
/// policy without private network access was answered 403. In Chrome's
/// warning-only mode that turned a warning into a hard failure of an
/// ordinary CORS request. Such a preflight is now decided on its CORS checks
/// alone and gets no `Access-Control-Allow-Private-Network` (so the browser
/// decides), and its `Vary` does not name the request header.
#[test]
fn private_network_request_without_permission_is_decided_on_cors_alone() {
    let config = Config::new()
        .allowed_origins(&["https://public.example.com"])
        .allowed_methods(&["PUT"]);
    let policy = Policy::compile(&config).unwrap();
    let asked = |origin: &'static [u8]| {
        RequestDescriptor::new(b"OPTIONS")
            .origin(origin)
            .request_method(b"PUT")
            .request_private_network(b"true")
    };
    let d = policy.decide(&asked(b"https://public.example.com"));
    assert!(d.is_allowed(), "{d}");
    assert_eq!(d.preflight_status(), Some(204));
    assert_eq!(header(&d, HeaderName::AllowPrivateNetwork), None, "{d}");
    assert_eq!(header(&d, HeaderName::AllowMethods), Some(&b"PUT"[..]));
    assert_eq!(
        d.headers().vary(),
        Some(&b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"[..])
    );
    // A CORS failure is still a failure.
    let d = policy.decide(&asked(b"https://other.example.com"));
    assert_eq!(
        d.denial().map(|x| x.reason()),
        Some(Reason::OriginNotAllowed)
    );
    assert_eq!(d.preflight_status(), Some(403));
    // The policy that opts in still grants it.
    let pn = Policy::compile(&config.allow_private_network(true)).unwrap();
    let d = pn.decide(&asked(b"https://public.example.com"));
    assert_eq!(
        header(&d, HeaderName::AllowPrivateNetwork),
        Some(&b"true"[..])
    );
}

/// Issue 11, finding 4: configurations copied from other CORS libraries
/// failed to start over entries that are harmless (django-cors-headers'
/// default header list names `accept-encoding`, `dnt` and `origin`, which
/// browsers never let scripts send; many lists name GET and POST), while
/// entries that are wrong in quieter ways compiled (`http://127.000.0.1`,
/// which no browser ever sends). Harmless entries are now warnings, returned
/// beside the policy; non-canonical IP hosts are errors whose fix names the
/// canonical form.
#[test]
fn harmless_entries_warn_and_non_canonical_hosts_fail() {
    let django = [
        "accept",
        "accept-encoding",
        "authorization",
        "content-type",
        "dnt",
        "origin",
        "user-agent",
        "x-csrftoken",
        "x-requested-with",
    ];
    let config = Config::new()
        .allowed_origins(&["https://app.example.com"])
        .allowed_methods(&["GET", "POST", "PUT"])
        .allowed_headers(&django);
    let (policy, warnings) = Policy::compile_with_warnings(&config).unwrap();
    let found: Vec<(Field, Value<'_>, &Problem)> = warnings
        .iter()
        .map(|w| (w.field(), w.value(), w.problem()))
        .collect();
    assert_eq!(
        found,
        [
            (
                Field::AllowedMethods,
                Value::Str("GET"),
                &Problem::NeedlessMethod
            ),
            (
                Field::AllowedMethods,
                Value::Str("POST"),
                &Problem::NeedlessMethod
            ),
            (
                Field::AllowedHeaders,
                Value::Str("accept-encoding"),
                &Problem::ForbiddenRequestHeader
            ),
            (
                Field::AllowedHeaders,
                Value::Str("dnt"),
                &Problem::ForbiddenRequestHeader
            ),
            (
                Field::AllowedHeaders,
                Value::Str("origin"),
                &Problem::ForbiddenRequestHeader
            ),
        ],
        "{warnings}"
    );
    // The policy works as written: the useful names are allowed.
    let d = policy.decide(
        &RequestDescriptor::new(b"OPTIONS")
            .origin(b"https://app.example.com")
            .request_method(b"PUT")
            .request_headers(&[b"x-csrftoken, content-type, user-agent"]),
    );
    assert!(d.is_allowed(), "{d}");
    // `strict` refuses exactly the warned entries.
    let errors = Policy::compile(&config.strict(true)).unwrap_err();
    assert_eq!(errors.len(), warnings.len(), "{errors}");

    for (origin, canonical) in [
        ("http://127.000.0.1", "127.0.0.1"),
        ("http://0x7f.0.0.1", "127.0.0.1"),
        ("http://0177.0.0.1:8080", "127.0.0.1"),
        ("http://127.1", "127.0.0.1"),
        ("http://[0:0:0:0:0:0:0:1]", "[::1]"),
        ("http://[0::1]:*", "[::1]"),
        ("http://[::ffff:127.0.0.1]", "[::ffff:7f00:1]"),
        ("http://[2001:0db8::1]", "[2001:db8::1]"),
    ] {
        let errors = Policy::compile(&Config::new().allowed_origins(&[origin])).unwrap_err();
        let e = errors.iter().next().unwrap();
        assert_eq!(errors.len(), 1, "{errors}");
        match e.problem() {
            Problem::NonCanonicalHost(host) => assert_eq!(host.as_str(), canonical, "{origin}"),
            other => panic!("{origin}: {other:?}"),
        }
        let shown = e.to_string();
        assert!(
            shown.contains(&format!("write the host as `{canonical}`")),
            "{shown}"
        );
    }
    // The canonical forms compile, without a warning.
    for ok in [
        "http://127.0.0.1",
        "http://[::1]",
        "http://[::ffff:7f00:1]",
        "http://[2001:db8::1]:8080",
    ] {
        let (_, w) = Policy::compile_with_warnings(&Config::new().allowed_origins(&[ok]))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(w.is_empty(), "{ok}: {w}");
    }
}

/// Issue 11 (§3.9): what is only dangerous with credentials — a subdomain
/// pattern over a public suffix, a regex matching origins of unrelated
/// sites — is an error with credentials and a warning without; `strict`
/// makes the warning an error too.
#[test]
fn broad_origins_are_errors_only_with_credentials() {
    for (config, field, value, problem, matched) in [
        (
            Config::new().allowed_origins(&["https://*.github.io"]),
            Field::AllowedOrigins,
            "https://*.github.io",
            Problem::PublicSuffixPattern,
            &b"https://anyone.github.io"[..],
        ),
        (
            Config::new().allowed_origins(&["https://*.co.uk"]),
            Field::AllowedOrigins,
            "https://*.co.uk",
            Problem::PublicSuffixPattern,
            b"https://anyone.co.uk",
        ),
        (
            Config::new().allowed_origin_regexes(&[".*"]),
            Field::AllowedOriginRegexes,
            ".*",
            Problem::RegexTooBroad,
            b"https://x.invalid",
        ),
        (
            Config::new().allowed_origin_regexes(&["https?://.*"]),
            Field::AllowedOriginRegexes,
            "https?://.*",
            Problem::RegexTooBroad,
            b"http://anyone.example",
        ),
    ] {
        let (policy, warnings) =
            Policy::compile_with_warnings(&config).unwrap_or_else(|e| panic!("{value}: {e}"));
        let w: Vec<_> = warnings
            .iter()
            .map(|w| (w.field(), w.value(), w.problem().clone()))
            .collect();
        assert_eq!(w, [(field, Value::Str(value), problem.clone())]);
        // Without credentials the entry still works as written.
        let d = policy.decide(&RequestDescriptor::new(b"GET").origin(matched));
        assert!(d.is_allowed(), "{value}: {d}");
        for strict_or_credentials in [config.strict(true), config.allow_credentials(true)] {
            let errors = Policy::compile(&strict_or_credentials).unwrap_err();
            let e: Vec<_> = errors
                .iter()
                .map(|e| (e.field(), e.value(), e.problem().clone()))
                .collect();
            assert_eq!(e, [(field, Value::Str(value), problem.clone())], "{errors}");
        }
    }
    // Not a public suffix: fine with credentials.
    let own = Config::new()
        .allowed_origins(&["https://*.example.co.uk", "https://*.example.github.io"])
        .allow_credentials(true);
    let (_, warnings) = Policy::compile_with_warnings(&own).unwrap();
    assert!(warnings.is_empty(), "{warnings}");
}

/// Issue 11 (§3.7): `http://*.localhost:*` was refused as a wildcard in an
/// odd place; RFC 6761 names resolve to this machine, so it is what local
/// development on subdomains needs. It matches subdomains of `localhost` on
/// any port, never `localhost` itself nor a look-alike.
#[test]
fn localhost_subdomains_on_any_port_are_allowed() {
    let (policy, warnings) =
        Policy::compile_with_warnings(&Config::new().allowed_origins(&["http://*.localhost:*"]))
            .unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    for (origin, allowed) in [
        (&b"http://app.localhost:5173"[..], true),
        (b"http://a.b.localhost:3000", true),
        (b"http://app.localhost", true),
        (b"http://localhost:5173", false),
        (b"https://app.localhost:5173", false),
        (b"http://app.localhost.evil.net:80", false),
        (b"http://applocalhost:5173", false),
    ] {
        let d = policy.decide(&RequestDescriptor::new(b"GET").origin(origin));
        assert_eq!(
            d.is_allowed(),
            allowed,
            "{}",
            String::from_utf8_lossy(origin)
        );
    }
}

/// Issue 11 (§3.7): a verbose-mode regex ending in a `# comment` used to be
/// anchored by appending `)$` to its text — inside the comment, so the end
/// anchor was lost and `https://a.example.com.evil.net` matched. Patterns
/// are now anchored after parsing.
#[test]
fn verbose_regex_with_trailing_comment_stays_anchored() {
    for regex in [
        r"(?x)^https://a\.example\.com$ # prod",
        r"(?x)https://a\.example\.com # prod",
        "(?x) https://a\\.example\\.com  # prod\n",
    ] {
        let regexes = [regex];
        let config = Config::new()
            .allowed_origin_regexes(&regexes)
            .allow_credentials(true);
        let (policy, warnings) =
            Policy::compile_with_warnings(&config).unwrap_or_else(|e| panic!("{regex:?}: {e}"));
        assert!(warnings.is_empty(), "{warnings}");
        for (origin, allowed) in [
            (&b"https://a.example.com"[..], true),
            (b"https://a.example.com.evil.net", false),
            (b"https://xa.example.com", false),
            (b"https://a.example.com:8443", false),
        ] {
            let d = policy.decide(&RequestDescriptor::new(b"GET").origin(origin));
            assert_eq!(
                d.is_allowed(),
                allowed,
                "{regex:?} {}",
                String::from_utf8_lossy(origin)
            );
        }
    }
}
