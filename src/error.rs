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
    /// A request header name browsers never let scripts set.
    ForbiddenRequestHeader,
    /// A response header name browsers never expose (`set-cookie`).
    ForbiddenResponseHeader,
    /// `max_age` above 86400.
    MaxAgeOutOfRange,
    /// `preflight_success_status` other than 200 or 204.
    InvalidStatus,
    /// Neither origins, regexes nor `null` are allowed: the policy would
    /// refuse every cross-origin request.
    NoOrigin,
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
            Problem::Uppercase => "has upper-case letters; browsers send origins in lower case, so it would never match",
            Problem::DefaultPort => "spells out the scheme's default port; browsers omit it, so it would never match",
            Problem::InvalidPort => "has an invalid port",
            Problem::NullOrigin => "is the opaque origin `null`, which any sandboxed page can send",
            Problem::WildcardNotAlone => "mixes `*` with other values",
            Problem::AnyOriginWithCredentials => "allows any origin while credentials are allowed; browsers reject `*` with credentials and reflecting every origin would hand every site the user's session",
            Problem::ExposeAllWithCredentials => "exposes `*` while credentials are allowed; browsers then read `*` as a literal header name",
            Problem::MisplacedWildcard => "has a `*` that is not a whole leading label (`https://*.example.com`) or a whole port (`http://localhost:*`)",
            Problem::PatternTooBroad => "is a subdomain pattern over a single label, which would match every site under a top-level domain",
            #[cfg(feature = "alloc")]
            Problem::InvalidRegex(_) => "is not a valid regex",
            Problem::NonAsciiRegex => "has non-ASCII characters; origins are ASCII",
            Problem::RegexTooLarge => "compiles to an automaton larger than the 1 MiB limit",
            Problem::RegexNeedsAlloc => "is a regex, and regexes need the `alloc` feature",
            Problem::InvalidToken => "is not a valid HTTP token",
            Problem::ForbiddenMethod => "is a method browsers never send cross-origin",
            Problem::MethodCase => "is a method browsers upper-case before sending, so this spelling would never match",
            Problem::ForbiddenRequestHeader => "is a header name browsers never let scripts send",
            Problem::ForbiddenResponseHeader => "is a header browsers never expose to scripts",
            Problem::MaxAgeOutOfRange => "is above 86400 seconds (browsers cap it; Chromium at 7200)",
            Problem::InvalidStatus => "is not 200 or 204",
            Problem::NoOrigin => "allows no origin, so every cross-origin request would be refused",
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
            Problem::Uppercase => f.write_str("write it in lower case"),
            Problem::DefaultPort => f.write_str("remove the port"),
            Problem::InvalidPort => f.write_str("use a port in 1..=65535, or `*` for any"),
            Problem::NullOrigin => {
                f.write_str("remove it, or call `allow_null_origin(true)` if you really mean it")
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
            #[cfg(feature = "alloc")]
            Problem::InvalidRegex(message) => write!(f, "correct it: {message}"),
            Problem::NonAsciiRegex => f.write_str("write hosts in punycode"),
            Problem::RegexTooLarge => {
                f.write_str("simplify it, or list the origins or patterns instead")
            }
            Problem::RegexNeedsAlloc => f.write_str("enable the `alloc` feature, or use patterns"),
            Problem::InvalidToken => f.write_str("use letters, digits and `!#$%&'*+-.^_`|~` only"),
            Problem::ForbiddenMethod | Problem::ForbiddenRequestHeader => f.write_str("remove it"),
            Problem::ForbiddenResponseHeader => f.write_str("remove it"),
            Problem::MethodCase => f.write_str("write it in upper case"),
            Problem::MaxAgeOutOfRange => f.write_str("use a value in 0..=86400"),
            Problem::InvalidStatus => f.write_str("use 204 or 200"),
            Problem::NoOrigin => f.write_str(
                "list origins in `allowed_origins` or regexes in `allowed_origin_regexes`",
            ),
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

/// One problem found while compiling a [`Config`](crate::Config).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError<'a> {
    field: Field,
    value: Value<'a>,
    problem: Problem,
}

impl<'a> ConfigError<'a> {
    pub(crate) fn new(field: Field, value: Value<'a>, problem: Problem) -> Self {
        ConfigError {
            field,
            value,
            problem,
        }
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

/// Every problem found in a [`Config`](crate::Config), in field order.
///
/// Never empty. Without the `alloc` feature the first
/// [`MAX_REPORTED_PROBLEMS`](crate::limits::MAX_REPORTED_PROBLEMS) are kept and the rest counted in
/// [`ConfigErrors::len`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigErrors<'a> {
    #[cfg(feature = "alloc")]
    list: alloc::vec::Vec<ConfigError<'a>>,
    #[cfg(not(feature = "alloc"))]
    list: heapless::Vec<ConfigError<'a>, { crate::limits::MAX_REPORTED_PROBLEMS }>,
    omitted: usize,
}

impl<'a> ConfigErrors<'a> {
    pub(crate) fn new() -> Self {
        ConfigErrors {
            list: Default::default(),
            omitted: 0,
        }
    }

    pub(crate) fn push(&mut self, e: ConfigError<'a>) {
        #[cfg(feature = "alloc")]
        self.list.push(e);
        #[cfg(not(feature = "alloc"))]
        if self.list.push(e).is_err() {
            self.omitted += 1;
        }
    }

    pub(crate) fn report(&mut self, field: Field, value: Value<'a>, problem: Problem) {
        self.push(ConfigError::new(field, value, problem));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty() && self.omitted == 0
    }

    /// The number of problems found.
    #[allow(clippy::len_without_is_empty)] // never empty
    pub fn len(&self) -> usize {
        self.list.len() + self.omitted
    }

    /// The problems kept, in field order.
    pub fn iter(&self) -> core::slice::Iter<'_, ConfigError<'a>> {
        self.list.iter()
    }
}

impl<'e, 'a> IntoIterator for &'e ConfigErrors<'a> {
    type Item = &'e ConfigError<'a>;
    type IntoIter = core::slice::Iter<'e, ConfigError<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Display for ConfigErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.len();
        write!(
            f,
            "invalid CORS configuration ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for e in self.iter() {
            write!(f, "\n  - {e}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n  - … and {} more", self.omitted)?;
        }
        Ok(())
    }
}

impl core::error::Error for ConfigErrors<'_> {}
