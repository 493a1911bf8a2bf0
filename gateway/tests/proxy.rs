//! The gateway in front of a counting upstream: what reaches the upstream,
//! and which CORS headers every kind of answer carries.

mod support;

use std::time::Duration;

use support::*;

fn origin(o: &[u8]) -> (&str, &[u8]) {
    ("Origin", o)
}

fn gateway_for(upstream: &str, test: &str, extra: &[&str]) -> Gateway {
    let policy = policy_file(test, "policy.toml", POLICY);
    Gateway::start(upstream, &policy, extra)
}

#[test]
fn preflights_are_answered_by_the_gateway_and_never_reach_the_upstream() {
    let up = Upstream::start();
    let gw = gateway_for(&up.url(), "preflight", &[]);

    let allowed = gw.send(
        "OPTIONS",
        "/api/items",
        &[
            origin(ORIGIN),
            ("Access-Control-Request-Method", b"PUT"),
            ("Access-Control-Request-Headers", b"x-custom, content-type"),
        ],
    );
    assert_eq!(allowed.status, 204);
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        "https://app.example.com"
    );
    assert_eq!(header(&allowed, "access-control-allow-credentials"), "true");
    assert_eq!(header(&allowed, "access-control-allow-methods"), "PUT");
    assert_eq!(
        header(&allowed, "access-control-allow-headers"),
        "x-custom, content-type"
    );
    assert_eq!(header(&allowed, "access-control-max-age"), "600");
    assert_eq!(
        vary(&allowed),
        [
            "Origin",
            "Access-Control-Request-Method",
            "Access-Control-Request-Headers"
        ]
    );
    assert!(allowed.body.is_empty());
    assert!(!allowed.handler_ran());

    for (why, lines) in [
        (
            "origin",
            vec![origin(EVIL), ("Access-Control-Request-Method", &b"PUT"[..])],
        ),
        (
            "method",
            vec![
                origin(ORIGIN),
                ("Access-Control-Request-Method", &b"PATCH"[..]),
            ],
        ),
        (
            "header",
            vec![
                origin(ORIGIN),
                ("Access-Control-Request-Method", &b"PUT"[..]),
                ("Access-Control-Request-Headers", &b"x-other"[..]),
            ],
        ),
    ] {
        let denied = gw.send("OPTIONS", "/api/items", &lines);
        assert_eq!(denied.status, 403, "{why}");
        // No CORS header leaks to a denied preflight; only Vary.
        assert_eq!(cors_names(&denied), Vec::<&str>::new(), "{why}");
        assert!(vary(&denied).contains(&"Origin".to_owned()), "{why}");
        assert!(!denied.handler_ran(), "{why}");
    }
    assert_eq!(
        up.count(),
        0,
        "no preflight reached the upstream: {:?}",
        up.seen()
    );

    // OPTIONS without Access-Control-Request-Method is an actual request:
    // it is the application's to answer.
    let options = gw.send("OPTIONS", "/api/items", &[origin(ORIGIN)]);
    assert!(options.handler_ran());
    assert_eq!(
        header(&options, "access-control-allow-origin"),
        "https://app.example.com"
    );
    assert_eq!(up.seen(), ["OPTIONS /api/items"]);
}

#[test]
fn actual_requests_get_the_decided_headers_and_vary_is_joined() {
    let up = Upstream::start();
    let mut gw = gateway_for(&up.url(), "actual", &[]);

    let allowed = gw.send("GET", "/items?page=2", &[origin(ORIGIN)]);
    assert_eq!(allowed.status, 200);
    assert!(allowed.handler_ran());
    assert_eq!(allowed.body, b"ok");
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        "https://app.example.com"
    );
    assert_eq!(header(&allowed, "access-control-allow-credentials"), "true");
    assert_eq!(
        header(&allowed, "access-control-expose-headers"),
        "x-total-count"
    );
    assert_eq!(header(&allowed, "x-total-count"), "42");
    // The upstream's Vary is kept and CORS's joined to it.
    assert_eq!(vary(&allowed), ["Accept-Encoding", "Origin"]);

    let denied = gw.send("POST", "/items", &[origin(EVIL)]);
    assert_eq!(
        denied.status, 200,
        "CORS is not access control: the upstream answers"
    );
    assert!(denied.handler_ran());
    assert_eq!(cors_names(&denied), Vec::<&str>::new());
    assert_eq!(vary(&denied), ["Accept-Encoding", "Origin"]);

    let not_cors = gw.send("GET", "/items", &[]);
    assert!(not_cors.handler_ran());
    assert_eq!(cors_names(&not_cors), Vec::<&str>::new());
    assert_eq!(vary(&not_cors), ["Accept-Encoding", "Origin"]);

    // An upstream that already varies on Origin does not get it twice.
    let already = gw.send("GET", "/vary-origin", &[origin(ORIGIN)]);
    assert_eq!(vary(&already), ["Origin", "Accept-Encoding"]);

    assert_eq!(up.count(), 4);
    assert_eq!(
        up.seen(),
        [
            "GET /items?page=2",
            "POST /items",
            "GET /items",
            "GET /vary-origin"
        ]
    );

    // One log line per request, with the decision and the reason.
    let denied_line = gw
        .wait_log(Duration::from_secs(5), |l| l.starts_with("POST /items "))
        .expect("a log line for the denied request");
    assert!(denied_line.contains("route=top-level"), "{denied_line}");
    assert!(
        denied_line.contains("decision=actual/denied"),
        "{denied_line}"
    );
    assert!(denied_line.contains("status=200"), "{denied_line}");
    assert!(
        denied_line.contains(r#"reason="origin \"https://evil.example.com\" is not allowed""#),
        "{denied_line}"
    );
    assert!(denied_line.contains("upstream="), "{denied_line}");
    assert_eq!(
        gw.more_stdout(),
        Vec::<String>::new(),
        "one stdout line only"
    );
}

