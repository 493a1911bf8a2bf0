//! The shared spec table: DESIGN §3 written down as data.
//!
//! Every case names a policy, describes a request by its raw header bytes
//! and says what must come out, in terms any front end can observe:
//!
//! * for preflights, the status the CORS layer answers with (the handler
//!   does not run); for every other request, that the handler runs;
//! * the exact multiset of CORS response headers, as (lower-case name,
//!   value) pairs — `vary` included, and nothing else;
//! * the verdict (allowed, or denied with a [`Reason`]) and the
//!   classification, for front ends that can see them (the core; an adapter
//!   may only see the response).
//!
//! The table is pure data so that the core (`tests/spec.rs`) and each
//! adapter can run the very same cases; [`Expect::check`] and
//! [`check_invariants`] compare an [`Observed`] response, however it was
//! obtained.
//!
//! A second table, [`CONFIG_CASES`], maps invalid configurations to every
//! problem compilation must report (DESIGN §3.9).

use cors_engine::limits::{
    MAX_EMPTY_ELEMENTS, MAX_METHOD_LEN, MAX_ORIGIN_LEN, MAX_REQUESTED_HEADERS,
    MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES,
};
use cors_engine::{Config, Field, Kind, Problem, Reason, RequestDescriptor, SingleHeader, Value};

// ---------------------------------------------------------------------------
// Named policies
// ---------------------------------------------------------------------------

/// A configuration with a name the cases refer to.
#[derive(Debug)]
pub struct NamedPolicy {
    pub name: &'static str,
    pub config: Config<'static, 'static>,
}

/// Exact origins, a few methods and headers; no credentials, no max-age.
/// `X-Request-Id` is configured in mixed case on purpose.
pub static BASIC: NamedPolicy = NamedPolicy {
    name: "basic",
    config: Config::new()
        .allowed_origins(&["https://example.com", "http://example.com:8080"])
        .allowed_methods(&["PUT", "DELETE"])
        .allowed_headers(&["content-type", "X-Request-Id"]),
};

/// Credentials with any method and any header: whatever is allowed must be
/// echoed, never answered with `*`.
pub static CREDENTIALED: NamedPolicy = NamedPolicy {
    name: "credentialed",
    config: Config::new()
        .allowed_origins(&["https://app.example.com"])
        .allowed_methods(&["*"])
        .allowed_headers(&["*"])
        .exposed_headers(&["x-total-count", "x-request-id"])
        .allow_credentials(true)
        .max_age(600),
};

/// Any origin (no credentials), any header, expose all, max-age 0.
pub static ANY_ORIGIN: NamedPolicy = NamedPolicy {
    name: "any-origin",
    config: Config::new()
        .allowed_origins(&["*"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["*"])
        .exposed_headers(&["*"])
        .max_age(0),
};

/// Any origin with private network access.
pub static ANY_ORIGIN_PN: NamedPolicy = NamedPolicy {
    name: "any-origin-private-network",
    config: Config::new()
        .allowed_origins(&["*"])
        .allowed_methods(&["*"])
        .allow_private_network(true),
};

/// Any origin (no credentials) exposing named headers: the static answer
/// (§3.2) carries ACAO `*` and ACEH on every response.
pub static STATIC_EXPOSE: NamedPolicy = NamedPolicy {
    name: "static-expose",
    config: Config::new()
        .allowed_origins(&["*"])
        .allowed_methods(&["DELETE"])
        .exposed_headers(&["x-total-count", "etag"]),
};

/// `*` headers plus `authorization` by name: the only way to allow it.
pub static ANY_HEADER_AUTH: NamedPolicy = NamedPolicy {
    name: "any-header-with-authorization",
    config: Config::new()
        .allowed_origins(&["https://example.com"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["*", "authorization"]),
};

/// Subdomain and port patterns; success status 200; max-age at its cap.
pub static PATTERNS: NamedPolicy = NamedPolicy {
    name: "patterns",
    config: Config::new()
        .allowed_origins(&["https://*.example.com", "http://localhost:*"])
        .allowed_methods(&["PATCH"])
        .allowed_headers(&["content-type"])
        .max_age(86_400)
        .preflight_success_status(200),
};

/// Origin regexes only: one unanchored, one anchored, and one whose
/// alternation would match `null` if `null` were ever given to a regex.
/// `patch` in lower case is a valid method (browsers send it as written).
pub static REGEX: NamedPolicy = NamedPolicy {
    name: "regex",
    config: Config::new()
        .allowed_origin_regexes(&[
            r"https://[a-z0-9-]+\.preview\.example\.net",
            r"^http://10\.0\.0\.[0-9]{1,3}$",
            r"null|https://tenant\.example\.org",
        ])
        .allowed_methods(&["patch"]),
};

/// The opaque origin `null`, by explicit opt-in.
pub static NULL_ALLOWED: NamedPolicy = NamedPolicy {
    name: "null-allowed",
    config: Config::new()
        .allowed_origins(&["https://sandbox.example.com"])
        .allow_null_origin(true)
        .allowed_methods(&["PUT"]),
};

/// Private network access for one origin.
pub static PRIVATE: NamedPolicy = NamedPolicy {
    name: "private-network",
    config: Config::new()
        .allowed_origins(&["https://public.example.com"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["content-type"])
        .allow_private_network(true),
};

/// Any header name, so that only the caps of `limits` can deny an ACRH.
pub static CAPS: NamedPolicy = NamedPolicy {
    name: "caps",
    config: Config::new()
        .allowed_origins(&["https://example.com"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["*"]),
};

/// Every named policy (each must compile).
pub static POLICIES: &[&NamedPolicy] = &[
    &BASIC,
    &CREDENTIALED,
    &ANY_ORIGIN,
    &ANY_ORIGIN_PN,
    &STATIC_EXPOSE,
    &ANY_HEADER_AUTH,
    &PATTERNS,
    &REGEX,
    &NULL_ALLOWED,
    &PRIVATE,
    &CAPS,
];

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/// A request as the CORS layer sees it: raw header bytes, possibly invalid.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// The method, byte for byte (`b"OPTIONS"`, `b"options"`…).
    pub method: &'static [u8],
    /// `Origin`, if sent.
    pub origin: Option<&'static [u8]>,
    /// `Access-Control-Request-Method`, if sent.
    pub acrm: Option<&'static [u8]>,
    /// Each `Access-Control-Request-Headers` line, in order.
    pub acrh: &'static [&'static [u8]],
    /// `Access-Control-Request-Private-Network`, if sent.
    pub acrpn: Option<&'static [u8]>,
    /// A second line of a single-valued header, sent after the first.
    pub repeat: Option<(SingleHeader, &'static [u8])>,
}

impl Request {
    /// A request without `Origin`.
    pub const fn no_origin(method: &'static [u8]) -> Self {
        Request {
            method,
            origin: None,
            acrm: None,
            acrh: &[],
            acrpn: None,
            repeat: None,
        }
    }

    /// A request with `Origin` only.
    pub const fn with_origin(method: &'static [u8], origin: &'static [u8]) -> Self {
        Request {
            origin: Some(origin),
            ..Request::no_origin(method)
        }
    }

    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
    pub const fn preflight(origin: &'static [u8], acrm: &'static [u8]) -> Self {
        Request::with_origin(b"OPTIONS", origin).acrm(acrm)
    }

    /// Adds `Access-Control-Request-Method`.
    pub const fn acrm(self, acrm: &'static [u8]) -> Self {
        Request {
            acrm: Some(acrm),
            ..self
        }
    }

    /// Adds `Access-Control-Request-Headers` lines.
    pub const fn acrh(self, lines: &'static [&'static [u8]]) -> Self {
        Request {
            acrh: lines,
            ..self
        }
    }

    /// Adds `Access-Control-Request-Private-Network`.
    pub const fn acrpn(self, value: &'static [u8]) -> Self {
        Request {
            acrpn: Some(value),
            ..self
        }
    }

    /// Sends a second line of `header` with `value`.
    pub const fn repeat(self, header: SingleHeader, value: &'static [u8]) -> Self {
        Request {
            repeat: Some((header, value)),
            ..self
        }
    }

    /// Every request header line, in order, as (lower-case name, value):
    /// what an HTTP front end sends.
    pub fn header_lines(&self) -> Vec<(&'static str, &'static [u8])> {
        let mut lines = Vec::new();
        let single = |h: SingleHeader| h.as_str();
        if let Some(o) = self.origin {
            lines.push((single(SingleHeader::Origin), o));
        }
        if let Some(m) = self.acrm {
            lines.push((single(SingleHeader::RequestMethod), m));
        }
        for l in self.acrh {
            lines.push(("access-control-request-headers", *l));
        }
        if let Some(p) = self.acrpn {
            lines.push((single(SingleHeader::RequestPrivateNetwork), p));
        }
        if let Some((h, v)) = self.repeat {
            lines.push((single(h), v));
        }
        lines
    }

    /// The descriptor the core decides on.
    pub fn descriptor(&self) -> RequestDescriptor<'static> {
        RequestDescriptor {
            method: self.method,
            origin: self.origin,
            request_method: self.acrm,
            request_headers: self.acrh,
            request_private_network: self.acrpn,
            repeated: self.repeat.map(|(h, _)| h),
        }
    }

    /// Whether every header value survives HTTP/1 unchanged: a valid field
    /// value (visible ASCII, obs-text, inner spaces and tabs; no CR, LF or
    /// NUL) without the leading or trailing whitespace a parser strips, and
    /// the method a token. Front ends that parse HTTP themselves cannot
    /// carry the other cases; they skip them (the core covers them).
    pub fn is_http_representable(&self) -> bool {
        let value_ok = |v: &[u8]| {
            let ows = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
            !ows(v.first())
                && !ows(v.last())
                && v.iter()
                    .all(|&b| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80)
        };
        let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        !self.method.is_empty()
            && self.method.iter().all(|&b| tchar(b))
            && self.origin.is_none_or(value_ok)
            && self.acrm.is_none_or(value_ok)
            && self.acrh.iter().all(|l| value_ok(l))
            && self.acrpn.is_none_or(value_ok)
            && self.repeat.is_none_or(|(_, v)| value_ok(v))
    }
}

// ---------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------

/// A response header: lower-case name and exact value bytes.
pub type H = (&'static str, &'static [u8]);

pub const ACAO: &str = "access-control-allow-origin";
pub const ACAC: &str = "access-control-allow-credentials";
pub const ACAM: &str = "access-control-allow-methods";
pub const ACAH: &str = "access-control-allow-headers";
pub const ACMA: &str = "access-control-max-age";
pub const ACAPN: &str = "access-control-allow-private-network";
pub const ACEH: &str = "access-control-expose-headers";
pub const VARY: &str = "vary";

pub const fn acao(v: &'static [u8]) -> H {
    (ACAO, v)
}
pub const fn acam(v: &'static [u8]) -> H {
    (ACAM, v)
}
pub const fn acah(v: &'static [u8]) -> H {
    (ACAH, v)
}
pub const fn acma(v: &'static [u8]) -> H {
    (ACMA, v)
}
pub const fn aceh(v: &'static [u8]) -> H {
    (ACEH, v)
}

pub const ACAC_TRUE: H = (ACAC, b"true");
pub const ACAPN_TRUE: H = (ACAPN, b"true");

/// Non-preflight responses of an origin-dependent policy.
pub const VARY_ORIGIN: H = (VARY, b"Origin");
/// Preflights of an origin-dependent policy.
pub const VARY_PREFLIGHT: H = (
    VARY,
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
);
/// Preflights of an origin-dependent policy with private network access.
pub const VARY_PREFLIGHT_PN: H = (
    VARY,
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
Access-Control-Request-Private-Network",
);
/// Preflights of an any-origin policy.
pub const VARY_PREFLIGHT_ANY: H = (
    VARY,
    b"Access-Control-Request-Method, Access-Control-Request-Headers",
);
/// Preflights of an any-origin policy with private network access.
pub const VARY_PREFLIGHT_ANY_PN: H = (
    VARY,
    b"Access-Control-Request-Method, Access-Control-Request-Headers, \
Access-Control-Request-Private-Network",
);

/// Allowed, or denied for a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied(Reason),
}

