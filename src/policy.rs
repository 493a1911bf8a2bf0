//! Compiling a [`Config`] into a policy, and deciding requests with it.

use core::fmt;

use crate::acrh;
use crate::config::Config;
use crate::decision::{Decision, Denial, Headers, Kind, Reason, Verdict};
use crate::error::{ConfigErrors, ConfigWarnings, Field, Problem, Report, Value};
use crate::header;
use crate::limits::{MAX_METHOD_LEN, MAX_REQUESTED_HEADERS, MAX_REQUEST_HEADERS_LEN};
use crate::method;
use crate::origin::{self, OriginRule, PatternPort, PortMatch, Shape};
use crate::request::{RequestDescriptor, SingleHeader};
use crate::table::{Arena, Buf, Entry, PortRule, Section, Span};
use crate::token::{is_token, Case, Probe};

/// The `Vary` of every response of a policy that depends on the origin,
/// but a preflight's.
pub(crate) const VARY_ORIGIN_STR: &str = "Origin";
const VARY_ORIGIN: &[u8] = VARY_ORIGIN_STR.as_bytes();
/// A preflight's `Vary`, without and with private network access; an
/// any-origin policy's are the same without `Origin, `. Every `Vary` a
/// decision holds is one of these texts or a suffix of one.
pub(crate) const VARY_PREFLIGHT_STRS: [&str; 2] = [
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
     Access-Control-Request-Private-Network",
];
const VARY_PREFLIGHT: &[u8] = VARY_PREFLIGHT_STRS[0].as_bytes();
const VARY_PREFLIGHT_PN: &[u8] = VARY_PREFLIGHT_STRS[1].as_bytes();

/// The compiled rules, generic over where their tables live.
#[derive(Clone)]
pub(crate) struct Rules<B, E> {
    arena: Arena<B, E>,
    /// Hash set of exact origins.
    origins: Section,
    /// Origin patterns, scanned in order.
    patterns: Section,
    /// Hash set of methods (case-sensitive).
    methods: Section,
    /// Hash set of request header names (case-insensitive).
    headers: Section,
    /// The same names in the form browsers send them (lower case, sorted,
    /// comma-separated), for the fast path of `acrh::leading_names`; `None`
    /// when every header is allowed, or when the list is longer than a
    /// request may send (the general scan must then apply the caps).
    sorted_headers: Option<Span>,
    any_origin: bool,
    allow_null: bool,
    any_method: bool,
    any_header: bool,
    credentials: bool,
    private_network: bool,
    expose: Option<Span>,
    max_age: Option<Span>,
    success_status: u16,
    /// `Vary` of non-preflight responses (`None` for any-origin policies,
    /// whose responses do not depend on the origin).
    vary_simple: Option<&'static [u8]>,
    vary_preflight: &'static [u8],
    #[cfg(feature = "alloc")]
    regexes: Option<crate::regex::WholeMatch>,
}

/// Reports every problem of `values` found by `check`, treating a lone `*`
/// as the wildcard. Returns whether the wildcard is present.
fn check_list<'c>(
    report: &mut Report<'c>,
    field: Field,
    values: &[&'c str],
    wildcard_alone: bool,
    check: impl Fn(&str) -> Result<(), Problem>,
) -> bool {
    let wildcard = values.contains(&"*");
    if wildcard && wildcard_alone && values.len() > 1 {
        report.report(field, Value::Str("*"), Problem::WildcardNotAlone);
    }
    for &v in values.iter().filter(|v| **v != "*") {
        if let Err(p) = check(v) {
            report.report(field, Value::Str(v), p);
        }
    }
    wildcard
}

/// Writes `n` in decimal into `buf`, returning the digits.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// What validation learns about the wildcards of a valid configuration.
struct Wildcards {
    any_origin: bool,
    any_method: bool,
    any_header: bool,
}

