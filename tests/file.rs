//! The configuration file (feature `serde`; `from_toml` with `toml`): the
//! keys of DESIGN §5 in TOML and JSON; unknown keys, wrong types and every
//! value problem reported at once by `compile` (with line and column from
//! `from_toml`); routes (§3.11); `CORS_*` environment overrides.
#![cfg(feature = "toml")]

use cors_engine::limits::MAX_PATH_LEN;
use cors_engine::{
    ConfigError, ConfigErrors, Field, HeaderName, PolicyFile, PolicySet, Problem, Reason,
    RequestDescriptor, RouteId, Value,
};

/// The DESIGN §5 example, verbatim.
const DESIGN_EXAMPLE: &str = r#"
allowed_origins = ["https://app.example.com", "https://*.example.org", "http://localhost:*"]  # ["*"] = any
allowed_origin_regexes = ['^https://[a-z0-9-]+\.preview\.example\.net$']
allowed_methods = ["GET", "POST", "PUT"]          # ["*"] = any
allowed_headers = ["authorization", "content-type"]  # ["*"] = any
exposed_headers = ["x-total-count"]               # ["*"] = all (no credentials)
allow_credentials = false
max_age = 600                                     # seconds; absent = no ACMA
allow_private_network = false
preflight_success_status = 204                    # or 200
"#;

const DESIGN_EXAMPLE_JSON: &str = r#"{
  "allowed_origins": ["https://app.example.com", "https://*.example.org", "http://localhost:*"],
  "allowed_origin_regexes": ["^https://[a-z0-9-]+\\.preview\\.example\\.net$"],
  "allowed_methods": ["GET", "POST", "PUT"],
  "allowed_headers": ["authorization", "content-type"],
  "exposed_headers": ["x-total-count"],
  "allow_credentials": false,
  "max_age": 600,
  "allow_private_network": false,
  "preflight_success_status": 204
}"#;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Reads `text` with `from_toml`, panicking if it is not TOML at all.
#[track_caller]
fn read(text: &str) -> PolicyFile {
    PolicyFile::from_toml(text).unwrap_or_else(|e| panic!("not readable: {e}\n{text}"))
}

/// The errors of a file that must not compile.
#[track_caller]
fn errors_of(file: &PolicyFile) -> ConfigErrors<'_> {
    match file.compile() {
        Ok(_) => panic!("compiled but must not: {file:?}"),
        Err(errors) => errors,
    }
}

/// The one error (or warning) with this problem, by field.
#[track_caller]
fn find<'e, 'a>(
    list: impl IntoIterator<Item = &'e ConfigError<'a>>,
    field: Field,
    matches: impl Fn(&Problem) -> bool,
) -> &'e ConfigError<'a>
where
    'a: 'e,
{
    let all: Vec<&ConfigError<'a>> = list.into_iter().collect();
    let hits: Vec<_> = all
        .iter()
        .filter(|e| e.field() == field && matches(e.problem()))
        .collect();
    assert_eq!(hits.len(), 1, "{field:?} in {all:#?}");
    hits[0]
}

fn get<'a>(set: &'a PolicySet, path: &[u8], request: &RequestDescriptor<'a>) -> (RouteId, String) {
    let routed = set.decide(path, request);
    let shown = match routed.decision {
        None => "cors off".to_string(),
        Some(d) => d.to_string(),
    };
    (routed.route, shown)
}

fn acao<'a>(set: &'a PolicySet, path: &[u8], request: &RequestDescriptor<'a>) -> Option<Vec<u8>> {
    set.decide(path, request)
        .decision
        .and_then(|d| d.headers().get(HeaderName::AllowOrigin).map(<[u8]>::to_vec))
}

fn origin(o: &[u8]) -> RequestDescriptor<'_> {
    RequestDescriptor::new(b"GET").origin(o)
}

// ---------------------------------------------------------------------------
// The keys
// ---------------------------------------------------------------------------