/// What must come out of one request.
#[derive(Clone, Copy, Debug)]
pub struct Expect {
    pub kind: Kind,
    pub outcome: Outcome,
    /// The status the CORS layer answers a preflight with; `None` when the
    /// handler runs.
    pub preflight_status: Option<u16>,
    pub runs_handler: bool,
    /// Every CORS header of the response, `vary` included (order-free).
    pub headers: &'static [H],
}

impl Expect {
    /// No `Origin`: not CORS, the handler runs.
    pub const fn not_cors(headers: &'static [H]) -> Self {
        Expect {
            kind: Kind::NotCors,
            outcome: Outcome::Allowed,
            preflight_status: None,
            runs_handler: true,
            headers,
        }
    }

    /// An actual request whose origin is allowed.
    pub const fn actual(headers: &'static [H]) -> Self {
        Expect {
            kind: Kind::Actual,
            outcome: Outcome::Allowed,
            preflight_status: None,
            runs_handler: true,
            headers,
        }
    }

    /// An actual request that is denied: the handler still runs.
    pub const fn actual_denied(reason: Reason, headers: &'static [H]) -> Self {
        Expect {
            kind: Kind::Actual,
            outcome: Outcome::Denied(reason),
            preflight_status: None,
            runs_handler: true,
            headers,
        }
    }

    /// An allowed preflight answered with `status`.
    pub const fn preflight(status: u16, headers: &'static [H]) -> Self {
        Expect {
            kind: Kind::Preflight,
            outcome: Outcome::Allowed,
            preflight_status: Some(status),
            runs_handler: false,
            headers,
        }
    }

    /// A denied preflight: 403, and `headers` holds nothing but `vary`.
    pub const fn preflight_denied(reason: Reason, headers: &'static [H]) -> Self {
        Expect {
            kind: Kind::Preflight,
            outcome: Outcome::Denied(reason),
            preflight_status: Some(403),
            runs_handler: false,
            headers,
        }
    }

    /// Compares an observed response; `Err` describes every difference.
    pub fn check(&self, got: &Observed) -> Result<(), String> {
        let mut diffs = Vec::new();
        if let Some(kind) = got.kind {
            if kind != self.kind {
                diffs.push(format!("kind: expected {:?}, got {kind:?}", self.kind));
            }
        }
        if let Some(outcome) = got.outcome {
            if outcome != self.outcome {
                diffs.push(format!(
                    "verdict: expected {:?}, got {outcome:?}",
                    self.outcome
                ));
            }
        }
        if got.runs_handler != self.runs_handler {
            diffs.push(format!(
                "handler runs: expected {}, got {}",
                self.runs_handler, got.runs_handler
            ));
        }
        if got.preflight_status != self.preflight_status {
            diffs.push(format!(
                "preflight status: expected {:?}, got {:?}",
                self.preflight_status, got.preflight_status
            ));
        }
        let mut want: Vec<(String, Vec<u8>)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_vec()))
            .collect();
        want.sort();
        let mut have = got.headers.clone();
        have.sort();
        if want != have {
            diffs.push(format!(
                "headers:\n      expected {}\n      got      {}",
                show_headers(&want),
                show_headers(&have)
            ));
        }
        if diffs.is_empty() {
            Ok(())
        } else {
            Err(diffs.join("\n    "))
        }
    }
}

/// What a front end observed for one request. `kind` and `outcome` are
/// `None` when the front end cannot see them (then they are not compared).
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub kind: Option<Kind>,
    pub outcome: Option<Outcome>,
    pub preflight_status: Option<u16>,
    pub runs_handler: bool,
    /// The CORS headers (lower-case names), `vary` included.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// Headers shown readably (values escaped, long ones shortened).
pub fn show_headers(headers: &[(String, Vec<u8>)]) -> String {
    let shown: Vec<String> = headers
        .iter()
        .map(|(n, v)| {
            let text: String = v.escape_ascii().to_string();
            let text = if text.len() > 80 {
                format!("{}… ({} bytes)", &text[..80], v.len())
            } else {
                text
            };
            format!("{n}: {text:?}")
        })
        .collect();
    format!("[{}]", shown.join(", "))
}