/// Checks every field and reports every problem (errors and warnings);
/// the wildcards are meaningful only when no error was reported.
fn validate<'c>(c: &Config<'_, 'c>, report: &mut Report<'c>) -> Wildcards {
    // Origins.
    let any_origin = check_list(
        report,
        Field::AllowedOrigins,
        c.allowed_origins,
        true,
        |o| origin::parse_rule(o).map(|_| ()),
    );
    // Only a rule with a `*` is a pattern: skipping the others spares
    // parsing each exact origin again (a third of compiling a million).
    for &o in c.allowed_origins.iter().filter(|o| o.contains('*')) {
        if let Ok(OriginRule::Pattern(p)) = origin::parse_rule(o) {
            if origin::is_public_suffix_pattern(&p) {
                report.report(
                    Field::AllowedOrigins,
                    Value::Str(o),
                    Problem::PublicSuffixPattern,
                );
            }
        }
    }
    if any_origin && c.allow_credentials {
        report.report(
            Field::AllowedOrigins,
            Value::Str("*"),
            Problem::AnyOriginWithCredentials,
        );
    }
    for &r in c.allowed_origin_regexes {
        #[cfg(feature = "alloc")]
        let checked = crate::regex::check(r);
        #[cfg(not(feature = "alloc"))]
        let checked: Result<(), Problem> = Err(Problem::RegexNeedsAlloc);
        if let Err(p) = checked {
            report.report(Field::AllowedOriginRegexes, Value::Str(r), p);
        }
    }
    if c.allowed_origins.is_empty()
        && c.allowed_origin_regexes.is_empty()
        && !c.allow_null_origin
        && !c.origins_from_predicate
    {
        report.report(Field::AllowedOrigins, Value::Whole, Problem::NoOrigin);
    }

    // Methods and headers.
    let any_method = check_list(
        report,
        Field::AllowedMethods,
        c.allowed_methods,
        true,
        method::check,
    );
    // `*` may stand beside names here: `["*", "authorization"]` is how a
    // policy allows every header including `authorization`.
    let any_header = check_list(
        report,
        Field::AllowedHeaders,
        c.allowed_headers,
        false,
        header::check_request,
    );
    if any_header
        && !c
            .allowed_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("authorization"))
    {
        report.report(
            Field::AllowedHeaders,
            Value::Str("*"),
            Problem::AnyHeaderWithoutAuthorization,
        );
    }
    let expose_all = check_list(
        report,
        Field::ExposedHeaders,
        c.exposed_headers,
        true,
        header::check_exposed,
    );
    if expose_all && c.allow_credentials {
        report.report(
            Field::ExposedHeaders,
            Value::Str("*"),
            Problem::ExposeAllWithCredentials,
        );
    }

    // Scalars.
    if let Some(age) = c.max_age.filter(|&a| a > 86_400) {
        report.report(Field::MaxAge, Value::Number(age), Problem::MaxAgeOutOfRange);
    }
    if !matches!(c.preflight_success_status, 200 | 204) {
        report.report(
            Field::PreflightSuccessStatus,
            Value::Number(c.preflight_success_status.into()),
            Problem::InvalidStatus,
        );
    }
    Wildcards {
        any_origin,
        any_method,
        any_header,
    }
}