#[test]
fn the_design_example_reads_the_same_in_toml_and_json() {
    let toml: PolicyFile = toml::from_str(DESIGN_EXAMPLE).expect("TOML reads");
    let json: PolicyFile = serde_json::from_str(DESIGN_EXAMPLE_JSON).expect("JSON reads");
    assert_eq!(toml, json);
    assert!(!toml.has_routes());
    let (set, warnings) = toml.compile().expect("the example compiles");
    // GET and POST never need listing (§3.9): two warnings, nothing else.
    let needless: Vec<_> = warnings.iter().map(|w| (w.field(), w.value())).collect();
    assert_eq!(
        needless,
        [
            (Field::AllowedMethods, Value::Str("GET")),
            (Field::AllowedMethods, Value::Str("POST")),
        ],
        "{warnings}"
    );
    assert!(warnings
        .iter()
        .all(|w| *w.problem() == Problem::NeedlessMethod));
    for o in [
        &b"https://app.example.com"[..],
        b"https://a.example.org",
        b"http://localhost:5173",
        b"https://pr-12.preview.example.net",
    ] {
        let routed = set.decide(b"/", &origin(o));
        assert_eq!(routed.route, RouteId::TopLevel);
        assert!(
            routed.decision.unwrap().is_allowed(),
            "{}",
            String::from_utf8_lossy(o)
        );
    }
    let d = set
        .decide(b"/", &origin(b"https://example.org"))
        .decision
        .unwrap();
    assert!(!d.is_allowed(), "the apex is not a subdomain");
    // The same text through `from_toml` compiles to the same answers.
    let located = read(DESIGN_EXAMPLE);
    let (set2, warnings2) = located.compile().unwrap();
    assert_eq!(warnings2.len(), 2);
    // `from_toml` knows where each warned value is.
    let get_at = warnings2.iter().next().unwrap().position();
    assert_eq!(get_at, Some((4, 20)), "{warnings2}");
    let request = origin(b"https://a.example.org");
    assert_eq!(set.decide(b"/x", &request), set2.decide(b"/x", &request));
}

