//! Property tests (DESIGN §6): the engine against the naive reference model
//! in `tests/model`, and invariants that must hold for every request.
//!
//! Case count: `PROPTEST_CASES` (CI sets 10,000), default 2,000.

mod model;

use cors_engine::limits::{
    MAX_EMPTY_ELEMENTS, MAX_METHOD_LEN, MAX_ORIGIN_LEN, MAX_REQUESTED_HEADERS,
    MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES,
};
use cors_engine::{Decision, FixedPolicy, HeaderName, Kind, Policy, Reason};
use model::bridge::{self, with_config, with_request};
use model::{Bytes, Outcome, PolicySpec, RegexSpec, RequestSpec};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence, Index};
use proptest::strategy::Union;

// ---------------------------------------------------------------------------
// Running the engine
// ---------------------------------------------------------------------------

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

fn config_cases() -> ProptestConfig {
    ProptestConfig {
        // Failures print their minimal input; no regression file is written
        // next to the sources.
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases())
    }
}

fn compile(p: &PolicySpec) -> Policy {
    with_config(p, |config| match Policy::compile(config) {
        Ok(policy) => policy,
        Err(e) => panic!("valid policy rejected: {p:?}\n{e}"),
    })
}

/// What one decision looked like, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Run {
    outcome: Outcome,
    /// Headers in the engine's order, lower-case names.
    ordered: Vec<(String, Bytes)>,
    /// `Denial` Display, if denied.
    message: Option<String>,
}

fn observe(d: &Decision<'_>) -> Run {
    Run {
        outcome: bridge::outcome(d),
        ordered: d
            .headers()
            .iter()
            .map(|h| (h.name.as_lowercase().to_string(), Bytes(h.value.to_vec())))
            .collect(),
        message: d.denial().map(|x| x.to_string()),
    }
}

fn run(policy: &Policy, r: &RequestSpec) -> Run {
    with_request(r, |d| observe(&policy.decide(d)))
}

// ---------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------

const EXACT_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:3000",
    "https://api.example.org:8443",
    "http://127.0.0.1:8080",
    "https://example.com",
    "https://shop.example.io",
];
const SUBDOMAIN_PATTERNS: &[&str] = &[
    "https://*.example.com",
    "http://*.example.org",
    "https://*.dev.example.io",
];
const PORT_PATTERNS: &[&str] = &[
    "http://localhost:*",
    "http://127.0.0.1:*",
    "https://dev.example.net:*",
    "http://[::1]:*",
    "https://*.staging.example.net:*",
];
const REGEX_DOMAINS: &[&str] = &["preview.example.net", "pr.example.io"];
const CONFIG_METHODS: &[&str] = &[
    "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE", "X-Custom", "patch", "GET",
];
const CONFIG_HEADERS: &[&str] = &[
    "content-type",
    "x-requested-with",
    "authorization",
    "x-api-key",
    "X-Trace-Id",
    "accept",
];
const EXPOSED: &[&str] = &["x-total-count", "x-request-id", "etag"];

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn regex_spec() -> impl Strategy<Value = RegexSpec> {
    (select(REGEX_DOMAINS), any::<bool>(), any::<bool>()).prop_map(
        |(domain, digits_and_dash, anchored)| RegexSpec {
            domain: domain.to_string(),
            digits_and_dash,
            anchored,
        },
    )
}

type OriginPart = (Vec<String>, Vec<RegexSpec>, bool);

fn origin_part() -> impl Strategy<Value = OriginPart> {
    (
        prop::bool::weighted(0.15),
        subsequence(EXACT_ORIGINS, 0..=3),
        subsequence(SUBDOMAIN_PATTERNS, 0..=2),
        subsequence(PORT_PATTERNS, 0..=2),
        vec(regex_spec(), 0..=2),
        any::<bool>(),
    )
        .prop_map(|(any_origin, exact, sub, port, regexes, null)| {
            if any_origin {
                return (vec!["*".to_string()], Vec::new(), false);
            }
            let mut origins = strings(&exact);
            origins.extend(strings(&sub));
            origins.extend(strings(&port));
            if origins.is_empty() && regexes.is_empty() {
                origins.push("https://app.example.com".to_string());
            }
            (origins, regexes, null)
        })
        // The order of the origin list must not matter.
        .prop_flat_map(|(origins, regexes, null)| {
            (Just(origins).prop_shuffle(), Just(regexes), Just(null))
        })
}

fn policy_strategy() -> impl Strategy<Value = PolicySpec> {
    let methods = prop_oneof![
        1 => Just(vec!["*".to_string()]),
        4 => subsequence(CONFIG_METHODS, 0..=4).prop_map(|v| strings(&v)),
    ];
    let headers = prop_oneof![
        1 => Just(vec!["*".to_string()]),
        1 => Just(vec!["*".to_string(), "authorization".to_string()]),
        4 => subsequence(CONFIG_HEADERS, 0..=4).prop_map(|v| strings(&v)),
    ];
    let exposed = prop_oneof![
        3 => Just(Vec::new()),
        1 => Just(vec!["*".to_string()]),
        3 => subsequence(EXPOSED, 1..=3).prop_map(|v| strings(&v)),
    ];
    let max_age = option::of(prop_oneof![Just(0u64), Just(86_400u64), 0u64..=86_400]);
    (
        origin_part(),
        methods,
        headers,
        exposed,
        any::<bool>(),
        max_age,
        any::<bool>(),
        select(&[204u16, 200][..]),
    )
        .prop_map(
            |(
                (origins, regexes, allow_null),
                methods,
                headers,
                exposed,
                credentials,
                max_age,
                private_network,
                status,
            )| {
                let mut p = PolicySpec {
                    origins,
                    regexes,
                    allow_null,
                    methods,
                    headers,
                    exposed,
                    credentials,
                    max_age,
                    private_network,
                    status,
                };
                // `*` origin or `*` exposed with credentials is a config error.
                if p.is_any_origin() || p.exposed.iter().any(|e| e == "*") {
                    p.credentials = false;
                }
                p
            },
        )
}

// ---------------------------------------------------------------------------
// Near-miss origins
// ---------------------------------------------------------------------------

/// The fill of `https://*.example.com`; `None` is the apex.
fn subdomain_fill() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        6 => vec("[a-z0-9_-]{1,6}", 1..=3).prop_map(|labels| Some(labels.join("."))),
        1 => Just(None),
        1 => Just(Some(String::new())),
        1 => Just(Some("a..b".to_string())),
        1 => Just(Some("a.".to_string())),
        2 => "[A-Za-z0-9_.~-]{0,8}".prop_map(Some),
    ]
}

fn port_suffix() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        4 => (1u32..=65_535).prop_map(|n| format!(":{n}")),
        3 => select(&[
            ":0", ":1", ":65535", ":65536", ":99999", ":080", ":", ":00", ":123456", ":+80",
            ": 80", ":3000", ":5173", ":8080a",
        ][..])
        .prop_map(str::to_string),
    ]
}