impl<B: Buf<u8>, E: Buf<Entry>> Rules<B, E> {
    /// Validates `config` and compiles it, or returns every error; the
    /// warnings come beside the rules.
    // Without `alloc` the error list is inline; compiling happens once.
    #[cfg_attr(not(feature = "alloc"), allow(clippy::result_large_err))]
    pub(crate) fn compile<'c>(
        c: &Config<'_, 'c>,
    ) -> Result<(Self, ConfigWarnings<'c>), ConfigErrors<'c>> {
        let mut report = Report::new(c.allow_credentials, c.strict);
        let rules = Self::compile_into(c, &mut report);
        let warnings = report.finish()?;
        // No error reported means the rules were built.
        rules
            .map(|r| (r, warnings))
            .ok_or_else(|| ConfigErrors::one(Field::Capacity, Value::Whole, Problem::Empty))
    }

    /// Validates `config` into `report` and, when it holds no error, lays
    /// out the tables and precomputed values.
    pub(crate) fn compile_into<'c>(c: &Config<'_, 'c>, report: &mut Report<'c>) -> Option<Self> {
        let Wildcards {
            any_origin,
            any_method,
            any_header,
        } = validate(c, report);
        if report.has_errors() {
            return None;
        }
        let mut arena = Arena::<B, E>::new();
        // Validated without an error, an origin without a `*` is exactly
        // itself (`OriginRule::Exact`): only the rules with one are parsed
        // again (parsing is nearly all of compiling a million origins).
        let exact = || {
            (c.allowed_origins.iter())
                .filter(|o| !o.contains('*'))
                .map(|o| o.as_bytes())
        };
        let origins = arena.push_set_of(exact(), Case::Sensitive, exact().count());
        // Each pattern's texts go to the byte arena; the pattern entries
        // themselves stay contiguous, since nothing else adds entries here.
        let start = arena.mark();
        let wildcards = (c.allowed_origins.iter()).filter(|o| o.contains('*'));
        for rule in wildcards.filter_map(|o| origin::parse_rule(o).ok()) {
            let OriginRule::Pattern(p) = rule else {
                continue;
            };
            let prefix = arena.push_bytes(p.prefix.as_bytes());
            let host = arena.push_bytes(p.host.as_bytes());
            let port = match p.port {
                PatternPort::Default => PortRule::Default,
                PatternPort::Exact(x) => PortRule::Exact(arena.push_bytes(x.as_bytes())),
                PatternPort::Any => PortRule::Any,
            };
            arena.push_entry(Entry::Pattern {
                prefix,
                host,
                subdomains: p.subdomains,
                port,
            });
        }
        let patterns = arena.section(start);
        let methods = arena.push_set(
            c.allowed_methods
                .iter()
                .filter(|m| **m != "*")
                .map(|m| m.as_bytes()),
            Case::Sensitive,
        );
        let headers = arena.push_set(
            c.allowed_headers
                .iter()
                .filter(|h| **h != "*")
                .map(|h| h.as_bytes()),
            Case::Insensitive,
        );
        let named_headers = c.allowed_headers.iter().filter(|h| **h != "*");
        let sorted_headers = (!any_header && c.allowed_headers.len() <= MAX_REQUESTED_HEADERS)
            .then(|| arena.push_sorted_joined(named_headers.map(|h| h.as_bytes())))
            .filter(|span| span.len() <= MAX_REQUEST_HEADERS_LEN);
        let expose =
            (!c.exposed_headers.is_empty()).then(|| arena.push_joined(c.exposed_headers, b", "));
        let max_age = c
            .max_age
            .map(|age| arena.push_bytes(decimal(age, &mut [0; 20])));
        if let Some((bytes, entries)) = arena.shortfall() {
            report.report(
                Field::Capacity,
                Value::Whole,
                Problem::CapacityExceeded { bytes, entries },
            );
            return None;
        }
        #[cfg(feature = "alloc")]
        let regexes = if c.allowed_origin_regexes.is_empty() {
            None
        } else {
            match crate::regex::WholeMatch::new(c.allowed_origin_regexes) {
                Ok(r) => Some(r),
                Err(p) => {
                    report.report(Field::AllowedOriginRegexes, Value::Whole, p);
                    return None;
                }
            }
        };
        arena.shrink();
        Some(Rules {
            arena,
            origins,
            patterns,
            methods,
            headers,
            sorted_headers,
            any_origin,
            allow_null: c.allow_null_origin,
            any_method,
            any_header,
            credentials: c.allow_credentials,
            private_network: c.allow_private_network,
            expose,
            max_age,
            success_status: c.preflight_success_status,
            vary_simple: (!any_origin).then_some(VARY_ORIGIN),
            vary_preflight: match (any_origin, c.allow_private_network) {
                (false, false) => VARY_PREFLIGHT,
                (false, true) => VARY_PREFLIGHT_PN,
                (true, false) => &VARY_PREFLIGHT[b"Origin, ".len()..],
                (true, true) => &VARY_PREFLIGHT_PN[b"Origin, ".len()..],
            },
            #[cfg(feature = "alloc")]
            regexes,
        })
    }
}

/// Application state consulted for origins the static rules refuse (see
/// [`Policy::decide_with`]).
#[cfg(any(feature = "tower", feature = "actix"))]
pub(crate) type OriginPredicate = dyn Fn(&[u8]) -> bool + Send + Sync;

/// Origins allowed beyond the static rules: an adapter's predicate, or
/// none. A type rather than an `Option`, so that deciding without a
/// predicate compiles to exactly the static rules.
pub(crate) trait MoreOrigins {
    const ASKS: bool;
    fn allows(&self, origin: &[u8]) -> bool;
}

/// No predicate ([`Policy::decide`]).
pub(crate) struct NoMore;