#[test]
fn absent_keys_are_empty_or_off() {
    let file: PolicyFile = toml::from_str(r#"allowed_origins = ["https://a.example"]"#).unwrap();
    let (set, warnings) = file.compile().unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    let preflight = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://a.example")
        .request_method(b"PUT");
    let d = set.decide(b"/", &preflight).decision.unwrap();
    assert_eq!(
        d.denial().map(|x| x.reason()),
        Some(Reason::MethodNotAllowed),
        "no method but the safelisted ones"
    );
    let d = set
        .decide(b"/", &origin(b"https://a.example"))
        .decision
        .unwrap();
    assert!(d.is_allowed());
    assert_eq!(d.headers().get(HeaderName::AllowCredentials), None);
    assert_eq!(d.headers().get(HeaderName::MaxAge), None);
    // An empty file is readable, and compiling says no origin is allowed.
    let empty: PolicyFile = toml::from_str("").unwrap();
    let errors = errors_of(&empty);
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(errors.iter().next().unwrap().problem(), &Problem::NoOrigin);
}

#[test]
fn unknown_keys_are_all_named_with_the_likely_intended_key() {
    let text = "allowed_origin = [\"https://a.example\"]\nmax-age = 5\nallow_null = true\n";
    // Reading succeeds: unknown keys are compile's to report, with the rest.
    let file: PolicyFile = toml::from_str(text).expect("unknown keys do not stop reading");
    let errors = errors_of(&file);
    let mut unknown: Vec<(String, Problem)> = errors
        .iter()
        .filter(|e| e.field() == Field::Key)
        .map(|e| match e.value() {
            Value::Str(key) => (key.to_string(), e.problem().clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    unknown.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        unknown,
        [
            // Too far from `allow_null_origin` to guess.
            (
                "allow_null".to_string(),
                Problem::UnknownKey { meant: None }
            ),
            (
                "allowed_origin".to_string(),
                Problem::UnknownKey {
                    meant: Some("allowed_origins")
                }
            ),
            (
                "max-age".to_string(),
                Problem::UnknownKey {
                    meant: Some("max_age")
                }
            ),
        ],
        "{errors}"
    );
    // …beside the value problem the misspelling caused: no origin at all.
    find(&errors, Field::AllowedOrigins, |p| *p == Problem::NoOrigin);
    let message = errors.to_string();
    for expected in [
        "\"allowed_origin\" is not a key of a policy — fix: did you mean `allowed_origins`?",
        "did you mean `max_age`?",
    ] {
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
    let json: PolicyFile = serde_json::from_str(
        r#"{"allowed_origins": ["https://a.example"], "alowed_methods": [], "zzz": 1}"#,
    )
    .unwrap();
    let errors = errors_of(&json);
    assert_eq!(errors.len(), 2, "{errors}");
    find(&errors, Field::Key, |p| {
        *p == Problem::UnknownKey {
            meant: Some("allowed_methods"),
        }
    });
    find(&errors, Field::Key, |p| {
        *p == Problem::UnknownKey { meant: None }
    });
}

#[test]
fn a_file_that_is_not_a_table_or_not_toml_is_one_error() {
    let message = serde_json::from_str::<PolicyFile>(r#"["https://a.example"]"#)
        .unwrap_err()
        .to_string();
    assert!(message.contains("a table of keys"), "{message}");
    for text in ["allowed_origins = [", "= 1", "a = 1\na = 2"] {
        let errors = PolicyFile::from_toml(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors}");
        let e = errors.iter().next().unwrap();
        assert_eq!(e.field(), Field::File);
        assert!(matches!(e.problem(), Problem::Unreadable(_)), "{e}");
        assert!(e.to_string().contains("line "), "{e}");
    }
}

#[test]
fn wrong_types_are_errors_naming_what_was_expected() {
    for (text, field, expected) in [
        (
            r#"allowed_origins = "https://a.example""#,
            Field::AllowedOrigins,
            "expected a list of strings, found a string",
        ),
        (
            r#"allowed_origins = ["https://a.example", 5]"#,
            Field::AllowedOrigins,
            "expected a string, found an integer",
        ),
        (
            "allow_credentials = \"yes\"",
            Field::AllowCredentials,
            "expected true or false, found a string",
        ),
        ("max_age = -1", Field::MaxAge, "found -1"),
        ("max_age = 1.5", Field::MaxAge, "found a decimal number"),
        (
            "[allowed_origins]",
            Field::AllowedOrigins,
            "expected a list of strings, found a table",
        ),
    ] {
        let file = read(text);
        let errors = errors_of(&file);
        let e = find(&errors, field, |p| matches!(p, Problem::InvalidValue(_)));
        assert!(e.to_string().contains(expected), "{text}: {e}");
        assert_eq!(e.position().map(|(line, _)| line), Some(1), "{text}: {e}");
    }
}

#[test]
fn every_value_problem_is_reported_at_once() {
    let text = r#"
allowed_origins = ["https://a.example/", "*"]
allowed_origin_regexes = ["("]
allowed_methods = ["CONNECT", "get"]
allowed_headers = ["bad header"]
exposed_headers = ["*"]
allow_credentials = true
max_age = 100000
preflight_success_status = 201
"#;
    let file: PolicyFile = toml::from_str(text).unwrap();
    let errors = errors_of(&file);
    let fields: Vec<Field> = errors.iter().map(|e| e.field()).collect();
    for field in [
        Field::AllowedOrigins,
        Field::AllowedOriginRegexes,
        Field::AllowedMethods,
        Field::AllowedHeaders,
        Field::ExposedHeaders,
        Field::MaxAge,
        Field::PreflightSuccessStatus,
    ] {
        assert!(fields.contains(&field), "{field:?} missing from:\n{errors}");
    }
    assert!(errors.len() >= 10, "{} problems:\n{errors}", errors.len());
    // Each message names the key as the file spells it.
    let text = errors.to_string();
    for key in ["allowed_origins", "max_age", "preflight_success_status"] {
        assert!(text.contains(key), "{key} not in:\n{text}");
    }
}

/// An unknown key and a bad value in the same file: both reported by one
/// `compile`, each with the line and column where it is written.
#[test]
fn unknown_key_and_bad_value_are_reported_together_with_positions() {
    let text = "\
allowed_origins = [\"https://a.example\", \"https://b.example/\"]
max_age = 90000
alowed_methods = [\"PUT\"]
";
    let file = read(text);
    let errors = errors_of(&file);
    assert_eq!(errors.len(), 3, "{errors}");
    let unknown = find(&errors, Field::Key, |p| {
        *p == Problem::UnknownKey {
            meant: Some("allowed_methods"),
        }
    });
    assert_eq!(unknown.value(), Value::Str("alowed_methods"));
    assert_eq!(unknown.position(), Some((3, 1)), "{unknown}");
    let path = find(&errors, Field::AllowedOrigins, |p| *p == Problem::Path);
    assert_eq!(path.value(), Value::Str("https://b.example/"));
    assert_eq!(path.position(), Some((1, 41)), "{path}");
    let age = find(&errors, Field::MaxAge, |p| *p == Problem::MaxAgeOutOfRange);
    assert_eq!(age.position(), Some((2, 11)), "{age}");
    // Displayed with the position first.
    let shown = path.to_string();
    assert!(
        shown.starts_with("line 1, column 41: allowed_origins: \"https://b.example/\""),
        "{shown}"
    );
    assert!(
        errors.to_string().contains("line 3, column 1: "),
        "{errors}"
    );
    // `toml::from_str` reads the same problems, without positions.
    let plain: PolicyFile = toml::from_str(text).unwrap();
    let errors = errors_of(&plain);
    assert_eq!(errors.len(), 3);
    assert!(errors.iter().all(|e| e.position().is_none()), "{errors}");
}

#[test]
fn allow_null_origin_key() {
    let on = read("allow_null_origin = true\n");
    let (set, warnings) = on.compile().expect("null alone is an origin list");
    assert!(warnings.is_empty());
    assert_eq!(acao(&set, b"/", &origin(b"null")), Some(b"null".to_vec()));
    assert_eq!(acao(&set, b"/", &origin(b"https://a.example")), None);
    // Without the key, `null` in the list is an error naming the key.
    let off = read("allowed_origins = [\"null\"]\nallow_null_origin = false\n");
    let errors = errors_of(&off);
    let e = find(&errors, Field::AllowedOrigins, |p| {
        *p == Problem::NullOrigin
    });
    assert!(e.to_string().contains("allow_null_origin"), "{e}");
    assert_eq!(e.position(), Some((1, 20)), "{e}");
}

#[test]
fn strict_key_turns_warnings_into_errors() {
    let lenient =
        read("allowed_origins = [\"https://a.example\"]\nallowed_methods = [\"GET\", \"PUT\"]\n");
    let (_, warnings) = lenient.compile().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings}");
    let strict = read(
        "strict = true\nallowed_origins = [\"https://a.example\"]\nallowed_methods = [\"GET\", \"PUT\"]\n",
    );
    let errors = errors_of(&strict);
    assert_eq!(errors.len(), 1, "{errors}");
    let e = find(&errors, Field::AllowedMethods, |p| {
        *p == Problem::NeedlessMethod
    });
    assert_eq!(e.position(), Some((3, 20)), "{e}");
    // `strict` is a top-level key only, and must be a boolean.
    let errors_file = read("allowed_origins = [\"https://a.example\"]\nstrict = 1\n");
    let errors = errors_of(&errors_file);
    find(&errors, Field::Strict, |p| {
        matches!(p, Problem::InvalidValue(_))
    });
    let in_route = read("[[routes]]\npaths = [\"/a\"]\nallowed_origins = [\"*\"]\nstrict = true\n");
    let errors = errors_of(&in_route);
    let e = find(&errors, Field::Key, |p| {
        matches!(p, Problem::UnknownKey { .. })
    });
    assert_eq!(e.route(), Some(0));
}

// ---------------------------------------------------------------------------
// Routes (§3.11)
// ---------------------------------------------------------------------------

const ROUTES: &str = r#"
allowed_origins = ["https://app.example.com"]
allowed_methods = ["PUT"]
allow_credentials = true

[[routes]]
paths = ["/public/*"]
allowed_origins = ["*"]
allow_credentials = false

[[routes]]
paths = ["/internal/*", "/metrics"]
cors = false

[[routes]]
paths = ["/public/special"]
allowed_methods = ["DELETE"]

[[routes]]
path_regexes = ['/v[0-9]+/items']
allowed_headers = ["x-items"]
"#;

#[test]
fn routes_decide_by_path_first_match_wins_and_inherit() {
    let file = read(ROUTES);
    assert!(file.has_routes());
    let (set, warnings) = file.compile().unwrap_or_else(|e| panic!("{e}"));
    let evil = origin(b"https://elsewhere.example");
    let app = origin(b"https://app.example.com");

    // Route 0: any origin, static answer.
    assert_eq!(set.decide(b"/public/a.css", &evil).route, RouteId::Route(0));
    assert_eq!(acao(&set, b"/public/a.css", &evil), Some(b"*".to_vec()));
    assert_eq!(acao(&set, b"/public", &evil), Some(b"*".to_vec()));
    // Route 1: CORS off, on each of its paths.
    for path in [&b"/internal/x"[..], b"/internal", b"/metrics"] {
        let routed = set.decide(path, &app);
        assert_eq!(routed.route, RouteId::Route(1));
        assert!(
            routed.decision.is_none(),
            "{}",
            String::from_utf8_lossy(path)
        );
    }
    // `/metrics` is exact: `/metrics/x` is the top level's.
    assert_eq!(set.decide(b"/metrics/x", &app).route, RouteId::TopLevel);
    // Route 2 is shadowed by route 0: first match wins.
    assert_eq!(
        set.decide(b"/public/special", &evil).route,
        RouteId::Route(0)
    );
    let w = find(&warnings, Field::Paths, |p| *p == Problem::UnreachableRoute);
    assert_eq!(w.route(), Some(2));
    assert!(w.to_string().contains("routes[2].paths"), "{w}");
    assert_eq!(warnings.len(), 1, "{warnings}");

    // Route 3: a path regex (whole path), inheriting origins, methods and
    // credentials, with its own headers.
    let preflight = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://app.example.com")
        .request_method(b"PUT")
        .request_headers(&[b"x-items"]);
    let routed = set.decide(b"/v2/items", &preflight);
    assert_eq!(routed.route, RouteId::Route(3));
    let d = routed.decision.unwrap();
    assert!(d.is_allowed(), "{d}");
    assert_eq!(
        d.headers().get(HeaderName::AllowCredentials),
        Some(&b"true"[..])
    );
    assert_eq!(
        d.headers().get(HeaderName::AllowHeaders),
        Some(&b"x-items"[..])
    );
    assert_eq!(
        set.decide(b"/v2/items/1", &preflight).route,
        RouteId::TopLevel
    );
    // The top level does not allow `x-items`.
    let (route, shown) = get(&set, b"/v2/items/1", &preflight);
    assert_eq!(route, RouteId::TopLevel);
    assert!(shown.contains("x-items"), "{shown}");

    // Elsewhere: the top level.
    assert_eq!(
        acao(&set, b"/api/users", &app),
        Some(b"https://app.example.com".to_vec())
    );
    assert_eq!(acao(&set, b"/api/users", &evil), None);
    assert_eq!(set.route_name(RouteId::Route(1)), "/internal/*");
}

#[test]
fn a_file_of_routes_only_has_no_cors_elsewhere() {
    let file =
        read("[[routes]]\npaths = [\"/api/*\"]\nallowed_origins = [\"https://a.example\"]\n");
    let (set, _) = file.compile().unwrap();
    let request = origin(b"https://a.example");
    assert!(set
        .decide(b"/api/x", &request)
        .decision
        .unwrap()
        .is_allowed());
    let elsewhere = set.decide(b"/other", &request);
    assert_eq!(elsewhere.route, RouteId::TopLevel);
    assert!(elsewhere.decision.is_none());
}

#[test]
fn route_errors_name_their_route_and_position() {
    let text = r#"
allowed_origins = ["https://app.example.com"]

[[routes]]
paths = ["/ok/*"]

[[routes]]
paths = ["api/*", "/a*b"]
allowed_origins = ["https://b.example/"]
alowed_headers = ["x-a"]

[[routes]]
cors = false
"#;
    let file = read(text);
    let errors = errors_of(&file);
    let by_route: Vec<(Option<usize>, Field)> =
        errors.iter().map(|e| (e.route(), e.field())).collect();
    let origin = find(&errors, Field::AllowedOrigins, |p| *p == Problem::Path);
    assert_eq!(origin.route(), Some(1));
    assert_eq!(origin.position(), Some((9, 20)), "{origin}");
    assert!(
        origin.to_string().contains("routes[1].allowed_origins"),
        "{origin}"
    );
    let paths: Vec<_> = errors
        .iter()
        .filter(|e| e.field() == Field::Paths && *e.problem() == Problem::InvalidPath)
        .collect();
    assert_eq!(paths.len(), 2, "{errors}");
    assert!(paths.iter().all(|e| e.route() == Some(1)));
    let key = find(&errors, Field::Key, |p| {
        *p == Problem::UnknownKey {
            meant: Some("allowed_headers"),
        }
    });
    assert_eq!(key.route(), Some(1));
    assert_eq!(key.position(), Some((10, 1)), "{key}");
    let no_paths = find(&errors, Field::Paths, |p| *p == Problem::NoPaths);
    assert_eq!(no_paths.route(), Some(2));
    assert!(errors.to_string().contains("routes[2].paths"), "{errors}");
    assert!(
        !by_route.iter().any(|(r, _)| *r == Some(0) || r.is_none()),
        "{errors}"
    );
}

/// Odd request paths get a route (or the too-long denial), never a panic.
#[test]
fn odd_paths_get_a_result() {
    let (set, _) = read(ROUTES).compile().unwrap();
    let request = origin(b"https://app.example.com");
    let long = [b"/public/".as_slice(), &[b'a'; MAX_PATH_LEN]].concat();
    let at_cap = [b"/public/".as_slice(), &[b'a'; MAX_PATH_LEN - 8]].concat();
    for (path, route) in [
        (&b""[..], RouteId::TopLevel),
        (b"*", RouteId::TopLevel),
        (b"/public%2Fa", RouteId::TopLevel),
        (b"%2Fpublic%2Fa", RouteId::TopLevel),
        (b"/public/%2e%2e/internal", RouteId::Route(0)),
        (b"/public/\xff\xfe", RouteId::Route(0)),
        (b"/\xc3\x28", RouteId::TopLevel),
        (b"/public/a\0b", RouteId::Route(0)),
        (b"/v1/items\n", RouteId::TopLevel),
        (&at_cap, RouteId::Route(0)),
        (&long, RouteId::PathTooLong),
    ] {
        let routed = set.decide(path, &request);
        let shown = String::from_utf8_lossy(&path[..path.len().min(40)]);
        assert_eq!(routed.route, route, "{shown}");
        // A path over the cap is not routed: no decision, so no CORS header
        // and a browser refuses the response.
        assert_eq!(
            routed.decision.is_none(),
            route == RouteId::PathTooLong,
            "{shown}"
        );
    }
    let preflight = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://app.example.com")
        .request_method(b"PUT");
    assert!(set.decide(&long, &preflight).decision.is_none());
}

// ---------------------------------------------------------------------------
// The environment
// ---------------------------------------------------------------------------

fn env(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn environment_overrides_the_file() {
    let file =
        read("allowed_origins = [\"https://file.example\"]\nmax_age = 5\n").with_env(env(&[
            (
                "CORS_ALLOWED_ORIGINS",
                " https://a.example.com ,https://b.example.com,, ",
            ),
            ("CORS_ALLOWED_METHODS", "PUT,DELETE"),
            ("CORS_ALLOW_CREDENTIALS", " TRUE "),
            ("CORS_MAX_AGE", "600"),
            ("PATH", "/usr/bin"),
            ("cors_allowed_origins", "*"),
        ]));
    let (set, warnings) = file.compile().unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings}");
    for (o, allowed) in [
        (&b"https://a.example.com"[..], true),
        (b"https://b.example.com", true),
        (b"https://file.example", false),
        (b"https://c.example.com", false),
    ] {
        let d = set.decide(b"/", &origin(o)).decision.unwrap();
        assert_eq!(d.is_allowed(), allowed, "{d}");
    }
    let preflight = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://b.example.com")
        .request_method(b"DELETE");
    let d = set.decide(b"/", &preflight).decision.unwrap();
    assert!(d.is_allowed(), "{d}");
    assert_eq!(
        d.headers().get(HeaderName::AllowCredentials),
        Some(&b"true"[..])
    );
    assert_eq!(d.headers().get(HeaderName::MaxAge), Some(&b"600"[..]));
}

#[test]
fn environment_alone_is_a_policy() {
    let file = PolicyFile::default().with_env(env(&[
        ("CORS_ALLOWED_ORIGINS", "*"),
        ("CORS_EXPOSED_HEADERS", "x-a, x-b"),
    ]));
    let (set, warnings) = file.compile().unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    // The static answer (§3.2), even without `Origin`.
    let d = set
        .decide(b"/", &RequestDescriptor::new(b"GET"))
        .decision
        .unwrap();
    assert_eq!(d.headers().get(HeaderName::AllowOrigin), Some(&b"*"[..]));
    assert_eq!(
        d.headers().get(HeaderName::ExposeHeaders),
        Some(&b"x-a, x-b"[..])
    );
}

#[test]
fn unknown_and_bad_environment_variables() {
    let file = read("allowed_origins = [\"https://a.example\"]\n").with_env(env(&[
        ("CORS_FOO", "1"),
        ("CORS_ALLOWED_ORIGIN", "https://b.example"),
    ]));
    let (_, warnings) = file.compile().expect("unknown variables are warnings");
    assert_eq!(warnings.len(), 2, "{warnings}");
    let foo = find(&warnings, Field::Environment, |p| {
        *p == Problem::UnknownVariable { meant: None }
    });
    assert_eq!(foo.value(), Value::Str("CORS_FOO"));
    let near = find(&warnings, Field::Environment, |p| {
        *p == Problem::UnknownVariable {
            meant: Some("allowed_origins"),
        }
    });
    assert!(
        near.to_string()
            .contains("did you mean `CORS_ALLOWED_ORIGINS`?"),
        "{near}"
    );
    // Strict (from the environment too): the unknown variable is an error.
    let strict = read("allowed_origins = [\"https://a.example\"]\n")
        .with_env(env(&[("CORS_STRICT", "true"), ("CORS_FOO", "1")]));
    let errors = errors_of(&strict);
    find(&errors, Field::Environment, |p| {
        matches!(p, Problem::UnknownVariable { .. })
    });
    // A value of the wrong kind names the variable.
    let bad = read("allowed_origins = [\"https://a.example\"]\n").with_env(env(&[
        ("CORS_ALLOW_CREDENTIALS", "yes"),
        ("CORS_MAX_AGE", "ten"),
    ]));
    let errors = errors_of(&bad);
    assert_eq!(errors.len(), 2, "{errors}");
    let e = find(&errors, Field::AllowCredentials, |p| {
        matches!(p, Problem::InvalidValue(_))
    });
    assert_eq!(e.value(), Value::Str("CORS_ALLOW_CREDENTIALS"));
    let e = find(&errors, Field::MaxAge, |p| {
        matches!(p, Problem::InvalidValue(_))
    });
    assert_eq!(e.value(), Value::Str("CORS_MAX_AGE"));
    // And a value problem found by compiling is reported like the file's.
    let wrong =
        PolicyFile::default().with_env(env(&[("CORS_ALLOWED_ORIGINS", "https://a.example/")]));
    let errors = errors_of(&wrong);
    find(&errors, Field::AllowedOrigins, |p| *p == Problem::Path);
}
