//! Configuration errors: every problem of a [`Config`](crate::Config), each
//! naming the field, the offending value, what is wrong and how to fix it.

use core::fmt;

/// The configuration field a problem was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `allowed_origins`
    AllowedOrigins,
    /// `allowed_origin_regexes`
    AllowedOriginRegexes,
    /// `allowed_methods`
    AllowedMethods,
    /// `allowed_headers`
    AllowedHeaders,
    /// `exposed_headers`
    ExposedHeaders,
    /// `allow_credentials`
    AllowCredentials,
    /// `max_age`
    MaxAge,
    /// `preflight_success_status`
    PreflightSuccessStatus,
    /// `allow_null_origin`
    AllowNullOrigin,
    /// `allow_private_network`
    AllowPrivateNetwork,
    /// `strict`
    Strict,
    /// `routes`
    Routes,
    /// `cors` (of a route)
    Cors,
    /// `path_regexes` (of a route)
    PathRegexes,
    /// A `CORS_*` environment variable.
    Environment,
    /// A key of a policy file.
    Key,
    /// A policy file as a whole.
    File,
    /// `paths` (of a route)
    Paths,
    /// The capacity of a [`FixedPolicy`](crate::FixedPolicy).
    Capacity,
}

impl Field {
    /// The field's name as written in a configuration file.
    pub const fn name(self) -> &'static str {
        match self {
            Field::AllowedOrigins => "allowed_origins",
            Field::AllowedOriginRegexes => "allowed_origin_regexes",
            Field::AllowedMethods => "allowed_methods",
            Field::AllowedHeaders => "allowed_headers",
            Field::ExposedHeaders => "exposed_headers",
            Field::AllowCredentials => "allow_credentials",
            Field::MaxAge => "max_age",
            Field::PreflightSuccessStatus => "preflight_success_status",
            Field::AllowNullOrigin => "allow_null_origin",
            Field::AllowPrivateNetwork => "allow_private_network",
            Field::Strict => "strict",
            Field::Routes => "routes",
            Field::Cors => "cors",
            Field::PathRegexes => "path_regexes",
            Field::Environment => "environment",
            Field::Key => "key",
            Field::File => "policy file",
            Field::Paths => "paths",
            Field::Capacity => "capacity",
        }
    }
}