impl MoreOrigins for NoMore {
    const ASKS: bool = false;
    fn allows(&self, _: &[u8]) -> bool {
        false
    }
}

impl<F: Fn(&[u8]) -> bool + ?Sized> MoreOrigins for F {
    const ASKS: bool = true;
    fn allows(&self, origin: &[u8]) -> bool {
        self(origin)
    }
}

/// Denies a CORS request that repeated a single-valued header: which line
/// the browser meant is ambiguous (and no browser does it).
#[inline]
fn not_repeated<'a>(req: &RequestDescriptor<'a>) -> Result<(), Denial<'a>> {
    match req.repeated {
        None => Ok(()),
        Some(header) => Err(Denial::new(
            Reason::RepeatedHeader,
            header.as_str().as_bytes(),
        )),
    }
}

impl<B: Buf<u8>, E: Buf<Entry>> Rules<B, E> {
    pub(crate) fn decide<'a, M: MoreOrigins + ?Sized>(
        &'a self,
        req: &RequestDescriptor<'a>,
        more: &M,
    ) -> Decision<'a> {
        let Some(origin) = req.origin else {
            return self.not_cors();
        };
        match req.request_method {
            Some(method) if req.method == b"OPTIONS" => self.preflight(origin, method, req, more),
            _ => self.actual(origin, req, more),
        }
    }

    /// A request without `Origin`. An any-origin policy gives everyone the
    /// same answer, so it sends that answer here too: a cache may keep this
    /// response and serve it to a later CORS request for the same URL
    /// (Fetch, "CORS protocol and HTTP caches").
    #[inline]
    fn not_cors(&self) -> Decision<'_> {
        let mut headers = Headers {
            vary: self.vary_simple,
            ..Headers::default()
        };
        if self.any_origin {
            headers.allow_origin = Some(b"*");
            headers.expose_headers = self.expose.map(|s| self.arena.get(s));
        }
        Decision {
            kind: Kind::NotCors,
            verdict: Verdict::Allowed,
            headers,
            preflight_status: None,
        }
    }

    // Kept out of line, like `preflight`: `decide` then needs no stack
    // frame, which the non-CORS path would otherwise pay for.
    #[inline(never)]
    fn actual<'a, M: MoreOrigins + ?Sized>(
        &'a self,
        origin: &'a [u8],
        req: &RequestDescriptor<'a>,
        more: &M,
    ) -> Decision<'a> {
        let mut headers = Headers {
            vary: self.vary_simple,
            ..Headers::default()
        };
        // Only `Origin` is read here: a repeated request-method line means
        // nothing outside a preflight. The static answer of an any-origin
        // policy echoes nothing, so a repeated `Origin` changes nothing
        // about it either (DESIGN §3.2).
        let checked = match req.repeated {
            Some(SingleHeader::Origin) if !self.any_origin => not_repeated(req),
            _ => Ok(()),
        };
        let verdict = match checked.and_then(|()| self.allow_origin(origin, more)) {
            Ok(acao) => {
                headers.allow_origin = Some(acao);
                headers.allow_credentials = self.credentials;
                headers.expose_headers = self.expose.map(|s| self.arena.get(s));
                Verdict::Allowed
            }
            Err(denial) => Verdict::Denied(denial),
        };
        Decision {
            kind: Kind::Actual,
            verdict,
            headers,
            preflight_status: None,
        }
    }

    #[inline(never)]
    fn preflight<'a, M: MoreOrigins + ?Sized>(
        &'a self,
        origin: &'a [u8],
        method: &'a [u8],
        req: &RequestDescriptor<'a>,
        more: &M,
    ) -> Decision<'a> {
        let mut headers = Headers {
            vary: Some(self.vary_preflight),
            ..Headers::default()
        };
        let (verdict, status) = match self.check_preflight(origin, method, req, more) {
            Ok((acao, private_network)) => {
                headers.allow_origin = Some(acao);
                headers.allow_credentials = self.credentials;
                headers.allow_methods = Some(method);
                headers.allow_headers = req.request_headers;
                headers.max_age = self.max_age.map(|s| self.arena.get(s));
                headers.allow_private_network = private_network;
                (Verdict::Allowed, self.success_status)
            }
            Err(denial) => (Verdict::Denied(denial), 403),
        };
        Decision {
            kind: Kind::Preflight,
            verdict,
            headers,
            preflight_status: Some(status),
        }
    }

    /// The checks of a preflight, in order: origin, method, headers, private
    /// network. Returns the `Access-Control-Allow-Origin` value and whether
    /// to allow private network access.
    fn check_preflight<'a, M: MoreOrigins + ?Sized>(
        &'a self,
        origin: &'a [u8],
        method: &'a [u8],
        req: &RequestDescriptor<'a>,
        more: &M,
    ) -> Result<(&'a [u8], bool), Denial<'a>> {
        not_repeated(req)?;
        let acao = self.allow_origin(origin, more)?;
        if method.len() > MAX_METHOD_LEN || !is_token(method) {
            return Err(Denial::new(Reason::MethodMalformed, method));
        }
        // A literal `*` is a valid method name; echoed, it reads as that
        // name or as the wildcard, and either covers the request.
        let method_ok = method::is_safelisted(method)
            || self.any_method
            || self
                .arena
                .contains(self.methods, &Probe::new(method, Case::Sensitive));
        if !method_ok {
            return Err(Denial::new(Reason::MethodNotAllowed, method));
        }
        // Browsers send one line, in the policy's sorted form: when it is
        // the policy's first names, one comparison replaces scanning and
        // hashing each name. Anything else goes through the general scan,
        // which decides.
        let fast = match (req.request_headers, self.sorted_headers) {
            ([line], Some(sorted)) => acrh::leading_names(line, self.arena.get(sorted)),
            _ => false,
        };
        if !fast {
            acrh::check_names(req.request_headers, |name| self.allow_header(name))
                .map_err(|(reason, value)| Denial::new(reason, value))?;
        }
        // Without permission the preflight is decided on its CORS checks
        // alone and the browser, seeing no grant, decides the rest: a 403
        // would turn a browser's warning-only mode into a hard failure.
        let private_network = self.private_network && req.request_private_network == Some(b"true");
        Ok((acao, private_network))
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, or why not.
    #[inline]
    fn allow_origin<'a, M: MoreOrigins + ?Sized>(
        &'a self,
        origin: &'a [u8],
        more: &M,
    ) -> Result<&'a [u8], Denial<'a>> {
        if self.any_origin {
            return Ok(b"*");
        }
        let probe = match origin::probe(origin) {
            Ok(probe) => probe,
            Err(Shape::TooLong) => return Err(Denial::new(Reason::OriginTooLong, origin)),
            Err(_) => return Err(Denial::new(Reason::OriginMalformed, origin)),
        };
        // The predicate comes after every static rule, and never sees
        // `null`: that is allowed by `allow_null_origin` or not at all.
        let allowed =
            self.origin_allowed(&probe) || (M::ASKS && origin != b"null" && more.allows(origin));
        if allowed {
            Ok(origin)
        } else {
            Err(Denial::new(Reason::OriginNotAllowed, origin))
        }
    }

    #[inline]
    fn origin_allowed(&self, probe: &Probe<'_>) -> bool {
        self.arena.contains(self.origins, probe) || self.origin_matches(probe.bytes)
    }

    /// The origin rules beyond the exact table. Out of line, so that the
    /// common case, an exact origin, runs in a lean function.
    #[inline(never)]
    fn origin_matches(&self, origin: &[u8]) -> bool {
        // `null` is opaque: it never matches a pattern or a regex.
        if origin == b"null" {
            return self.allow_null;
        }
        let pattern_hit = self.arena.list(self.patterns).iter().any(|e| match *e {
            Entry::Pattern {
                prefix,
                host,
                subdomains,
                port,
            } => {
                let port = match port {
                    PortRule::Default => PortMatch::Default,
                    PortRule::Exact(p) => PortMatch::Exact(self.arena.get(p)),
                    PortRule::Any => PortMatch::Any,
                };
                origin::pattern_matches(
                    origin,
                    self.arena.get(prefix),
                    self.arena.get(host),
                    subdomains,
                    port,
                )
            }
            _ => false,
        });
        if pattern_hit {
            return true;
        }
        #[cfg(feature = "alloc")]
        if let Some(regexes) = &self.regexes {
            return regexes.is_match(origin);
        }
        false
    }

    #[inline(always)]
    fn allow_header(&self, name: &Probe<'_>) -> bool {
        // The wildcard never covers `authorization` (as in Fetch, where
        // `Access-Control-Allow-Headers: *` does not either).
        (self.any_header && !name.bytes.eq_ignore_ascii_case(b"authorization"))
            || self.arena.contains(self.headers, name)
    }
}

