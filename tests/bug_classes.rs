//! One test (or a small group) per class of CORS bug that peer libraries have
//! shipped, so that this engine can never ship the same one.
//!
//! Each test's doc comment names the class, the peer(s) that shipped it and
//! the tracker entries where it was reported or fixed (`owner/repo#number`),
//! then says in our own words what went wrong. The assertions are written
//! against DESIGN §3: they check concrete headers, statuses and denial
//! reasons, never just "it did not panic".
//!
//! Peers surveyed: tower-http (tower-rs/tower-http), actix-cors
//! (actix/actix-extras, formerly actix/actix-web), rs/cors, jub0bs/cors,
//! django-cors-headers (adamchainz/django-cors-headers), Starlette's
//! `CORSMiddleware` (encode/starlette, since moved to Kludex/starlette with
//! the same numbers) and flask-cors (corydolphin/flask-cors).

use std::collections::HashSet;

use cors_engine::limits::{
    MAX_EMPTY_ELEMENTS, MAX_METHOD_LEN, MAX_ORIGIN_LEN, MAX_REQUESTED_HEADERS,
    MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES,
};
use cors_engine::{
    Config, Decision, Field, HeaderName, Kind, Policy, Problem, Reason, RequestDescriptor, Value,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const VARY_ORIGIN: &[u8] = b"Origin";
const VARY_PREFLIGHT: &[u8] =
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const VARY_PREFLIGHT_PN: &[u8] = b"Origin, Access-Control-Request-Method, \
Access-Control-Request-Headers, Access-Control-Request-Private-Network";
const VARY_PREFLIGHT_ANY_ORIGIN: &[u8] =
    b"Access-Control-Request-Method, Access-Control-Request-Headers";

/// Every CORS response header name except `Vary`.
const CORS_HEADERS: [HeaderName; 7] = [
    HeaderName::AllowOrigin,
    HeaderName::AllowCredentials,
    HeaderName::AllowMethods,
    HeaderName::AllowHeaders,
    HeaderName::MaxAge,
    HeaderName::AllowPrivateNetwork,
    HeaderName::ExposeHeaders,
];

#[track_caller]
fn compile(config: &Config<'_, '_>) -> Policy {
    match Policy::compile(config) {
        Ok(policy) => policy,
        Err(errors) => panic!("test policy does not compile: {errors}"),
    }
}

/// The problems of a configuration that must not compile, as
/// (field, offending value, problem) triples.
#[track_caller]
fn problems<'c>(config: &Config<'_, 'c>) -> Vec<(Field, Value<'c>, Problem)> {
    match Policy::compile(config) {
        Ok(_) => panic!("configuration compiled but must not: {config:?}"),
        Err(errors) => errors
            .iter()
            .map(|e| (e.field(), e.value(), e.problem().clone()))
            .collect(),
    }
}

fn actual<'a>(origin: &'a [u8]) -> RequestDescriptor<'a> {
    RequestDescriptor::new(b"GET").origin(origin)
}

fn preflight<'a>(
    origin: &'a [u8],
    method: &'a [u8],
    acrh: &'a [&'a [u8]],
) -> RequestDescriptor<'a> {
    RequestDescriptor::new(b"OPTIONS")
        .origin(origin)
        .request_method(method)
        .request_headers(acrh)
}

fn get<'a>(d: &Decision<'a>, name: HeaderName) -> Option<&'a [u8]> {
    d.headers().get(name)
}

/// The reason of a denied decision; fails the test if it was allowed.
#[track_caller]
fn reason(d: &Decision<'_>) -> Reason {
    match d.denial() {
        Some(denial) => denial.reason(),
        None => panic!("expected a denial, got {d} with {:?}", d.headers()),
    }
}

/// The decision carries `Vary` (with exactly `vary`) and no other header.
#[track_caller]
fn assert_only_vary(d: &Decision<'_>, vary: &[u8]) {
    let names: Vec<HeaderName> = d.headers().iter().map(|h| h.name).collect();
    assert_eq!(
        names,
        [HeaderName::Vary],
        "{d}: expected only Vary, got {:?}",
        d.headers()
    );
    assert_eq!(
        d.headers().vary(),
        Some(vary),
        "{d}: Vary is {:?}",
        d.headers().vary().map(String::from_utf8_lossy)
    );
}

/// A denied preflight as §3.5 requires: 403, handler skipped, only `Vary`.
#[track_caller]
fn assert_denied_preflight(d: &Decision<'_>, why: Reason, vary: &[u8]) {
    assert_eq!(d.kind(), Kind::Preflight, "{d}");
    assert_eq!(reason(d), why, "{d}");
    assert_eq!(d.preflight_status(), Some(403), "{d}");
    assert!(!d.runs_handler(), "{d}");
    assert_only_vary(d, vary);
}

/// A denied actual request as §3.3 requires: handler runs, only `Vary`.
#[track_caller]
fn assert_denied_actual(d: &Decision<'_>, why: Reason) {
    assert_eq!(d.kind(), Kind::Actual, "{d}");
    assert_eq!(reason(d), why, "{d}");
    assert_eq!(d.preflight_status(), None, "{d}");
    assert!(d.runs_handler(), "{d}");
    assert_only_vary(d, VARY_ORIGIN);
}

/// Every header value is visible ASCII, space or tab: nothing a hostile
/// request sends can split a header or smuggle a new one.
#[track_caller]
fn assert_values_are_safe(d: &Decision<'_>) {
    for h in d.headers() {
        assert!(
            h.value
                .iter()
                .all(|&b| b == b' ' || b == b'\t' || (0x21..=0x7e).contains(&b)),
            "{d}: unsafe value in {}: {:?}",
            h.name,
            h.value
        );
    }
}

/// No header value of `d` contains `needle`.
#[track_caller]
fn assert_not_echoed(d: &Decision<'_>, needle: &[u8]) {
    if needle.is_empty() {
        return;
    }
    for h in d.headers() {
        assert!(
            !h.value.windows(needle.len()).any(|w| w == needle),
            "{d}: {} echoes {:?}",
            h.name,
            String::from_utf8_lossy(needle)
        );
    }
}