fn regex_fill() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z]{1,6}",
        2 => "[a-z0-9-]{0,6}",
        1 => "[A-Za-z0-9._]{0,5}",
    ]
}

/// Origins that are allowed, or almost: derived from the policy's entries.
fn origin_base(p: &PolicySpec) -> BoxedStrategy<String> {
    // Unrelated origins now and then; mostly the policy's own entries.
    let mut options: Vec<(u32, BoxedStrategy<String>)> = vec![
        (1, Just("null".to_string()).boxed()),
        (1, Just("https://evil.com".to_string()).boxed()),
        (1, Just("https://app.example.com".to_string()).boxed()),
        (1, Just("http://localhost:3000".to_string()).boxed()),
    ];
    for entry in &p.origins {
        if entry == "*" {
            continue;
        }
        if let Some(host) = entry.strip_suffix(":*").filter(|h| h.contains("://*.")) {
            // Both wildcards: fill the subdomain and pick a port.
            let (prefix, suffix) = host.split_once('*').expect("a subdomain pattern");
            let (prefix, suffix) = (prefix.to_string(), suffix.to_string());
            options.push((
                6,
                (subdomain_fill(), port_suffix())
                    .prop_map(move |(fill, port)| match fill {
                        Some(fill) => format!("{prefix}{fill}{suffix}{port}"),
                        None => format!("{prefix}{}{port}", &suffix[1..]),
                    })
                    .boxed(),
            ));
        } else if entry.contains("://*.") {
            let parts: Vec<&str> = entry.split('*').collect();
            let (prefix, suffix) = (parts[0].to_string(), parts[1].to_string());
            options.push((
                6,
                subdomain_fill()
                    .prop_map(move |fill| match fill {
                        Some(fill) => format!("{prefix}{fill}{suffix}"),
                        None => format!("{prefix}{}", &suffix[1..]),
                    })
                    .boxed(),
            ));
        } else if let Some(base) = entry.strip_suffix(":*") {
            let base = base.to_string();
            options.push((
                6,
                port_suffix()
                    .prop_map(move |port| format!("{base}{port}"))
                    .boxed(),
            ));
        } else {
            options.push((6, Just(entry.clone()).boxed()));
        }
    }
    for re in &p.regexes {
        let domain = re.domain.clone();
        options.push((
            6,
            regex_fill()
                .prop_map(move |label| format!("https://{label}.{domain}"))
                .boxed(),
        ));
    }
    Union::new_weighted(options).boxed()
}

#[derive(Clone, Debug)]
enum Mutation {
    Keep,
    FlipCase(Index),
    AppendEvil,
    GluePrefix,
    SetPort(u32),
    DefaultPort,
    TrailingSlash,
    SchemeSwap,
    Insert(Index, Vec<u8>),
    Null,
    Length(i32),
    Empty,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let odd_bytes = select(vec![
        &b"\x00"[..],
        b"\t",
        b"\r",
        b"\n",
        b"\r\n",
        b" ",
        b"\x7f",
        b"\x80",
        b"\xff",
        b"\xc3\xa9",
        b"\xc3",
    ])
    .prop_map(<[u8]>::to_vec);
    prop_oneof![
        30 => Just(Mutation::Keep),
        2 => any::<Index>().prop_map(Mutation::FlipCase),
        1 => Just(Mutation::AppendEvil),
        1 => Just(Mutation::GluePrefix),
        1 => prop_oneof![0u32..=70_000, Just(443), Just(80)].prop_map(Mutation::SetPort),
        1 => Just(Mutation::DefaultPort),
        1 => Just(Mutation::TrailingSlash),
        1 => Just(Mutation::SchemeSwap),
        2 => (any::<Index>(), odd_bytes).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => Just(Mutation::Null),
        1 => (-3i32..=3).prop_map(Mutation::Length),
        1 => Just(Mutation::Empty),
    ]
}

/// Splits `scheme://host[:port]` into (scheme://, host, Option<port>).
fn split_origin(o: &str) -> Option<(String, String, Option<String>)> {
    let at = o.find("://")?;
    let scheme = o[..at + 3].to_string();
    let rest = &o[at + 3..];
    match rest.rfind(':') {
        Some(c) => Some((
            scheme,
            rest[..c].to_string(),
            Some(rest[c + 1..].to_string()),
        )),
        None => Some((scheme, rest.to_string(), None)),
    }
}

fn mutate(origin: String, m: &Mutation) -> Vec<u8> {
    match m {
        Mutation::Keep => origin.into_bytes(),
        Mutation::FlipCase(i) => {
            let mut b = origin.into_bytes();
            if b.is_empty() {
                return b;
            }
            let start = i.index(b.len());
            for k in 0..b.len() {
                let j = (start + k) % b.len();
                if b[j].is_ascii_alphabetic() {
                    b[j] ^= 0x20;
                    break;
                }
            }
            b
        }
        Mutation::AppendEvil => format!("{origin}.evil.com").into_bytes(),
        Mutation::GluePrefix => match origin.find("://") {
            Some(at) => format!("{}evil{}", &origin[..at + 3], &origin[at + 3..]).into_bytes(),
            None => format!("evil{origin}").into_bytes(),
        },
        Mutation::SetPort(n) => match split_origin(&origin) {
            Some((scheme, host, _)) => format!("{scheme}{host}:{n}").into_bytes(),
            None => format!("{origin}:{n}").into_bytes(),
        },
        Mutation::DefaultPort => match split_origin(&origin) {
            Some((scheme, host, _)) => {
                let port = if scheme == "https://" { 443 } else { 80 };
                format!("{scheme}{host}:{port}").into_bytes()
            }
            None => format!("{origin}:443").into_bytes(),
        },
        Mutation::TrailingSlash => format!("{origin}/").into_bytes(),
        Mutation::SchemeSwap => {
            if let Some(rest) = origin.strip_prefix("https://") {
                format!("http://{rest}").into_bytes()
            } else if let Some(rest) = origin.strip_prefix("http://") {
                format!("https://{rest}").into_bytes()
            } else {
                origin.into_bytes()
            }
        }
        Mutation::Insert(i, bytes) => {
            let mut b = origin.into_bytes();
            let at = i.index(b.len() + 1);
            for (k, &x) in bytes.iter().enumerate() {
                b.insert(at + k, x);
            }
            b
        }
        Mutation::Null => b"null".to_vec(),
        Mutation::Length(delta) => {
            // Pads the first label so the origin is MAX_ORIGIN_LEN + delta
            // long (still matching subdomain patterns when padded there).
            let target = (MAX_ORIGIN_LEN as i64 + *delta as i64) as usize;
            match origin.find("://") {
                Some(at) if target > origin.len() + 1 => {
                    let pad = "a".repeat(target - origin.len() - 1);
                    format!("{}{pad}.{}", &origin[..at + 3], &origin[at + 3..]).into_bytes()
                }
                _ => {
                    let mut b = origin.into_bytes();
                    b.resize(target, b'a');
                    b
                }
            }
        }
        Mutation::Empty => Vec::new(),
    }
}

