//! A deliberately naive reference model of the behaviour contract (DESIGN §3).
//!
//! It is written to be obviously right rather than fast: origins are parsed
//! with string splitting, header names are lower-cased into `String`s, lists
//! are scanned linearly and the expected response headers are built as a
//! sorted `Vec<(String, Bytes)>`. It shares no code with the engine; only the
//! public enums ([`Kind`], [`Reason`]) and the documented caps in
//! [`cors_engine::limits`] are reused so the two can be compared.
//!
//! Origin regexes are restricted to a small family the tests generate
//! ([`RegexSpec`]), matched here by hand-written code.

#![allow(dead_code)]

pub mod bridge;

use std::fmt;

use cors_engine::limits::{
    MAX_EMPTY_ELEMENTS, MAX_METHOD_LEN, MAX_ORIGIN_LEN, MAX_REQUESTED_HEADERS,
    MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES,
};
use cors_engine::{Kind, Reason};

/// Bytes that print readably (escaped) in assertion failures.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

impl From<&[u8]> for Bytes {
    fn from(b: &[u8]) -> Self {
        Bytes(b.to_vec())
    }
}

impl From<&str> for Bytes {
    fn from(s: &str) -> Self {
        Bytes(s.as_bytes().to_vec())
    }
}

/// One origin regex of the family
/// `^https://[a-z]+\.<domain>$` / `^https://[a-z0-9-]+\.<domain>$`,
/// optionally written without the anchors (the engine must still match the
/// whole origin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexSpec {
    /// E.g. `preview.example.net` (plain dots, no escaping).
    pub domain: String,
    /// `[a-z0-9-]` instead of `[a-z]` for the first label.
    pub digits_and_dash: bool,
    /// Written with `^` and `$`.
    pub anchored: bool,
}

impl RegexSpec {
    /// The regex source handed to the engine.
    pub fn source(&self) -> String {
        let class = if self.digits_and_dash {
            "[a-z0-9-]"
        } else {
            "[a-z]"
        };
        let domain = self.domain.replace('.', "\\.");
        if self.anchored {
            format!("^https://{class}+\\.{domain}$")
        } else {
            format!("https://{class}+\\.{domain}")
        }
    }

    /// Whole-origin match, by hand.
    pub fn matches(&self, origin: &str) -> bool {
        let prefix = "https://";
        let suffix = format!(".{}", self.domain);
        if origin.len() < prefix.len() + 1 + suffix.len() {
            return false;
        }
        if !origin.starts_with(prefix) || !origin.ends_with(&suffix) {
            return false;
        }
        let label = &origin[prefix.len()..origin.len() - suffix.len()];
        label.chars().all(|c| {
            c.is_ascii_lowercase() || (self.digits_and_dash && (c.is_ascii_digit() || c == '-'))
        })
    }
}

/// A policy as the tests describe it; turned into a `Config` by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySpec {
    /// Exact origins and patterns as written in the config, or `["*"]`.
    pub origins: Vec<String>,
    pub regexes: Vec<RegexSpec>,
    pub allow_null: bool,
    pub methods: Vec<String>,
    pub headers: Vec<String>,
    pub exposed: Vec<String>,
    pub credentials: bool,
    pub max_age: Option<u64>,
    pub private_network: bool,
    pub status: u16,
}

impl PolicySpec {
    pub fn is_any_origin(&self) -> bool {
        self.origins.len() == 1 && self.origins[0] == "*"
    }

    pub fn regex_sources(&self) -> Vec<String> {
        self.regexes.iter().map(RegexSpec::source).collect()
    }
}

/// A request as the tests describe it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RequestSpec {
    pub method: Bytes,
    pub origin: Option<Bytes>,
    pub acrm: Option<Bytes>,
    pub acrh: Vec<Bytes>,
    pub acrpn: Option<Bytes>,
}

/// What deciding a request must produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub kind: Kind,
    pub allowed: bool,
    pub reason: Option<Reason>,
    pub preflight_status: Option<u16>,
    pub runs_handler: bool,
    /// Sorted (lower-case name, value) pairs.
    pub headers: Vec<(String, Bytes)>,
}

impl Outcome {
    fn new(kind: Kind, reason: Option<Reason>, status: Option<u16>) -> Self {
        Outcome {
            kind,
            allowed: reason.is_none(),
            reason,
            preflight_status: status,
            runs_handler: kind != Kind::Preflight,
            headers: Vec::new(),
        }
    }

    fn add(&mut self, name: &str, value: &[u8]) {
        self.headers.push((name.to_string(), Bytes(value.to_vec())));
    }

    fn finish(mut self) -> Self {
        self.headers.sort();
        self
    }

    /// Every value of header `name` (lower case).
    pub fn values(&self, name: &str) -> Vec<Bytes> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const ACMA: &str = "access-control-max-age";
const ACAPN: &str = "access-control-allow-private-network";
const ACEH: &str = "access-control-expose-headers";
const VARY: &str = "vary";

/// RFC 9110 `tchar`.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".as_bytes().contains(&b)
}