/// The demo-like policy most tests start from: a list of origins, a
/// pattern, credentials, exposed headers, max-age and private network.
fn credentialed_config() -> Config<'static, 'static> {
    Config::new()
        .allowed_origins(&["https://app.example.com", "https://*.example.org"])
        .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(&["content-type", "authorization", "x-request-id"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600)
        .allow_private_network(true)
}

// ---------------------------------------------------------------------------
// Origin matching
// ---------------------------------------------------------------------------

/// **Class: unanchored origin regex (suffix and prefix).**
///
/// Peers: Starlette (encode/starlette#800, fixed by encode/starlette#801),
/// flask-cors (corydolphin/flask-cors#160, corydolphin/flask-cors#209).
///
/// Starlette matched `allow_origin_regex` with a start-anchored match, so its
/// own documented example `https://.*\.example\.org` also accepted
/// `https://www.example.org.hacker.com`, and the attacker's origin was
/// echoed back. flask-cors treated configured origins as regexes matched
/// only at the start, so an entry for a host also accepted any origin that
/// merely began with it (a host `foo` letting in `foo-hijacker`). Here a
/// regex must match the whole origin, whether or not the user wrote `^` or
/// `$` (§3.7).
#[test]
fn unanchored_regex_matches_only_whole_origins() {
    let policy = compile(
        &Config::new()
            .allowed_origin_regexes(&[
                r"https://.*\.example\.com",      // no anchors at all
                r"example\.net",                  // no scheme, no anchors
                r"^https://api\.example\.io",     // left anchor only
                r"https://app\.example\.dev$",    // right anchor only
                r"^https://[a-z]+\.example\.ch$", // both
            ])
            .allow_credentials(true),
    );

    for allowed in [
        &b"https://x.example.com"[..],
        b"https://a.b.example.com",
        b"https://api.example.io",
        b"https://app.example.dev",
        b"https://shop.example.ch",
    ] {
        let d = policy.decide(&actual(allowed));
        assert!(
            d.is_allowed(),
            "{} should be allowed: {d}",
            String::from_utf8_lossy(allowed)
        );
        assert_eq!(get(&d, HeaderName::AllowOrigin), Some(allowed));
        assert_eq!(get(&d, HeaderName::AllowCredentials), Some(&b"true"[..]));
    }

    for hostile in [
        // Suffix appended after what the regex describes.
        &b"https://x.example.com.evil.net"[..],
        b"https://x.example.com:8443",
        b"https://x.example.comevil.net",
        b"https://api.example.io.evil.net",
        b"https://api.example.iox",
        b"https://shop.example.ch.evil.net",
        // Prefix before what the regex describes.
        b"https://notexample.net",
        b"https://evil.net/example.net",
        b"http://example.net",
        b"https://evil.app.example.dev",
        b"https://evilapp.example.dev",
        b"evil.net#https://app.example.dev",
        b"https://evil.shop.example.ch",
    ] {
        let d = policy.decide(&actual(hostile));
        assert_denied_actual(&d, Reason::OriginNotAllowed);
        let p = policy.decide(&preflight(hostile, b"PUT", &[]));
        assert_denied_preflight(&p, Reason::OriginNotAllowed, VARY_PREFLIGHT);
    }
}

/// **Class: a regex that escapes the engine's own anchoring group.**
///
/// Peers: no peer shipped this exact form; it is the trap in the usual fix
/// for the class above (encode/starlette#801 switched to a full match;
/// corydolphin/flask-cors#209 proposed wrapping patterns in `^…$`), and this
/// engine had it when these tests were written. Wrapping a user's text in
/// `^(?:…)$` by
/// string concatenation only anchors it if the text cannot close the group
/// itself: `https://a\.example\.com)|(.*` is not a valid regex on its own,
/// but once wrapped it becomes `^(?:https://a\.example\.com)|(.*)$`, whose
/// second branch accepts every origin. Such a pattern must be refused at
/// compile time as an invalid regex, and must never allow an unrelated
/// origin.
#[test]
fn regex_cannot_break_out_of_its_anchors() {
    let escaping = r"https://a\.example\.com)|(.*";
    let regexes = [escaping];
    let config = Config::new()
        .allowed_origin_regexes(&regexes)
        .allow_credentials(true);
    match Policy::compile(&config) {
        Err(errors) => {
            assert!(
                errors
                    .iter()
                    .any(|e| e.field() == Field::AllowedOriginRegexes
                        && e.value() == Value::Str(escaping)
                        && matches!(e.problem(), Problem::InvalidRegex(_))),
                "expected an InvalidRegex problem for {escaping:?}, got: {errors}"
            );
        }
        Ok(policy) => {
            let d = policy.decide(&actual(b"https://evil.net"));
            assert_denied_actual(&d, Reason::OriginNotAllowed);
            panic!("{escaping:?} compiled although it is not a valid regex on its own");
        }
    }
}

/// **Class: glued host — suffix or prefix matching without a dot boundary.**
///
/// Peers: jub0bs/cors (v0.1.3, advisory GHSA-vhxv-fg4m-p2w8: with origins
/// `https://foo.com` and `https://bar.com` configured, the shared-suffix
/// tree also allowed `https://barfoo.com`); rs/cors (rs/cors#197: a glob
/// such as `h*` is accepted and, with credentials, lets in nearly any
/// origin); flask-cors (corydolphin/flask-cors#160: plain entries matched as
/// prefixes).
///
/// A subdomain pattern must match whole labels only (`*.example.com` never
/// matches `evilexample.com`), an exact origin must match byte for byte, and
/// wildcards are only allowed as a whole leading label or a whole port.
#[test]
fn glued_hosts_never_match() {
    let policy = compile(
        &Config::new()
            .allowed_origins(&[
                "https://example.com",
                "https://*.example.com",
                "https://foo.com",
                "https://bar.com",
                "http://localhost:*",
            ])
            .allow_credentials(true),
    );
    for allowed in [
        &b"https://example.com"[..],
        b"https://a.example.com",
        b"https://a.b.example.com",
        b"https://foo.com",
        b"https://bar.com",
        b"http://localhost",
        b"http://localhost:3000",
    ] {
        let d = policy.decide(&actual(allowed));
        assert!(d.is_allowed(), "{}: {d}", String::from_utf8_lossy(allowed));
        assert_eq!(get(&d, HeaderName::AllowOrigin), Some(allowed));
    }
    for glued in [
        &b"https://evilexample.com"[..],
        b"https://evil-example.com",
        b"https://x.evilexample.com",
        b"https://example.com.evil.net",
        b"https://a.example.com.evil.net",
        b"https://example.comm",
        b"https://example.co",
        b"https://xample.com",
        b"https://.example.com",
        b"https://a..example.com",
        b"https://barfoo.com",
        b"https://foobar.com",
        b"https://bar.foo.com",
        b"https://oo.com",
        b"http://localhost.evil.net",
        b"http://localhost.evil.net:3000",
        b"http://localhost:3000.evil.net",
        b"http://localhost:3000@evil.net",
        b"http://evillocalhost:3000",
        b"https://localhost:3000",
    ] {
        let d = policy.decide(&actual(glued));
        assert_denied_actual(&d, Reason::OriginNotAllowed);
    }

    // Many origins sharing a long suffix: still no glued match (a hash
    // table or a suffix tree must not confuse neighbours).
    let owned: Vec<String> = (0..1000)
        .map(|i| format!("https://app{i}.example.net"))
        .collect();
    let list: Vec<&str> = owned.iter().map(String::as_str).collect();
    let big = compile(&Config::new().allowed_origins(&list));
    for i in [0, 1, 10, 999] {
        let o = format!("https://app{i}.example.net");
        assert!(big.decide(&actual(o.as_bytes())).is_allowed(), "{o}");
    }
    for glued in [
        &b"https://app1000.example.net"[..],
        b"https://pp1.example.net",
        b"https://xapp1.example.net",
        b"https://app1.example.net.evil.org",
        b"https://app1app2.example.net",
        b"https://example.net",
    ] {
        assert_denied_actual(&big.decide(&actual(glued)), Reason::OriginNotAllowed);
    }

    // Wildcards glued to a label are configuration errors, not globs.
    for (pattern, problem) in [
        ("https://*example.com", Problem::MisplacedWildcard),
        ("https://a*.example.com", Problem::MisplacedWildcard),
        ("https://example.*", Problem::MisplacedWildcard),
        ("https://h*", Problem::MisplacedWildcard),
        ("https://*", Problem::MisplacedWildcard),
        ("https://**.example.com", Problem::MisplacedWildcard),
        ("https://*.*.example.com", Problem::MisplacedWildcard),
        ("h*", Problem::MissingScheme),
        ("*.example.com", Problem::MissingScheme),
    ] {
        let list = [pattern];
        assert_eq!(
            problems(&Config::new().allowed_origins(&list)),
            [(Field::AllowedOrigins, Value::Str(pattern), problem)]
        );
    }
    assert!(problems(&Config::new().allowed_origins(&["https://*.com"]))
        .iter()
        .any(|(_, _, p)| *p == Problem::PatternTooBroad));
}

/// **Class: scheme-blind origin matching.**
///
/// Peer: django-cors-headers (adamchainz/django-cors-headers#259, fixed in
/// 3.0.0 by adamchainz/django-cors-headers#388 and #397). Its whitelist
/// compared only the host part of the origin, so an `http://` page — which
/// a network attacker can inject into — was trusted by the `https://` site.
/// The scheme is part of the origin and must match too.
#[test]
fn scheme_is_part_of_the_origin() {
    let policy = compile(
        &Config::new()
            .allowed_origins(&["https://example.com", "https://*.example.org"])
            .allow_credentials(true),
    );
    for other_scheme in [
        &b"http://example.com"[..],
        b"ws://example.com",
        b"wss://example.com",
        b"http://a.example.org",
        b"httpss://example.com",
        b"//example.com",
        b"example.com",
    ] {
        assert_denied_actual(
            &policy.decide(&actual(other_scheme)),
            Reason::OriginNotAllowed,
        );
        let p = policy.decide(&preflight(other_scheme, b"GET", &[]));
        assert_denied_preflight(&p, Reason::OriginNotAllowed, VARY_PREFLIGHT);
    }
    // And a configuration without a scheme is an error, not a host match.
    assert!(
        problems(&Config::new().allowed_origins(&["example.com"])).contains(&(
            Field::AllowedOrigins,
            Value::Str("example.com"),
            Problem::MissingScheme
        ))
    );
}

/// **Class: `null` origin reflection.**
///
/// Peers: django-cors-headers matches `null` when it is listed, and had to
/// special-case it in its configuration checks
/// (adamchainz/django-cors-headers#190, #200, #404); with "allow all +
/// credentials", Starlette and django-cors-headers reflect whatever `Origin`
/// arrives, `null` included (adamchainz/django-cors-headers#36 introduced
/// the reflection; encode/starlette#3246 describes it and proposes refusing
/// the combination). Any page can make itself `null` (a sandboxed iframe
/// does), so reflecting it is as broad as `*`.
///
/// Here `null` is denied unless `allow_null_origin(true)`, is a
/// configuration error in the origin list, and never matches a pattern or a
/// regex — not even `.*` (which, with credentials, does not even compile).
#[test]
fn null_origin_is_never_reflected_by_default() {
    let broad = Config::new()
        .allowed_origins(&["https://app.example.com", "https://*.example.com"])
        .allowed_origin_regexes(&[".*", "n.*", "null"])
        .allowed_methods(&["PUT"])
        .max_age(60);
    assert_eq!(
        problems(&broad.allow_credentials(true)),
        [(
            Field::AllowedOriginRegexes,
            Value::Str(".*"),
            Problem::RegexTooBroad
        )]
    );
    let policy = compile(&broad);
    let d = policy.decide(&actual(b"null"));
    assert_denied_actual(&d, Reason::OriginNotAllowed);
    let p = policy.decide(&preflight(b"null", b"PUT", &[]));
    assert_denied_preflight(&p, Reason::OriginNotAllowed, VARY_PREFLIGHT);

    // Opted in: `null` is echoed exactly, and only `null` in that spelling.
    let opted = compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allow_null_origin(true)
            .allow_credentials(true),
    );
    let d = opted.decide(&actual(b"null"));
    assert!(d.is_allowed(), "{d}");
    assert_eq!(get(&d, HeaderName::AllowOrigin), Some(&b"null"[..]));
    for lookalike in [&b"NULL"[..], b"Null", b"nul", b"nulll", b"null.example.com"] {
        assert_denied_actual(&opted.decide(&actual(lookalike)), Reason::OriginNotAllowed);
    }

    // `null` in the origin list is refused with the fix spelled out.
    for spelled in ["null", "NULL"] {
        assert!(
            problems(&Config::new().allowed_origins(&[spelled])).contains(&(
                Field::AllowedOrigins,
                Value::Str(spelled),
                Problem::NullOrigin
            ))
        );
    }

    // An any-origin policy answers `null` with `*`, never by echoing it.
    let any = compile(&Config::new().allowed_origins(&["*"]));
    let d = any.decide(&actual(b"null"));
    assert_eq!(get(&d, HeaderName::AllowOrigin), Some(&b"*"[..]));
    assert_eq!(get(&d, HeaderName::AllowCredentials), None);
}