fn near_miss_origin(p: &PolicySpec) -> impl Strategy<Value = Bytes> {
    (origin_base(p), mutation()).prop_map(|(o, m)| Bytes(mutate(o, &m)))
}

// ---------------------------------------------------------------------------
// Methods, ACRH, ACRPN
// ---------------------------------------------------------------------------

const REQUEST_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "patch", "get", "post", "put", "OPTIONS",
    "PURGE", "purge", "X-Custom", "x-custom", "*", "", "GE T", "GET\r\n", " PUT", "PUT ", "PUT\t",
    "P\u{e9}T", "CONNECT", "TRACE", "M(E)", "M;",
];

fn acrm_strategy(p: &PolicySpec) -> impl Strategy<Value = Bytes> {
    let mut usual = strings(&["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]);
    usual.extend(p.methods.iter().filter(|m| *m != "*").cloned());
    prop_oneof![
        6 => select(usual).prop_map(|s| Bytes(s.into_bytes())),
        3 => select(REQUEST_METHODS).prop_map(|s| Bytes(s.as_bytes().to_vec())),
        1 => Just(Bytes::from("*")),
        1 => "[A-Za-z!#*._~-]{1,8}".prop_map(|s| Bytes(s.into_bytes())),
        1 => (MAX_METHOD_LEN - 1..=MAX_METHOD_LEN + 2).prop_map(|n| Bytes(vec![b'M'; n])),
    ]
}

fn request_method() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        10 => Just(Bytes::from("OPTIONS")),
        3 => select(&["options", "Options", "OPTIONS ", "GET", "POST", "PUT", "DELETE", ""][..])
            .prop_map(Bytes::from),
    ]
}

/// A requested header name in some case (mostly lower).
fn header_name(p: &PolicySpec) -> impl Strategy<Value = Vec<u8>> {
    let mut names: Vec<String> = p.headers.iter().filter(|h| *h != "*").cloned().collect();
    names.extend(strings(&[
        "content-type",
        "x-unlisted",
        "authorization",
        "x-api-key",
        "cookie",
        "accept",
        "x-custom-header",
        "*",
        "x_under.score~",
    ]));
    let malformed = select(vec![
        &b"x y"[..],
        b"x:y",
        b"x\xc3\xa9",
        b"(x)",
        b"x\"y",
        b"x\r",
        b"\x00",
        b"x\x0by",
        b"x/y",
        b"x\x7f",
    ])
    .prop_map(<[u8]>::to_vec);
    let cased = (select(names), 0u8..4, any::<u64>()).prop_map(|(name, mode, mask)| {
        let mut b = name.into_bytes();
        match mode {
            0 | 1 => {}
            2 => b.make_ascii_uppercase(),
            _ => {
                for (k, c) in b.iter_mut().enumerate() {
                    if mask >> (k % 64) & 1 == 1 && c.is_ascii_alphabetic() {
                        *c ^= 0x20;
                    }
                }
            }
        }
        b
    });
    prop_oneof![12 => cased, 1 => Just(b"*".to_vec()), 1 => malformed]
}

const SEPARATORS: &[&str] = &[",", ", ", " , ", "\t,\t", ",  ", " ,"];
const PADS: &[&str] = &["", "", "", " ", "\t", "  ", " \t "];

fn acrh_line(p: &PolicySpec) -> impl Strategy<Value = Bytes> {
    let element = prop_oneof![
        10 => header_name(p),
        1 => select(&["", " ", "\t"][..]).prop_map(|s| s.as_bytes().to_vec()),
    ];
    (
        vec(element, 0..5),
        select(SEPARATORS),
        select(PADS),
        select(PADS),
    )
        .prop_map(|(elements, sep, left, right)| {
            let mut line = left.as_bytes().to_vec();
            for (k, e) in elements.iter().enumerate() {
                if k > 0 {
                    line.extend_from_slice(sep.as_bytes());
                }
                line.extend_from_slice(e);
            }
            line.extend_from_slice(right.as_bytes());
            Bytes(line)
        })
}

/// ACRH near the caps: names, empty elements, lines, total length.
fn acrh_stress(p: &PolicySpec) -> impl Strategy<Value = Vec<Bytes>> {
    let allowed = p
        .headers
        .iter()
        .find(|h| *h != "*")
        .cloned()
        .unwrap_or_else(|| "content-type".to_string());
    let names = allowed.clone();
    let tail_name = allowed.clone();
    let lines = allowed;
    prop_oneof![
        (MAX_REQUESTED_HEADERS - 2..=MAX_REQUESTED_HEADERS + 2)
            .prop_map(move |n| { vec![Bytes(vec![names.clone(); n].join(",").into_bytes())] }),
        // Right at the name cap, followed by another kind of problem:
        // which one is reported depends on the order of the checks.
        (
            MAX_REQUESTED_HEADERS - 2..=MAX_REQUESTED_HEADERS + 1,
            select(&["x y", "x-unlisted", "", "x\u{e9}", "(x)"][..])
        )
            .prop_map(move |(n, tail)| {
                let mut line = vec![tail_name.clone(); n].join(", ");
                line.push_str(", ");
                line.push_str(tail);
                vec![Bytes(line.into_bytes())]
            }),
        (MAX_EMPTY_ELEMENTS - 3..=MAX_EMPTY_ELEMENTS + 2)
            .prop_map(|n| vec![Bytes(",".repeat(n).into_bytes())]),
        (MAX_REQUEST_HEADER_LINES - 1..=MAX_REQUEST_HEADER_LINES + 2)
            .prop_map(move |n| vec![Bytes::from(lines.as_str()); n]),
        (MAX_REQUEST_HEADERS_LEN / 2 - 2..=MAX_REQUEST_HEADERS_LEN / 2 + 2).prop_map(|n| {
            vec![
                Bytes(vec![b'x'; MAX_REQUEST_HEADERS_LEN / 2]),
                Bytes(vec![b'y'; n]),
            ]
        }),
        (MAX_REQUEST_HEADERS_LEN - 2..=MAX_REQUEST_HEADERS_LEN + 2).prop_map(|n| {
            // Many short empty-ish elements: empties counted before length?
            let mut line = vec![b' '; n];
            line[0] = b'a';
            vec![Bytes(line)]
        }),
    ]
}

fn acrh_strategy(p: &PolicySpec) -> impl Strategy<Value = Vec<Bytes>> {
    prop_oneof![
        3 => Just(Vec::new()),
        10 => vec(acrh_line(p), 1..4),
        2 => acrh_stress(p),
    ]
}

fn acrpn_strategy() -> impl Strategy<Value = Option<Bytes>> {
    prop_oneof![
        6 => Just(None),
        3 => Just(Some(Bytes::from("true"))),
        1 => select(&["false", "TRUE", " true", "true ", "", "1"][..])
            .prop_map(|s| Some(Bytes::from(s))),
    ]
}

