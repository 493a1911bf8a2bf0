//! The configuration file (feature `serde`): exactly the keys of DESIGN §5,
//! in TOML and JSON; unknown keys named; every value problem reported at once.
#![cfg(feature = "serde")]

use cors_engine::{Field, PolicyFile, Problem, RequestDescriptor};

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

#[test]
fn the_design_example_reads_the_same_in_toml_and_json() {
    let toml: PolicyFile = toml::from_str(DESIGN_EXAMPLE).expect("TOML reads");
    let json: PolicyFile = serde_json::from_str(DESIGN_EXAMPLE_JSON).expect("JSON reads");
    assert_eq!(toml, json);
    assert_eq!(toml.allowed_origins.len(), 3);
    assert_eq!(toml.max_age, Some(600));
    assert_eq!(toml.preflight_success_status, Some(204));
    let policy = toml.compile().expect("the example compiles");
    for origin in [
        &b"https://app.example.com"[..],
        b"https://a.example.org",
        b"http://localhost:5173",
        b"https://pr-12.preview.example.net",
    ] {
        let d = policy.decide(&RequestDescriptor::new(b"GET").origin(origin));
        assert!(d.is_allowed(), "{}", String::from_utf8_lossy(origin));
    }
    let d = policy.decide(&RequestDescriptor::new(b"GET").origin(b"https://example.org"));
    assert!(!d.is_allowed(), "the apex is not a subdomain");
}

#[test]
fn absent_keys_are_empty_or_off() {
    let file: PolicyFile = toml::from_str(r#"allowed_origins = ["https://a.example"]"#).unwrap();
    assert!(file.allowed_methods.is_empty() && !file.allow_credentials);
    assert_eq!(file.max_age, None);
    let policy = file.compile().unwrap();
    let d = policy.decide(
        &RequestDescriptor::new(b"OPTIONS")
            .origin(b"https://a.example")
            .request_method(b"PUT"),
    );
    assert!(!d.is_allowed(), "no method but the safelisted ones");
    // An empty file is readable, and compiling says no origin is allowed.
    let empty: PolicyFile = toml::from_str("").unwrap();
    let errors = empty.compile().unwrap_err();
    assert_eq!(errors.iter().next().unwrap().problem(), &Problem::NoOrigin);
}

#[test]
fn unknown_keys_are_all_named_with_the_likely_intended_key() {
    let text = "allowed_origin = [\"https://a.example\"]\nmax-age = 5\nallow_null = true\n";
    let message = toml::from_str::<PolicyFile>(text).unwrap_err().to_string();
    for expected in [
        "`allowed_origin` (did you mean `allowed_origins`?)",
        "`max-age` (did you mean `max_age`?)",
        "`allow_null`",
        "the keys are: allowed_origins,",
    ] {
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
    let json =
        serde_json::from_str::<PolicyFile>(r#"{"allowed_headers": [], "alowed_methods": []}"#)
            .unwrap_err()
            .to_string();
    assert!(
        json.contains("`alowed_methods` (did you mean `allowed_methods`?)"),
        "{json}"
    );
}

#[test]
fn a_key_given_twice_is_an_error() {
    let message = serde_json::from_str::<PolicyFile>(
        r#"{"allowed_origins": ["https://a.example"], "allowed_origins": ["*"]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("`allowed_origins` is given twice"),
        "{message}"
    );
}

#[test]
fn wrong_types_are_errors_naming_what_was_expected() {
    for (text, expected) in [
        (
            r#"allowed_origins = "https://a.example""#,
            "expected a sequence",
        ),
        ("allow_credentials = \"yes\"", "expected a boolean"),
        ("max_age = -1", "u64"),
        ("preflight_success_status = 70000", "u16"),
    ] {
        let message = toml::from_str::<PolicyFile>(text).unwrap_err().to_string();
        assert!(message.contains(expected), "{text}: {message}");
    }
    let message = toml::from_str::<PolicyFile>("[allowed_origins]")
        .unwrap_err()
        .to_string();
    assert!(message.contains("allowed_origins"), "{message}");
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
    let errors = file.compile().unwrap_err();
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