/// **Class: `*` in an origin list compared as a literal origin.**
///
/// Peers: tower-http (tower-rs/tower-http#284, fixed by
/// tower-rs/tower-http#285 with a panic at start-up), actix-cors
/// (actix/actix-extras#112/#114, also a panic). A `*` among listed origins
/// was compared byte-wise with the request's `Origin`, so the user's intent
/// ("any origin") silently became "an origin spelled `*`". Here it is a
/// configuration error, reported rather than panicking, and a request whose
/// `Origin` is literally `*` is an ordinary denied origin.
#[test]
fn star_in_an_origin_list_is_a_config_error() {
    let found = problems(&Config::new().allowed_origins(&["https://a.example.com", "*"]));
    assert!(
        found.contains(&(
            Field::AllowedOrigins,
            Value::Str("*"),
            Problem::WildcardNotAlone
        )),
        "{found:?}"
    );
    let policy = compile(&Config::new().allowed_origins(&["https://a.example.com"]));
    assert_denied_actual(&policy.decide(&actual(b"*")), Reason::OriginNotAllowed);
}

// ---------------------------------------------------------------------------
// Preflight checks
// ---------------------------------------------------------------------------

/// **Class: any-match (or no-match) request-header check.**
///
/// Peers: flask-cors (corydolphin/flask-cors#110: `Access-Control-Request-
/// Headers` was never compared with the allowed list, the preflight
/// succeeded whatever was requested; corydolphin/flask-cors#160: allowed
/// header names matched as prefixes, so allowing `X-Test` also allowed
/// `X-Testfoo`). A preflight requesting several headers must be denied if
/// *any one* of them is not allowed — wherever it sits in the list, and
/// whichever line it comes on — and names match whole, never by prefix.
#[test]
fn every_requested_header_must_be_allowed() {
    let policy = compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_methods(&["PUT"])
            .allowed_headers(&["content-type", "x-test", "x-request-id"])
            .allow_credentials(true)
            .max_age(600),
    );
    let o = b"https://app.example.com";

    let ok: &[&[u8]] = &[b"content-type, x-test", b"x-request-id"];
    let d = policy.decide(&preflight(o, b"PUT", ok));
    assert!(d.is_allowed(), "{d}");
    let echoed: Vec<&[u8]> = d
        .headers()
        .iter()
        .filter(|h| h.name == HeaderName::AllowHeaders)
        .map(|h| h.value)
        .collect();
    assert_eq!(echoed, [&b"content-type, x-test"[..], b"x-request-id"]);

    let cases: &[(&[&[u8]], &[u8])] = &[
        (&[b"x-evil"], b"x-evil"),
        (&[b"content-type, x-evil"], b"x-evil"),
        (&[b"x-evil, content-type"], b"x-evil"),
        (&[b"content-type, x-test, x-request-id, x-evil"], b"x-evil"),
        (&[b"content-type", b"x-evil"], b"x-evil"),
        (&[b"x-test", b"", b"content-type,x-evil"], b"x-evil"),
        // Prefix and near-prefix names are different names.
        (&[b"x-testfoo"], b"x-testfoo"),
        (&[b"x-tes"], b"x-tes"),
        (&[b"x-test-foo"], b"x-test-foo"),
        (&[b"content-type2"], b"content-type2"),
        (&[b"x-request-i"], b"x-request-i"),
    ];
    for &(lines, culprit) in cases {
        let d = policy.decide(&preflight(o, b"PUT", lines));
        assert_denied_preflight(&d, Reason::HeaderNotAllowed, VARY_PREFLIGHT);
        assert_eq!(d.denial().map(|x| x.value()), Some(culprit), "{d}");
    }

    // The header wildcard never covers `authorization` (Fetch: `*` in
    // `Access-Control-Allow-Headers` does not); a literal `*` name is a
    // name the wildcard covers (§3.4), but never smuggles `authorization`.
    let any = compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_headers(&["*"]),
    );
    let d = any.decide(&preflight(o, b"GET", &[b"x-anything, authorization"]));
    assert_denied_preflight(&d, Reason::HeaderNotAllowed, VARY_PREFLIGHT);
    assert_eq!(d.denial().map(|x| x.value()), Some(&b"authorization"[..]));
    let d = any.decide(&preflight(o, b"GET", &[b"x-anything, *"]));
    assert!(d.is_allowed(), "{d}");
    assert_eq!(
        get(&d, HeaderName::AllowHeaders),
        Some(&b"x-anything, *"[..])
    );
    let d = any.decide(&preflight(o, b"GET", &[b"*, authorization"]));
    assert_denied_preflight(&d, Reason::HeaderNotAllowed, VARY_PREFLIGHT);
    assert_eq!(d.denial().map(|x| x.value()), Some(&b"authorization"[..]));
    let named = compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_headers(&["*", "authorization"]),
    );
    let d = named.decide(&preflight(o, b"GET", &[b"x-anything, authorization"]));
    assert!(d.is_allowed(), "{d}");
}