impl<B: Buf<u8>, E: Buf<Entry>> fmt::Debug for Rules<B, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("any_origin", &self.any_origin)
            .field("allow_null", &self.allow_null)
            .field("patterns", &self.arena.list(self.patterns).len())
            .field("any_method", &self.any_method)
            .field("any_header", &self.any_header)
            .field("credentials", &self.credentials)
            .field("private_network", &self.private_network)
            .field("success_status", &self.success_status)
            .field("arena_bytes", &self.arena.bytes.len())
            .field("arena_entries", &self.arena.entries.len())
            .finish_non_exhaustive()
    }
}

/// A compiled, immutable CORS policy on the heap (feature `alloc`).
///
/// Compile it once at start-up with [`Policy::compile`], share it (it is
/// `Send + Sync`; wrap it in an `Arc` or a `static`), and call
/// [`Policy::decide`] for every request.
#[cfg(feature = "alloc")]
#[derive(Clone, Debug)]
pub struct Policy {
    rules: Rules<alloc::vec::Vec<u8>, alloc::vec::Vec<Entry>>,
}

#[cfg(feature = "alloc")]
impl Policy {
    /// Validates `config` and compiles it, or returns every problem found.
    ///
    /// Cost: linear in the size of the configuration, plus building one DFA
    /// for all origin regexes (bounded to 1 MiB). Call it once, not per
    /// request.
    ///
    /// Warnings do not stop compiling and are dropped here (unless
    /// [`Config::strict`] makes them errors); a program that starts from a
    /// configuration a person wrote should print them:
    /// see [`Policy::compile_with_warnings`].
    pub fn compile<'c>(config: &Config<'_, 'c>) -> Result<Self, ConfigErrors<'c>> {
        Self::compile_with_warnings(config).map(|(policy, _)| policy)
    }