/// What is wrong with a value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The value is empty.
    Empty,
    /// The value contains whitespace or control characters.
    Whitespace,
    /// An origin without `scheme://`.
    MissingScheme,
    /// An origin whose scheme is not `[a-z][a-z0-9+.-]*`.
    InvalidScheme,
    /// An origin with a path (a trailing slash included).
    Path,
    /// An origin with a query or fragment.
    Query,
    /// An origin with `user:password@`.
    Userinfo,
    /// An origin whose host is not ASCII (browsers send punycode).
    NonAsciiHost,
    /// An origin whose host is not a valid host name or IP literal.
    InvalidHost,
    /// An origin whose host is an IP address not written the way browsers
    /// serialize it (`127.000.0.1`, `0x7f.0.0.1`, `[0:0:0:0:0:0:0:1]`);
    /// holds the canonical host.
    NonCanonicalHost(heapless::String<{ crate::origin::MAX_CANONICAL_HOST }>),
    /// An origin with upper-case letters.
    Uppercase,
    /// An origin with its scheme's default port written out.
    DefaultPort,
    /// An origin whose port is not a number in 1..=65535 without leading zeros.
    InvalidPort,
    /// The origin `null` in the origin list.
    NullOrigin,
    /// `*` together with other values in the same list.
    WildcardNotAlone,
    /// The any-origin wildcard with credentials.
    AnyOriginWithCredentials,
    /// Expose-all (`*`) with credentials.
    ExposeAllWithCredentials,
    /// A `*` somewhere other than a whole leading label or a whole port.
    MisplacedWildcard,
    /// `https://*.com`: a subdomain pattern over a single label.
    PatternTooBroad,
    /// A subdomain pattern over a public suffix (`https://*.co.uk`,
    /// `https://*.github.io`): every registrant of that suffix would match.
    /// An error with credentials, a warning without.
    PublicSuffixPattern,
    /// A regex that matches origins of unrelated sites (it matched a
    /// canary such as `https://x.invalid`): an error with credentials, a
    /// warning without.
    RegexTooBroad,
    /// A regex that does not parse, with the parser's message.
    #[cfg(feature = "alloc")]
    InvalidRegex(alloc::string::String),
    /// A regex with non-ASCII characters (origins are ASCII).
    NonAsciiRegex,
    /// A regex whose automaton would be too large.
    RegexTooLarge,
    /// Regexes need the `alloc` feature.
    RegexNeedsAlloc,
    /// Not an RFC 9110 token (a method or header name).
    InvalidToken,
    /// `CONNECT`, `TRACE` or `TRACK`, which browsers never send.
    ForbiddenMethod,
    /// A lower- or mixed-case spelling of a method browsers upper-case
    /// (`get`, `Post`…): browsers send `GET`, so it would never match.
    MethodCase,
    /// A request header name browsers never let scripts set, so never ask
    /// for in a preflight (a warning: the entry is harmless but useless).
    ForbiddenRequestHeader,
    /// `OPTIONS`, `GET`, `HEAD` or `POST` listed: a preflight never asks
    /// for `OPTIONS`, and the safelisted three are always allowed (a warning).
    NeedlessMethod,
    /// `*` in the allowed headers without `authorization` beside it: the
    /// wildcard never covers `authorization` (a warning).
    AnyHeaderWithoutAuthorization,
    /// A response header name browsers never expose (`set-cookie`; a warning).
    ForbiddenResponseHeader,
    /// `max_age` above 86400.
    MaxAgeOutOfRange,
    /// `preflight_success_status` other than 200 or 204.
    InvalidStatus,
    /// Neither origins, regexes nor `null` are allowed: the policy would
    /// refuse every cross-origin request.
    NoOrigin,
    /// A policy file that is not valid TOML or JSON, with the parser's message.
    #[cfg(feature = "alloc")]
    Unreadable(alloc::string::String),
    /// A key a policy file does not have (a misspelt key must not silently
    /// leave a policy wider or narrower than meant).
    UnknownKey {
        /// The key it probably meant.
        meant: Option<&'static str>,
    },
    /// A value of the wrong type or shape for its key, with the parser's message.
    #[cfg(feature = "alloc")]
    InvalidValue(alloc::string::String),
    /// A `CORS_*` environment variable that names no key (a warning).
    UnknownVariable {
        /// The key it probably meant.
        meant: Option<&'static str>,
    },
    /// A route that can never match, because an earlier route matches every
    /// path it does (a warning).
    UnreachableRoute,
    /// A route path that is neither an exact path (`/api/users`) nor a
    /// prefix (`/api/*`).
    InvalidPath,
    /// A route with no `paths` or `path_regexes`.
    NoPaths,
    /// A [`FixedPolicy`](crate::FixedPolicy) too small for this configuration.
    CapacityExceeded {
        /// Bytes of arena the configuration needs (`BYTES`).
        bytes: usize,
        /// Table entries the configuration needs (`ENTRIES`).
        entries: usize,
    },
}