/// **Class: CORS headers leaked to a rejected origin or a rejected
/// preflight.**
///
/// Peers: Starlette (encode/starlette#2560: `Access-Control-Allow-
/// Credentials: true` on every response, allowed origin or not);
/// django-cors-headers (adamchainz/django-cors-headers#888 reports the same
/// for disallowed origins); tower-http (tower-rs/tower-http#194: preflight
/// answers not tied to what was requested); flask-cors (CVE-2024-6221,
/// fixed in 4.0.2: `Access-Control-Allow-Private-Network: true` sent by
/// default). A rejected request — by origin, method, header, private
/// network or malformed input, on an actual request or a preflight — gets
/// no CORS header but `Vary` (§3.3, §3.5).
#[test]
fn no_cors_header_leaks_on_denial() {
    let policy = compile(&credentialed_config());
    let good = b"https://app.example.com";
    let bad = b"https://evil.example.net";

    // Actual request from a rejected origin.
    assert_denied_actual(&policy.decide(&actual(bad)), Reason::OriginNotAllowed);
    let post = RequestDescriptor::new(b"POST")
        .origin(bad)
        .request_private_network(b"true");
    assert_denied_actual(&policy.decide(&post), Reason::OriginNotAllowed);

    // Preflights denied at every stage.
    let rejected_origin = RequestDescriptor::new(b"OPTIONS")
        .origin(bad)
        .request_method(b"PUT")
        .request_headers(&[b"content-type"])
        .request_private_network(b"true");
    assert_denied_preflight(
        &policy.decide(&rejected_origin),
        Reason::OriginNotAllowed,
        VARY_PREFLIGHT_PN,
    );
    let rejected_method = preflight(good, b"PATCH", &[b"content-type"]);
    assert_denied_preflight(
        &policy.decide(&rejected_method),
        Reason::MethodNotAllowed,
        VARY_PREFLIGHT_PN,
    );
    let rejected_header = preflight(good, b"PUT", &[b"content-type, x-evil"]);
    assert_denied_preflight(
        &policy.decide(&rejected_header),
        Reason::HeaderNotAllowed,
        VARY_PREFLIGHT_PN,
    );
    let malformed = preflight(good, b"PUT", &[b"content-type, x evil"]);
    assert_denied_preflight(
        &policy.decide(&malformed),
        Reason::HeaderMalformed,
        VARY_PREFLIGHT_PN,
    );

    // Private network asked of a policy that does not opt in: decided on
    // the CORS checks alone (§3.4), so a rejected origin still leaks
    // nothing, ACAPN included.
    let no_pn = compile(&credentialed_config().allow_private_network(false));
    let pn = RequestDescriptor::new(b"OPTIONS")
        .origin(bad)
        .request_method(b"PUT")
        .request_private_network(b"true");
    assert_denied_preflight(&no_pn.decide(&pn), Reason::OriginNotAllowed, VARY_PREFLIGHT);

    // And the allowed counterparts do carry the headers, so the checks
    // above cannot pass by the engine never emitting anything.
    let d = policy.decide(&actual(good));
    assert_eq!(get(&d, HeaderName::AllowOrigin), Some(&good[..]));
    assert_eq!(get(&d, HeaderName::AllowCredentials), Some(&b"true"[..]));
    assert_eq!(
        get(&d, HeaderName::ExposeHeaders),
        Some(&b"x-total-count"[..])
    );
    let ok = RequestDescriptor::new(b"OPTIONS")
        .origin(good)
        .request_method(b"PUT")
        .request_headers(&[b"content-type"])
        .request_private_network(b"true");
    let d = policy.decide(&ok);
    assert_eq!(d.preflight_status(), Some(204), "{d}");
    for name in [
        HeaderName::AllowOrigin,
        HeaderName::AllowCredentials,
        HeaderName::AllowMethods,
        HeaderName::AllowHeaders,
        HeaderName::MaxAge,
        HeaderName::AllowPrivateNetwork,
    ] {
        assert!(get(&d, name).is_some(), "{d}: missing {name}");
    }
}

/// **Class: private network access granted without being asked or
/// allowed.**
///
/// Peers: flask-cors (CVE-2024-6221: `Access-Control-Allow-Private-Network:
/// true` was sent by default); actix-cors (actix/actix-extras#369: `Vary`
/// named the response header instead of
/// `Access-Control-Request-Private-Network`); rs/cors (rs/cors#132: that
/// request header was missing from `Vary`). `Access-Control-Allow-Private-
/// Network` is only sent on an allowed preflight that asked with exactly
/// `true`, by a policy that opted in; preflights of such a policy vary on
/// the request header.
#[test]
fn private_network_access_is_opt_in_and_varied_on() {
    let o = b"https://app.example.com";
    let on = compile(&credentialed_config());
    let off = compile(&credentialed_config().allow_private_network(false));

    let asked = |value: &'static [u8]| {
        RequestDescriptor::new(b"OPTIONS")
            .origin(o)
            .request_method(b"PUT")
            .request_private_network(value)
    };
    let d = on.decide(&asked(b"true"));
    assert_eq!(
        get(&d, HeaderName::AllowPrivateNetwork),
        Some(&b"true"[..]),
        "{d}"
    );
    assert_eq!(d.headers().vary(), Some(VARY_PREFLIGHT_PN));

    // Not asked (or asked with something other than `true`): no ACAPN.
    for d in [
        on.decide(&preflight(o, b"PUT", &[])),
        on.decide(&asked(b"false")),
        on.decide(&asked(b"TRUE")),
        on.decide(&asked(b"true\r\nx: y")),
    ] {
        assert!(d.is_allowed(), "{d}");
        assert_eq!(get(&d, HeaderName::AllowPrivateNetwork), None, "{d}");
        assert_values_are_safe(&d);
    }
    // Never on an actual request.
    let d = on.decide(&actual(o).request_private_network(b"true"));
    assert_eq!(get(&d, HeaderName::AllowPrivateNetwork), None, "{d}");

    // A policy that did not opt in: decided on the CORS checks alone, no
    // ACAPN (the browser decides), and `Vary` does not mention a header the
    // policy never looks at (§3.4).
    let d = off.decide(&asked(b"true"));
    assert!(d.is_allowed(), "{d}");
    assert_eq!(d.preflight_status(), Some(204), "{d}");
    assert_eq!(get(&d, HeaderName::AllowOrigin), Some(&o[..]), "{d}");
    assert_eq!(get(&d, HeaderName::AllowPrivateNetwork), None, "{d}");
    assert_eq!(d.headers().vary(), Some(VARY_PREFLIGHT));
    let d = off.decide(&preflight(o, b"PUT", &[]));
    assert!(d.is_allowed(), "{d}");
    assert_eq!(get(&d, HeaderName::AllowPrivateNetwork), None, "{d}");
    assert_eq!(d.headers().vary(), Some(VARY_PREFLIGHT));
}