/// The properties every response of `request` must have whatever the case
/// (DESIGN §3.4, §3.5, §6): never `*` with credentials (but the echo of a
/// method or header literally named `*`), never ACAC without ACAO, no CORS
/// header but `vary` on a denial, no CR/LF/NUL in a value.
pub fn check_invariants(request: &Request, got: &Observed) -> Result<(), String> {
    let mut problems = Vec::new();
    let has = |name: &str| got.headers.iter().any(|(n, _)| n == name);
    let is_star = |v: &[u8]| v.split(|&b| b == b',').any(|e| e.trim_ascii() == b"*");
    // A `*` in ACAM or ACAH is allowed with credentials only as the echo of a
    // method or header the request literally named `*` (§3.4).
    let asked_star_method = request.acrm == Some(b"*");
    let asked_star_header = request.acrh.iter().any(|l| is_star(l));
    if has(ACAC) {
        if !has(ACAO) {
            problems.push("ACAC without ACAO".to_string());
        }
        for (n, v) in &got.headers {
            let echoed = (n == ACAM && asked_star_method) || (n == ACAH && asked_star_header);
            if [ACAO, ACAM, ACAH, ACEH].contains(&n.as_str()) && is_star(v) && !echoed {
                problems.push(format!("`*` in {n} with credentials"));
            }
            if n == ACAC && v.as_slice() != b"true" {
                problems.push(format!("ACAC is {:?}", v.escape_ascii().to_string()));
            }
        }
    }
    let denied =
        matches!(got.outcome, Some(Outcome::Denied(_))) || got.preflight_status == Some(403);
    if denied {
        for (n, _) in &got.headers {
            if n != VARY {
                problems.push(format!("{n} on a denied request"));
            }
        }
    }
    for (n, v) in &got.headers {
        if v.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
            problems.push(format!("CR, LF or NUL in {n}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// One row of the request table.
#[derive(Debug)]
pub struct Case {
    pub name: &'static str,
    pub policy: &'static NamedPolicy,
    pub request: Request,
    pub expect: Expect,
}

// ---------------------------------------------------------------------------
// Adversarial and at-the-cap request values, sized from `limits`
// ---------------------------------------------------------------------------

/// `https://aaa…` of exactly `N` bytes.
const fn long_origin<const N: usize>() -> [u8; N] {
    let mut out = [b'a'; N];
    let prefix = b"https://";
    let mut i = 0;
    while i < prefix.len() {
        out[i] = prefix[i];
        i += 1;
    }
    out
}

/// `x,x,…,x`: `(N + 1) / 2` one-letter names (`N` odd).
const fn name_list<const N: usize>() -> [u8; N] {
    let mut out = [b'x'; N];
    let mut i = 1;
    while i < N {
        out[i] = b',';
        i += 2;
    }
    out
}

/// `x,,,…`: one name followed by `N - 1` empty elements.
const fn name_then_commas<const N: usize>() -> [u8; N] {
    let mut out = [b','; N];
    out[0] = b'x';
    out
}

pub static ORIGIN_AT_CAP: [u8; MAX_ORIGIN_LEN] = long_origin();
pub static ORIGIN_OVER_CAP: [u8; MAX_ORIGIN_LEN + 1] = long_origin();
pub static METHOD_AT_CAP: [u8; MAX_METHOD_LEN] = [b'M'; MAX_METHOD_LEN];
pub static METHOD_OVER_CAP: [u8; MAX_METHOD_LEN + 1] = [b'M'; MAX_METHOD_LEN + 1];
pub static NAMES_AT_CAP: [u8; 2 * MAX_REQUESTED_HEADERS - 1] = name_list();
pub static NAMES_OVER_CAP: [u8; 2 * MAX_REQUESTED_HEADERS + 1] = name_list();
pub static EMPTIES_AT_CAP: [u8; 1 + MAX_EMPTY_ELEMENTS] = name_then_commas();
pub static EMPTIES_OVER_CAP: [u8; 2 + MAX_EMPTY_ELEMENTS] = name_then_commas();
pub static NAME_AT_LEN_CAP: [u8; MAX_REQUEST_HEADERS_LEN] = [b'x'; MAX_REQUEST_HEADERS_LEN];
pub static NAME_OVER_LEN_CAP: [u8; MAX_REQUEST_HEADERS_LEN + 1] =
    [b'x'; MAX_REQUEST_HEADERS_LEN + 1];
pub static HALF_LEN_CAP_PLUS_ONE: [u8; MAX_REQUEST_HEADERS_LEN / 2 + 1] =
    [b'x'; MAX_REQUEST_HEADERS_LEN / 2 + 1];
/// 8 KiB of commas.
pub static COMMAS_8K: [u8; 8192] = [b','; 8192];
/// One 8 KiB header name.
pub static NAME_8K: [u8; 8192] = [b'x'; 8192];
pub static LINES_AT_CAP: [&[u8]; MAX_REQUEST_HEADER_LINES] = [b"x-line"; MAX_REQUEST_HEADER_LINES];
pub static LINES_OVER_CAP: [&[u8]; MAX_REQUEST_HEADER_LINES + 1] =
    [b"x-line"; MAX_REQUEST_HEADER_LINES + 1];
/// The expected headers of an allowed preflight with [`LINES_AT_CAP`]:
/// ACAO, ACAM, one ACAH per line, and `vary`.
pub static LINES_AT_CAP_HEADERS: [H; MAX_REQUEST_HEADER_LINES + 3] = {
    let mut out = [(ACAH, b"x-line" as &[u8]); MAX_REQUEST_HEADER_LINES + 3];
    out[0] = acao(EX);
    out[1] = acam(b"PUT");
    out[MAX_REQUEST_HEADER_LINES + 2] = VARY_PREFLIGHT;
    out
};

// ---------------------------------------------------------------------------
// The request table
// ---------------------------------------------------------------------------

const EX: &[u8] = b"https://example.com";
const APP: &[u8] = b"https://app.example.com";

pub static CASES: &[Case] = &[
    // ── Repeated single-valued headers: ambiguous, denied ──────────────
    Case {
        name: "repeated/two-origin-lines-actual-is-denied-handler-runs",
        policy: &BASIC,
        request: Request::with_origin(b"GET", EX).repeat(SingleHeader::Origin, b"https://evil.com"),
        expect: Expect::actual_denied(Reason::RepeatedHeader, &[VARY_ORIGIN]),
    },
    Case {
        name: "repeated/same-origin-twice-is-still-denied",
        policy: &BASIC,
        request: Request::with_origin(b"GET", EX).repeat(SingleHeader::Origin, EX),
        expect: Expect::actual_denied(Reason::RepeatedHeader, &[VARY_ORIGIN]),
    },
    Case {
        // DESIGN §3.2: the static answer goes on every response; nothing
        // is echoed, so which origin line was meant does not matter.
        name: "repeated/two-origin-lines-any-origin-policy-gets-the-static-answer",
        policy: &ANY_ORIGIN,
        request: Request::with_origin(b"GET", EX).repeat(SingleHeader::Origin, b"https://evil.com"),
        expect: Expect::actual(&[acao(b"*"), aceh(b"*")]),
    },
    Case {
        name: "repeated/two-origin-lines-preflight-is-403",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").repeat(SingleHeader::Origin, EX),
        expect: Expect::preflight_denied(Reason::RepeatedHeader, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "repeated/two-acrm-lines-preflight-is-403",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").repeat(SingleHeader::RequestMethod, b"DELETE"),
        expect: Expect::preflight_denied(Reason::RepeatedHeader, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "repeated/two-acrpn-lines-preflight-is-403",
        policy: &PRIVATE,
        request: Request::preflight(b"https://public.example.com", b"PUT")
            .acrpn(b"true")
            .repeat(SingleHeader::RequestPrivateNetwork, b"true"),
        expect: Expect::preflight_denied(Reason::RepeatedHeader, &[VARY_PREFLIGHT_PN]),
    },
    Case {
        // Outside a preflight only `Origin` is read (§3.1): a repeated
        // request-method line is not a repeated header there.
        name: "repeated/two-acrm-lines-on-a-get-are-not-read",
        policy: &BASIC,
        request: Request::with_origin(b"GET", EX)
            .acrm(b"PUT")
            .repeat(SingleHeader::RequestMethod, b"DELETE"),
        expect: Expect::actual(&[acao(EX), VARY_ORIGIN]),
    },
    // ── §3.1 classification ────────────────────────────────────────────
    Case {
        name: "classify/no-origin-get-is-not-cors",
        policy: &BASIC,
        request: Request::no_origin(b"GET"),
        expect: Expect::not_cors(&[VARY_ORIGIN]),
    },
    Case {
        name: "classify/options-with-acrm-but-no-origin-is-not-cors",
        policy: &BASIC,
        request: Request::no_origin(b"OPTIONS")
            .acrm(b"PUT")
            .acrh(&[b"content-type"]),
        expect: Expect::not_cors(&[VARY_ORIGIN]),
    },
    // §3.2 static answer: an any-origin policy answers every response the
    // same, requests without `Origin` included, and never varies on Origin.
    Case {
        name: "classify/no-origin-any-origin-policy-has-no-vary",
        policy: &ANY_ORIGIN,
        request: Request::no_origin(b"GET"),
        expect: Expect::not_cors(&[acao(b"*"), aceh(b"*")]),
    },
    Case {
        name: "static/no-origin-gets-star-and-named-expose-no-vary",
        policy: &STATIC_EXPOSE,
        request: Request::no_origin(b"GET"),
        expect: Expect::not_cors(&[acao(b"*"), aceh(b"x-total-count, etag")]),
    },
    Case {
        name: "static/no-origin-without-expose-gets-star-only",
        policy: &ANY_ORIGIN_PN,
        request: Request::no_origin(b"POST"),
        expect: Expect::not_cors(&[acao(b"*")]),
    },
    Case {
        name: "static/no-origin-options-with-acrm-is-not-a-preflight",
        policy: &STATIC_EXPOSE,
        request: Request::no_origin(b"OPTIONS")
            .acrm(b"DELETE")
            .acrh(&[b"x-a"]),
        expect: Expect::not_cors(&[acao(b"*"), aceh(b"x-total-count, etag")]),
    },
    Case {
        name: "static/no-origin-acrpn-gets-no-acapn",
        policy: &ANY_ORIGIN_PN,
        request: Request::no_origin(b"OPTIONS").acrm(b"PUT").acrpn(b"true"),
        expect: Expect::not_cors(&[acao(b"*")]),
    },
    Case {
        name: "static/same-answer-with-origin",
        policy: &STATIC_EXPOSE,
        request: Request::with_origin(b"GET", b"https://anything.test"),
        expect: Expect::actual(&[acao(b"*"), aceh(b"x-total-count, etag")]),
    },
    Case {
        name: "static/preflight-allowed",
        policy: &STATIC_EXPOSE,
        request: Request::preflight(b"https://anything.test", b"DELETE"),
        expect: Expect::preflight(204, &[acao(b"*"), acam(b"DELETE"), VARY_PREFLIGHT_ANY]),
    },
    Case {
        name: "static/credentialed-policy-no-origin-gets-vary-only",
        policy: &CREDENTIALED,
        request: Request::no_origin(b"GET"),
        expect: Expect::not_cors(&[VARY_ORIGIN]),
    },
    Case {
        name: "classify/no-origin-private-network-policy-varies-on-origin-only",
        policy: &PRIVATE,
        request: Request::no_origin(b"POST").acrpn(b"true"),
        expect: Expect::not_cors(&[VARY_ORIGIN]),
    },
    Case {
        name: "classify/options-without-acrm-is-actual",
        policy: &BASIC,
        request: Request::with_origin(b"OPTIONS", EX),
        expect: Expect::actual(&[acao(EX), VARY_ORIGIN]),
    },
    Case {
        name: "classify/options-without-acrm-denied-origin-still-runs-handler",
        policy: &BASIC,
        request: Request::with_origin(b"OPTIONS", b"https://other.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "classify/acrm-on-get-is-actual",
        policy: &BASIC,
        request: Request::with_origin(b"GET", EX).acrm(b"PUT"),
        expect: Expect::actual(&[acao(EX), VARY_ORIGIN]),
    },
    Case {
        name: "classify/acrm-and-acrh-on-put-is-actual",
        policy: &BASIC,
        request: Request::with_origin(b"PUT", EX)
            .acrm(b"PATCH")
            .acrh(&[b"x-not-allowed"]),
        expect: Expect::actual(&[acao(EX), VARY_ORIGIN]),
    },
    Case {
        name: "classify/lower-case-options-with-acrm-is-actual",
        policy: &BASIC,
        request: Request::with_origin(b"options", EX).acrm(b"PUT"),
        expect: Expect::actual(&[acao(EX), VARY_ORIGIN]),
    },
    // ── §3.2 / §3.3 actual requests ────────────────────────────────────
    Case {
        name: "actual/allowed-exact-origin",
        policy: &BASIC,
        request: Request::with_origin(b"GET", EX),
        expect: Expect::actual(&[acao(EX), VARY_ORIGIN]),
    },
    Case {
        name: "actual/allowed-exact-origin-with-port",
        policy: &BASIC,
        request: Request::with_origin(b"POST", b"http://example.com:8080"),
        expect: Expect::actual(&[acao(b"http://example.com:8080"), VARY_ORIGIN]),
    },
    Case {
        name: "actual/method-is-not-checked",
        policy: &BASIC,
        request: Request::with_origin(b"PATCH", EX),
        expect: Expect::actual(&[acao(EX), VARY_ORIGIN]),
    },
    Case {
        name: "actual/denied-origin-runs-handler-with-vary-only",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://other.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "actual/credentials-acac-and-expose",
        policy: &CREDENTIALED,
        request: Request::with_origin(b"GET", APP),
        expect: Expect::actual(&[
            acao(APP),
            ACAC_TRUE,
            aceh(b"x-total-count, x-request-id"),
            VARY_ORIGIN,
        ]),
    },
    Case {
        name: "actual/credentials-denied-has-no-acac-no-aceh",
        policy: &CREDENTIALED,
        request: Request::with_origin(b"GET", b"https://evil.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "actual/credentials-literal-star-origin-is-not-echoed",
        policy: &CREDENTIALED,
        request: Request::with_origin(b"GET", b"*"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "actual/private-network-policy-ignores-acrpn-on-actual",
        policy: &PRIVATE,
        request: Request::with_origin(b"GET", b"https://public.example.com").acrpn(b"true"),
        expect: Expect::actual(&[acao(b"https://public.example.com"), VARY_ORIGIN]),
    },
    Case {
        name: "actual/private-network-policy-denied-origin",
        policy: &PRIVATE,
        request: Request::with_origin(b"GET", b"https://other.example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    // ── any-origin policies ────────────────────────────────────────────
    Case {
        name: "any-origin/actual-star-and-expose-all-no-vary",
        policy: &ANY_ORIGIN,
        request: Request::with_origin(b"GET", b"https://anything.test"),
        expect: Expect::actual(&[acao(b"*"), aceh(b"*")]),
    },
    Case {
        name: "any-origin/actual-null-origin-gets-star",
        policy: &ANY_ORIGIN,
        request: Request::with_origin(b"DELETE", b"null"),
        expect: Expect::actual(&[acao(b"*"), aceh(b"*")]),
    },
    Case {
        name: "any-origin/preflight-allowed",
        policy: &ANY_ORIGIN,
        request: Request::preflight(b"https://anything.test", b"PUT").acrh(&[b"x-anything"]),
        expect: Expect::preflight(
            204,
            &[
                acao(b"*"),
                acam(b"PUT"),
                acah(b"x-anything"),
                acma(b"0"),
                VARY_PREFLIGHT_ANY,
            ],
        ),
    },
    Case {
        name: "any-origin/preflight-method-denied",
        policy: &ANY_ORIGIN,
        request: Request::preflight(b"https://anything.test", b"DELETE"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT_ANY]),
    },
    Case {
        name: "any-origin/star-headers-never-cover-authorization",
        policy: &ANY_ORIGIN,
        request: Request::preflight(b"https://anything.test", b"PUT")
            .acrh(&[b"x-a, authorization"]),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT_ANY]),
    },
    // §3.4: without permission, ACRPN is ignored: decided on the CORS
    // checks alone, no ACAPN (the browser decides).
    Case {
        name: "any-origin/private-network-requested-but-policy-disallows",
        policy: &ANY_ORIGIN,
        request: Request::preflight(b"https://anything.test", b"PUT").acrpn(b"true"),
        expect: Expect::preflight(
            204,
            &[acao(b"*"), acam(b"PUT"), acma(b"0"), VARY_PREFLIGHT_ANY],
        ),
    },
    Case {
        name: "any-origin/actual-private-network-policy-no-vary",
        policy: &ANY_ORIGIN_PN,
        request: Request::with_origin(b"GET", b"https://anything.test"),
        expect: Expect::actual(&[acao(b"*")]),
    },
    Case {
        name: "any-origin/preflight-private-network-allowed",
        policy: &ANY_ORIGIN_PN,
        request: Request::preflight(b"https://anything.test", b"PUT").acrpn(b"true"),
        expect: Expect::preflight(
            204,
            &[acao(b"*"), acam(b"PUT"), ACAPN_TRUE, VARY_PREFLIGHT_ANY_PN],
        ),
    },
    // ── §3.4 preflight allowed ─────────────────────────────────────────
    Case {
        name: "preflight/allowed-method-and-header",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b"content-type"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"content-type"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "preflight/allowed-without-acrh-has-no-acah",
        policy: &BASIC,
        request: Request::preflight(b"http://example.com:8080", b"DELETE"),
        expect: Expect::preflight(
            204,
            &[
                acao(b"http://example.com:8080"),
                acam(b"DELETE"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "preflight/empty-acrh-line-has-no-acah",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b""]),
        expect: Expect::preflight(204, &[acao(EX), acam(b"PUT"), VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight/safelisted-get-passes-method-check",
        policy: &BASIC,
        request: Request::preflight(EX, b"GET").acrh(&[b"x-request-id"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"GET"),
                acah(b"x-request-id"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "preflight/safelisted-head-passes-method-check",
        policy: &BASIC,
        request: Request::preflight(EX, b"HEAD"),
        expect: Expect::preflight(204, &[acao(EX), acam(b"HEAD"), VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight/safelisted-post-passes-method-check",
        policy: &BASIC,
        request: Request::preflight(EX, b"POST").acrh(&[b"content-type"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"POST"),
                acah(b"content-type"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "preflight/success-status-200-when-configured",
        policy: &PATTERNS,
        request: Request::preflight(b"https://a.example.com", b"PATCH").acrh(&[b"Content-Type"]),
        expect: Expect::preflight(
            200,
            &[
                acao(b"https://a.example.com"),
                acam(b"PATCH"),
                acah(b"Content-Type"),
                acma(b"86400"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "preflight/denied-is-403-even-when-success-is-200",
        policy: &PATTERNS,
        request: Request::preflight(b"https://a.example.com", b"PUT"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT]),
    },
    // ── credentials ────────────────────────────────────────────────────
    Case {
        name: "credentials/preflight-echoes-method-and-headers-never-star",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"PATCH").acrh(&[b"x-custom, content-type"]),
        expect: Expect::preflight(
            204,
            &[
                acao(APP),
                ACAC_TRUE,
                acam(b"PATCH"),
                acah(b"x-custom, content-type"),
                acma(b"600"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "credentials/star-headers-never-cover-authorization",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"PUT").acrh(&[b"authorization"]),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "credentials/star-headers-never-cover-authorization-any-case",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"PUT").acrh(&[b"x-a, Authorization"]),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "credentials/denied-origin-preflight-leaks-nothing",
        policy: &CREDENTIALED,
        request: Request::preflight(b"https://evil.com", b"PUT").acrh(&[b"x-custom"]),
        expect: Expect::preflight_denied(Reason::OriginNotAllowed, &[VARY_PREFLIGHT]),
    },
    // §3.4: "With credentials, `*` is never emitted in ACAO/ACAM/ACAH/ACEH".
    // Echoing a requested method or header literally named `*` would emit it.
    // §3.4 (WPT `cors-preflight-star`): a method or header literally named
    // `*` is allowed by an any-method / any-header policy and echoed. With
    // credentials the browser reads the echo as that name, which covers the
    // request; ACAO stays the origin.
    Case {
        name: "credentials/requested-method-star-is-allowed-and-echoed",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"*"),
        expect: Expect::preflight(
            204,
            &[
                acao(APP),
                ACAC_TRUE,
                acam(b"*"),
                acma(b"600"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "credentials/requested-header-star-is-allowed-and-echoed",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"PUT").acrh(&[b"x-a, *"]),
        expect: Expect::preflight(
            204,
            &[
                acao(APP),
                ACAC_TRUE,
                acam(b"PUT"),
                acah(b"x-a, *"),
                acma(b"600"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "credentials/requested-star-method-and-star-header-together",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"*").acrh(&[b"*"]),
        expect: Expect::preflight(
            204,
            &[
                acao(APP),
                ACAC_TRUE,
                acam(b"*"),
                acah(b"*"),
                acma(b"600"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "credentials/star-header-does-not-smuggle-authorization",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"PUT").acrh(&[b"*, authorization"]),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "star-request/method-star-without-credentials-is-echoed",
        policy: &ANY_ORIGIN_PN,
        request: Request::preflight(b"https://anything.test", b"*"),
        expect: Expect::preflight(204, &[acao(b"*"), acam(b"*"), VARY_PREFLIGHT_ANY_PN]),
    },
    Case {
        name: "star-request/header-star-without-credentials-is-echoed",
        policy: &ANY_ORIGIN,
        request: Request::preflight(b"https://anything.test", b"PUT").acrh(&[b"*"]),
        expect: Expect::preflight(
            204,
            &[
                acao(b"*"),
                acam(b"PUT"),
                acah(b"*"),
                acma(b"0"),
                VARY_PREFLIGHT_ANY,
            ],
        ),
    },
    Case {
        name: "star-request/header-star-beside-listed-authorization",
        policy: &ANY_HEADER_AUTH,
        request: Request::preflight(EX, b"PUT").acrh(&[b"authorization", b"*"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"authorization"),
                acah(b"*"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "star-request/method-star-needs-an-any-method-policy",
        policy: &ANY_ORIGIN,
        request: Request::preflight(b"https://anything.test", b"*"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT_ANY]),
    },
    Case {
        name: "star-request/header-star-needs-an-any-header-policy",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b"content-type, *"]),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT]),
    },
    // ── authorization with `*` ─────────────────────────────────────────
    Case {
        name: "authorization/listed-beside-star-is-allowed",
        policy: &ANY_HEADER_AUTH,
        request: Request::preflight(EX, b"PUT").acrh(&[b"authorization, x-anything"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"authorization, x-anything"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "authorization/listed-matches-any-case",
        policy: &ANY_HEADER_AUTH,
        request: Request::preflight(EX, b"PUT").acrh(&[b"AUTHORIZATION"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"AUTHORIZATION"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    // ── §3.5 preflight denied ──────────────────────────────────────────
    Case {
        name: "preflight-denied/origin",
        policy: &BASIC,
        request: Request::preflight(b"https://other.com", b"PUT").acrh(&[b"content-type"]),
        expect: Expect::preflight_denied(Reason::OriginNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/method-not-listed",
        policy: &BASIC,
        request: Request::preflight(EX, b"PATCH"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/header-not-listed",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b"content-type, x-other"]),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/empty-acrm-is-malformed",
        policy: &BASIC,
        request: Request::preflight(EX, b""),
        expect: Expect::preflight_denied(Reason::MethodMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/acrm-with-space-is-malformed",
        policy: &BASIC,
        request: Request::preflight(EX, b"PU T"),
        expect: Expect::preflight_denied(Reason::MethodMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/acrm-with-crlf-is-malformed",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"PUT\r\nX-Injected: 1"),
        expect: Expect::preflight_denied(Reason::MethodMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/acrm-over-length-cap-is-malformed",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, &METHOD_OVER_CAP),
        expect: Expect::preflight_denied(Reason::MethodMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight/acrm-at-length-cap-is-echoed",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, &METHOD_AT_CAP),
        expect: Expect::preflight(
            204,
            &[
                acao(APP),
                ACAC_TRUE,
                acam(&METHOD_AT_CAP),
                acma(b"600"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "preflight-denied/origin-checked-before-method",
        policy: &BASIC,
        request: Request::preflight(b"https://other.com", b"PU T"),
        expect: Expect::preflight_denied(Reason::OriginNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/method-checked-before-headers",
        policy: &BASIC,
        request: Request::preflight(EX, b"PATCH").acrh(&[b"x-other"]),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "preflight-denied/headers-checked-before-private-network",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT")
            .acrh(&[b"x-other"])
            .acrpn(b"true"),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT]),
    },
    // ── §3.7 methods are case-sensitive ────────────────────────────────
    Case {
        name: "methods/lower-case-get-is-not-safelisted",
        policy: &BASIC,
        request: Request::preflight(EX, b"get"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "methods/lower-case-put-does-not-match-PUT",
        policy: &BASIC,
        request: Request::preflight(EX, b"put"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "methods/patch-does-not-match-PATCH",
        policy: &PATTERNS,
        request: Request::preflight(b"https://a.example.com", b"patch"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "methods/patch-matches-patch",
        policy: &REGEX,
        request: Request::preflight(b"https://tenant.example.org", b"patch"),
        expect: Expect::preflight(
            204,
            &[
                acao(b"https://tenant.example.org"),
                acam(b"patch"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "methods/PATCH-does-not-match-patch",
        policy: &REGEX,
        request: Request::preflight(b"https://tenant.example.org", b"PATCH"),
        expect: Expect::preflight_denied(Reason::MethodNotAllowed, &[VARY_PREFLIGHT]),
    },
    // ── private network ────────────────────────────────────────────────
    Case {
        name: "private-network/requested-and-allowed",
        policy: &PRIVATE,
        request: Request::preflight(b"https://public.example.com", b"PUT")
            .acrh(&[b"content-type"])
            .acrpn(b"true"),
        expect: Expect::preflight(
            204,
            &[
                acao(b"https://public.example.com"),
                acam(b"PUT"),
                acah(b"content-type"),
                ACAPN_TRUE,
                VARY_PREFLIGHT_PN,
            ],
        ),
    },
    Case {
        name: "private-network/not-requested-no-acapn-but-vary",
        policy: &PRIVATE,
        request: Request::preflight(b"https://public.example.com", b"PUT"),
        expect: Expect::preflight(
            204,
            &[
                acao(b"https://public.example.com"),
                acam(b"PUT"),
                VARY_PREFLIGHT_PN,
            ],
        ),
    },
    Case {
        name: "private-network/denied-origin-leaks-no-acapn",
        policy: &PRIVATE,
        request: Request::preflight(b"https://other.example.com", b"PUT").acrpn(b"true"),
        expect: Expect::preflight_denied(Reason::OriginNotAllowed, &[VARY_PREFLIGHT_PN]),
    },
    Case {
        name: "private-network/requested-but-policy-disallows-is-decided-without-acapn",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT")
            .acrh(&[b"content-type"])
            .acrpn(b"true"),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"content-type"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "private-network/credentialed-policy-without-it-ignores-acrpn",
        policy: &CREDENTIALED,
        request: Request::preflight(APP, b"PUT")
            .acrh(&[b"x-custom"])
            .acrpn(b"true"),
        expect: Expect::preflight(
            204,
            &[
                acao(APP),
                ACAC_TRUE,
                acam(b"PUT"),
                acah(b"x-custom"),
                acma(b"600"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "private-network/not-allowed-still-denies-on-cors-checks",
        policy: &BASIC,
        request: Request::preflight(b"https://other.com", b"PUT").acrpn(b"true"),
        expect: Expect::preflight_denied(Reason::OriginNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "private-network/value-other-than-true-is-not-a-request",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrpn(b"false"),
        expect: Expect::preflight(204, &[acao(EX), acam(b"PUT"), VARY_PREFLIGHT]),
    },
    // ── §3.7 near-miss origins (exact `https://example.com`) ───────────
    Case {
        name: "origin/suffix-evil-com",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com.evil.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/glued-prefix",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://evilexample.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/subdomain-of-exact-origin",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://a.example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/wrong-scheme",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"http://example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/extra-port",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com:8443"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/wrong-port",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"http://example.com:8081"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/default-port-spelled-out",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com:443"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/trailing-slash",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com/"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/upper-case-host",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://EXAMPLE.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/upper-case-scheme-preflight",
        policy: &BASIC,
        request: Request::preflight(b"HTTPS://example.com", b"PUT"),
        expect: Expect::preflight_denied(Reason::OriginNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "origin/null-without-opt-in",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"null"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/null-with-opt-in-actual",
        policy: &NULL_ALLOWED,
        request: Request::with_origin(b"GET", b"null"),
        expect: Expect::actual(&[acao(b"null"), VARY_ORIGIN]),
    },
    Case {
        name: "origin/null-with-opt-in-preflight",
        policy: &NULL_ALLOWED,
        request: Request::preflight(b"null", b"PUT"),
        expect: Expect::preflight(204, &[acao(b"null"), acam(b"PUT"), VARY_PREFLIGHT]),
    },
    Case {
        name: "origin/upper-case-null-is-not-null",
        policy: &NULL_ALLOWED,
        request: Request::with_origin(b"GET", b"NULL"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/null-never-matches-a-pattern",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"null"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/null-never-matches-a-regex",
        policy: &REGEX,
        request: Request::preflight(b"null", b"patch"),
        expect: Expect::preflight_denied(Reason::OriginNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "origin/non-ascii-bytes",
        policy: &BASIC,
        request: Request::with_origin(b"GET", "https://exämple.com".as_bytes()),
        expect: Expect::actual_denied(Reason::OriginMalformed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/invalid-utf8-byte",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com\xff"),
        expect: Expect::actual_denied(Reason::OriginMalformed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/nul-byte",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com\0"),
        expect: Expect::actual_denied(Reason::OriginMalformed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/crlf-injection",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com\r\nSet-Cookie: a=b"),
        expect: Expect::actual_denied(Reason::OriginMalformed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/crlf-injection-preflight",
        policy: &CREDENTIALED,
        request: Request::preflight(b"https://app.example.com\r\n", b"PUT"),
        expect: Expect::preflight_denied(Reason::OriginMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "origin/tab-and-space",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b"https://example.com\t "),
        expect: Expect::actual_denied(Reason::OriginMalformed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/empty",
        policy: &BASIC,
        request: Request::with_origin(b"GET", b""),
        expect: Expect::actual_denied(Reason::OriginMalformed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/empty-preflight",
        policy: &BASIC,
        request: Request::preflight(b"", b"PUT"),
        expect: Expect::preflight_denied(Reason::OriginMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "origin/at-length-cap-is-looked-at",
        policy: &BASIC,
        request: Request::with_origin(b"GET", &ORIGIN_AT_CAP),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/over-length-cap",
        policy: &BASIC,
        request: Request::with_origin(b"GET", &ORIGIN_OVER_CAP),
        expect: Expect::actual_denied(Reason::OriginTooLong, &[VARY_ORIGIN]),
    },
    Case {
        name: "origin/over-length-cap-preflight",
        policy: &PATTERNS,
        request: Request::preflight(&ORIGIN_OVER_CAP, b"PATCH"),
        expect: Expect::preflight_denied(Reason::OriginTooLong, &[VARY_PREFLIGHT]),
    },
    // ── §3.7 patterns ──────────────────────────────────────────────────
    Case {
        name: "pattern/one-label",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://a.example.com"),
        expect: Expect::actual(&[acao(b"https://a.example.com"), VARY_ORIGIN]),
    },
    Case {
        name: "pattern/several-labels",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://a.b-c.example.com"),
        expect: Expect::actual(&[acao(b"https://a.b-c.example.com"), VARY_ORIGIN]),
    },
    Case {
        name: "pattern/never-the-apex",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/suffix-attack",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://a.example.com.evil.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/glued-label",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://evilexample.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/empty-label",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://.example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/path-smuggled-before-suffix",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://evil.com/.example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/literal-star-label",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://*.example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/wrong-scheme",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://a.example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/port-not-in-pattern",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://a.example.com:8443"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/default-port-spelled-out",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://a.example.com:443"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/upper-case-label",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://A.example.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-any-port",
        policy: &PATTERNS,
        request: Request::preflight(b"http://localhost:5173", b"PATCH"),
        expect: Expect::preflight(
            200,
            &[
                acao(b"http://localhost:5173"),
                acam(b"PATCH"),
                acma(b"86400"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "pattern/localhost-no-port",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://localhost"),
        expect: Expect::actual(&[acao(b"http://localhost"), VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-highest-port",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://localhost:65535"),
        expect: Expect::actual(&[acao(b"http://localhost:65535"), VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-port-zero",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://localhost:0"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-port-out-of-range",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://localhost:65536"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-empty-port",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://localhost:"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-port-with-trailing-slash",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://localhost:3000/"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-suffix-attack",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://localhost.evil.com:3000"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-userinfo",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"http://evil.com@localhost:3000"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "pattern/localhost-wrong-scheme",
        policy: &PATTERNS,
        request: Request::with_origin(b"GET", b"https://localhost:3000"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    // ── §3.7 regexes match the whole origin ────────────────────────────
    Case {
        name: "regex/unanchored-matches",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"https://pr-42.preview.example.net"),
        expect: Expect::actual(&[acao(b"https://pr-42.preview.example.net"), VARY_ORIGIN]),
    },
    Case {
        name: "regex/unanchored-suffix-attack",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"https://pr-42.preview.example.net.evil.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "regex/unanchored-prefix-attack",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"xhttps://pr-42.preview.example.net"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "regex/extra-label-not-matched",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"https://a.pr-42.preview.example.net"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "regex/anchored-matches",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"http://10.0.0.7"),
        expect: Expect::actual(&[acao(b"http://10.0.0.7"), VARY_ORIGIN]),
    },
    Case {
        name: "regex/anchored-with-port-not-matched",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"http://10.0.0.7:8080"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "regex/alternation-is-wrapped-as-a-whole",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"https://tenant.example.org.evil.com"),
        expect: Expect::actual_denied(Reason::OriginNotAllowed, &[VARY_ORIGIN]),
    },
    Case {
        name: "regex/alternation-branch-matches",
        policy: &REGEX,
        request: Request::with_origin(b"GET", b"https://tenant.example.org"),
        expect: Expect::actual(&[acao(b"https://tenant.example.org"), VARY_ORIGIN]),
    },
    // ── §3.7 Access-Control-Request-Headers ────────────────────────────
    Case {
        name: "acrh/mixed-case-names-echoed-as-sent",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b"Content-Type, X-REQUEST-ID"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"Content-Type, X-REQUEST-ID"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/whitespace-and-tabs-trimmed-around-the-line",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b" \tcontent-type ,\tx-request-id\t "]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"content-type ,\tx-request-id"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/empty-elements",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b",content-type,, ,x-request-id,"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b",content-type,, ,x-request-id,"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/several-lines-one-acah-each",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b"content-type", b" x-request-id"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"content-type"),
                acah(b"x-request-id"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/blank-line-among-several-is-skipped",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b"content-type", b" \t ", b"X-Request-Id"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(b"content-type"),
                acah(b"X-Request-Id"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/any-order-and-duplicates",
        policy: &BASIC,
        request: Request::preflight(EX, b"DELETE")
            .acrh(&[b"x-request-id, content-type, x-request-id"]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"DELETE"),
                acah(b"x-request-id, content-type, x-request-id"),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/not-allowed-name-in-second-line",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[b"content-type", b"x-other"]),
        expect: Expect::preflight_denied(Reason::HeaderNotAllowed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/space-inside-a-name-is-malformed",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[b"x-a, x b"]),
        expect: Expect::preflight_denied(Reason::HeaderMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/non-token-byte-is-malformed",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[b"x-a;x-b"]),
        expect: Expect::preflight_denied(Reason::HeaderMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/non-ascii-name-is-malformed",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[b"x-caf\xc3\xa9"]),
        expect: Expect::preflight_denied(Reason::HeaderMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/crlf-in-a-name-is-malformed",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[b"x-a\r\nSet-Cookie: a=b"]),
        expect: Expect::preflight_denied(Reason::HeaderMalformed, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/8k-of-commas",
        policy: &BASIC,
        request: Request::preflight(EX, b"PUT").acrh(&[&COMMAS_8K]),
        expect: Expect::preflight_denied(Reason::RequestHeadersTooLong, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/one-8k-name",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[&NAME_8K]),
        expect: Expect::preflight_denied(Reason::RequestHeadersTooLong, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/name-at-total-length-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[&NAME_AT_LEN_CAP]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(&NAME_AT_LEN_CAP),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/name-over-total-length-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[&NAME_OVER_LEN_CAP]),
        expect: Expect::preflight_denied(Reason::RequestHeadersTooLong, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/two-lines-over-total-length-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT")
            .acrh(&[&HALF_LEN_CAP_PLUS_ONE, &HALF_LEN_CAP_PLUS_ONE]),
        expect: Expect::preflight_denied(Reason::RequestHeadersTooLong, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/names-at-count-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[&NAMES_AT_CAP]),
        expect: Expect::preflight(
            204,
            &[acao(EX), acam(b"PUT"), acah(&NAMES_AT_CAP), VARY_PREFLIGHT],
        ),
    },
    Case {
        name: "acrh/names-over-count-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[&NAMES_OVER_CAP]),
        expect: Expect::preflight_denied(Reason::TooManyRequestedHeaders, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/empty-elements-at-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[&EMPTIES_AT_CAP]),
        expect: Expect::preflight(
            204,
            &[
                acao(EX),
                acam(b"PUT"),
                acah(&EMPTIES_AT_CAP),
                VARY_PREFLIGHT,
            ],
        ),
    },
    Case {
        name: "acrh/empty-elements-over-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&[&EMPTIES_OVER_CAP]),
        expect: Expect::preflight_denied(Reason::TooManyEmptyElements, &[VARY_PREFLIGHT]),
    },
    Case {
        name: "acrh/lines-at-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&LINES_AT_CAP),
        expect: Expect::preflight(204, &LINES_AT_CAP_HEADERS),
    },
    Case {
        name: "acrh/lines-over-cap",
        policy: &CAPS,
        request: Request::preflight(EX, b"PUT").acrh(&LINES_OVER_CAP),
        expect: Expect::preflight_denied(Reason::TooManyRequestHeaderLines, &[VARY_PREFLIGHT]),
    },
];

// ---------------------------------------------------------------------------
// The configuration-error table (DESIGN §3.9)
// ---------------------------------------------------------------------------

/// One expected problem: the field, the offending value and what is wrong.
/// For [`Problem::InvalidRegex`] the parser's message is not compared.
pub type ExpectedProblem = (Field, Value<'static>, Problem);

/// An invalid configuration and every problem compiling it must report.
#[derive(Debug)]
pub struct ConfigCase {
    pub name: &'static str,
    pub config: Config<'static, 'static>,
    pub problems: &'static [ExpectedProblem],
}

/// Does a reported problem match an expected one? The canonical host of
/// [`Problem::NonCanonicalHost`] is compared when the expected one names it.
pub fn problem_matches(expected: &Problem, got: &Problem) -> bool {
    match (expected, got) {
        (Problem::InvalidRegex(_), _) => matches!(got, Problem::InvalidRegex(_)),
        (Problem::NonCanonicalHost(want), Problem::NonCanonicalHost(have)) => {
            want.is_empty() || want == have
        }
        _ => expected == got,
    }
}

/// [`Problem::NonCanonicalHost`] with its host not compared (the
/// regression tests check the text of each canonical form).
pub const NON_CANONICAL: Problem = Problem::NonCanonicalHost(heapless::String::new());

const fn origin_case(
    name: &'static str,
    origins: &'static [&'static str],
    problems: &'static [ExpectedProblem],
) -> ConfigCase {
    ConfigCase {
        name,
        config: Config::new().allowed_origins(origins),
        problems,
    }
}

/// A valid origin, so that cases about other fields report only their own
/// problem (and not `NoOrigin`).
const OK_ORIGIN: &[&str] = &["https://example.com"];
const OK: Config<'static, 'static> = Config::new().allowed_origins(OK_ORIGIN);

use Field::{
    AllowedHeaders as Headers, AllowedMethods as Methods, AllowedOriginRegexes as Regexes,
    AllowedOrigins as Origins, ExposedHeaders as Exposed,
};

pub static CONFIG_CASES: &[ConfigCase] = &[
    origin_case(
        "origin/path",
        &["https://example.com/app"],
        &[(
            Origins,
            Value::Str("https://example.com/app"),
            Problem::Path,
        )],
    ),
    origin_case(
        "origin/trailing-slash",
        &["https://example.com/"],
        &[(Origins, Value::Str("https://example.com/"), Problem::Path)],
    ),
    origin_case(
        "origin/missing-scheme",
        &["example.com"],
        &[(Origins, Value::Str("example.com"), Problem::MissingScheme)],
    ),
    origin_case(
        "origin/invalid-scheme",
        &["1https://example.com"],
        &[(
            Origins,
            Value::Str("1https://example.com"),
            Problem::InvalidScheme,
        )],
    ),
    origin_case(
        "origin/userinfo",
        &["https://user:pw@example.com"],
        &[(
            Origins,
            Value::Str("https://user:pw@example.com"),
            Problem::Userinfo,
        )],
    ),
    origin_case(
        "origin/query-and-fragment",
        &["https://example.com?x=1", "https://example.com#top"],
        &[
            (
                Origins,
                Value::Str("https://example.com?x=1"),
                Problem::Query,
            ),
            (
                Origins,
                Value::Str("https://example.com#top"),
                Problem::Query,
            ),
        ],
    ),
    origin_case(
        "origin/non-ascii-host",
        &["https://bücher.example"],
        &[(
            Origins,
            Value::Str("https://bücher.example"),
            Problem::NonAsciiHost,
        )],
    ),
    origin_case(
        "origin/upper-case",
        &["https://Example.com", "HTTPS://example.com"],
        &[
            (
                Origins,
                Value::Str("https://Example.com"),
                Problem::Uppercase,
            ),
            (
                Origins,
                Value::Str("HTTPS://example.com"),
                Problem::Uppercase,
            ),
        ],
    ),
    origin_case(
        "origin/explicit-default-port",
        &["https://example.com:443", "http://example.com:80"],
        &[
            (
                Origins,
                Value::Str("https://example.com:443"),
                Problem::DefaultPort,
            ),
            (
                Origins,
                Value::Str("http://example.com:80"),
                Problem::DefaultPort,
            ),
        ],
    ),
    origin_case(
        "origin/invalid-port",
        &[
            "https://example.com:0",
            "https://example.com:65536",
            "https://example.com:08080",
            "https://example.com:",
        ],
        &[
            (
                Origins,
                Value::Str("https://example.com:0"),
                Problem::InvalidPort,
            ),
            (
                Origins,
                Value::Str("https://example.com:65536"),
                Problem::InvalidPort,
            ),
            (
                Origins,
                Value::Str("https://example.com:08080"),
                Problem::InvalidPort,
            ),
            (
                Origins,
                Value::Str("https://example.com:"),
                Problem::InvalidPort,
            ),
        ],
    ),
    origin_case(
        "origin/null-in-list",
        &["null", "https://example.com"],
        &[(Origins, Value::Str("null"), Problem::NullOrigin)],
    ),
    origin_case(
        "origin/empty-and-whitespace",
        &["", "https://exa mple.com"],
        &[
            (Origins, Value::Str(""), Problem::Empty),
            (
                Origins,
                Value::Str("https://exa mple.com"),
                Problem::Whitespace,
            ),
        ],
    ),
    origin_case(
        "origin/invalid-host",
        &["https://example..com"],
        &[(
            Origins,
            Value::Str("https://example..com"),
            Problem::InvalidHost,
        )],
    ),
    origin_case(
        "origin/star-not-alone",
        &["*", "https://example.com"],
        &[(Origins, Value::Str("*"), Problem::WildcardNotAlone)],
    ),
    origin_case(
        "pattern/glued-wildcard",
        &["https://*example.com"],
        &[(
            Origins,
            Value::Str("https://*example.com"),
            Problem::MisplacedWildcard,
        )],
    ),
    origin_case(
        "pattern/inner-and-port-wildcards",
        &["https://a.*.example.com", "https://example.com:8*"],
        &[
            (
                Origins,
                Value::Str("https://a.*.example.com"),
                Problem::MisplacedWildcard,
            ),
            (
                Origins,
                Value::Str("https://example.com:8*"),
                Problem::MisplacedWildcard,
            ),
        ],
    ),
    origin_case(
        "pattern/over-a-top-level-domain",
        &["https://*.com"],
        &[(
            Origins,
            Value::Str("https://*.com"),
            Problem::PatternTooBroad,
        )],
    ),
    ConfigCase {
        name: "origin/star-with-credentials",
        config: Config::new()
            .allowed_origins(&["*"])
            .allow_credentials(true),
        problems: &[(Origins, Value::Str("*"), Problem::AnyOriginWithCredentials)],
    },
    ConfigCase {
        name: "expose/star-with-credentials",
        config: OK.exposed_headers(&["*"]).allow_credentials(true),
        problems: &[(Exposed, Value::Str("*"), Problem::ExposeAllWithCredentials)],
    },
    // `Set-Cookie` is only a warning (§3.9); errors come without warnings.
    ConfigCase {
        name: "expose/invalid-token-beside-a-set-cookie-warning",
        config: OK.exposed_headers(&["x-a,x-b", "Set-Cookie"]),
        problems: &[(Exposed, Value::Str("x-a,x-b"), Problem::InvalidToken)],
    },
    // With credentials, a subdomain pattern over a public suffix and a
    // regex that matches canary origins are errors (§3.9).
    ConfigCase {
        name: "origin/public-suffix-pattern-with-credentials",
        config: Config::new()
            .allowed_origins(&["https://*.co.uk", "https://*.github.io"])
            .allow_credentials(true),
        problems: &[
            (
                Origins,
                Value::Str("https://*.co.uk"),
                Problem::PublicSuffixPattern,
            ),
            (
                Origins,
                Value::Str("https://*.github.io"),
                Problem::PublicSuffixPattern,
            ),
        ],
    },
    ConfigCase {
        name: "regex/too-broad-with-credentials",
        config: Config::new()
            .allowed_origin_regexes(&[".*", "https?://.*", r"https://[a-z]+\.com"])
            .allow_credentials(true),
        problems: &[
            (Regexes, Value::Str(".*"), Problem::RegexTooBroad),
            (Regexes, Value::Str("https?://.*"), Problem::RegexTooBroad),
            (
                Regexes,
                Value::Str(r"https://[a-z]+\.com"),
                Problem::RegexTooBroad,
            ),
        ],
    },
    ConfigCase {
        name: "origin/non-canonical-ip-hosts",
        config: Config::new().allowed_origins(&[
            "http://127.000.0.1",
            "http://0x7f.0.0.1",
            "http://[0:0:0:0:0:0:0:1]",
            "http://[::ffff:127.0.0.1]:8080",
        ]),
        problems: &[
            (Origins, Value::Str("http://127.000.0.1"), NON_CANONICAL),
            (Origins, Value::Str("http://0x7f.0.0.1"), NON_CANONICAL),
            (
                Origins,
                Value::Str("http://[0:0:0:0:0:0:0:1]"),
                NON_CANONICAL,
            ),
            (
                Origins,
                Value::Str("http://[::ffff:127.0.0.1]:8080"),
                NON_CANONICAL,
            ),
        ],
    },
    ConfigCase {
        name: "regex/invalid",
        config: Config::new().allowed_origin_regexes(&[r"https://(a"]),
        problems: &[(
            Regexes,
            Value::Str(r"https://(a"),
            Problem::InvalidRegex(String::new()),
        )],
    },
    ConfigCase {
        name: "regex/empty-and-non-ascii",
        config: Config::new().allowed_origin_regexes(&["", r"https://bücher\.example"]),
        problems: &[
            (Regexes, Value::Str(""), Problem::Empty),
            (
                Regexes,
                Value::Str(r"https://bücher\.example"),
                Problem::NonAsciiRegex,
            ),
        ],
    },
    ConfigCase {
        name: "methods/invalid-tokens",
        config: OK.allowed_methods(&["GE T", "PUT\r\n", ""]),
        problems: &[
            (Methods, Value::Str("GE T"), Problem::InvalidToken),
            (Methods, Value::Str("PUT\r\n"), Problem::InvalidToken),
            (Methods, Value::Str(""), Problem::Empty),
        ],
    },
    ConfigCase {
        name: "methods/forbidden",
        config: OK.allowed_methods(&["CONNECT", "TRACE", "TRACK", "connect"]),
        problems: &[
            (Methods, Value::Str("CONNECT"), Problem::ForbiddenMethod),
            (Methods, Value::Str("TRACE"), Problem::ForbiddenMethod),
            (Methods, Value::Str("TRACK"), Problem::ForbiddenMethod),
            (Methods, Value::Str("connect"), Problem::ForbiddenMethod),
        ],
    },
    ConfigCase {
        name: "methods/lower-case-normalized-methods",
        config: OK.allowed_methods(&["get", "Post", "delete", "patch"]),
        problems: &[
            (Methods, Value::Str("get"), Problem::MethodCase),
            (Methods, Value::Str("Post"), Problem::MethodCase),
            (Methods, Value::Str("delete"), Problem::MethodCase),
        ],
    },
    ConfigCase {
        name: "methods/star-not-alone",
        config: OK.allowed_methods(&["*", "PUT"]),
        problems: &[(Methods, Value::Str("*"), Problem::WildcardNotAlone)],
    },
    ConfigCase {
        name: "headers/invalid-tokens",
        config: OK.allowed_headers(&["x header", "x-a\r\nx-b", "x-é"]),
        problems: &[
            (Headers, Value::Str("x header"), Problem::InvalidToken),
            (Headers, Value::Str("x-a\r\nx-b"), Problem::InvalidToken),
            (Headers, Value::Str("x-é"), Problem::InvalidToken),
        ],
    },
    ConfigCase {
        name: "max-age/above-86400",
        config: OK.max_age(86_401),
        problems: &[(
            Field::MaxAge,
            Value::Number(86_401),
            Problem::MaxAgeOutOfRange,
        )],
    },
    ConfigCase {
        name: "max-age/huge",
        config: OK.max_age(u64::MAX),
        problems: &[(
            Field::MaxAge,
            Value::Number(u64::MAX),
            Problem::MaxAgeOutOfRange,
        )],
    },
    ConfigCase {
        name: "status/201",
        config: OK.preflight_success_status(201),
        problems: &[(
            Field::PreflightSuccessStatus,
            Value::Number(201),
            Problem::InvalidStatus,
        )],
    },
    ConfigCase {
        name: "status/403",
        config: OK.preflight_success_status(403),
        problems: &[(
            Field::PreflightSuccessStatus,
            Value::Number(403),
            Problem::InvalidStatus,
        )],
    },
    ConfigCase {
        name: "empty-config-allows-no-origin",
        config: Config::new(),
        problems: &[(Origins, Value::Whole, Problem::NoOrigin)],
    },
    ConfigCase {
        name: "everything-wrong-at-once",
        config: Config::new()
            .allowed_origins(&[
                "https://example.com/",
                "example.com",
                "https://Example.com",
                "https://example.com:443",
                "null",
                "https://*.com",
            ])
            .allowed_origin_regexes(&[r"https://(a"])
            .allowed_methods(&["get", "CONNECT", "GE T"])
            .allowed_headers(&["cookie", "x header"])
            .exposed_headers(&["*"])
            .allow_credentials(true)
            .max_age(90_000)
            .preflight_success_status(0),
        problems: &[
            (Origins, Value::Str("https://example.com/"), Problem::Path),
            (Origins, Value::Str("example.com"), Problem::MissingScheme),
            (
                Origins,
                Value::Str("https://Example.com"),
                Problem::Uppercase,
            ),
            (
                Origins,
                Value::Str("https://example.com:443"),
                Problem::DefaultPort,
            ),
            (Origins, Value::Str("null"), Problem::NullOrigin),
            (
                Origins,
                Value::Str("https://*.com"),
                Problem::PatternTooBroad,
            ),
            (
                Regexes,
                Value::Str(r"https://(a"),
                Problem::InvalidRegex(String::new()),
            ),
            (Methods, Value::Str("get"), Problem::MethodCase),
            (Methods, Value::Str("CONNECT"), Problem::ForbiddenMethod),
            (Methods, Value::Str("GE T"), Problem::InvalidToken),
            // `cookie` is a warning, not listed among errors.
            (Headers, Value::Str("x header"), Problem::InvalidToken),
            (Exposed, Value::Str("*"), Problem::ExposeAllWithCredentials),
            (
                Field::MaxAge,
                Value::Number(90_000),
                Problem::MaxAgeOutOfRange,
            ),
            (
                Field::PreflightSuccessStatus,
                Value::Number(0),
                Problem::InvalidStatus,
            ),
        ],
    },
];

// ---------------------------------------------------------------------------
// The configuration-warning table (DESIGN §3.9)
// ---------------------------------------------------------------------------

/// Configurations that compile with exactly these warnings (`problems`),
/// and fail with the same list as errors under `strict(true)`.
pub static WARNING_CASES: &[ConfigCase] = &[
    ConfigCase {
        name: "headers/forbidden-request-header-names",
        config: OK.allowed_headers(&["cookie", "Sec-Foo", "proxy-authorization", "host"]),
        problems: &[
            (
                Headers,
                Value::Str("cookie"),
                Problem::ForbiddenRequestHeader,
            ),
            (
                Headers,
                Value::Str("Sec-Foo"),
                Problem::ForbiddenRequestHeader,
            ),
            (
                Headers,
                Value::Str("proxy-authorization"),
                Problem::ForbiddenRequestHeader,
            ),
            (Headers, Value::Str("host"), Problem::ForbiddenRequestHeader),
        ],
    },
    ConfigCase {
        name: "headers/django-cors-headers-default-list",
        config: OK.allowed_headers(&[
            "accept",
            "accept-encoding",
            "authorization",
            "content-type",
            "dnt",
            "origin",
            "user-agent",
            "x-csrftoken",
            "x-requested-with",
        ]),
        problems: &[
            (
                Headers,
                Value::Str("accept-encoding"),
                Problem::ForbiddenRequestHeader,
            ),
            (Headers, Value::Str("dnt"), Problem::ForbiddenRequestHeader),
            (
                Headers,
                Value::Str("origin"),
                Problem::ForbiddenRequestHeader,
            ),
        ],
    },
    ConfigCase {
        name: "expose/set-cookie",
        config: OK.exposed_headers(&["Set-Cookie", "set-cookie2", "x-total-count"]),
        problems: &[
            (
                Exposed,
                Value::Str("Set-Cookie"),
                Problem::ForbiddenResponseHeader,
            ),
            (
                Exposed,
                Value::Str("set-cookie2"),
                Problem::ForbiddenResponseHeader,
            ),
        ],
    },
    ConfigCase {
        name: "methods/options-and-safelisted-listed",
        config: OK.allowed_methods(&["OPTIONS", "GET", "HEAD", "POST", "PUT"]),
        problems: &[
            (Methods, Value::Str("OPTIONS"), Problem::NeedlessMethod),
            (Methods, Value::Str("GET"), Problem::NeedlessMethod),
            (Methods, Value::Str("HEAD"), Problem::NeedlessMethod),
            (Methods, Value::Str("POST"), Problem::NeedlessMethod),
        ],
    },
    ConfigCase {
        name: "headers/star-without-authorization",
        config: OK.allowed_headers(&["*", "x-a"]),
        problems: &[(
            Headers,
            Value::Str("*"),
            Problem::AnyHeaderWithoutAuthorization,
        )],
    },
    ConfigCase {
        name: "origin/public-suffix-pattern-without-credentials",
        config: Config::new().allowed_origins(&["https://*.co.uk", "https://*.github.io"]),
        problems: &[
            (
                Origins,
                Value::Str("https://*.co.uk"),
                Problem::PublicSuffixPattern,
            ),
            (
                Origins,
                Value::Str("https://*.github.io"),
                Problem::PublicSuffixPattern,
            ),
        ],
    },
    ConfigCase {
        name: "regex/too-broad-without-credentials",
        config: Config::new().allowed_origin_regexes(&[".*", "https?://.*"]),
        problems: &[
            (Regexes, Value::Str(".*"), Problem::RegexTooBroad),
            (Regexes, Value::Str("https?://.*"), Problem::RegexTooBroad),
        ],
    },
    ConfigCase {
        name: "every-warning-at-once",
        config: Config::new()
            .allowed_origins(&["https://*.co.uk"])
            .allowed_origin_regexes(&[".*"])
            .allowed_methods(&["GET", "PUT"])
            .allowed_headers(&["*", "dnt"])
            .exposed_headers(&["set-cookie"]),
        problems: &[
            (
                Origins,
                Value::Str("https://*.co.uk"),
                Problem::PublicSuffixPattern,
            ),
            (Regexes, Value::Str(".*"), Problem::RegexTooBroad),
            (Methods, Value::Str("GET"), Problem::NeedlessMethod),
            (Headers, Value::Str("dnt"), Problem::ForbiddenRequestHeader),
            (
                Headers,
                Value::Str("*"),
                Problem::AnyHeaderWithoutAuthorization,
            ),
            (
                Exposed,
                Value::Str("set-cookie"),
                Problem::ForbiddenResponseHeader,
            ),
        ],
    },
];

/// Configurations at the edge of validity that must compile, without a
/// warning.
pub static VALID_EDGE_CONFIGS: &[(&str, Config<'static, 'static>)] = &[
    ("max-age-0", OK.max_age(0)),
    ("max-age-86400", OK.max_age(86_400)),
    ("status-200", OK.preflight_success_status(200)),
    ("null-only-by-opt-in", Config::new().allow_null_origin(true)),
    (
        "regex-only",
        Config::new().allowed_origin_regexes(&[r"https://a\.test"]),
    ),
    ("lower-case-patch", OK.allowed_methods(&["patch", "PATCH"])),
    (
        "star-headers-beside-authorization",
        OK.allowed_headers(&["*", "authorization"]),
    ),
    (
        "star-expose-without-credentials",
        OK.exposed_headers(&["*"]),
    ),
    (
        "both-wildcards-and-ipv6",
        Config::new().allowed_origins(&["https://*.example.com:*", "http://[::1]:*"]),
    ),
    // §3.7: RFC 6761 names resolve locally.
    (
        "localhost-subdomains-any-port",
        Config::new().allowed_origins(&["http://*.localhost:*"]),
    ),
    (
        "canonical-ip-hosts",
        Config::new().allowed_origins(&[
            "http://127.0.0.1:8080",
            "http://[::1]",
            "http://[::ffff:7f00:1]",
        ]),
    ),
    (
        "star-headers-beside-upper-case-authorization",
        OK.allowed_headers(&["*", "Authorization"]),
    ),
    (
        "public-suffix-subdomain-of-own-domain-with-credentials",
        Config::new()
            .allowed_origins(&["https://*.example.co.uk"])
            .allow_credentials(true),
    ),
    (
        "site-anchored-regex-with-credentials",
        Config::new()
            .allowed_origin_regexes(&[r"^https://[a-z0-9-]+\.example\.com$"])
            .allow_credentials(true),
    ),
];