/// RFC 9110 `token`: one or more tchars.
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Strips leading and trailing spaces and tabs (HTTP optional whitespace).
pub fn trim_ows(s: &[u8]) -> Vec<u8> {
    let mut v = s.to_vec();
    while v.first() == Some(&b' ') || v.first() == Some(&b'\t') {
        v.remove(0);
    }
    while v.last() == Some(&b' ') || v.last() == Some(&b'\t') {
        v.pop();
    }
    v
}

/// Splits on every comma, like `str::split(',')` (an empty line is one empty
/// element).
pub fn split_commas(s: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for &b in s {
        if b == b',' {
            out.push(cur);
            cur = Vec::new();
        } else {
            cur.push(b);
        }
    }
    out.push(cur);
    out
}

fn vary_simple(p: &PolicySpec) -> Option<String> {
    if p.is_any_origin() {
        None
    } else {
        Some("Origin".to_string())
    }
}

fn vary_preflight(p: &PolicySpec) -> String {
    let mut v = String::new();
    if !p.is_any_origin() {
        v.push_str("Origin, ");
    }
    v.push_str("Access-Control-Request-Method, Access-Control-Request-Headers");
    if p.private_network {
        v.push_str(", Access-Control-Request-Private-Network");
    }
    v
}

/// `https://*.example.com`: one or more non-empty `[a-z0-9_-]` labels
/// between `https://` and `.example.com`.
fn matches_subdomain_pattern(pattern: &str, origin: &str) -> bool {
    let parts: Vec<&str> = pattern.split("*").collect();
    if parts.len() != 2 {
        return false;
    }
    let (prefix, suffix) = (parts[0], parts[1]);
    if origin.len() <= prefix.len() + suffix.len() {
        return false;
    }
    if !origin.starts_with(prefix) || !origin.ends_with(suffix) {
        return false;
    }
    let middle = &origin[prefix.len()..origin.len() - suffix.len()];
    middle.split('.').all(|label| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    })
}

/// A port as a browser writes it: 1..=65535, digits only, no leading zero.
fn valid_port(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && !port.starts_with('0')
        && port.chars().all(|c| c.is_ascii_digit())
        && (1..=65535).contains(&port.parse::<u32>().unwrap())
}

/// One configured entry against an origin. A trailing `:*` (any port, or
/// none) may follow an exact host or a subdomain pattern.
fn origin_entry_matches(entry: &str, origin: &str) -> bool {
    let (host_entry, any_port) = match entry.strip_suffix(":*") {
        Some(host) => (host, true),
        None => (entry, false),
    };
    let host_matches = |o: &str| {
        if host_entry.contains("://*.") {
            matches_subdomain_pattern(host_entry, o)
        } else {
            host_entry == o
        }
    };
    if host_matches(origin) {
        return true;
    }
    if !any_port {
        return false;
    }
    match origin.rfind(':') {
        Some(i) if valid_port(&origin[i + 1..]) => host_matches(&origin[..i]),
        _ => false,
    }
}

/// The origin check shared by actual requests and preflights. `Ok` holds the
/// ACAO value.
fn check_origin(p: &PolicySpec, origin: &[u8]) -> Result<Vec<u8>, Reason> {
    if p.is_any_origin() {
        return Ok(b"*".to_vec());
    }
    if origin.len() > MAX_ORIGIN_LEN {
        return Err(Reason::OriginTooLong);
    }
    if origin.is_empty() || origin.iter().any(|&b| !(0x21..=0x7e).contains(&b)) {
        return Err(Reason::OriginMalformed);
    }
    let origin_str = String::from_utf8(origin.to_vec()).unwrap();
    if origin_str == "null" {
        return if p.allow_null {
            Ok(origin.to_vec())
        } else {
            Err(Reason::OriginNotAllowed)
        };
    }
    let by_list = p
        .origins
        .iter()
        .any(|entry| origin_entry_matches(entry, &origin_str));
    let by_regex = p.regexes.iter().any(|re| re.matches(&origin_str));
    if by_list || by_regex {
        Ok(origin.to_vec())
    } else {
        Err(Reason::OriginNotAllowed)
    }
}

fn check_method(p: &PolicySpec, acrm: &[u8]) -> Result<(), Reason> {
    if acrm.len() > MAX_METHOD_LEN || !is_token(acrm) {
        return Err(Reason::MethodMalformed);
    }
    // DESIGN §3.4: the method literally named `*` is allowed by an
    // any-method policy (WPT `cors-preflight-star`), like any other token.
    let safelisted = acrm == b"GET" || acrm == b"HEAD" || acrm == b"POST";
    let any = p.methods.iter().any(|m| m == "*");
    let listed = p.methods.iter().any(|m| m.as_bytes() == acrm);
    if safelisted || any || listed {
        Ok(())
    } else {
        Err(Reason::MethodNotAllowed)
    }
}