/// **Class: wildcard together with credentials.**
///
/// Peers: flask-cors (corydolphin/flask-cors#202, fixed by #203: `*` sent
/// with `Access-Control-Allow-Credentials: true`); tower-http
/// (tower-rs/tower-http#194: `*` in the allow-headers and allow-origin
/// answers of credentialed responses; the later fix asserts at layer
/// construction, which apollographql/router#1087 hit as a runtime panic);
/// Starlette (encode/starlette#95, encode/starlette#3246) and
/// django-cors-headers (adamchainz/django-cors-headers#36): "allow all" plus
/// credentials silently became "reflect every origin"; rs/cors (rs/cors#56
/// forbade it, rs/cors#197 showed the `h*` bypass).
///
/// Here any-origin (or expose-all) with credentials is a configuration
/// error, and `*` is never emitted next to `Access-Control-Allow-Credentials`
/// except as the echo of a request method or header literally named `*`
/// (§3.4, WPT `cors-preflight-star`): with credentials the browser reads the
/// echo as that name, which is exactly what was asked.
#[test]
fn wildcard_never_meets_credentials() {
    let found = problems(
        &Config::new()
            .allowed_origins(&["*"])
            .exposed_headers(&["*"])
            .allow_credentials(true),
    );
    assert!(found.contains(&(
        Field::AllowedOrigins,
        Value::Str("*"),
        Problem::AnyOriginWithCredentials
    )));
    assert!(found.contains(&(
        Field::ExposedHeaders,
        Value::Str("*"),
        Problem::ExposeAllWithCredentials
    )));

    // Any-origin without credentials: `*`, never the echoed origin, no ACAC.
    let any = compile(
        &Config::new()
            .allowed_origins(&["*"])
            .allowed_methods(&["*"])
            .allowed_headers(&["*"]),
    );
    let d = any.decide(&actual(b"https://evil.example"));
    assert_eq!(get(&d, HeaderName::AllowOrigin), Some(&b"*"[..]));
    assert_eq!(get(&d, HeaderName::AllowCredentials), None);
    assert_not_echoed(&d, b"evil");

    // Credentialed policy with wildcard methods and headers: echo names,
    // never a `*` that was not asked for.
    let cred = compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_methods(&["*"])
            .allowed_headers(&["*"])
            .allow_credentials(true),
    );
    let o = b"https://app.example.com";
    let d = cred.decide(&preflight(o, b"PATCH", &[b"x-a, x-b"]));
    assert!(d.is_allowed(), "{d}");
    assert_eq!(get(&d, HeaderName::AllowCredentials), Some(&b"true"[..]));
    assert_eq!(get(&d, HeaderName::AllowMethods), Some(&b"PATCH"[..]));
    assert_eq!(get(&d, HeaderName::AllowHeaders), Some(&b"x-a, x-b"[..]));
    for h in d.headers() {
        if h.name != HeaderName::Vary {
            assert!(!h.value.contains(&b'*'), "{d}: {} is {:?}", h.name, h.value);
        }
    }
    // A literal `*` is echoed as asked, never widened: ACAO stays the
    // origin under credentials.
    for (policy, acao, acac) in [(&cred, &o[..], Some(&b"true"[..])), (&any, &b"*"[..], None)] {
        let d = policy.decide(&preflight(o, b"*", &[]));
        assert!(d.is_allowed(), "{d}");
        assert_eq!(get(&d, HeaderName::AllowOrigin), Some(acao), "{d}");
        assert_eq!(get(&d, HeaderName::AllowCredentials), acac, "{d}");
        assert_eq!(get(&d, HeaderName::AllowMethods), Some(&b"*"[..]), "{d}");
        assert_eq!(get(&d, HeaderName::AllowHeaders), None, "{d}");
        let d = policy.decide(&preflight(o, b"PUT", &[b"*"]));
        assert_eq!(get(&d, HeaderName::AllowMethods), Some(&b"PUT"[..]), "{d}");
        assert_eq!(get(&d, HeaderName::AllowHeaders), Some(&b"*"[..]), "{d}");
        let d = policy.decide(&preflight(o, b"PUT", &[b"x-a, *"]));
        assert_eq!(
            get(&d, HeaderName::AllowHeaders),
            Some(&b"x-a, *"[..]),
            "{d}"
        );
        let d = policy.decide(&preflight(o, b"PUT", &[b"*, authorization"]));
        assert_eq!(reason(&d), Reason::HeaderNotAllowed, "{d}");
    }
}

/// **Class: comma flood / huge `Access-Control-Request-Headers`.**
///
/// Peer: rs/cors (rs/cors#170, fixed by rs/cors#171 in v1.11.0; reported
/// as golang/vulndb#2883): a preflight whose ACRH lines held thousands of
/// commas made the middleware split and allocate for each element — about
/// 127 ms and 121 MB of allocation per request. jub0bs/cors (v0.3.0) added
/// caps on whitespace and empty elements for the same reason.
///
/// Here every cap of [`cors_engine::limits`] denies such a preflight with
/// its own [`Reason`] before any name is looked up, and a preflight just
/// under the caps still succeeds.
#[test]
fn comma_flood_and_huge_acrh_hit_the_caps() {
    let policy = compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_methods(&["PUT"])
            .allowed_headers(&["*"]),
    );
    let o = b"https://app.example.com";
    let check = |lines: &[&[u8]], why: Reason| {
        let d = policy.decide(&preflight(o, b"PUT", lines));
        assert_denied_preflight(&d, why, VARY_PREFLIGHT);
    };

    // 8 KiB of commas on one line: over the byte cap.
    let commas = vec![b','; 8 * 1024];
    check(&[&commas], Reason::RequestHeadersTooLong);
    // rs/cors#170's shape: many lines, each full of commas.
    let line = vec![b','; 1024];
    let many: Vec<&[u8]> = (0..1024).map(|_| &line[..]).collect();
    check(&many, Reason::TooManyRequestHeaderLines);
    // Under the byte cap but over the empty-element cap.
    let empties = vec![b','; MAX_EMPTY_ELEMENTS];
    check(&[&empties], Reason::TooManyEmptyElements);
    let spaced = b" , , , , , , , , , , , , , , , , , ,".to_vec();
    check(&[&spaced], Reason::TooManyEmptyElements);
    // Thousands of names: over the byte cap.
    let names: Vec<u8> = (0..3000)
        .flat_map(|i| format!("x-h{i},").into_bytes())
        .collect();
    check(&[&names], Reason::RequestHeadersTooLong);
    // Short names, one more than the name cap.
    let dupes: Vec<u8> = (0..=MAX_REQUESTED_HEADERS).flat_map(|_| *b"ab,").collect();
    assert!(dupes.len() <= MAX_REQUEST_HEADERS_LEN);
    check(&[&dupes], Reason::TooManyRequestedHeaders);
    // One line more than the line cap, each line harmless.
    let lines: Vec<&[u8]> = (0..=MAX_REQUEST_HEADER_LINES)
        .map(|_| &b"x-a"[..])
        .collect();
    check(&lines, Reason::TooManyRequestHeaderLines);
    // The byte cap counts all lines together.
    let half = vec![b'a'; MAX_REQUEST_HEADERS_LEN / 2 + 1];
    check(&[&half, &half], Reason::RequestHeadersTooLong);

    // Just under every cap: allowed, and echoed.
    let max_empties = [b','; MAX_EMPTY_ELEMENTS - 1];
    let max_names: Vec<u8> = (0..MAX_REQUESTED_HEADERS).flat_map(|_| *b"ab,").collect();
    let max_lines: Vec<&[u8]> = (0..MAX_REQUEST_HEADER_LINES).map(|_| &b"x-a"[..]).collect();
    let long_name = vec![b'a'; MAX_REQUEST_HEADERS_LEN];
    for lines in [
        vec![&max_empties[..]],
        vec![&max_names[..]],
        max_lines,
        vec![&long_name[..]],
    ] {
        let d = policy.decide(&preflight(o, b"PUT", &lines));
        assert!(d.is_allowed(), "{d}");
        assert_eq!(get(&d, HeaderName::AllowHeaders), Some(lines[0]));
    }
}

// ---------------------------------------------------------------------------
// Hostile bytes
// ---------------------------------------------------------------------------