fn request_strategy(p: &PolicySpec) -> impl Strategy<Value = RequestSpec> {
    let origin = prop_oneof![
        1 => Just(None),
        15 => near_miss_origin(p).prop_map(Some),
    ];
    let acrm = prop_oneof![1 => Just(None), 6 => acrm_strategy(p).prop_map(Some)];
    (
        request_method(),
        origin,
        acrm,
        acrh_strategy(p),
        acrpn_strategy(),
    )
        .prop_map(|(method, origin, acrm, acrh, acrpn)| RequestSpec {
            method,
            origin,
            acrm,
            acrh,
            acrpn,
        })
}

fn scenario() -> impl Strategy<Value = (PolicySpec, Vec<RequestSpec>)> {
    policy_strategy().prop_flat_map(|p| {
        let requests = vec(request_strategy(&p), 1..8);
        (Just(p), requests)
    })
}

fn arbitrary_bytes() -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..600).prop_map(Bytes)
}

fn arbitrary_request() -> impl Strategy<Value = RequestSpec> {
    (
        prop_oneof![2 => Just(Bytes::from("OPTIONS")), 1 => arbitrary_bytes()],
        option::weighted(0.9, arbitrary_bytes()),
        option::weighted(0.8, arbitrary_bytes()),
        vec(arbitrary_bytes(), 0..10),
        option::of(arbitrary_bytes()),
    )
        .prop_map(|(method, origin, acrm, acrh, acrpn)| RequestSpec {
            method,
            origin,
            acrm,
            acrh,
            acrpn,
        })
}

fn arbitrary_scenario() -> impl Strategy<Value = (PolicySpec, Vec<RequestSpec>)> {
    (policy_strategy(), vec(arbitrary_request(), 1..4))
}

// ---------------------------------------------------------------------------
// Helpers for invariants
// ---------------------------------------------------------------------------

fn names_in(run: &Run) -> Vec<&str> {
    run.ordered.iter().map(|(n, _)| n.as_str()).collect()
}

fn value(run: &Run, name: HeaderName) -> Option<&Bytes> {
    run.ordered
        .iter()
        .find(|(n, _)| n == name.as_lowercase())
        .map(|(_, v)| v)
}

