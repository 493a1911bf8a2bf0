//! Arbitrary configurations: compiling never panics, always yields a policy
//! or a non-empty list of problems whose messages render, and every accepted
//! policy decides the same requests the same way twice.
#![no_main]

use cors_engine::{Config, Policy, RequestDescriptor};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Building blocks that make valid values likely, mixed with raw strings.
const PIECES: &[&str] = &[
    "https://", "http://", "*", ".", "example.com", "a", ":", "8080", "443", "/", "null", "*.",
    "localhost", "[::1]", "@", "?", "#", "GET", "PATCH", "get", "x-a", "authorization", "cookie",
    "sec-", "\r\n", " ", "é", "^", "$", "(", ")", "|", "\\.", "[a-z]+", "{9}",
];

fn text(u: &mut Unstructured<'_>) -> Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=6u8)? {
        if u.ratio(1, 4)? {
            s.push_str(u.arbitrary::<&str>()?);
        } else {
            s.push_str(PIECES[u.choose_index(PIECES.len())?]);
        }
    }
    Ok(s)
}

fn list(u: &mut Unstructured<'_>) -> Result<Vec<String>> {
    (0..u.int_in_range(0..=4u8)?).map(|_| text(u)).collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let origins = list(&mut u)?;
    let regexes = list(&mut u)?;
    let methods = list(&mut u)?;
    let headers = list(&mut u)?;
    let exposed = list(&mut u)?;
    let (o, r, m, h, e) = (refs(&origins), refs(&regexes), refs(&methods), refs(&headers), refs(&exposed));
    let mut config = Config::new()
        .allowed_origins(&o)
        .allowed_origin_regexes(&r)
        .allowed_methods(&m)
        .allowed_headers(&h)
        .exposed_headers(&e)
        .allow_null_origin(u.arbitrary()?)
        .allow_credentials(u.arbitrary()?)
        .allow_private_network(u.arbitrary()?)
        .preflight_success_status(*u.choose(&[200, 204, 0, 404])?);
    if u.arbitrary()? {
        config = config.max_age(u.int_in_range(0..=100_000)?);
    }
    match Policy::compile(&config) {
        Err(errors) => {
            assert!(errors.len() > 0);
            assert!(!errors.to_string().is_empty());
        }
        Ok(policy) => {
            let requests = [
                RequestDescriptor::new(b"GET").origin(origins.first().map_or(b"x", |o| o.as_bytes())),
                RequestDescriptor::new(b"OPTIONS")
                    .origin(origins.last().map_or(b"null", |o| o.as_bytes()))
                    .request_method(methods.first().map_or(b"PUT", |m| m.as_bytes())),
            ];
            let again = Policy::compile(&config).expect("compiling is deterministic");
            for request in &requests {
                assert_eq!(policy.decide(request), again.decide(request));
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