/// **Class: panic (or echo) on non-ASCII, invalid UTF-8 or control bytes.**
///
/// Peers: django-cors-headers (adamchainz/django-cors-headers#701, fixed by
/// #715: an `Origin` such as `https://example.com].evil.com` raised an
/// exception in URL parsing, a trivial way to flood a site with 500s);
/// actix-web's CORS middleware (actix/actix-web#117: a request without
/// `Origin` hit an `unwrap` and panicked the worker).
///
/// Deciding must produce a decision for any bytes: malformed `Origin`,
/// `Access-Control-Request-Method`, `Access-Control-Request-Headers` or
/// `Access-Control-Request-Private-Network` is denied with the matching
/// reason (or ignored, for the private-network flag) and never echoed.
#[test]
fn hostile_bytes_are_denied_never_echoed() {
    let policy = compile(&credentialed_config());
    let good = b"https://app.example.com";
    let hostile: Vec<Vec<u8>> = vec![
        b"https://app.example.com\r\nSet-Cookie: a=b".to_vec(),
        b"https://app.example.com\n".to_vec(),
        b"https://app.example.com\0".to_vec(),
        b"https://app.example.com ".to_vec(),
        b"https://app.example.com\t".to_vec(),
        b"https://app.example.com\x7f".to_vec(),
        "https://b\u{fc}cher.example.org".as_bytes().to_vec(),
        "https://app.example.com\u{2028}".as_bytes().to_vec(),
        b"https://app.example.com\xff\xfe".to_vec(),
        b"https://\xc0\xaf.example.org".to_vec(),
        b"https://a.example.org\x80".to_vec(),
        vec![0u8; 16],
        vec![0xffu8; 16],
        Vec::new(),
    ];

    for bytes in &hostile {
        let d = policy.decide(&actual(bytes));
        assert_denied_actual(&d, Reason::OriginMalformed);
        let p = policy.decide(&preflight(bytes, b"PUT", &[b"content-type"]));
        assert_denied_preflight(&p, Reason::OriginMalformed, VARY_PREFLIGHT_PN);
        // The log line escapes them.
        let line = p.to_string();
        assert!(
            line.chars().all(|c| c == '…' || (' '..='~').contains(&c)),
            "{line:?}"
        );

        let m = policy.decide(&preflight(good, bytes, &[]));
        assert_denied_preflight(&m, Reason::MethodMalformed, VARY_PREFLIGHT_PN);

        let lines: [&[u8]; 2] = [b"content-type", bytes.as_slice()];
        let h = policy.decide(&preflight(good, b"PUT", &lines));
        if bytes.iter().all(|&b| b == b' ' || b == b'\t') {
            // An empty ACRH line is allowed (and not echoed).
            assert!(h.is_allowed(), "{h}");
        } else {
            assert_denied_preflight(&h, Reason::HeaderMalformed, VARY_PREFLIGHT_PN);
        }

        let pn = RequestDescriptor::new(b"OPTIONS")
            .origin(good)
            .request_method(b"PUT")
            .request_private_network(bytes);
        let d = policy.decide(&pn);
        assert!(d.is_allowed(), "{d}");
        assert_eq!(get(&d, HeaderName::AllowPrivateNetwork), None, "{d}");

        for d in [&d, &h, &m, &p] {
            assert_values_are_safe(d);
            assert_not_echoed(d, bytes);
        }
    }

    // Over-long values are denied by their caps.
    let long_origin = [
        b"https://".as_slice(),
        &[b'a'; MAX_ORIGIN_LEN],
        b".example.org",
    ]
    .concat();
    assert_denied_actual(&policy.decide(&actual(&long_origin)), Reason::OriginTooLong);
    let long_method = vec![b'A'; MAX_METHOD_LEN + 1];
    let d = policy.decide(&preflight(good, &long_method, &[]));
    assert_denied_preflight(&d, Reason::MethodMalformed, VARY_PREFLIGHT_PN);

    // Every byte value spliced into an allowed origin: anything outside
    // visible ASCII is malformed; anything allowed is echoed byte for byte.
    for b in 0..=255u8 {
        let origin = [b"https://a".as_slice(), &[b], b".example.org"].concat();
        let d = policy.decide(&actual(&origin));
        if (0x21..=0x7e).contains(&b) {
            match get(&d, HeaderName::AllowOrigin) {
                Some(acao) => assert_eq!(acao, &origin[..], "{d}"),
                None => assert_eq!(reason(&d), Reason::OriginNotAllowed, "{d}"),
            }
        } else {
            assert_denied_actual(&d, Reason::OriginMalformed);
        }
        assert_values_are_safe(&d);
    }
}

/// **Class: CR/LF in configured values or echoed request bytes (header
/// injection, log injection).**
///
/// Peers: flask-cors (CVE-2024-1681, fixed by corydolphin/flask-cors#351:
/// request bytes with CR/LF were written into debug logs, forging log
/// lines); actix-cors answers a bad configured origin with a panic rather
/// than an error (its builder documents panicking on invalid origins,
/// actix/actix-extras#114).
///
/// Here CR/LF in any configured origin, method, header or exposed header is
/// a configuration error, all reported at once; request bytes with CR/LF are
/// never echoed, and the denial message escapes them.
#[test]
fn crlf_never_reaches_a_header_or_a_log_line() {
    let config = Config::new()
        .allowed_origins(&["https://a.example.com\r\nSet-Cookie: x=y"])
        .allowed_methods(&["PUT\r\n"])
        .allowed_headers(&["x-a\r\nx-b"])
        .exposed_headers(&["x-total\r\nset-cookie: a=b"]);
    let found = problems(&config);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found.contains(&(
        Field::AllowedOrigins,
        Value::Str("https://a.example.com\r\nSet-Cookie: x=y"),
        Problem::Whitespace
    )));
    assert!(found.contains(&(
        Field::AllowedMethods,
        Value::Str("PUT\r\n"),
        Problem::InvalidToken
    )));
    assert!(found.contains(&(
        Field::AllowedHeaders,
        Value::Str("x-a\r\nx-b"),
        Problem::InvalidToken
    )));
    assert!(found.contains(&(
        Field::ExposedHeaders,
        Value::Str("x-total\r\nset-cookie: a=b"),
        Problem::InvalidToken
    )));

    let policy = compile(&credentialed_config());
    let good = b"https://app.example.com";
    let injected: &[&[u8]] = &[b"x-a\r\nSet-Cookie: session=evil"];
    let d = policy.decide(&preflight(good, b"PUT", injected));
    assert_denied_preflight(&d, Reason::HeaderMalformed, VARY_PREFLIGHT_PN);
    let line = d.to_string();
    assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
    assert!(line.contains(r"\x0d\x0a"), "{line:?}");

    let d = policy.decide(&actual(b"https://app.example.com\r\nX-Evil: 1"));
    assert_denied_actual(&d, Reason::OriginMalformed);
    let line = d.to_string();
    assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
}

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/// **Class: state leaking between requests.**
///
/// Peers: jub0bs/cors (v0.3.0: a data race between request handling and
/// `SetDebug`, i.e. per-request behaviour depending on mutable shared
/// state); rs/cors (rs/cors#198: values written for one response could be
/// altered through another). A policy is immutable: deciding A, then B,
/// then A gives the same A twice, and a denied B carries none of A's
/// headers — also when many threads decide at once.
#[test]
fn no_state_leaks_between_requests() {
    let policy = compile(&credentialed_config());
    let lines: &[&[u8]] = &[b"content-type, x-request-id"];
    let a = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://app.example.com")
        .request_method(b"PUT")
        .request_headers(lines)
        .request_private_network(b"true");
    let b = preflight(b"https://evil.example.net", b"PUT", &[]);
    let c = actual(b"https://shop.example.org");

    let first = policy.decide(&a);
    assert!(first.is_allowed(), "{first}");
    let denied = policy.decide(&b);
    assert_denied_preflight(&denied, Reason::OriginNotAllowed, VARY_PREFLIGHT_PN);
    let other = policy.decide(&c);
    assert_eq!(
        get(&other, HeaderName::AllowOrigin),
        Some(&b"https://shop.example.org"[..])
    );
    assert_eq!(get(&other, HeaderName::AllowMethods), None, "{other}");
    assert_eq!(get(&other, HeaderName::AllowHeaders), None, "{other}");
    assert_eq!(
        get(&other, HeaderName::AllowPrivateNetwork),
        None,
        "{other}"
    );
    assert_eq!(other.headers().vary(), Some(VARY_ORIGIN));
    let again = policy.decide(&a);
    assert_eq!(first, again);
    assert_eq!(
        first.headers().iter().collect::<Vec<_>>(),
        again.headers().iter().collect::<Vec<_>>()
    );

    // Many threads, interleaved requests, each checked against the answer
    // the same request got alone.
    let origins: Vec<String> = (0..8)
        .map(|i| {
            if i % 2 == 0 {
                format!("https://t{i}.example.org")
            } else {
                format!("https://t{i}.evil.net")
            }
        })
        .collect();
    std::thread::scope(|s| {
        for o in &origins {
            let policy = &policy;
            s.spawn(move || {
                let alone = policy.decide(&actual(o.as_bytes()));
                for _ in 0..2000 {
                    let d = policy.decide(&actual(o.as_bytes()));
                    assert_eq!(d, alone);
                    match get(&d, HeaderName::AllowOrigin) {
                        Some(acao) => assert_eq!(acao, o.as_bytes()),
                        None => assert_eq!(reason(&d), Reason::OriginNotAllowed),
                    }
                }
            });
        }
    });
}