fn values(run: &Run, name: HeaderName) -> Vec<&Bytes> {
    run.ordered
        .iter()
        .filter(|(n, _)| n == name.as_lowercase())
        .map(|(_, v)| v)
        .collect()
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config_cases())]

    /// 1. The engine decides exactly as the reference model does.
    #[test]
    fn engine_matches_model((p, requests) in scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let engine = run(&policy, r);
            let expected = model::decide(&p, r);
            prop_assert_eq!(&engine.outcome, &expected, "request {:?}", r);
        }
    }

    /// 1b. Same, on arbitrary bytes in every field.
    #[test]
    fn engine_matches_model_on_arbitrary_bytes((p, requests) in arbitrary_scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let engine = run(&policy, r);
            let expected = model::decide(&p, r);
            prop_assert_eq!(&engine.outcome, &expected, "request {:?}", r);
        }
    }

    /// 1c. A `FixedPolicy` decides as a `Policy` does (regex-free configs).
    #[test]
    fn fixed_policy_matches_policy((p, requests) in scenario()) {
        let mut p = p;
        p.regexes.clear();
        if p.origins.is_empty() {
            p.origins.push("https://app.example.com".to_string());
        }
        let policy = compile(&p);
        let fixed = with_config(&p, |c| match FixedPolicy::<4096, 256>::compile(c) {
            Ok(f) => f,
            Err(e) => panic!("fixed policy rejected: {p:?}\n{e}"),
        });
        for r in &requests {
            let heap = run(&policy, r);
            let fixed = with_request(r, |d| observe(&fixed.decide(d)));
            prop_assert_eq!(heap, fixed, "request {:?}", r);
        }
    }

    /// 2a. No CORS header but `Vary` on any denial.
    #[test]
    fn no_cors_header_on_denial((p, requests) in scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            if !got.outcome.allowed {
                prop_assert_eq!(value(&got, HeaderName::AllowOrigin), None);
                for name in names_in(&got) {
                    prop_assert_eq!(name, "vary", "{:?}", got);
                }
            }
        }
    }

    /// 2b. Never `*` in ACAO or ACEH together with ACAC; in ACAM or ACAH
    /// only as the echo of a method or header literally named `*`.
    #[test]
    fn never_wildcard_with_credentials((p, requests) in scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            if let Some(acac) = value(&got, HeaderName::AllowCredentials) {
                prop_assert_eq!(acac, &Bytes::from("true"));
                prop_assert_ne!(value(&got, HeaderName::AllowOrigin), Some(&Bytes::from("*")));
                prop_assert_ne!(value(&got, HeaderName::ExposeHeaders), Some(&Bytes::from("*")));
                // DESIGN §3.4 (WPT `cors-preflight-star`): a literal `*`
                // is echoed as the name it is, never added.
                let is_star = |b: &[u8]| model::trim_ows(b) == b"*".to_vec();
                if value(&got, HeaderName::AllowMethods) == Some(&Bytes::from("*")) {
                    prop_assert_eq!(r.acrm.as_ref(), Some(&Bytes::from("*")), "{:?}", got);
                }
                let asked_star = r
                    .acrh
                    .iter()
                    .any(|line| model::split_commas(&line.0).iter().any(|e| is_star(e)));
                for acah in values(&got, HeaderName::AllowHeaders) {
                    for element in model::split_commas(&acah.0) {
                        prop_assert!(!is_star(&element) || asked_star, "{:?}", got);
                    }
                }
            }
        }
    }

    /// 2c. Never ACAC without ACAO.
    #[test]
    fn never_credentials_without_origin((p, requests) in scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            if value(&got, HeaderName::AllowCredentials).is_some() {
                prop_assert!(value(&got, HeaderName::AllowOrigin).is_some(), "{:?}", got);
            }
        }
    }

    /// 2d. Echoed ACAO/ACAM/ACAH are byte-identical to the (trimmed) request.
    #[test]
    fn echoed_values_are_request_bytes((p, requests) in scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            if let Some(acao) = value(&got, HeaderName::AllowOrigin) {
                if p.is_any_origin() {
                    prop_assert_eq!(acao, &Bytes::from("*"));
                } else {
                    prop_assert_eq!(Some(acao), r.origin.as_ref());
                }
            }
            if let Some(acam) = value(&got, HeaderName::AllowMethods) {
                prop_assert_eq!(Some(acam), r.acrm.as_ref());
            }
            let acah: Vec<Bytes> = values(&got, HeaderName::AllowHeaders).into_iter().cloned().collect();
            if got.outcome.allowed && got.outcome.kind == Kind::Preflight {
                let expected: Vec<Bytes> = r
                    .acrh
                    .iter()
                    .map(|l| Bytes(model::trim_ows(&l.0)))
                    .filter(|l| !l.0.is_empty())
                    .collect();
                prop_assert_eq!(acah, expected);
            } else {
                prop_assert!(acah.is_empty());
            }
        }
    }

    /// 2e. A denied preflight is a 403 with only `Vary`.
    #[test]
    fn denied_preflight_is_403_with_only_vary((p, requests) in scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            if got.outcome.kind == Kind::Preflight && !got.outcome.allowed {
                prop_assert_eq!(got.outcome.preflight_status, Some(403));
                prop_assert!(!got.outcome.runs_handler);
                prop_assert_eq!(names_in(&got), vec!["vary"]);
            }
        }
    }

    /// 2f. Deciding never panics on arbitrary bytes in every field.
    #[test]
    fn decide_never_panics((p, requests) in arbitrary_scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            // Response header values never carry CR, LF or other controls.
            for (_, v) in &got.ordered {
                prop_assert!(v.0.iter().all(|&b| b == b'\t' || (0x20..=0x7e).contains(&b)), "{:?}", v);
            }
        }
    }

    /// 2g. Compiling the same config twice gives policies that decide alike.
    #[test]
    fn compile_is_deterministic((p, requests) in scenario()) {
        let first = compile(&p);
        let second = compile(&p);
        for r in &requests {
            with_request(r, |d| {
                prop_assert_eq!(first.decide(d), second.decide(d));
                Ok(())
            })?;
        }
    }

    /// 2h. A decision does not depend on the requests decided before it.
    #[test]
    fn decisions_are_independent((p, requests) in scenario(), others in vec(arbitrary_request(), 1..3)) {
        let policy = compile(&p);
        for a in &requests {
            let before = run(&policy, a);
            for b in requests.iter().chain(&others) {
                let _ = run(&policy, b);
            }
            let after = run(&policy, a);
            prop_assert_eq!(before, after);
        }
    }

    /// 2i. `Vary` on every response of an origin-dependent policy.
    #[test]
    fn vary_whenever_origin_dependent((p, requests) in scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            let vary = values(&got, HeaderName::Vary);
            if !p.is_any_origin() {
                prop_assert_eq!(vary.len(), 1, "{:?}", got);
                prop_assert!(vary[0].0.starts_with(b"Origin"), "{:?}", got);
            }
            if got.outcome.kind == Kind::Preflight {
                let v = String::from_utf8(vary[0].0.clone()).unwrap();
                prop_assert!(v.contains("Access-Control-Request-Method"));
                prop_assert!(v.contains("Access-Control-Request-Headers"));
                prop_assert_eq!(v.contains("Access-Control-Request-Private-Network"), p.private_network);
            }
        }
    }

    /// 2j. Denial messages are log-safe: printable ASCII only, no CR/LF.
    #[test]
    fn denial_display_is_log_safe((p, requests) in arbitrary_scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            if let Some(msg) = &got.message {
                prop_assert!(!msg.contains('\r') && !msg.contains('\n'), "{:?}", msg);
                prop_assert!(
                    msg.bytes().all(|b| (0x20..=0x7e).contains(&b)),
                    "non-printable-ASCII in denial message {:?}",
                    msg
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The static answer, the literal `*`, and the policy file
// ---------------------------------------------------------------------------

/// An any-origin policy (the static answer of §3.2) and requests of which
/// about half carry no `Origin`.
fn any_origin_scenario() -> impl Strategy<Value = (PolicySpec, Vec<RequestSpec>)> {
    policy_strategy()
        .prop_map(|mut p| {
            p.origins = strings(&["*"]);
            p.regexes.clear();
            p.allow_null = false;
            p.credentials = false;
            p
        })
        .prop_flat_map(|p| {
            let request = (request_strategy(&p), any::<bool>()).prop_map(|(mut r, drop)| {
                if drop {
                    r.origin = None;
                }
                r
            });
            (Just(p), vec(request, 1..8))
        })
}

/// ACRH lines made of names around the literal `*`.
fn star_acrh() -> impl Strategy<Value = Vec<Bytes>> {
    let line = select(
        &[
            "*",
            " * ",
            "x-a, *",
            "*,x-a",
            "*, authorization",
            "Authorization,*",
            "content-type",
            "x-a",
            "",
        ][..],
    )
    .prop_map(Bytes::from);
    vec(line, 0..3)
}

/// Whether `name` (a trimmed ACRH element) is allowed by `p`, written
/// directly from §3.4: `*` in the policy covers every name but
/// `authorization`, the literal name `*` included.
fn header_allowed_by(p: &PolicySpec, name: &[u8]) -> bool {
    let listed = p
        .headers
        .iter()
        .any(|h| h != "*" && h.as_bytes().eq_ignore_ascii_case(name));
    let any = p.headers.iter().any(|h| h == "*");
    listed || (any && !name.eq_ignore_ascii_case(b"authorization"))
}

proptest! {
    #![proptest_config(config_cases())]

    /// 3a. The static answer (§3.2): an any-origin policy sends ACAO `*`
    /// (and ACEH when configured) on every allowed response but a
    /// preflight's, requests without `Origin` included, and never varies
    /// on `Origin`; the engine agrees with the model throughout.
    #[test]
    fn static_answer_on_every_response((p, requests) in any_origin_scenario()) {
        let policy = compile(&p);
        for r in &requests {
            let got = run(&policy, r);
            prop_assert_eq!(&got.outcome, &model::decide(&p, r), "request {:?}", r);
            for v in values(&got, HeaderName::Vary) {
                prop_assert!(!v.0.starts_with(b"Origin"), "{:?}", got);
            }
            if got.outcome.kind != Kind::Preflight {
                prop_assert!(got.outcome.allowed, "{:?}", got);
                prop_assert_eq!(value(&got, HeaderName::AllowOrigin), Some(&Bytes::from("*")));
                let expose = (!p.exposed.is_empty()).then(|| Bytes::from(p.exposed.join(", ").as_str()));
                prop_assert_eq!(value(&got, HeaderName::ExposeHeaders), expose.as_ref());
            }
            if r.origin.is_none() {
                prop_assert_eq!(got.outcome.kind, Kind::NotCors);
                prop_assert_eq!(value(&got, HeaderName::AllowMethods), None);
                prop_assert_eq!(value(&got, HeaderName::AllowPrivateNetwork), None);
            }
        }
    }

    /// 3b. A method or header literally named `*` (§3.4) is allowed exactly
    /// when the policy's wildcard covers it, with or without credentials,
    /// and echoed as asked; ACRPN without permission changes nothing.
    #[test]
    fn literal_star_is_covered_by_the_wildcards(
        p in policy_strategy(),
        acrm in select(&["*", "PUT", "GET", "PURGE"][..]),
        acrh in star_acrh(),
        acrpn in any::<bool>(),
    ) {
        let mut p = p;
        p.origins = strings(&["https://app.example.com"]);
        p.regexes.clear();
        if p.exposed.iter().any(|e| e == "*") {
            p.exposed.clear();
        }
        let mut r = preflight("https://app.example.com", acrm, &[]);
        r.acrh = acrh;
        r.acrpn = acrpn.then(|| Bytes::from("true"));
        let got = run(&compile(&p), &r);
        prop_assert_eq!(&got.outcome, &model::decide(&p, &r), "request {:?}", r);

        let method_ok = ["GET", "HEAD", "POST"].contains(&acrm)
            || p.methods.iter().any(|m| m == "*" || m == acrm);
        let headers_ok = r.acrh.iter().all(|line| {
            model::split_commas(&line.0)
                .iter()
                .map(|e| model::trim_ows(e))
                .filter(|e| !e.is_empty())
                .all(|e| header_allowed_by(&p, &e))
        });
        prop_assert_eq!(got.outcome.allowed, method_ok && headers_ok, "{:?} {:?}", p, got);
        if got.outcome.allowed {
            prop_assert_eq!(value(&got, HeaderName::AllowMethods), Some(&Bytes::from(acrm)));
            let echoed: Vec<Bytes> = r
                .acrh
                .iter()
                .map(|l| Bytes(model::trim_ows(&l.0)))
                .filter(|l| !l.0.is_empty())
                .collect();
            let acah: Vec<Bytes> = values(&got, HeaderName::AllowHeaders).into_iter().cloned().collect();
            prop_assert_eq!(acah, echoed);
            let acapn = value(&got, HeaderName::AllowPrivateNetwork).is_some();
            prop_assert_eq!(acapn, acrpn && p.private_network);
        }
    }
}

/// The generators do reach what changed: without these counts, a property
/// could pass by never meeting a request without `Origin` under an
/// any-origin policy, a literal `*`, or ACRPN under a policy without it.
#[test]
fn generated_scenarios_reach_the_changed_behaviour() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = scenario();
    let is_star = |line: &Bytes| {
        model::split_commas(&line.0)
            .iter()
            .any(|e| model::trim_ows(e) == b"*")
    };
    let (mut static_answer, mut star_method, mut star_header, mut pn_ignored) = (0, 0, 0, 0);
    for _ in 0..2_000 {
        let (p, requests) = strategy.new_tree(&mut runner).unwrap().current();
        for r in &requests {
            let out = model::decide(&p, r);
            if p.is_any_origin() && r.origin.is_none() {
                static_answer += 1;
            }
            if out.allowed && out.kind == Kind::Preflight {
                star_method += usize::from(r.acrm.as_ref() == Some(&Bytes::from("*")));
                star_header += usize::from(r.acrh.iter().any(is_star));
                pn_ignored += usize::from(
                    !p.private_network && r.acrpn.as_ref() == Some(&Bytes::from("true")),
                );
            }
        }
    }
    for (what, count) in [
        ("no Origin under an any-origin policy", static_answer),
        ("allowed literal * method", star_method),
        ("allowed literal * header", star_header),
        ("allowed ACRPN without private network", pn_ignored),
    ] {
        assert!(count >= 10, "only {count} generated requests with {what}");
    }
}

/// Text of a policy file made of random keys (real, misspelt, unknown) and
/// values (right and wrong types, bad values), with or without routes.
#[cfg(feature = "toml")]
fn policy_file_text() -> impl Strategy<Value = String> {
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
        "allowed_origin",
        "max-age",
        "Allowed_Methods",
        "routes",
    ];
    const VALUES: &[&str] = &[
        r#"["https://app.example.com"]"#,
        r#"["*"]"#,
        r#"["*", "https://a.example"]"#,
        r#"["https://*.co.uk", "http://*.localhost:*", "http://127.000.0.1"]"#,
        r#"['.*', '(?x)^https://a\.example\.com$ # prod', '(']"#,
        r#"["GET", "PUT", "CONNECT", "get"]"#,
        r#"["*", "dnt", "authorization", "bad header"]"#,
        r#"["/api/*", "/a", "", "api", "/x*y"]"#,
        r#"['/v[0-9]+/.*', '[']"#,
        r#"[1, "x", true]"#,
        "[]",
        "true",
        "false",
        "0",
        "600",
        "200",
        "-1",
        "70000",
        "18446744073709551615",
        "1.5",
        r#""https://a.example""#,
        r#""""#,
        "{ a = 1 }",
        r#"[[ "nested" ]]"#,
        "1979-05-27T07:32:00Z",
    ];
    let key = prop_oneof![
        8 => select(KEYS).prop_map(str::to_string),
        1 => "[a-z_]{1,12}",
    ];
    let value = prop_oneof![
        8 => select(VALUES).prop_map(str::to_string),
        1 => "[ -~]{0,16}".prop_map(|s| format!("{:?}", s)),
    ];
    let line = (key, value).prop_map(|(k, v)| format!("{k} = {v}"));
    let table = vec(line, 0..6).prop_map(|lines| lines.join("\n"));
    (table.clone(), vec(table, 0..3)).prop_map(|(top, routes)| {
        let mut text = top;
        for r in routes {
            text.push_str("\n\n[[routes]]\n");
            text.push_str(&r);
        }
        text.push('\n');
        text
    })
}

#[cfg(feature = "toml")]
proptest! {
    #![proptest_config(config_cases())]

    /// 4a. Any policy file made of random keys and values either compiles
    /// (with warnings) or reports errors — never panics; every problem is
    /// displayed, and a position, when given, is inside the text. What
    /// compiles decides requests on any path.
    #[test]
    fn policy_file_compiles_or_reports(text in policy_file_text(), path in "/[ -~]{0,20}") {
        use cors_engine::{PolicyFile, RequestDescriptor};

        let lines = u32::try_from(text.lines().count()).unwrap() + 1;
        let in_text = |e: &cors_engine::ConfigError<'_>| {
            e.position().is_none_or(|(line, column)| line >= 1 && line <= lines && column >= 1)
        };
        let file = match PolicyFile::from_toml(&text) {
            Ok(file) => file,
            Err(errors) => {
                // Not TOML (a key given twice, say): one error, the whole file.
                prop_assert_eq!(errors.len(), 1);
                prop_assert!(!errors.to_string().is_empty());
                return Ok(());
            }
        };
        match file.compile() {
            Ok((set, warnings)) => {
                for w in &warnings {
                    prop_assert!(in_text(w), "{} in\n{}", w, text);
                    prop_assert!(!w.to_string().is_empty());
                }
                for request in [
                    RequestDescriptor::new(b"GET"),
                    RequestDescriptor::new(b"GET").origin(b"https://app.example.com"),
                    RequestDescriptor::new(b"OPTIONS")
                        .origin(b"https://x.invalid")
                        .request_method(b"*")
                        .request_headers(&[b"*, dnt"]),
                ] {
                    let _ = set.decide(path.as_bytes(), &request);
                    let _ = set.decide(b"/api/x", &request);
                }
            }
            Err(errors) => {
                prop_assert!(errors.len() >= 1);
                prop_assert_eq!(errors.iter().count(), errors.len());
                for e in &errors {
                    prop_assert!(in_text(e), "{} in\n{}", e, text);
                    prop_assert!(!e.to_string().is_empty());
                }
            }
        }
    }

    /// 4b. Arbitrary text (and JSON of random keys) never panics a reader.
    #[test]
    fn policy_file_reads_arbitrary_text(text in "\\PC{0,200}") {
        use cors_engine::PolicyFile;

        if let Ok(file) = PolicyFile::from_toml(&text) {
            let _ = file.compile().map(|(_, w)| w.len());
        }
        if let Ok(file) = serde_json::from_str::<PolicyFile>(&text) {
            let _ = file.compile().map(|(_, w)| w.len());
        }
    }
}