impl Problem {
    fn what(&self) -> &'static str {
        match self {
            Problem::Empty => "is empty",
            Problem::Whitespace => "contains whitespace or control characters",
            Problem::MissingScheme => "has no scheme",
            Problem::InvalidScheme => "has an invalid scheme",
            Problem::Path => "has a path (a trailing slash counts); an origin never does",
            Problem::Query => "has a query or fragment; an origin never does",
            Problem::Userinfo => "has user information (`user@`); an origin never does",
            Problem::NonAsciiHost => "has a non-ASCII host; browsers send the punycode form",
            Problem::InvalidHost => "has an invalid host",
            Problem::NonCanonicalHost(_) => "has an IP address not written the way browsers serialize it, so it would never match",
            Problem::Uppercase => "has upper-case letters; browsers send origins in lower case, so it would never match",
            Problem::DefaultPort => "spells out the scheme's default port; browsers omit it, so it would never match",
            Problem::InvalidPort => "has an invalid port",
            Problem::NullOrigin => "is the opaque origin `null`, which any sandboxed page can send",
            Problem::WildcardNotAlone => "mixes `*` with other values",
            Problem::AnyOriginWithCredentials => "allows any origin while credentials are allowed; browsers reject `*` with credentials and reflecting every origin would hand every site the user's session",
            Problem::ExposeAllWithCredentials => "exposes `*` while credentials are allowed; browsers then read `*` as a literal header name",
            Problem::MisplacedWildcard => "has a `*` that is not a whole leading label (`https://*.example.com`) or a whole port (`http://localhost:*`)",
            Problem::PatternTooBroad => "is a subdomain pattern over a single label, which would match every site under a top-level domain",
            Problem::PublicSuffixPattern => "is a subdomain pattern over a public suffix, so every site registered under it would match",
            Problem::RegexTooBroad => "matches origins of unrelated sites (it matches a canary origin such as `https://x.invalid`)",
            #[cfg(feature = "alloc")]
            Problem::InvalidRegex(_) => "is not a valid regex",
            Problem::NonAsciiRegex => "has non-ASCII characters; origins are ASCII",
            Problem::RegexTooLarge => "compiles to an automaton larger than the 1 MiB limit",
            Problem::RegexNeedsAlloc => "is a regex, and regexes need the `alloc` feature",
            Problem::InvalidToken => "is not a valid HTTP token",
            Problem::ForbiddenMethod => "is a method browsers never send cross-origin",
            Problem::MethodCase => "is a method browsers upper-case before sending, so this spelling would never match",
            Problem::ForbiddenRequestHeader => "is a header name browsers never let scripts send, so a preflight never asks for it",
            Problem::NeedlessMethod => "never needs listing: a preflight never asks for OPTIONS, and GET, HEAD and POST are always allowed",
            Problem::AnyHeaderWithoutAuthorization => "allows any header but `authorization`, which the wildcard never covers",
            Problem::ForbiddenResponseHeader => "is a header browsers never expose to scripts",
            Problem::MaxAgeOutOfRange => "is above 86400 seconds (browsers cap it; Chromium at 7200)",
            Problem::InvalidStatus => "is not 200 or 204",
            Problem::NoOrigin => "allows no origin, so every cross-origin request would be refused",
            #[cfg(feature = "alloc")]
            Problem::Unreadable(_) => "cannot be read",
            Problem::UnknownKey { .. } => "is not a key of a policy",
            #[cfg(feature = "alloc")]
            Problem::InvalidValue(_) => "has a value of the wrong type",
            Problem::UnknownVariable { .. } => "names no policy key, so it is ignored",
            Problem::UnreachableRoute => "can never match: an earlier route matches every path it does",
            Problem::InvalidPath => "is not an exact path (`/api/users`) or a prefix (`/api/*`)",
            Problem::NoPaths => "has no `paths` or `path_regexes`, so it would never match",
            Problem::CapacityExceeded { .. } => "is too small for this configuration",
        }
    }

    fn fix(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("remove the empty value"),
            Problem::Whitespace => f.write_str("remove the spaces and control characters"),
            Problem::MissingScheme => f.write_str("write it as `https://host` (or `http://host`)"),
            Problem::InvalidScheme => f.write_str("use a scheme such as `https`"),
            Problem::Path | Problem::Query | Problem::Userinfo => {
                f.write_str("keep only `scheme://host[:port]`")
            }
            Problem::NonAsciiHost => f.write_str("write the host in punycode (`xn--…`)"),
            Problem::InvalidHost => {
                f.write_str("use a host name of letters, digits, `-` and dots, or an IP literal")
            }
            Problem::NonCanonicalHost(host) => write!(f, "write the host as `{host}`"),
            Problem::Uppercase => f.write_str("write it in lower case"),
            Problem::DefaultPort => f.write_str("remove the port"),
            Problem::InvalidPort => f.write_str("use a port in 1..=65535, or `*` for any"),
            Problem::NullOrigin => {
                f.write_str("remove it, or turn `allow_null_origin` on if you really mean it")
            }
            Problem::WildcardNotAlone => f.write_str("use `*` alone, or list values without it"),
            Problem::AnyOriginWithCredentials => {
                f.write_str("list the trusted origins, or turn credentials off")
            }
            Problem::ExposeAllWithCredentials => {
                f.write_str("list the header names to expose, or turn credentials off")
            }
            Problem::MisplacedWildcard => {
                f.write_str("use `https://*.example.com`, `http://host:*` or an origin regex")
            }
            Problem::PatternTooBroad => {
                f.write_str("name the registrable domain (`*.example.com`)")
            }
            Problem::PublicSuffixPattern => f.write_str(
                "name your own domain under it (`https://*.example.co.uk`), or list the origins",
            ),
            Problem::RegexTooBroad => f.write_str(
                "anchor it to your own domain (`^https://[a-z0-9-]+\\.example\\.com$`), or list the origins",
            ),
            #[cfg(feature = "alloc")]
            Problem::InvalidRegex(message) => write!(f, "correct it: {message}"),
            Problem::NonAsciiRegex => f.write_str("write hosts in punycode"),
            Problem::RegexTooLarge => {
                f.write_str("simplify it, or list the origins or patterns instead")
            }
            Problem::RegexNeedsAlloc => f.write_str("enable the `alloc` feature, or use patterns"),
            Problem::InvalidToken => f.write_str("use letters, digits and `!#$%&'*+-.^_`|~` only"),
            Problem::ForbiddenMethod
            | Problem::ForbiddenRequestHeader
            | Problem::ForbiddenResponseHeader
            | Problem::NeedlessMethod
            | Problem::UnreachableRoute => f.write_str("remove it"),
            Problem::AnyHeaderWithoutAuthorization => {
                f.write_str("list `authorization` beside `*` if scripts send it")
            }
            Problem::MethodCase => f.write_str("write it in upper case"),
            Problem::MaxAgeOutOfRange => f.write_str("use a value in 0..=86400"),
            Problem::InvalidStatus => f.write_str("use 204 or 200"),
            Problem::NoOrigin => f.write_str(
                "list origins in `allowed_origins` or regexes in `allowed_origin_regexes`",
            ),
            #[cfg(feature = "alloc")]
            Problem::Unreadable(message) => write!(f, "correct it: {message}"),
            Problem::UnknownKey { meant: Some(key) } => write!(f, "did you mean `{key}`?"),
            Problem::UnknownKey { meant: None } => f.write_str(
                "correct or remove it; the keys are allowed_origins, \
                 allowed_origin_regexes, allowed_methods, allowed_headers, exposed_headers, \
                 allow_null_origin, allow_credentials, allow_private_network, max_age and \
                 preflight_success_status, with strict and routes at the top level and \
                 paths, path_regexes and cors in a route",
            ),
            #[cfg(feature = "alloc")]
            Problem::InvalidValue(message) => write!(f, "correct it: {message}"),
            Problem::UnknownVariable { meant: Some(key) } => {
                f.write_str("did you mean `CORS_")?;
                for c in key.chars() {
                    write!(f, "{}", c.to_ascii_uppercase())?;
                }
                f.write_str("`?")
            }
            Problem::UnknownVariable { meant: None } => {
                f.write_str("correct or unset it; the variables are CORS_ and a key in upper case")
            }
            Problem::InvalidPath => f.write_str(
                "write a path starting with `/`, ending in `/*` for a prefix, or use `path_regexes`",
            ),
            Problem::NoPaths => f.write_str("add `paths` or `path_regexes`"),
            Problem::CapacityExceeded { bytes, entries } => {
                write!(f, "use FixedPolicy<{bytes}, {entries}> or larger")
            }
        }
    }
}