    /// [`Policy::compile`], with the warnings beside the policy: entries
    /// that are harmless but can never matter, or that would be errors with
    /// credentials.
    ///
    /// ```
    /// use cors_engine::{Config, Policy, Problem};
    ///
    /// // django-cors-headers' default header list names three headers
    /// // browsers never let scripts send.
    /// let config = Config::new()
    ///     .allowed_origins(&["https://app.example.com"])
    ///     .allowed_headers(&["accept", "accept-encoding", "content-type", "dnt", "origin"]);
    /// let (policy, warnings) = Policy::compile_with_warnings(&config)?;
    /// assert_eq!(warnings.len(), 3);
    /// assert!(warnings.iter().all(|w| *w.problem() == Problem::ForbiddenRequestHeader));
    /// eprintln!("{warnings}");
    /// # let _ = policy;
    /// # Ok::<(), cors_engine::ConfigErrors<'static>>(())
    /// ```
    pub fn compile_with_warnings<'c>(
        config: &Config<'_, 'c>,
    ) -> Result<(Self, ConfigWarnings<'c>), ConfigErrors<'c>> {
        Rules::compile(config).map(|(rules, warnings)| (Policy { rules }, warnings))
    }

    /// Compiles `config` into `report`, which collects the problems of
    /// several policies (a [`PolicySet`](crate::PolicySet)'s).
    pub(crate) fn compile_into<'c>(
        config: &Config<'_, 'c>,
        report: &mut Report<'c>,
    ) -> Option<Self> {
        Rules::compile_into(config, report).map(|rules| Policy { rules })
    }

    /// Decides one request. Pure: no allocation, no panic, no state; work
    /// linear in the request's header bytes and bounded by
    /// [`limits`](crate::limits).
    #[inline]
    pub fn decide<'a>(&'a self, request: &RequestDescriptor<'a>) -> Decision<'a> {
        self.rules.decide(request, &NoMore)
    }

    /// [`Policy::decide`], asking `allow` about an origin the policy's own
    /// rules refuse: origins that live in application state (tenants in a
    /// database, a cache of them). An origin it allows is echoed like an
    /// exact match. It never sees a malformed or over-long origin, nor
    /// `null`, and an any-origin policy never asks it. Keep it fast and
    /// free of I/O: it runs on every request from an unlisted origin.
    ///
    /// ```
    /// use cors_engine::{Config, Policy, RequestDescriptor};
    ///
    /// let policy = Policy::compile(
    ///     &Config::new().origins_from_predicate(true).allow_credentials(true),
    /// )?;
    /// let tenants = ["https://acme.example"];
    /// let allow = |origin: &[u8]| tenants.iter().any(|t| t.as_bytes() == origin);
    /// let request = RequestDescriptor::new(b"GET").origin(b"https://acme.example");
    /// assert!(policy.decide_with(&request, &allow).is_allowed());
    /// # Ok::<(), cors_engine::ConfigErrors<'static>>(())
    /// ```
    #[inline]
    pub fn decide_with<'a>(
        &'a self,
        request: &RequestDescriptor<'a>,
        allow: &dyn Fn(&[u8]) -> bool,
    ) -> Decision<'a> {
        self.rules.decide(request, allow)
    }

    /// The header values that are the same for every request, for adapters
    /// that convert them to their framework's type once.
    #[cfg(any(feature = "http", feature = "actix"))]
    pub(crate) fn fixed_values(&self) -> FixedValues<'_> {
        let r = &self.rules;
        FixedValues {
            max_age: r.max_age.map(|s| r.arena.get(s)),
            expose: r.expose.map(|s| r.arena.get(s)),
            vary_preflight: r.vary_preflight,
        }
    }
}