// ---------------------------------------------------------------------------
// The model itself, on hand-picked cases
// ---------------------------------------------------------------------------

fn spec(origins: &[&str]) -> PolicySpec {
    PolicySpec {
        origins: strings(origins),
        regexes: Vec::new(),
        allow_null: false,
        methods: strings(&["PUT"]),
        headers: strings(&["content-type", "X-Api-Key"]),
        exposed: Vec::new(),
        credentials: false,
        max_age: None,
        private_network: false,
        status: 204,
    }
}

fn actual(origin: &str) -> RequestSpec {
    RequestSpec {
        method: Bytes::from("GET"),
        origin: Some(Bytes::from(origin)),
        ..RequestSpec::default()
    }
}

fn preflight(origin: &str, method: &str, acrh: &[&str]) -> RequestSpec {
    RequestSpec {
        method: Bytes::from("OPTIONS"),
        origin: Some(Bytes::from(origin)),
        acrm: Some(Bytes::from(method)),
        acrh: acrh.iter().map(|l| Bytes::from(*l)).collect(),
        acrpn: None,
    }
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, Bytes)> {
    let mut v: Vec<(String, Bytes)> = pairs
        .iter()
        .map(|(n, v)| (n.to_string(), Bytes::from(*v)))
        .collect();
    v.sort();
    v
}