fn header_allowed(p: &PolicySpec, name: &[u8]) -> bool {
    // DESIGN §3.4: a header literally named `*` is covered by an any-header
    // policy like any other name (and echoed).
    let lower = String::from_utf8(name.to_vec())
        .unwrap()
        .to_ascii_lowercase();
    let listed = p.headers.iter().any(|h| h.to_ascii_lowercase() == lower);
    let wildcard = p.headers.iter().any(|h| h == "*") && lower != "authorization";
    listed || wildcard
}

fn check_request_headers(p: &PolicySpec, lines: &[Bytes]) -> Result<(), Reason> {
    if lines.len() > MAX_REQUEST_HEADER_LINES {
        return Err(Reason::TooManyRequestHeaderLines);
    }
    let total: usize = lines.iter().map(|l| l.0.len()).sum();
    if total > MAX_REQUEST_HEADERS_LEN {
        return Err(Reason::RequestHeadersTooLong);
    }
    let mut empties = 0;
    let mut names = 0;
    for line in lines {
        for element in split_commas(&line.0) {
            let element = trim_ows(&element);
            if element.is_empty() {
                empties += 1;
                if empties > MAX_EMPTY_ELEMENTS {
                    return Err(Reason::TooManyEmptyElements);
                }
                continue;
            }
            // The documented order: count the name, then check it is a
            // token, then that it is allowed.
            names += 1;
            if names > MAX_REQUESTED_HEADERS {
                return Err(Reason::TooManyRequestedHeaders);
            }
            if !is_token(&element) {
                return Err(Reason::HeaderMalformed);
            }
            if !header_allowed(p, &element) {
                return Err(Reason::HeaderNotAllowed);
            }
        }
    }
    Ok(())
}

/// Decides `r` under `p` as DESIGN §3 (and the crate's documented choices)
/// say.
pub fn decide(p: &PolicySpec, r: &RequestSpec) -> Outcome {
    let origin = match &r.origin {
        None => {
            let mut out = Outcome::new(Kind::NotCors, None, None);
            // DESIGN §3.2: the static answer of an any-origin policy goes on
            // every response, requests without `Origin` included.
            if p.origins.iter().any(|o| o == "*") {
                out.add(ACAO, b"*");
                if !p.exposed.is_empty() {
                    out.add(ACEH, p.exposed.join(", ").as_bytes());
                }
            }
            if let Some(v) = vary_simple(p) {
                out.add(VARY, v.as_bytes());
            }
            return out.finish();
        }
        Some(o) => o.0.clone(),
    };
    let is_preflight = r.method.0 == b"OPTIONS" && r.acrm.is_some();
    if !is_preflight {
        return decide_actual(p, &origin);
    }
    decide_preflight(p, r, &origin)
}

fn decide_actual(p: &PolicySpec, origin: &[u8]) -> Outcome {
    let mut out = match check_origin(p, origin) {
        Err(reason) => Outcome::new(Kind::Actual, Some(reason), None),
        Ok(acao) => {
            let mut out = Outcome::new(Kind::Actual, None, None);
            out.add(ACAO, &acao);
            if p.credentials {
                out.add(ACAC, b"true");
            }
            if !p.exposed.is_empty() {
                out.add(ACEH, p.exposed.join(", ").as_bytes());
            }
            out
        }
    };
    if let Some(v) = vary_simple(p) {
        out.add(VARY, v.as_bytes());
    }
    out.finish()
}

fn decide_preflight(p: &PolicySpec, r: &RequestSpec, origin: &[u8]) -> Outcome {
    let acrm = r.acrm.clone().unwrap().0;
    // DESIGN §3.4: without permission the request for private network
    // access is ignored, not denied.
    let wants_private_network =
        p.private_network && r.acrpn.as_ref().map(|v| v.0 == b"true") == Some(true);
    let verdict = check_origin(p, origin).and_then(|acao| {
        check_method(p, &acrm)?;
        check_request_headers(p, &r.acrh)?;
        Ok(acao)
    });
    let mut out = match verdict {
        Err(reason) => Outcome::new(Kind::Preflight, Some(reason), Some(403)),
        Ok(acao) => {
            let mut out = Outcome::new(Kind::Preflight, None, Some(p.status));
            out.add(ACAO, &acao);
            if p.credentials {
                out.add(ACAC, b"true");
            }
            out.add(ACAM, &acrm);
            for line in &r.acrh {
                let trimmed = trim_ows(&line.0);
                if !trimmed.is_empty() {
                    out.add(ACAH, &trimmed);
                }
            }
            if let Some(age) = p.max_age {
                out.add(ACMA, age.to_string().as_bytes());
            }
            if wants_private_network {
                out.add(ACAPN, b"true");
            }
            out
        }
    };
    out.add(VARY, vary_preflight(p).as_bytes());
    out.finish()
}
