//! The shared spec table (`tests/common/spec.rs`), over HTTP, through the
//! gateway: one gateway per named policy, all in front of one upstream
//! that is the DESIGN §5 application.

mod support;

use std::collections::HashMap;
use std::net::SocketAddr;

use cors_engine::{Config, PolicyFile};
use support::spec::POLICIES;
use support::{http_table, policy_file, Gateway, Upstream};

/// A policy file with the same values as `config`.
///
/// `Config` has no getters; its `Debug` output lists every field as
/// `name: value`, with lists and strings in Rust syntax, which for these
/// ASCII policies is TOML syntax as well. `Option`s are unwrapped or left
/// out, and so are flags that are off (a key the file does not know yet
/// is then no problem). `None` when the policy file cannot express the
/// configuration (a key `PolicyFile` does not have yet).
fn toml_of(config: &Config<'_, '_>) -> Option<String> {
    let debug = format!("{config:?}");
    let body = debug
        .strip_prefix("Config { ")
        .and_then(|b| b.strip_suffix(" }"))
        .unwrap_or_else(|| panic!("unexpected Debug form: {debug}"));
    let mut fields = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0, false, false, 0);
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '[' | '(' if !in_string => depth += 1,
            ']' | ')' if !in_string => depth -= 1,
            ',' if !in_string && depth == 0 => {
                fields.push(body[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(body[start..].trim());
    let mut toml = String::new();
    for field in fields {
        let (name, value) = field
            .split_once(": ")
            .unwrap_or_else(|| panic!("field {field:?}"));
        let value = match value {
            "None" | "false" => continue,
            v if v.starts_with("Some(") => &v[5..v.len() - 1],
            v => v,
        };
        toml.push_str(&format!("{name} = {value}\n"));
    }
    let file = PolicyFile::from_toml(&toml).unwrap_or_else(|e| panic!("{toml}\n{e}"));
    match file.compile() {
        Ok(_) => Some(toml),
        Err(e) if e.to_string().contains("unknown key") => None,
        Err(e) => panic!("the table's policy compiles from a file: {e}\n{toml}"),
    }
}

#[test]
fn the_policy_file_conversion_keeps_every_value() {
    let config = Config::new()
        .allowed_origins(&["https://a.example", "http://localhost:*"])
        .allowed_origin_regexes(&[r"^https://[a-z]+\.example\.net$"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["*", "authorization"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600)
        .preflight_success_status(200);
    let toml = toml_of(&config).expect("expressible");
    let value: toml::Table = toml::from_str(&toml).unwrap();
    let strs = |key: &str| -> Vec<String> {
        value[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        strs("allowed_origins"),
        ["https://a.example", "http://localhost:*"]
    );
    assert_eq!(
        strs("allowed_origin_regexes"),
        [r"^https://[a-z]+\.example\.net$"]
    );
    assert_eq!(strs("allowed_methods"), ["PUT"]);
    assert_eq!(strs("allowed_headers"), ["*", "authorization"]);
    assert_eq!(strs("exposed_headers"), ["x-total-count"]);
    assert_eq!(value["allow_credentials"].as_bool(), Some(true));
    assert_eq!(value["max_age"].as_integer(), Some(600));
    assert_eq!(value["preflight_success_status"].as_integer(), Some(200));
    assert!(
        !value.contains_key("allow_private_network"),
        "flags that are off are left out"
    );
}

/// Runs every HTTP-representable case of the table, each through the
/// gateway running its policy.
#[test]
fn spec_table_over_http_through_the_gateway() {
    let upstream = Upstream::start();
    let mut gateways: HashMap<&str, Gateway> = HashMap::new();
    let mut inexpressible = Vec::new();
    for p in POLICIES {
        match toml_of(&p.config) {
            Some(toml) => {
                let path = policy_file("spec", "policy.toml", &toml);
                gateways.insert(p.name, Gateway::start(&upstream.url(), &path, &[]));
            }
            None => inexpressible.push(p.name),
        }
    }
    // Every key of `Config` has a policy-file key.
    assert!(
        inexpressible.is_empty(),
        "policies a file cannot express: {inexpressible:?}"
    );
    let addrs: HashMap<&str, SocketAddr> = gateways.iter().map(|(n, g)| (*n, g.addr)).collect();
    http_table::run("cors-gateway", &|name| addrs[name]);
}
