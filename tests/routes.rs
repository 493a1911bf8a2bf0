//! `PolicySet` (DESIGN §3.11) through its own API: routes by exact path,
//! `/prefix/*` and whole-path regexes, first match wins, CORS off on a
//! route, the top level elsewhere, every problem named by route, and the
//! path cap. Policy files that build a set are in `tests/file.rs`.
#![cfg(feature = "alloc")]

use cors_engine::limits::MAX_PATH_LEN;
use cors_engine::{
    Config, Field, HeaderName, Policy, PolicySet, Problem, RequestDescriptor, Route, RouteId, Value,
};

const TOP: Config = Config::new()
    .allowed_origins(&["https://app.example.com"])
    .allowed_methods(&["PUT"])
    .allow_credentials(true);

const APP: &[u8] = b"https://app.example.com";

fn get(origin: &[u8]) -> RequestDescriptor<'_> {
    RequestDescriptor::new(b"GET").origin(origin)
}

fn set(routes: &[Route<'_, 'static>]) -> PolicySet {
    match PolicySet::compile(Some(&TOP), routes) {
        Ok((set, warnings)) => {
            assert!(warnings.is_empty(), "{warnings}");
            set
        }
        Err(errors) => panic!("{errors}"),
    }
}

#[test]
fn exact_prefix_and_regex_paths() {
    let set = set(&[
        Route::new(&["/public/*"]).policy(TOP.allowed_origins(&["*"]).allow_credentials(false)),
        Route::new(&["/health"]),
        Route::new(&[]).path_regexes(&[r"/v[0-9]+/items"]),
    ]);
    for (path, route) in [
        (&b"/public"[..], RouteId::Route(0)),
        (b"/public/", RouteId::Route(0)),
        (b"/public/a/b.css", RouteId::Route(0)),
        (b"/publicity", RouteId::TopLevel),
        (b"/health", RouteId::Route(1)),
        (b"/health/", RouteId::TopLevel),
        (b"/healthz", RouteId::TopLevel),
        (b"/v2/items", RouteId::Route(2)),
        // Regexes match the whole path.
        (b"/v2/items/1", RouteId::TopLevel),
        (b"/x/v2/items", RouteId::TopLevel),
        (b"/", RouteId::TopLevel),
    ] {
        assert_eq!(set.route(path), route, "{}", String::from_utf8_lossy(path));
        assert_eq!(set.decide(path, &get(APP)).route, route);
    }
    // Route 0's own policy: the static answer, no credentials.
    let d = set
        .decide(b"/public/x", &get(b"https://else.example"))
        .decision
        .unwrap();
    assert_eq!(d.headers().get(HeaderName::AllowOrigin), Some(&b"*"[..]));
    assert_eq!(d.headers().get(HeaderName::AllowCredentials), None);
    // Route 1: CORS off, preflights included (the application answers).
    let preflight = RequestDescriptor::new(b"OPTIONS")
        .origin(APP)
        .request_method(b"PUT");
    assert!(set.decide(b"/health", &preflight).decision.is_none());
    assert!(set.policy(RouteId::Route(1)).is_none());
    // Route 2 has no policy either: a route without one turns CORS off.
    assert!(set.decide(b"/v1/items", &get(APP)).decision.is_none());
    // The top level elsewhere.
    let d = set.decide(b"/api", &get(APP)).decision.unwrap();
    assert_eq!(
        d.headers().get(HeaderName::AllowCredentials),
        Some(&b"true"[..])
    );
    assert_eq!(set.route_name(RouteId::Route(0)), "/public/*");
    assert_eq!(set.route_name(RouteId::Route(2)), r"/v[0-9]+/items");
    assert_eq!(set.policies().count(), 2);
}

#[test]
fn first_match_wins_and_a_shadowed_route_is_a_warning() {
    let routes = [
        Route::new(&["/api/*"]).policy(TOP.allowed_methods(&["DELETE"])),
        Route::new(&["/api/admin"]),
        Route::new(&["/api/admin/*", "/other"]),
    ];
    let (set, warnings) = PolicySet::compile(Some(&TOP), &routes).unwrap();
    assert_eq!(set.route(b"/api/admin"), RouteId::Route(0));
    assert_eq!(set.route(b"/api/admin/x"), RouteId::Route(0));
    // Route 2 is reachable through `/other`: only route 1 is shadowed.
    assert_eq!(set.route(b"/other"), RouteId::Route(2));
    let shadowed: Vec<_> = warnings
        .iter()
        .map(|w| (w.route(), w.field(), w.problem().clone()))
        .collect();
    assert_eq!(
        shadowed,
        [(Some(1), Field::Paths, Problem::UnreachableRoute)],
        "{warnings}"
    );
    assert!(
        warnings.to_string().contains("routes[1].paths"),
        "{warnings}"
    );
    // Strict (on the top level): the shadowed route stops the set.
    let strict = TOP.strict(true);
    let errors = PolicySet::compile(Some(&strict), &routes).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
}

