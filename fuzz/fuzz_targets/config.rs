//! Arbitrary configurations: compiling never panics, always yields a policy
//! (with its warnings) or a non-empty list of problems whose messages
//! render; `strict` turns exactly the warnings into errors; every accepted
//! policy decides the same requests the same way twice. And arbitrary
//! policy files: `PolicyFile::from_toml` on arbitrary text (raw, or built
//! from keys and values), with `CORS_*` variables, either compiles or
//! reports problems placed inside the text — never panics.
#![no_main]

use cors_engine::{Config, ConfigError, Policy, PolicyFile, RequestDescriptor};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Building blocks that make valid values likely, mixed with raw strings.
const PIECES: &[&str] = &[
    "https://",
    "http://",
    "*",
    ".",
    "example.com",
    "a",
    ":",
    "8080",
    "443",
    "/",
    "null",
    "*.",
    "localhost",
    "[::1]",
    "@",
    "?",
    "#",
    "GET",
    "PATCH",
    "get",
    "x-a",
    "authorization",
    "cookie",
    "sec-",
    "\r\n",
    " ",
    "é",
    "^",
    "$",
    "(",
    ")",
    "|",
    "\\.",
    "[a-z]+",
    "{9}",
    "co.uk",
    "github.io",
    "127.000.0.1",
    "0x7f",
    "[0:0:0:0:0:0:0:1]",
    "::ffff:",
    ".*",
    "(?x)",
    " # c",
    "dnt",
    "OPTIONS",
];

/// Keys of a policy file, misspelt ones and route keys included.
const KEYS: &[&str] = &[
    "allowed_origins",
    "allowed_origin_regexes",
    "allowed_methods",
    "allowed_headers",
    "exposed_headers",
    "allow_credentials",
    "allow_null_origin",
    "allow_private_network",
    "max_age",
    "preflight_success_status",
    "strict",
    "paths",
    "path_regexes",
    "cors",
    "routes",
    "allowed_origin",
    "max-age",
];

/// Variables for `with_env`, known and unknown.
const VARIABLES: &[&str] = &[
    "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOWED_METHODS",
    "CORS_ALLOW_CREDENTIALS",
    "CORS_MAX_AGE",
    "CORS_STRICT",
    "CORS_FOO",
    "CORS_",
    "PATH",
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

/// A TOML string literal of `s` (basic string, escaped).
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML value of any type, often a list of strings.
fn value(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 | 1 | 2 => {
            let items: Vec<String> = list(u)?.iter().map(|s| quoted(s)).collect();
            format!("[{}]", items.join(", "))
        }
        3 => u.arbitrary::<bool>()?.to_string(),
        4 => u.arbitrary::<i64>()?.to_string(),
        5 => quoted(&text(u)?),
        6 => "{ a = 1 }".to_string(),
        _ => u.arbitrary::<&str>()?.to_string(),
    })
}

/// A policy file built from keys and values, with `[[routes]]` tables.
fn file_text(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    for table in 0..u.int_in_range(1..=3u8)? {
        if table > 0 {
            out.push_str("\n[[routes]]\n");
        }
        for _ in 0..u.int_in_range(0..=5u8)? {
            let key = if u.ratio(1, 8)? {
                text(u)?
            } else {
                KEYS[u.choose_index(KEYS.len())?].to_string()
            };
            out.push_str(&format!("{key} = {}\n", value(u)?));
        }
    }
    Ok(out)
}

fn check_config(u: &mut Unstructured<'_>) -> Result<()> {
    let origins = list(u)?;
    let regexes = list(u)?;
    let methods = list(u)?;
    let headers = list(u)?;
    let exposed = list(u)?;
    let (o, r, m, h, e) = (
        refs(&origins),
        refs(&regexes),
        refs(&methods),
        refs(&headers),
        refs(&exposed),
    );
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
    let strict = Policy::compile_with_warnings(&config.strict(true));
    match Policy::compile_with_warnings(&config) {
        Err(errors) => {
            assert!(errors.len() > 0);
            assert!(!errors.to_string().is_empty());
            assert!(Policy::compile(&config).is_err());
            // Strict refuses at least as much.
            match strict {
                Ok(_) => panic!("strict accepted what was refused: {errors}"),
                Err(more) => assert!(more.len() >= errors.len()),
            }
        }
        Ok((policy, warnings)) => {
            for w in &warnings {
                assert!(!w.to_string().is_empty());
            }
            // `strict` turns exactly the warnings into errors.
            match strict {
                Ok((_, none)) => assert!(warnings.is_empty() && none.is_empty()),
                Err(errors) => assert_eq!(errors.len(), warnings.len()),
            }
            let requests = [
                RequestDescriptor::new(b"GET"),
                RequestDescriptor::new(b"GET")
                    .origin(origins.first().map_or(b"x", |o| o.as_bytes())),
                RequestDescriptor::new(b"OPTIONS")
                    .origin(origins.last().map_or(b"null", |o| o.as_bytes()))
                    .request_method(methods.first().map_or(b"PUT", |m| m.as_bytes()))
                    .request_headers(&[b"*"]),
            ];
            let again = Policy::compile(&config).expect("compiling is deterministic");
            for request in &requests {
                assert_eq!(policy.decide(request), again.decide(request));
            }
        }
    }
    Ok(())
}

fn check_file(u: &mut Unstructured<'_>) -> Result<()> {
    let text = if u.ratio(1, 3)? {
        u.arbitrary::<&str>()?.to_string()
    } else {
        file_text(u)?
    };
    let Ok(file) = PolicyFile::from_toml(&text) else {
        return Ok(());
    };
    let mut vars = Vec::new();
    for _ in 0..u.int_in_range(0..=3u8)? {
        let name = VARIABLES[u.choose_index(VARIABLES.len())?].to_string();
        vars.push((name, text_or_raw(u)?));
    }
    let file = file.with_env(vars);
    let lines = u32::try_from(text.lines().count())
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let placed = |e: &ConfigError<'_>| {
        e.position()
            .is_none_or(|(line, column)| (1..=lines).contains(&line) && column >= 1)
    };
    match file.compile() {
        Ok((set, warnings)) => {
            for w in &warnings {
                assert!(placed(w), "{w}");
                assert!(!w.to_string().is_empty());
            }
            let path = text_or_raw(u)?;
            for request in [
                RequestDescriptor::new(b"GET"),
                RequestDescriptor::new(b"OPTIONS")
                    .origin(b"https://x.invalid")
                    .request_method(b"*"),
            ] {
                let a = set.decide(path.as_bytes(), &request);
                assert_eq!(a, set.decide(path.as_bytes(), &request));
                let _ = set.route_name(a.route);
            }
        }
        Err(errors) => {
            assert!(errors.len() > 0);
            for e in &errors {
                assert!(placed(e), "{e}");
                assert!(!e.to_string().is_empty());
            }
        }
    }
    Ok(())
}

fn text_or_raw(u: &mut Unstructured<'_>) -> Result<String> {
    if u.arbitrary()? {
        text(u)
    } else {
        Ok(u.arbitrary::<&str>()?.to_string())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = match u.arbitrary::<bool>() {
        Ok(true) => check_file(&mut u),
        _ => check_config(&mut u),
    };
});