#[test]
fn the_upstreams_own_cors_headers_are_removed_unless_kept() {
    let up = Upstream::start();
    let gw = gateway_for(&up.url(), "strip", &[]);
    let r = gw.send("GET", "/upstream-cors", &[origin(ORIGIN)]);
    assert!(r.handler_ran());
    assert_eq!(
        r.get_all("access-control-allow-origin").collect::<Vec<_>>(),
        [b"https://app.example.com"]
    );
    assert_eq!(header(&r, "access-control-expose-headers"), "x-total-count");
    assert_eq!(
        r.get("access-control-max-age"),
        None,
        "upstream's max-age removed"
    );
    // A denied origin gets nothing, whatever the upstream said.
    let r = gw.send("GET", "/upstream-cors", &[origin(EVIL)]);
    assert_eq!(cors_names(&r), Vec::<&str>::new());

    let gw = gateway_for(&up.url(), "keep", &["--keep-upstream-cors"]);
    let r = gw.send("GET", "/upstream-cors", &[origin(ORIGIN)]);
    // Kept, except where the gateway decided a value itself.
    assert_eq!(header(&r, "access-control-max-age"), "99");
    assert_eq!(
        r.get_all("access-control-allow-origin").collect::<Vec<_>>(),
        [b"https://app.example.com"]
    );
    assert_eq!(header(&r, "access-control-expose-headers"), "x-total-count");
    let r = gw.send("GET", "/upstream-cors", &[origin(EVIL)]);
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
}

#[test]
fn an_upstream_error_keeps_its_status_and_gets_cors_headers() {
    let up = Upstream::start();
    let gw = gateway_for(&up.url(), "error500", &[]);
    let r = gw.send("POST", "/error", &[origin(ORIGIN)]);
    assert_eq!(r.status, 500);
    assert_eq!(r.body, b"boom");
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "https://app.example.com"
    );
    assert_eq!(header(&r, "access-control-allow-credentials"), "true");
    assert_eq!(vary(&r), ["Accept-Encoding", "Origin"]);
}

#[test]
fn upstream_down_is_a_502_with_cors_headers() {
    let dead = format!("http://{}", dead_addr());
    let mut gw = gateway_for(&dead, "down", &["--upstream-timeout", "5"]);
    let r = gw.send("GET", "/items", &[origin(ORIGIN)]);
    assert_eq!(r.status, 502);
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "https://app.example.com"
    );
    assert_eq!(header(&r, "access-control-allow-credentials"), "true");
    assert_eq!(header(&r, "access-control-expose-headers"), "x-total-count");
    assert!(vary(&r).contains(&"Origin".to_owned()));
    assert!(String::from_utf8_lossy(&r.body).contains("502"));

    let r = gw.send("GET", "/items", &[origin(EVIL)]);
    assert_eq!(r.status, 502);
    assert_eq!(cors_names(&r), Vec::<&str>::new());
    assert_eq!(vary(&r), ["Origin"]);

    // Preflights do not need the upstream at all.
    let r = gw.send(
        "OPTIONS",
        "/items",
        &[origin(ORIGIN), ("Access-Control-Request-Method", b"DELETE")],
    );
    assert_eq!(r.status, 204);

    let line = gw
        .wait_log(Duration::from_secs(5), |l| l.contains("status=502"))
        .expect("a log line for the 502");
    assert!(line.contains("error="), "{line}");
}