/// **Class: per-request mutation of shared, precomputed header values.**
///
/// Peers: jub0bs/cors (v0.1.1: a handler could mutate package-level slices
/// the middleware reused for every response); rs/cors (rs/cors#198 and the
/// proposed fixes rs/cors#199 and rs/cors#213: `Vary`,
/// `Access-Control-Allow-Credentials` and expose values were shared slices
/// that a handler could overwrite for every later request).
///
/// The precomputed `Access-Control-Expose-Headers` and
/// `Access-Control-Max-Age` values borrow from the policy: they are the same
/// bytes, at the same address, after thousands of decisions, and two
/// decisions alive at once do not interfere.
#[test]
fn shared_header_values_never_change() {
    let policy = compile(&credentialed_config());
    let o1 = b"https://app.example.com";
    let o2 = b"https://shop.example.org";
    let expose_1 = get(&policy.decide(&actual(o1)), HeaderName::ExposeHeaders).unwrap();
    let max_age_1 = get(
        &policy.decide(&preflight(o1, b"PUT", &[])),
        HeaderName::MaxAge,
    )
    .unwrap();
    assert_eq!(expose_1, b"x-total-count");
    assert_eq!(max_age_1, b"600");

    // Two decisions alive at once, from different origins.
    let d1 = policy.decide(&actual(o1));
    let acrh: &[&[u8]] = &[b"x-request-id"];
    let d2 = policy.decide(&preflight(o2, b"DELETE", acrh));
    let d3 = policy.decide(&actual(b"https://evil.example.net"));
    assert_eq!(get(&d1, HeaderName::AllowOrigin), Some(&o1[..]));
    assert_eq!(get(&d2, HeaderName::AllowOrigin), Some(&o2[..]));
    assert_eq!(get(&d2, HeaderName::AllowMethods), Some(&b"DELETE"[..]));
    assert_eq!(get(&d1, HeaderName::AllowMethods), None);
    assert_eq!(get(&d3, HeaderName::AllowOrigin), None);

    for i in 0..10_000u32 {
        let origin = format!("https://n{i}.example.org");
        let method = if i % 2 == 0 { &b"PUT"[..] } else { b"DELETE" };
        let d = policy.decide(&preflight(origin.as_bytes(), method, acrh));
        assert_eq!(get(&d, HeaderName::MaxAge), Some(&b"600"[..]));
        let a = policy.decide(&actual(origin.as_bytes()));
        assert_eq!(
            get(&a, HeaderName::ExposeHeaders),
            Some(&b"x-total-count"[..])
        );
    }
    let expose_2 = get(&policy.decide(&actual(o2)), HeaderName::ExposeHeaders).unwrap();
    let max_age_2 = get(
        &policy.decide(&preflight(o2, b"PUT", &[])),
        HeaderName::MaxAge,
    )
    .unwrap();
    assert_eq!(expose_2, expose_1);
    assert_eq!(max_age_2, max_age_1);
    assert_eq!(
        expose_2.as_ptr(),
        expose_1.as_ptr(),
        "expose value is rebuilt per request"
    );
    assert_eq!(
        max_age_2.as_ptr(),
        max_age_1.as_ptr(),
        "max-age value is rebuilt per request"
    );
    // And the earlier decisions still say what they said.
    assert_eq!(get(&d1, HeaderName::AllowOrigin), Some(&o1[..]));
    assert_eq!(
        get(&d2, HeaderName::AllowHeaders),
        Some(&b"x-request-id"[..])
    );
}

// ---------------------------------------------------------------------------
// Caching and classification
// ---------------------------------------------------------------------------

/// **Class: missing `Vary: Origin` on denied or non-CORS responses, and
/// incomplete `Vary` on preflights.**
///
/// Peers: tower-http (tower-rs/tower-http#198 and #199: no `Vary` at all;
/// tower-rs/tower-http#216: none on preflights); Starlette
/// (encode/starlette#1111: missing with allow-all plus credentials;
/// encode/starlette#3516: missing on responses to denied or absent
/// origins); flask-cors (corydolphin/flask-cors#148, fixed by #150); rs/cors
/// (rs/cors#132: private-network request header missing from `Vary`);
/// actix-cors (actix/actix-extras#369: the wrong header named in `Vary`).
///
/// A cache that stores the answer to a request without (or with a denied)
/// `Origin` and serves it to an allowed origin breaks that origin, and vice
/// versa. Every response of an origin-dependent policy varies on `Origin`;
/// preflights also on the method and headers asked (§3.6).
#[test]
fn vary_on_every_origin_dependent_response() {
    let list = compile(&credentialed_config().allow_private_network(false));
    let good = b"https://app.example.com";
    let bad = b"https://evil.example.net";

    let cases = [
        list.decide(&RequestDescriptor::new(b"GET")),
        list.decide(&RequestDescriptor::new(b"OPTIONS")),
        list.decide(&actual(good)),
        list.decide(&actual(bad)),
        list.decide(&actual(b"\xff")),
        list.decide(&RequestDescriptor::new(b"OPTIONS").origin(good)),
        list.decide(&RequestDescriptor::new(b"OPTIONS").origin(bad)),
    ];
    for d in &cases {
        assert_eq!(d.headers().vary(), Some(VARY_ORIGIN), "{d}");
    }
    assert_eq!(cases[0].kind(), Kind::NotCors);
    assert_only_vary(&cases[0], VARY_ORIGIN);

    for d in [
        list.decide(&preflight(good, b"PUT", &[b"content-type"])),
        list.decide(&preflight(bad, b"PUT", &[b"content-type"])),
        list.decide(&preflight(good, b"PATCH", &[])),
        list.decide(&preflight(good, b"PUT", &[b"x-evil"])),
    ] {
        assert_eq!(d.headers().vary(), Some(VARY_PREFLIGHT), "{d}");
    }

    let pn = compile(&credentialed_config());
    for d in [
        pn.decide(&preflight(good, b"PUT", &[])),
        pn.decide(&preflight(bad, b"PUT", &[])),
    ] {
        assert_eq!(d.headers().vary(), Some(VARY_PREFLIGHT_PN), "{d}");
    }
    assert_eq!(pn.decide(&actual(good)).headers().vary(), Some(VARY_ORIGIN));

    // A pattern- or regex-only policy is origin-dependent too.
    let pattern = compile(&Config::new().allowed_origins(&["https://*.example.com"]));
    assert_eq!(
        pattern
            .decide(&RequestDescriptor::new(b"GET"))
            .headers()
            .vary(),
        Some(VARY_ORIGIN)
    );
    let regex = compile(&Config::new().allowed_origin_regexes(&[r"https://[a-z]+\.example\.com"]));
    assert_eq!(
        regex.decide(&actual(bad)).headers().vary(),
        Some(VARY_ORIGIN)
    );

    // Any origin without credentials answers `*` to everyone: no `Vary:
    // Origin` needed, but preflights still vary on what they ask.
    let any = compile(
        &Config::new()
            .allowed_origins(&["*"])
            .allowed_methods(&["PUT"]),
    );
    assert_eq!(any.decide(&actual(good)).headers().vary(), None);
    assert_eq!(
        any.decide(&RequestDescriptor::new(b"GET")).headers().vary(),
        None
    );
    assert_eq!(
        any.decide(&preflight(good, b"PUT", &[])).headers().vary(),
        Some(VARY_PREFLIGHT_ANY_ORIGIN)
    );
}

