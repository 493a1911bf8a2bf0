//! The declarative configuration a [`Policy`](crate::Policy) is compiled from.

/// What a policy should allow, as the user writes it.
///
/// A `Config` borrows its lists (`'a`) of strings (`'s`), so it can be
/// built in a `const` or a `static` with no allocator at all, and it is only read by
/// [`Policy::compile`](crate::Policy::compile) /
/// [`FixedPolicy::compile`](crate::FixedPolicy::compile), which copy what they
/// keep. Every field starts empty or off: nothing is allowed until you say so.
///
/// ```
/// use cors_engine::Config;
///
/// const CONFIG: Config =  Config::new()
///     .allowed_origins(&["https://app.example.com", "https://*.example.org"])
///     .allowed_methods(&["GET", "POST", "PUT"])
///     .allowed_headers(&["content-type", "authorization"])
///     .exposed_headers(&["x-total-count"])
///     .allow_credentials(true)
///     .max_age(600);
/// ```
///
/// The values:
///
/// * **origins** — `scheme://host[:port]` exactly as a browser serializes it
///   (lower case, no default port, no path or trailing slash);
///   `https://*.example.com` for any subdomain (never the apex);
///   `http://localhost:*` for any port (or none); `*` alone for any origin
///   (not with credentials). `null` is refused here: see
///   [`Config::allow_null_origin`].
/// * **origin regexes** — matched against the *whole* origin whether or not
///   they are anchored; ASCII only; compiled into one DFA (needs the `alloc`
///   feature).
/// * **methods** — case-sensitive tokens; `*` for any. `GET`, `HEAD` and
///   `POST` are always accepted in a preflight (they are CORS-safelisted).
/// * **headers** — case-insensitive names a preflight may request; `*` for any
///   except `authorization`, which must be listed by name.
///
///   A preflight that requests a method or header literally named `*` is
///   allowed by the wildcard and echoed (Fetch lets scripts use `*` as a
///   name; the browser then reads the echo as that name or as the wildcard,
///   both of which cover the request).
/// * **exposed headers** — response headers scripts may read; `*` for all
///   (not with credentials).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config<'a, 's> {
    pub(crate) allowed_origins: &'a [&'s str],
    pub(crate) allowed_origin_regexes: &'a [&'s str],
    pub(crate) allow_null_origin: bool,
    pub(crate) allowed_methods: &'a [&'s str],
    pub(crate) allowed_headers: &'a [&'s str],
    pub(crate) exposed_headers: &'a [&'s str],
    pub(crate) allow_credentials: bool,
    pub(crate) max_age: Option<u64>,
    pub(crate) allow_private_network: bool,
    pub(crate) preflight_success_status: u16,
    pub(crate) strict: bool,
    pub(crate) origins_from_predicate: bool,
}

impl Default for Config<'_, '_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a, 's> Config<'a, 's> {
    /// A configuration that allows nothing yet (compiling it reports that no
    /// origin is allowed).
    pub const fn new() -> Self {
        Config {
            allowed_origins: &[],
            allowed_origin_regexes: &[],
            allow_null_origin: false,
            allowed_methods: &[],
            allowed_headers: &[],
            exposed_headers: &[],
            allow_credentials: false,
            max_age: None,
            allow_private_network: false,
            preflight_success_status: 204,
            strict: false,
            origins_from_predicate: false,
        }
    }

    /// Origins allowed exactly or by pattern (`https://*.example.com`,
    /// `http://localhost:*`), or `["*"]` for any origin.
    pub const fn allowed_origins(mut self, origins: &'a [&'s str]) -> Self {
        self.allowed_origins = origins;
        self
    }

    /// Regular expressions an origin must match in full (ASCII,
    /// `regex-automata` syntax; `^`/`$` optional).
    pub const fn allowed_origin_regexes(mut self, regexes: &'a [&'s str]) -> Self {
        self.allowed_origin_regexes = regexes;
        self
    }

    /// Allows the opaque origin `null` (sandboxed iframes, `file:` pages,
    /// some redirects). Any page can make itself `null`, so this is nearly
    /// as broad as `*`; it is an explicit opt-in for that reason.
    pub const fn allow_null_origin(mut self, yes: bool) -> Self {
        self.allow_null_origin = yes;
        self
    }

    /// Methods a preflight may ask for (case-sensitive), or `["*"]`.
    pub const fn allowed_methods(mut self, methods: &'a [&'s str]) -> Self {
        self.allowed_methods = methods;
        self
    }

    /// Request header names a preflight may ask for (case-insensitive), or
    /// `["*"]` (which never covers `authorization`).
    pub const fn allowed_headers(mut self, headers: &'a [&'s str]) -> Self {
        self.allowed_headers = headers;
        self
    }

    /// Response header names scripts may read, or `["*"]` (no credentials).
    pub const fn exposed_headers(mut self, headers: &'a [&'s str]) -> Self {
        self.exposed_headers = headers;
        self
    }

    /// Lets browsers send cookies and HTTP authentication cross-origin and
    /// read the response (`Access-Control-Allow-Credentials: true`).
    pub const fn allow_credentials(mut self, yes: bool) -> Self {
        self.allow_credentials = yes;
        self
    }

    /// How long, in seconds (0..=86400), a browser may cache a preflight
    /// result (`Access-Control-Max-Age`). Unset: no header, the browser's
    /// default (5 s in Chromium) applies.
    pub const fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Answers `Access-Control-Request-Private-Network: true` with
    /// `Access-Control-Allow-Private-Network: true` (Private Network Access).
    pub const fn allow_private_network(mut self, yes: bool) -> Self {
        self.allow_private_network = yes;
        self
    }

    /// The status of a successful preflight: 204 (default) or 200 (for old
    /// clients that mishandle 204).
    pub const fn preflight_success_status(mut self, status: u16) -> Self {
        self.preflight_success_status = status;
        self
    }

    /// Treats every warning as an error: the policy compiles only when
    /// nothing in it is useless or surprising (see
    /// [`ConfigWarnings`](crate::ConfigWarnings)).
    pub const fn strict(mut self, yes: bool) -> Self {
        self.strict = yes;
        self
    }

    /// Says that origins beyond the lists come from application state,
    /// through a predicate the adapter consults
    /// ([`Policy::decide_with`](crate::Policy::decide_with),
    /// `tower::CorsLayer::allow_origin_if`, `actix::Cors::allow_origin_if`),
    /// so that a policy with no listed origin is not refused as allowing
    /// none.
    pub const fn origins_from_predicate(mut self, yes: bool) -> Self {
        self.origins_from_predicate = yes;
        self
    }
}