fn allowed_by(p: &PolicySpec, origin: &str) -> bool {
    model::decide(p, &actual(origin)).allowed
}

#[test]
fn model_subdomain_pattern() {
    let p = spec(&["https://*.example.com"]);
    for ok in [
        "https://a.example.com",
        "https://a.b.example.com",
        "https://x-1_y.example.com",
    ] {
        assert!(allowed_by(&p, ok), "{ok}");
    }
    for no in [
        "https://example.com",
        "https://.example.com",
        "https://a..example.com",
        "https://A.example.com",
        "https://a.example.com.evil.com",
        "https://evilexample.com",
        "http://a.example.com",
        "https://a.example.com:443",
        "https://a.example.com/",
        "https://a~b.example.com",
    ] {
        assert!(!allowed_by(&p, no), "{no}");
    }
}

#[test]
fn model_port_pattern() {
    let p = spec(&["http://localhost:*"]);
    for ok in [
        "http://localhost",
        "http://localhost:1",
        "http://localhost:5173",
        "http://localhost:65535",
    ] {
        assert!(allowed_by(&p, ok), "{ok}");
    }
    for no in [
        "http://localhost:0",
        "http://localhost:65536",
        "http://localhost:080",
        "http://localhost:",
        "http://localhost:123456",
        "http://localhost:+80",
        "http://localhost.evil:80",
        "https://localhost:3000",
        "http://localhostx:3000",
    ] {
        assert!(!allowed_by(&p, no), "{no}");
    }
}

#[test]
fn model_regex_whole_match() {
    let mut p = spec(&["https://app.example.com"]);
    p.regexes.push(RegexSpec {
        domain: "preview.example.net".to_string(),
        digits_and_dash: false,
        anchored: false,
    });
    assert_eq!(
        p.regexes[0].source(),
        r"https://[a-z]+\.preview\.example\.net"
    );
    assert!(allowed_by(&p, "https://abc.preview.example.net"));
    for no in [
        "https://a1.preview.example.net",
        "https://a.b.preview.example.net",
        "xhttps://abc.preview.example.net",
        "https://abc.preview.example.net.evil",
        "https://.preview.example.net",
        "https://abcXpreview.example.net",
    ] {
        assert!(!allowed_by(&p, no), "{no}");
    }
    p.regexes[0].digits_and_dash = true;
    assert!(allowed_by(&p, "https://pr-42.preview.example.net"));
}

#[test]
fn model_origin_reasons() {
    let mut p = spec(&["https://app.example.com"]);
    let reason = |p: &PolicySpec, o: &[u8]| {
        let mut r = actual("");
        r.origin = Some(Bytes(o.to_vec()));
        model::decide(p, &r).reason
    };
    assert_eq!(reason(&p, b""), Some(Reason::OriginMalformed));
    assert_eq!(reason(&p, b"https://a b"), Some(Reason::OriginMalformed));
    assert_eq!(
        reason(&p, b"https://\xc3\xa9"),
        Some(Reason::OriginMalformed)
    );
    assert_eq!(
        reason(&p, &vec![b'a'; MAX_ORIGIN_LEN + 1]),
        Some(Reason::OriginTooLong)
    );
    assert_eq!(
        reason(&p, &vec![b'a'; MAX_ORIGIN_LEN]),
        Some(Reason::OriginNotAllowed)
    );
    assert_eq!(reason(&p, b"null"), Some(Reason::OriginNotAllowed));
    p.allow_null = true;
    assert_eq!(reason(&p, b"null"), None);
    assert_eq!(reason(&p, b"NULL"), Some(Reason::OriginNotAllowed));
}

#[test]
fn model_classification_and_actual_headers() {
    let mut p = spec(&["https://app.example.com"]);
    p.credentials = true;
    p.exposed = strings(&["x-total-count", "etag"]);
    let not_cors = model::decide(&p, &RequestSpec::default());
    assert_eq!(not_cors.kind, Kind::NotCors);
    assert!(not_cors.allowed && not_cors.runs_handler);
    assert_eq!(not_cors.headers, headers(&[("vary", "Origin")]));

    let ok = model::decide(&p, &actual("https://app.example.com"));
    assert_eq!(ok.kind, Kind::Actual);
    assert_eq!(ok.preflight_status, None);
    assert_eq!(
        ok.headers,
        headers(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-total-count, etag"),
            ("vary", "Origin"),
        ])
    );
    let denied = model::decide(&p, &actual("https://evil.com"));
    assert!(!denied.allowed && denied.runs_handler);
    assert_eq!(denied.headers, headers(&[("vary", "Origin")]));

    // OPTIONS without ACRM is an actual request.
    let mut options = actual("https://app.example.com");
    options.method = Bytes::from("OPTIONS");
    assert_eq!(model::decide(&p, &options).kind, Kind::Actual);
    // lower-case `options` with ACRM is not a preflight either.
    let mut lower = preflight("https://app.example.com", "PUT", &[]);
    lower.method = Bytes::from("options");
    assert_eq!(model::decide(&p, &lower).kind, Kind::Actual);

    let any = spec(&["*"]);
    let star = model::decide(&any, &actual("https://whoever.test"));
    assert_eq!(
        star.headers,
        headers(&[("access-control-allow-origin", "*")])
    );
}