/// See [`Policy::fixed_values`]: every value a decision may hold that does
/// not come from the request (`true` aside).
#[cfg(any(feature = "http", feature = "actix"))]
pub(crate) struct FixedValues<'a> {
    pub(crate) max_age: Option<&'a [u8]>,
    pub(crate) expose: Option<&'a [u8]>,
    pub(crate) vary_preflight: &'static [u8],
}

/// A compiled policy in fixed capacity, for targets without an allocator:
/// `BYTES` of text (origins, names, precomputed values) and `ENTRIES` table
/// slots (two per exact origin, method or allowed header, rounded up to a
/// power of two per table, plus one per pattern).
///
/// Too small a capacity is reported as a configuration error naming the
/// capacity that would do; nothing is dropped. Origin regexes need the
/// `alloc` feature.
///
/// ```
/// use cors_engine::{Config, FixedPolicy, RequestDescriptor};
///
/// static CONFIG: Config =  Config::new()
///     .allowed_origins(&["https://app.example.com", "http://localhost:*"])
///     .allowed_methods(&["PUT"]);
/// let policy = FixedPolicy::<256, 16>::compile(&CONFIG).unwrap();
/// let request = RequestDescriptor::new(b"GET").origin(b"http://localhost:5173");
/// assert!(policy.decide(&request).is_allowed());
/// ```
#[derive(Clone, Debug)]
pub struct FixedPolicy<const BYTES: usize, const ENTRIES: usize> {
    rules: Rules<heapless::Vec<u8, BYTES>, heapless::Vec<Entry, ENTRIES>>,
}

impl<const BYTES: usize, const ENTRIES: usize> FixedPolicy<BYTES, ENTRIES> {
    /// Validates `config` and compiles it, or returns every problem found
    /// (including a capacity too small, with the capacity needed).
    #[cfg_attr(not(feature = "alloc"), allow(clippy::result_large_err))]
    pub fn compile<'c>(config: &Config<'_, 'c>) -> Result<Self, ConfigErrors<'c>> {
        Self::compile_with_warnings(config).map(|(policy, _)| policy)
    }

    /// [`FixedPolicy::compile`], with the warnings beside the policy; see
    /// [`Policy::compile_with_warnings`](crate::Policy).
    #[cfg_attr(not(feature = "alloc"), allow(clippy::result_large_err))]
    pub fn compile_with_warnings<'c>(
        config: &Config<'_, 'c>,
    ) -> Result<(Self, ConfigWarnings<'c>), ConfigErrors<'c>> {
        Rules::compile(config).map(|(rules, warnings)| (FixedPolicy { rules }, warnings))
    }

    /// Decides one request; see [`Policy::decide`](crate::Policy).
    #[inline]
    pub fn decide<'a>(&'a self, request: &RequestDescriptor<'a>) -> Decision<'a> {
        self.rules.decide(request, &NoMore)
    }
}
