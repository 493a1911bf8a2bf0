//! Prints the crate's shared spec table (`tests/common/spec.rs`) as JSON,
//! so that the Python suites run the very cases the Rust suites run
//! instead of a copy that could drift.
//!
//! Byte strings are written as JSON strings of code points 0–255 (Latin-1),
//! which Python turns back into the same bytes with `.encode("latin-1")`.

#[allow(dead_code)]
#[path = "../../../tests/common/spec.rs"]
mod spec;

use serde_json::{json, Map, Value};

fn latin1(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|&b| char::from(b)).collect())
}

fn opt(bytes: Option<&[u8]>) -> Value {
    bytes.map_or(Value::Null, latin1)
}

/// The policy-file keys of a `Config`, read from its `Debug` form (its
/// fields are private; their names are the policy file's keys). The
/// `Debug` text is turned into JSON token by token: field names quoted,
/// `Some(x)` unwrapped, `None` as null, strings kept (Rust and JSON escape
/// the ASCII these policies use alike).
fn policy_keys(config: &cors_engine::Config<'_, '_>) -> Value {
    let debug = format!("{config:?}");
    let body = debug.strip_prefix("Config ").expect("Config's Debug form");
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    let mut closes_to_skip = 0;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    if c == '\\' {
                        out.push(chars.next().expect("escape"));
                    } else if c == '"' {
                        break;
                    }
                }
            }
            ')' if closes_to_skip > 0 => closes_to_skip -= 1,
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut word = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        word.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                match word.as_str() {
                    "Some" => {
                        assert_eq!(chars.next(), Some('('));
                        closes_to_skip += 1;
                    }
                    "None" => out.push_str("null"),
                    "true" | "false" => out.push_str(&word),
                    _ if chars.peek() == Some(&':') => {
                        out.push('"');
                        out.push_str(&word);
                        out.push('"');
                    }
                    other => panic!("unexpected {other} in {debug}"),
                }
            }
            c => out.push(c),
        }
    }
    let mut keys: Map<String, Value> =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    // Keys left at their default are left out, as a policy file would.
    keys.retain(|_, v| match v {
        Value::Array(a) => !a.is_empty(),
        Value::Bool(b) => *b,
        Value::Null => false,
        _ => true,
    });
    if keys.get("preflight_success_status") == Some(&json!(204)) {
        keys.remove("preflight_success_status");
    }
    Value::Object(keys)
}

fn main() {
    let policies: Map<String, Value> = spec::POLICIES
        .iter()
        .map(|p| (p.name.to_string(), policy_keys(&p.config)))
        .collect();
    let cases: Vec<Value> = spec::CASES
        .iter()
        .map(|case| {
            let r = &case.request;
            let e = &case.expect;
            json!({
                "name": case.name,
                "policy": case.policy.name,
                "request": {
                    "method": latin1(r.method),
                    "origin": opt(r.origin),
                    "acrm": opt(r.acrm),
                    "acrh": r.acrh.iter().map(|l| latin1(l)).collect::<Vec<_>>(),
                    "acrpn": opt(r.acrpn),
                    "repeat": r.repeat.map(|(h, v)| json!([h.as_str(), latin1(v)])),
                    "http_representable": r.is_http_representable(),
                },
                "expect": {
                    "kind": format!("{:?}", e.kind),
                    "outcome": format!("{:?}", e.outcome),
                    "preflight_status": e.preflight_status,
                    "runs_handler": e.runs_handler,
                    "headers": e.headers.iter().map(|(n, v)| json!([n, latin1(v)])).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    let out = json!({ "policies": policies, "cases": cases });
    println!("{}", serde_json::to_string_pretty(&out).expect("JSON"));
}