/// The offending value of a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value<'a> {
    /// A string from one of the lists.
    Str(&'a str),
    /// A number (`max_age`, `preflight_success_status`).
    Number(u64),
    /// The problem concerns the field (or the configuration) as a whole.
    Whole,
}

impl Problem {
    /// Whether this problem stops a policy from compiling, given whether
    /// the policy allows credentials. Warnings are entries that are harmless
    /// but can never matter, or that are only dangerous with credentials.
    pub(crate) fn is_error(&self, credentials: bool) -> bool {
        match self {
            Problem::ForbiddenRequestHeader
            | Problem::ForbiddenResponseHeader
            | Problem::NeedlessMethod
            | Problem::AnyHeaderWithoutAuthorization
            | Problem::UnknownVariable { .. }
            | Problem::UnreachableRoute => false,
            Problem::PublicSuffixPattern | Problem::RegexTooBroad => credentials,
            _ => true,
        }
    }
}

/// One problem found while compiling a [`Config`](crate::Config): an error
/// (in [`ConfigErrors`]) or a warning (in [`ConfigWarnings`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError<'a> {
    position: Option<(u32, u32)>,
    route: Option<usize>,
    field: Field,
    value: Value<'a>,
    problem: Problem,
}

impl<'a> ConfigError<'a> {
    pub(crate) fn new(field: Field, value: Value<'a>, problem: Problem) -> Self {
        ConfigError {
            position: None,
            route: None,
            field,
            value,
            problem,
        }
    }

