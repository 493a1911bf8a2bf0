//! The engine against the naive reference model (tests/model) on arbitrary
//! (policy, request) pairs: every field of the outcome must agree.
#![no_main]

#[path = "../../tests/model/mod.rs"]
mod model;

use cors_engine::Policy;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use model::bridge::{outcome, with_config, with_request};
use model::{Bytes, PolicySpec, RegexSpec, RequestSpec};

const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:3000",
    "https://api.example.org:8443",
    "http://[::1]:8080",
    "https://*.example.com",
    "http://*.dev.example.org",
    "http://localhost:*",
    "https://*.example.net:*",
];
const METHODS: &[&str] = &["PUT", "DELETE", "PATCH", "patch", "PROPFIND", "*"];
const HEADERS: &[&str] = &["content-type", "Authorization", "x-request-id", "X-A", "*"];
const EXPOSED: &[&str] = &["x-total-count", "ETag", "x-a"];
const DOMAINS: &[&str] = &["preview.example.net", "example.io"];

fn pick<'a>(u: &mut Unstructured<'_>, pool: &[&'a str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for item in pool {
        if u.ratio(1, 3)? {
            out.push((*item).to_string());
        }
    }
    Ok(out)
}

fn policy(u: &mut Unstructured<'_>) -> Result<PolicySpec> {
    let any_origin = u.ratio(1, 8)?;
    let credentials = !any_origin && u.arbitrary()?;
    let mut origins = if any_origin {
        vec!["*".to_string()]
    } else {
        pick(u, ORIGINS)?
    };
    let mut regexes = Vec::new();
    if !any_origin {
        for domain in DOMAINS {
            if u.ratio(1, 3)? {
                regexes.push(RegexSpec {
                    domain: (*domain).to_string(),
                    digits_and_dash: u.arbitrary()?,
                    anchored: u.arbitrary()?,
                });
            }
        }
    }
    let allow_null = u.ratio(1, 6)?;
    if origins.is_empty() && regexes.is_empty() && !allow_null {
        origins.push(ORIGINS[0].to_string());
    }
    let mut methods = pick(u, METHODS)?;
    if methods.len() > 1 {
        methods.retain(|m| m != "*");
    }
    let mut exposed = pick(u, EXPOSED)?;
    if !credentials && u.ratio(1, 6)? {
        exposed = vec!["*".to_string()];
    }
    Ok(PolicySpec {
        origins,
        regexes,
        allow_null,
        methods,
        headers: pick(u, HEADERS)?,
        exposed,
        credentials,
        max_age: if u.arbitrary()? {
            Some(u.int_in_range(0..=86_400)?)
        } else {
            None
        },
        private_network: u.arbitrary()?,
        status: if u.arbitrary()? { 204 } else { 200 },
    })
}

fn bytes(u: &mut Unstructured<'_>) -> Result<Bytes> {
    let len = u.int_in_range(0..=80usize)?;
    Ok(Bytes(u.bytes(len.min(u.len()))?.to_vec()))
}

/// An origin near the configured ones: a pool entry with its wildcards
/// filled in, then raw bytes glued before or after it.
fn near_origin(u: &mut Unstructured<'_>) -> Result<Bytes> {
    let base = ORIGINS[u.choose_index(ORIGINS.len())?];
    let label = if u.arbitrary()? { "a.b" } else { "x" };
    let filled = base.replacen('*', label, 1).replacen('*', "1234", 1);
    let mut origin = Vec::new();
    let (before, after) = (bytes(u)?, bytes(u)?);
    if u.ratio(1, 4)? {
        origin.extend_from_slice(&before.0);
    }
    origin.extend_from_slice(filled.as_bytes());
    if u.ratio(1, 2)? {
        origin.extend_from_slice(&after.0);
    }
    Ok(Bytes(origin))
}

fn request(u: &mut Unstructured<'_>) -> Result<RequestSpec> {
    let method = if u.ratio(2, 3)? {
        Bytes(b"OPTIONS".to_vec())
    } else {
        bytes(u)?
    };
    let origin = match u.int_in_range(0..=7u8)? {
        0 => None,
        1..=4 => Some(near_origin(u)?),
        _ => Some(bytes(u)?),
    };
    let acrm = if u.ratio(3, 4)? {
        Some(bytes(u)?)
    } else {
        None
    };
    let mut acrh = Vec::new();
    for _ in 0..u.int_in_range(0..=3u8)? {
        acrh.push(bytes(u)?);
    }
    let acrpn = if u.ratio(1, 4)? {
        Some(bytes(u)?)
    } else {
        None
    };
    Ok(RequestSpec {
        method,
        origin,
        acrm,
        acrh,
        acrpn,
    })
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let spec = policy(&mut u)?;
    let engine = with_config(&spec, |c| {
        Policy::compile(c).expect("the model only builds valid policies")
    });
    for _ in 0..u.int_in_range(1..=3u8)? {
        let r = request(&mut u)?;
        let got = with_request(&r, |d| outcome(&engine.decide(d)));
        let want = model::decide(&spec, &r);
        assert_eq!(got, want, "policy {spec:?}\nrequest {r:?}");
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