#[test]
fn every_problem_names_its_route() {
    let routes = [
        Route::new(&["/ok"]),
        Route::new(&["relative", "/a*b", "/q?x=1", ""]),
        Route::new(&[]),
        Route::new(&[]).path_regexes(&["(", ""]),
        Route::new(&["/x/*"]).policy(
            Config::new()
                .allowed_origins(&["https://a.example/", "*"])
                .allowed_methods(&["GET"]),
        ),
    ];
    let top = TOP.allowed_origins(&["http://127.000.0.1"]);
    let errors = PolicySet::compile(Some(&top), &routes).unwrap_err();
    let found: Vec<(Option<usize>, Field, Value<'_>, bool)> = errors
        .iter()
        .map(|e| {
            let invalid_regex = matches!(e.problem(), Problem::InvalidRegex(_));
            (e.route(), e.field(), e.value(), invalid_regex)
        })
        .collect();
    let expect = |route, field, value, regex| {
        assert!(
            found.contains(&(route, field, value, regex)),
            "missing {route:?} {field:?} {value:?} in\n{errors}"
        );
    };
    expect(
        None,
        Field::AllowedOrigins,
        Value::Str("http://127.000.0.1"),
        false,
    );
    for path in ["relative", "/a*b", "/q?x=1", ""] {
        expect(Some(1), Field::Paths, Value::Str(path), false);
    }
    expect(Some(2), Field::Paths, Value::Whole, false);
    expect(Some(3), Field::PathRegexes, Value::Str("("), true);
    expect(Some(3), Field::PathRegexes, Value::Str(""), false);
    expect(
        Some(4),
        Field::AllowedOrigins,
        Value::Str("https://a.example/"),
        false,
    );
    expect(Some(4), Field::AllowedOrigins, Value::Str("*"), false);
    assert!(
        !found.iter().any(|(route, ..)| *route == Some(0)),
        "{errors}"
    );
    // The route's warning (GET listed) is not an error, and is dropped
    // from an error list.
    assert_eq!(errors.len(), found.len());
    assert_eq!(errors.len(), 10, "{errors}");
    let shown = errors.to_string();
    for prefix in [
        "routes[1].paths",
        "routes[3].path_regexes",
        "routes[4].allowed_origins",
    ] {
        assert!(shown.contains(prefix), "{prefix} not in\n{shown}");
    }
}

#[test]
fn no_top_level_means_no_cors_elsewhere() {
    let (set, _) = PolicySet::compile(None, &[Route::new(&["/api/*"]).policy(TOP)]).unwrap();
    assert!(set
        .decide(b"/api/x", &get(APP))
        .decision
        .unwrap()
        .is_allowed());
    let elsewhere = set.decide(b"/static/x", &get(APP));
    assert_eq!(elsewhere.route, RouteId::TopLevel);
    assert!(elsewhere.decision.is_none());
    assert_eq!(set.route_name(RouteId::TopLevel), "(top level)");
}

#[test]
fn a_single_policy_serves_every_path() {
    let policy = Policy::compile(&TOP).unwrap();
    let set = PolicySet::single(policy.clone());
    for path in [&b"/"[..], b"", b"/a/b?c", b"\xff"] {
        let routed = set.decide(path, &get(APP));
        assert_eq!(routed.route, RouteId::TopLevel);
        assert_eq!(routed.decision, Some(policy.decide(&get(APP))));
    }
}

/// Paths up to `MAX_PATH_LEN` bytes are routed; a longer one is not: it
/// gets no decision (no CORS header, a browser refuses it), so the work
/// stays bounded.
#[test]
fn the_path_cap() {
    let set =
        set(&[Route::new(&["/a/*"]).policy(TOP.allowed_origins(&["*"]).allow_credentials(false))]);
    let at_cap = [b"/a/".as_slice(), &vec![b'x'; MAX_PATH_LEN - 3]].concat();
    let over = [b"/a/".as_slice(), &vec![b'x'; MAX_PATH_LEN - 2]].concat();
    assert_eq!(at_cap.len(), MAX_PATH_LEN);
    assert_eq!(set.route(&at_cap), RouteId::Route(0));
    assert_eq!(set.route(&over), RouteId::PathTooLong);
    for request in [
        RequestDescriptor::new(b"GET"),
        get(APP),
        RequestDescriptor::new(b"OPTIONS")
            .origin(APP)
            .request_method(b"PUT"),
    ] {
        let routed = set.decide(&over, &request);
        assert_eq!(routed.route, RouteId::PathTooLong);
        assert!(routed.decision.is_none());
        assert!(set.policy(routed.route).is_none());
    }
    assert_eq!(set.route_name(RouteId::PathTooLong), "(path too long)");
}