    /// Where in a policy file the value is, as (line, column), both from 1
    /// (TOML files read with `PolicyFile::from_toml`).
    pub fn position(&self) -> Option<(u32, u32)> {
        self.position
    }

    /// The route the problem is in (its index in the order written), or
    /// `None` for the top-level policy.
    pub fn route(&self) -> Option<usize> {
        self.route
    }

    /// The field the problem is in.
    pub fn field(&self) -> Field {
        self.field
    }

    /// The offending value.
    pub fn value(&self) -> Value<'a> {
        self.value
    }

    /// What is wrong.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

impl fmt::Display for ConfigError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        if let Some(route) = self.route {
            write!(f, "routes[{route}].")?;
        }
        f.write_str(self.field.name())?;
        match self.value {
            Value::Str(s) => write!(f, ": {s:?} ")?,
            Value::Number(n) => write!(f, ": {n} ")?,
            Value::Whole => f.write_str(" ")?,
        }
        f.write_str(self.problem.what())?;
        f.write_str(" — fix: ")?;
        self.problem.fix(f)
    }
}

impl core::error::Error for ConfigError<'_> {}

/// A list of problems: every one with `alloc`, the first
/// [`MAX_REPORTED_PROBLEMS`](crate::limits::MAX_REPORTED_PROBLEMS) and a
/// count of the rest without.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct List<'a> {
    #[cfg(feature = "alloc")]
    list: alloc::vec::Vec<ConfigError<'a>>,
    #[cfg(not(feature = "alloc"))]
    list: heapless::Vec<ConfigError<'a>, { crate::limits::MAX_REPORTED_PROBLEMS }>,
    omitted: usize,
}

impl<'a> List<'a> {
    fn push(&mut self, e: ConfigError<'a>) {
        #[cfg(feature = "alloc")]
        self.list.push(e);
        #[cfg(not(feature = "alloc"))]
        if self.list.push(e).is_err() {
            self.omitted += 1;
        }
    }

    fn len(&self) -> usize {
        self.list.len() + self.omitted
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, title: &str) -> fmt::Result {
        let n = self.len();
        if n == 0 {
            return write!(f, "{title}: none");
        }
        write!(f, "{title} ({n} problem{}):", if n == 1 { "" } else { "s" })?;
        for e in &self.list {
            write!(f, "\n  - {e}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n  - … and {} more", self.omitted)?;
        }
        Ok(())
    }
}

/// Every error found in a [`Config`](crate::Config), in field order.
///
/// Never empty. Without the `alloc` feature the first
/// [`MAX_REPORTED_PROBLEMS`](crate::limits::MAX_REPORTED_PROBLEMS) are kept and the rest counted in
/// [`ConfigErrors::len`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigErrors<'a>(List<'a>);

/// The warnings of a configuration that compiled: entries that are harmless
/// but can never matter, or that would be errors with credentials.
///
/// Print them at start-up; [`Config::strict`](crate::Config::strict) turns
/// them into errors. May be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigWarnings<'a>(List<'a>);