#[test]
fn model_preflight_headers() {
    let mut p = spec(&["https://app.example.com"]);
    p.max_age = Some(600);
    p.private_network = true;
    p.status = 200;
    p.exposed = strings(&["etag"]);
    let mut r = preflight(
        "https://app.example.com",
        "PUT",
        &[" Content-Type ,x-api-key\t", "  ", "X-API-KEY"],
    );
    r.acrpn = Some(Bytes::from("true"));
    let got = model::decide(&p, &r);
    assert_eq!(got.kind, Kind::Preflight);
    assert!(got.allowed && !got.runs_handler);
    assert_eq!(got.preflight_status, Some(200));
    assert_eq!(
        got.headers,
        headers(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "Content-Type ,x-api-key"),
            ("access-control-allow-headers", "X-API-KEY"),
            ("access-control-max-age", "600"),
            ("access-control-allow-private-network", "true"),
            (
                "vary",
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
            ),
        ])
    );

    let any = spec(&["*"]);
    let got = model::decide(&any, &preflight("https://x.test", "GET", &[]));
    assert_eq!(got.preflight_status, Some(204));
    assert_eq!(
        got.headers,
        headers(&[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "GET"),
            (
                "vary",
                "Access-Control-Request-Method, Access-Control-Request-Headers"
            ),
        ])
    );
}

#[test]
fn model_preflight_denials() {
    let mut p = spec(&["https://app.example.com"]);
    let o = "https://app.example.com";
    let reason = |p: &PolicySpec, r: &RequestSpec| {
        let got = model::decide(p, r);
        if !got.allowed {
            assert_eq!(got.preflight_status, Some(403));
            assert_eq!(got.headers.len(), 1);
            assert_eq!(got.headers[0].0, "vary");
        }
        got.reason
    };
    assert_eq!(reason(&p, &preflight(o, "GET", &[])), None);
    assert_eq!(reason(&p, &preflight(o, "PUT", &[])), None);
    assert_eq!(
        reason(&p, &preflight(o, "put", &[])),
        Some(Reason::MethodNotAllowed)
    );
    assert_eq!(
        reason(&p, &preflight(o, "get", &[])),
        Some(Reason::MethodNotAllowed)
    );
    assert_eq!(
        reason(&p, &preflight(o, "", &[])),
        Some(Reason::MethodMalformed)
    );
    assert_eq!(
        reason(&p, &preflight(o, "P T", &[])),
        Some(Reason::MethodMalformed)
    );
    let long = "M".repeat(MAX_METHOD_LEN + 1);
    assert_eq!(
        reason(&p, &preflight(o, &long, &[])),
        Some(Reason::MethodMalformed)
    );
    assert_eq!(
        reason(&p, &preflight("https://evil.com", "x y", &[])),
        Some(Reason::OriginNotAllowed)
    );

    // ACRH: first problem wins, element by element.
    assert_eq!(
        reason(&p, &preflight(o, "GET", &["x y, x-unlisted"])),
        Some(Reason::HeaderMalformed)
    );
    assert_eq!(
        reason(&p, &preflight(o, "GET", &["x-unlisted, x y"])),
        Some(Reason::HeaderNotAllowed)
    );
    assert_eq!(
        reason(&p, &preflight(o, "GET", &["authorization"])),
        Some(Reason::HeaderNotAllowed)
    );
    let empties_ok = ",".repeat(MAX_EMPTY_ELEMENTS - 1);
    assert_eq!(reason(&p, &preflight(o, "GET", &[&empties_ok])), None);
    let empties_bad = ",".repeat(MAX_EMPTY_ELEMENTS);
    assert_eq!(
        reason(&p, &preflight(o, "GET", &[&empties_bad])),
        Some(Reason::TooManyEmptyElements)
    );
    let names_ok = vec!["content-type"; MAX_REQUESTED_HEADERS].join(",");
    assert_eq!(reason(&p, &preflight(o, "GET", &[&names_ok])), None);
    let names_bad = vec!["content-type"; MAX_REQUESTED_HEADERS + 1].join(",");
    assert_eq!(
        reason(&p, &preflight(o, "GET", &[&names_bad])),
        Some(Reason::TooManyRequestedHeaders)
    );
    let lines = vec!["content-type"; MAX_REQUEST_HEADER_LINES + 1];
    assert_eq!(
        reason(&p, &preflight(o, "GET", &lines)),
        Some(Reason::TooManyRequestHeaderLines)
    );
    let long = "a".repeat(MAX_REQUEST_HEADERS_LEN + 1);
    assert_eq!(
        reason(&p, &preflight(o, "GET", &[&long])),
        Some(Reason::RequestHeadersTooLong)
    );

    // `*` covers everything but authorization, unless it is listed.
    p.headers = strings(&["*"]);
    assert_eq!(
        reason(&p, &preflight(o, "GET", &["x-anything, Cookie"])),
        None
    );
    assert_eq!(
        reason(&p, &preflight(o, "GET", &["Authorization"])),
        Some(Reason::HeaderNotAllowed)
    );
    p.headers = strings(&["*", "authorization"]);
    assert_eq!(reason(&p, &preflight(o, "GET", &["Authorization"])), None);

    // A literal `*` is never allowed, so never echoed (DESIGN §3.4 with
    // credentials; read as a wildcard by browsers without).
    p.methods = strings(&["*"]);
    assert_eq!(reason(&p, &preflight(o, "PURGE", &["x-a"])), None);
    // DESIGN §3.4 (WPT `cors-preflight-star`): a literal `*` is a name the
    // wildcards cover, with or without credentials.
    p.headers = strings(&["*"]);
    for credentials in [false, true] {
        p.credentials = credentials;
        assert_eq!(reason(&p, &preflight(o, "*", &[])), None);
        assert_eq!(reason(&p, &preflight(o, "GET", &["x-a, *"])), None);
    }
    p.credentials = false;

    // Private network: only the exact value `true` asks for it.
    let mut r = preflight(o, "GET", &[]);
    r.acrpn = Some(Bytes::from("true"));
    // Not allowed by the policy: decided on the CORS checks alone, no grant.
    assert_eq!(reason(&p, &r), None);
    r.acrpn = Some(Bytes::from("TRUE"));
    assert_eq!(reason(&p, &r), None);
    assert!(model::decide(&p, &r)
        .values("access-control-allow-private-network")
        .is_empty());
}