/// **Class: `OPTIONS` without `Access-Control-Request-Method` treated as a
/// preflight.**
///
/// Peers: actix-cors (actix/actix-extras#225, fixed by
/// actix/actix-extras#226: a plain `OPTIONS` was rejected with 400 for
/// lacking the header; earlier actix/actix-web#702 and #816 for the
/// request-headers variant). Per Fetch a preflight is `OPTIONS` with
/// `Origin` *and* `Access-Control-Request-Method`; any other `OPTIONS` with
/// `Origin` is an actual request that reaches the application (§3.1).
#[test]
fn options_without_acrm_is_an_actual_request() {
    let policy = compile(&credentialed_config());
    let good = b"https://app.example.com";

    let d = policy.decide(&RequestDescriptor::new(b"OPTIONS").origin(good));
    assert_eq!(d.kind(), Kind::Actual, "{d}");
    assert!(d.is_allowed() && d.runs_handler(), "{d}");
    assert_eq!(d.preflight_status(), None);
    assert_eq!(get(&d, HeaderName::AllowOrigin), Some(&good[..]));
    assert_eq!(
        get(&d, HeaderName::ExposeHeaders),
        Some(&b"x-total-count"[..])
    );
    for name in [
        HeaderName::AllowMethods,
        HeaderName::AllowHeaders,
        HeaderName::MaxAge,
    ] {
        assert_eq!(get(&d, name), None, "{d}: {name}");
    }

    // Request headers without a request method do not make a preflight.
    let d = policy.decide(
        &RequestDescriptor::new(b"OPTIONS")
            .origin(good)
            .request_headers(&[b"content-type"]),
    );
    assert_eq!(d.kind(), Kind::Actual, "{d}");
    assert!(d.runs_handler());

    // Without `Origin` nothing is CORS, whatever else is present.
    let d = policy.decide(&RequestDescriptor::new(b"OPTIONS").request_method(b"PUT"));
    assert_eq!(d.kind(), Kind::NotCors, "{d}");
    assert!(d.runs_handler());
    assert_only_vary(&d, VARY_ORIGIN);

    // Only `OPTIONS`, spelled so (methods are case-sensitive), preflights.
    for method in [&b"GET"[..], b"POST", b"options", b"Options"] {
        let d = policy.decide(
            &RequestDescriptor::new(method)
                .origin(good)
                .request_method(b"PUT"),
        );
        assert_eq!(d.kind(), Kind::Actual, "{d}");
        assert!(d.runs_handler());
        assert_eq!(get(&d, HeaderName::AllowMethods), None);
    }

    // The real preflight, for contrast.
    let d = policy.decide(&preflight(good, b"PUT", &[]));
    assert_eq!(d.kind(), Kind::Preflight);
    assert!(!d.runs_handler());
    assert_eq!(d.preflight_status(), Some(204));
}

/// **Class: case handling of header names and methods.**
///
/// Peers: Starlette (encode/starlette#411: lower-case request header names
/// did not match the configured spelling); rs/cors (rs/cors#176 and
/// rs/cors#183: after v1.11.0, `Access-Control-Request-Headers` was looked
/// up without normalising its case, so `X-Test-Header` no longer matched);
/// actix-cors (actix/actix-extras#354: users expected case-insensitive
/// origins; browsers send them in lower case, so the configuration must be
/// written so). Header names are case-insensitive; methods and origins are
/// compared exactly, and configurations that could never match are refused.
#[test]
fn header_names_fold_case_methods_do_not() {
    let policy = compile(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_methods(&["PATCH", "purge"])
            .allowed_headers(&["X-Custom-Header", "content-type"]),
    );
    let o = b"https://app.example.com";

    for lines in [
        &[&b"x-custom-header, content-type"[..]][..],
        &[b"X-CUSTOM-HEADER, Content-Type"],
        &[b"X-Custom-Header", b"CONTENT-TYPE"],
    ] {
        let d = policy.decide(&preflight(o, b"PATCH", lines));
        assert!(d.is_allowed(), "{d}");
        // Echoed byte for byte, in the request's own spelling.
        assert_eq!(get(&d, HeaderName::AllowHeaders), Some(lines[0]));
    }

    for (method, allowed) in [
        (&b"PATCH"[..], true),
        (b"patch", false),
        (b"Patch", false),
        (b"purge", true),
        (b"PURGE", false),
        (b"GET", true), // safelisted
        (b"get", false),
        (b"post", false),
    ] {
        let d = policy.decide(&preflight(o, method, &[]));
        if allowed {
            assert!(d.is_allowed(), "{d}");
            assert_eq!(get(&d, HeaderName::AllowMethods), Some(method));
        } else {
            assert_denied_preflight(&d, Reason::MethodNotAllowed, VARY_PREFLIGHT);
        }
    }

    // An upper-case origin never matches (browsers serialise in lower
    // case), and the configuration must be written in lower case.
    assert_denied_actual(
        &policy.decide(&actual(b"https://APP.example.com")),
        Reason::OriginNotAllowed,
    );
    assert_denied_actual(
        &policy.decide(&actual(b"HTTPS://app.example.com")),
        Reason::OriginNotAllowed,
    );
    assert!(
        problems(&Config::new().allowed_origins(&["https://App.example.com"]))
            .iter()
            .any(|(_, _, p)| *p == Problem::Uppercase)
    );
    // `get` in a configuration could never match what a browser sends.
    assert!(problems(
        &Config::new()
            .allowed_origins(&["https://app.example.com"])
            .allowed_methods(&["get"])
    )
    .contains(&(
        Field::AllowedMethods,
        Value::Str("get"),
        Problem::MethodCase
    )));
}

/// **Class: origins configured with a default port or a trailing slash that
/// silently never match.**
///
/// Peers: Starlette (its `allow_origins` accepts `https://example.com/`,
/// which no browser ever sends — raised in encode/starlette discussion
/// #2735); django-cors-headers (adamchainz/django-cors-headers#397 added
/// start-up checks after users listed origins without schemes, and #403/#404
/// then had to special-case `null` in them). A browser serialises
/// `https://example.com:443/` as `https://example.com`; a configuration that
/// spells it otherwise must fail to compile, with every problem listed at
/// once (§3.9), instead of producing a policy that never matches.
#[test]
fn default_port_and_trailing_slash_are_config_errors() {
    let config = Config::new().allowed_origins(&[
        "https://example.com:443",
        "http://example.com:80",
        "https://example.com/",
        "https://example.com/app",
        "https://*.example.com:443",
        "http://[::1]:80",
        "https://example.com?x=1",
        "https://user@example.com",
        "https://example.com:65536",
        "https://example.com:0443",
        "https://Example.com",
    ]);
    let found = problems(&config);
    let expect = [
        ("https://example.com:443", Problem::DefaultPort),
        ("http://example.com:80", Problem::DefaultPort),
        ("https://example.com/", Problem::Path),
        ("https://example.com/app", Problem::Path),
        ("https://*.example.com:443", Problem::DefaultPort),
        ("http://[::1]:80", Problem::DefaultPort),
        ("https://example.com?x=1", Problem::Query),
        ("https://user@example.com", Problem::Userinfo),
        ("https://example.com:65536", Problem::InvalidPort),
        ("https://example.com:0443", Problem::InvalidPort),
        ("https://Example.com", Problem::Uppercase),
    ];
    assert_eq!(found.len(), expect.len(), "{found:?}");
    for (value, problem) in expect {
        assert!(
            found.contains(&(Field::AllowedOrigins, Value::Str(value), problem.clone())),
            "{value}: expected {problem:?} in {found:?}"
        );
    }

    // The messages name the value and the fix.
    let message = Policy::compile(&Config::new().allowed_origins(&["https://example.com/"]))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("https://example.com/") && message.contains("fix"),
        "{message}"
    );

    // Non-default ports are fine and match only themselves.
    let policy = compile(&Config::new().allowed_origins(&["https://example.com:8443"]));
    assert!(policy
        .decide(&actual(b"https://example.com:8443"))
        .is_allowed());
    for other in [
        &b"https://example.com"[..],
        b"https://example.com:443",
        b"https://example.com:8443/",
    ] {
        assert_denied_actual(&policy.decide(&actual(other)), Reason::OriginNotAllowed);
    }
}

/// Sanity check of this file's own helpers: the set of CORS header names it
/// looks for is the set the engine can emit.
#[test]
fn helpers_cover_every_header_name() {
    let policy = compile(&credentialed_config());
    let d = policy.decide(
        &RequestDescriptor::new(b"OPTIONS")
            .origin(b"https://app.example.com")
            .request_method(b"PUT")
            .request_headers(&[b"content-type"])
            .request_private_network(b"true"),
    );
    let a = policy.decide(&actual(b"https://app.example.com"));
    let seen: HashSet<HeaderName> = d
        .headers()
        .iter()
        .chain(a.headers())
        .map(|h| h.name)
        .collect();
    for name in CORS_HEADERS {
        assert!(seen.contains(&name), "{name} never emitted");
    }
    assert!(seen.contains(&HeaderName::Vary));
}