/// Sorting problems into errors and warnings while compiling.
#[derive(Debug, Default)]
pub(crate) struct Report<'a> {
    errors: List<'a>,
    warnings: List<'a>,
    route: Option<usize>,
    credentials: bool,
    strict: bool,
}

impl<'a> Report<'a> {
    pub(crate) fn new(credentials: bool, strict: bool) -> Self {
        Report {
            credentials,
            strict,
            ..Report::default()
        }
    }

    /// Problems reported from now on are in route `route`.
    #[cfg(feature = "alloc")]
    pub(crate) fn in_route(mut self, route: Option<usize>) -> Self {
        self.route = route;
        self
    }

    pub(crate) fn report(&mut self, field: Field, value: Value<'a>, problem: Problem) {
        let error = ConfigError {
            position: None,
            route: self.route,
            field,
            value,
            problem,
        };
        if self.strict || error.problem.is_error(self.credentials) {
            self.errors.push(error);
        } else {
            self.warnings.push(error);
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.errors.len() > 0
    }

    /// Moves every problem of `other` into this report.
    #[cfg(feature = "alloc")]
    pub(crate) fn absorb(&mut self, other: Report<'a>) {
        for e in other.errors.list {
            self.errors.push(e);
        }
        self.errors.omitted += other.errors.omitted;
        for e in other.warnings.list {
            self.warnings.push(e);
        }
        self.warnings.omitted += other.warnings.omitted;
    }

    /// The warnings, or the errors when there are any.
    // Without `alloc` the lists are inline; this runs once per compile.
    #[cfg_attr(not(feature = "alloc"), allow(clippy::result_large_err))]
    pub(crate) fn finish(self) -> Result<ConfigWarnings<'a>, ConfigErrors<'a>> {
        if self.has_errors() {
            Err(ConfigErrors(self.errors))
        } else {
            Ok(ConfigWarnings(self.warnings))
        }
    }
}

macro_rules! problem_list {
    ($type:ident, $title:literal) => {
        impl<'a> $type<'a> {
            /// The number of problems.
            #[allow(clippy::len_without_is_empty)]
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Both lists in one, `self`'s first.
            #[cfg(feature = "serde")]
            pub(crate) fn merged(mut self, other: Self) -> Self {
                let omitted = other.0.omitted;
                for e in other.0.list {
                    self.0.push(e);
                }
                self.0.omitted += omitted;
                self
            }

            /// Gives each problem the position `locate` finds for it,
            /// drops those `keep` refuses, and orders the rest as they
            /// stand in the file (problems with no position last).
            #[cfg(feature = "serde")]
            pub(crate) fn locate(
                &mut self,
                locate: impl Fn(&ConfigError<'a>) -> Option<(u32, u32)>,
                keep: impl Fn(&ConfigError<'a>) -> bool,
            ) {
                self.0.list.retain(|e| keep(e));
                for e in &mut self.0.list {
                    e.position = locate(e);
                }
                self.0
                    .list
                    .sort_by_key(|e| e.position.unwrap_or((u32::MAX, u32::MAX)));
            }

            /// The problems kept, in field order.
            pub fn iter(&self) -> core::slice::Iter<'_, ConfigError<'a>> {
                self.0.list.iter()
            }
        }

        impl<'e, 'a> IntoIterator for &'e $type<'a> {
            type Item = &'e ConfigError<'a>;
            type IntoIter = core::slice::Iter<'e, ConfigError<'a>>;
            fn into_iter(self) -> Self::IntoIter {
                self.iter()
            }
        }

        impl fmt::Display for $type<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, $title)
            }
        }
    };
}

problem_list!(ConfigErrors, "invalid CORS configuration");
problem_list!(ConfigWarnings, "CORS configuration warnings");

impl ConfigErrors<'_> {
    /// A list of one error.
    pub(crate) fn one(field: Field, value: Value<'_>, problem: Problem) -> ConfigErrors<'_> {
        let mut list = List::default();
        list.push(ConfigError::new(field, value, problem));
        ConfigErrors(list)
    }
}

impl ConfigWarnings<'_> {
    /// Whether there are no warnings.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }
}

impl core::error::Error for ConfigErrors<'_> {}