#[test]
fn upstream_timeout_is_a_504_with_cors_headers() {
    let up = Upstream::start();
    let gw = gateway_for(&up.url(), "hang", &["--upstream-timeout", "0.5"]);
    let r = gw.send("GET", "/hang", &[origin(ORIGIN)]);
    assert_eq!(r.status, 504);
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "https://app.example.com"
    );
    assert!(vary(&r).contains(&"Origin".to_owned()));
    // The gateway still serves.
    let r = gw.send("GET", "/", &[origin(ORIGIN)]);
    assert_eq!(r.status, 200);
}

#[test]
fn upstream_resets_and_garbage_are_502s_and_the_gateway_keeps_serving() {
    let up = Upstream::start();
    let gw = gateway_for(&up.url(), "garbage", &["--upstream-timeout", "5"]);
    for path in ["/reset", "/garbage"] {
        let r = gw.send("GET", path, &[origin(ORIGIN)]);
        assert_eq!(r.status, 502, "{path}");
        assert_eq!(
            header(&r, "access-control-allow-origin"),
            "https://app.example.com",
            "{path}"
        );
        let r = gw.send("GET", "/", &[origin(ORIGIN)]);
        assert_eq!(r.status, 200, "after {path}");
        assert!(r.handler_ran());
    }
}

#[test]
fn routes_choose_the_policy_and_a_route_can_turn_cors_off() {
    let up = Upstream::start();
    let policy = policy_file(
        "routes",
        "policy.toml",
        r#"
allowed_origins = ["https://app.example.com"]
allowed_methods = ["PUT"]
allow_credentials = true

[[routes]]
paths = ["/public/*"]
allowed_origins = ["*"]
allow_credentials = false

[[routes]]
paths = ["/internal/*"]
cors = false
"#,
    );
    let mut gw = Gateway::start(&up.url(), &policy, &[]);

    // Top level: only the app, with credentials.
    let r = gw.send("GET", "/api", &[origin(EVIL)]);
    assert_eq!(cors_names(&r), Vec::<&str>::new());
    // The public route: anyone, no credentials.
    let r = gw.send("GET", "/public/logo.png", &[origin(EVIL)]);
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    assert_eq!(r.get("access-control-allow-credentials"), None);
    // CORS off: nothing added, and a preflight is the upstream's to answer.
    let r = gw.send(
        "OPTIONS",
        "/internal/metrics",
        &[origin(ORIGIN), ("Access-Control-Request-Method", b"PUT")],
    );
    assert!(r.handler_ran(), "the preflight reached the upstream");
    assert_eq!(cors_names(&r), Vec::<&str>::new());
    assert_eq!(vary(&r), ["Accept-Encoding"]);
    assert_eq!(
        up.seen().last().map(String::as_str),
        Some("OPTIONS /internal/metrics")
    );

    let line = gw
        .wait_log(Duration::from_secs(5), |l| {
            l.starts_with("GET /public/logo.png ")
        })
        .expect("logged");
    assert!(line.contains("route=/public/*"), "{line}");
    let line = gw
        .wait_log(Duration::from_secs(5), |l| {
            l.starts_with("OPTIONS /internal/metrics ")
        })
        .expect("logged");
    assert!(line.contains("decision=cors-off"), "{line}");
}

#[test]
fn an_any_origin_policy_answers_the_same_to_everyone() {
    let up = Upstream::start();
    let policy = policy_file(
        "static",
        "policy.toml",
        "allowed_origins = [\"*\"]\nexposed_headers = [\"x-total-count\"]\n",
    );
    let gw = Gateway::start(&up.url(), &policy, &[]);
    // Without Origin too: a cached answer must serve a later CORS request.
    for lines in [&[][..], &[origin(EVIL)][..]] {
        let r = gw.send("GET", "/", lines);
        assert_eq!(header(&r, "access-control-allow-origin"), "*");
        assert_eq!(header(&r, "access-control-expose-headers"), "x-total-count");
        assert_eq!(
            vary(&r),
            ["Accept-Encoding"],
            "no Vary: Origin on a static answer"
        );
    }
}

#[test]
fn the_environment_alone_can_be_the_policy() {
    let up = Upstream::start();
    let gw = Gateway::start_with(
        &up.url(),
        &[],
        &[
            (
                "CORS_ALLOWED_ORIGINS",
                "https://a.example.com, https://app.example.com",
            ),
            ("CORS_ALLOW_CREDENTIALS", "true"),
        ],
    );
    let r = gw.send("GET", "/", &[origin(ORIGIN)]);
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "https://app.example.com"
    );
    assert_eq!(header(&r, "access-control-allow-credentials"), "true");
    let r = gw.send("GET", "/", &[origin(EVIL)]);
    assert_eq!(cors_names(&r), Vec::<&str>::new());
}
