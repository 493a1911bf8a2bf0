//! The policy file (feature `serde`): the keys of a policy, its routes, and
//! `CORS_*` environment variables, read with any serde format.
//!
//! Reading never stops at the first mistake: an unknown key or a value of
//! the wrong type is kept as a problem and reported by
//! [`PolicyFile::compile`] together with every problem of the values.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{ConfigError, ConfigErrors, ConfigWarnings, Field, Problem, Report, Value};
use crate::routes::{PolicySet, Route};
use crate::Config;

/// A policy as written in a configuration file, with its routes.
///
/// Read it with the serde format of your choice — or with
/// [`PolicyFile::from_toml`] (feature `toml`), which also gives each problem
/// its line and column — optionally override its top-level keys from the
/// environment ([`PolicyFile::with_env`]), then
/// [`compile`](PolicyFile::compile) it:
///
/// ```
/// use cors_engine::{PolicyFile, RequestDescriptor, RouteId};
///
/// let text = r#"
/// allowed_origins = ["https://app.example.com", "https://*.example.org"]
/// allowed_methods = ["PUT", "DELETE"]
/// allowed_headers = ["authorization", "content-type"]
/// exposed_headers = ["x-total-count"]
/// allow_credentials = true
/// max_age = 600
///
/// [[routes]]
/// paths = ["/public/*"]
/// allowed_origins = ["*"]
/// allow_credentials = false
/// "#;
/// let file: PolicyFile = toml::from_str(text).unwrap();
/// let (set, warnings) = file.compile().unwrap_or_else(|errors| panic!("{errors}"));
/// assert!(warnings.is_empty());
/// let request = RequestDescriptor::new(b"GET").origin(b"https://elsewhere.example");
/// assert_eq!(set.decide(b"/public/a.css", &request).route, RouteId::Route(0));
/// ```
///
/// The keys, all optional (an absent list is empty, an absent flag off):
///
/// | key | type | meaning |
/// |---|---|---|
/// | `allowed_origins` | list of strings | exact origins, patterns, or `["*"]` |
/// | `allowed_origin_regexes` | list of strings | regexes matched against the whole origin |
/// | `allow_null_origin` | boolean | allow the opaque origin `null` |
/// | `allowed_methods` | list of strings | methods a preflight may ask for, or `["*"]` |
/// | `allowed_headers` | list of strings | request headers a preflight may ask for, or `["*"]` |
/// | `exposed_headers` | list of strings | response headers scripts may read, or `["*"]` |
/// | `allow_credentials` | boolean | cookies and HTTP authentication |
/// | `max_age` | integer | seconds a preflight may be cached (absent: no header) |
/// | `allow_private_network` | boolean | answer private network access requests |
/// | `preflight_success_status` | integer | 204 (default) or 200 |
/// | `strict` | boolean | top level only: warnings are errors |
/// | `routes` | list of tables | per-path policies, first match wins |
///
/// A route table has `paths` (exact paths and `/prefix/*`), `path_regexes`
/// (matched against the whole path), `cors` (`false`: no CORS on these
/// paths) and any of the policy keys above; a key it leaves out is the top
/// level's. Values mean what they mean in [`Config`].
///
/// A key not in these tables is an error (a misspelt key would otherwise
/// silently leave a policy narrower or wider than meant), reported with the
/// likely intended key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyFile {
    top: Keys,
    strict: Option<bool>,
    routes: Vec<RouteKeys>,
    /// Unknown keys, wrong types and unknown variables, found while reading.
    read: Vec<ReadProblem>,
    /// Where values are in the file (filled by `from_toml`).
    spots: Vec<(Spot, (u32, u32))>,
}

/// The policy keys, each `None` when not written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Keys {
    lists: [Option<Vec<String>>; LISTS.len()],
    allow_null_origin: Option<bool>,
    allow_credentials: Option<bool>,
    allow_private_network: Option<bool>,
    max_age: Option<u64>,
    preflight_success_status: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RouteKeys {
    paths: Vec<String>,
    path_regexes: Vec<String>,
    cors: bool,
    keys: Keys,
}

/// A problem found while reading, before any value is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ReadProblem {
    route: Option<usize>,
    field: Field,
    /// The key, variable or value the problem is about.
    value: String,
    problem: Problem,
    position: Option<(u32, u32)>,
}

/// A value's place: route, key and index in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Spot {
    route: Option<usize>,
    field: Field,
    index: Option<usize>,
}

/// The list keys, in the order of `Keys::lists`.
const LISTS: [(&str, Field); 5] = [
    ("allowed_origins", Field::AllowedOrigins),
    ("allowed_origin_regexes", Field::AllowedOriginRegexes),
    ("allowed_methods", Field::AllowedMethods),
    ("allowed_headers", Field::AllowedHeaders),
    ("exposed_headers", Field::ExposedHeaders),
];

/// The other policy keys.
const SCALARS: [(&str, Field); 5] = [
    ("allow_null_origin", Field::AllowNullOrigin),
    ("allow_credentials", Field::AllowCredentials),
    ("allow_private_network", Field::AllowPrivateNetwork),
    ("max_age", Field::MaxAge),
    ("preflight_success_status", Field::PreflightSuccessStatus),
];

/// Keys only the top level has, and keys only a route has.
const TOP_ONLY: [(&str, Field); 2] = [("strict", Field::Strict), ("routes", Field::Routes)];
const ROUTE_ONLY: [(&str, Field); 3] = [
    ("paths", Field::Paths),
    ("path_regexes", Field::PathRegexes),
    ("cors", Field::Cors),
];

fn policy_keys() -> impl Iterator<Item = (&'static str, Field)> + Clone {
    LISTS.into_iter().chain(SCALARS)
}

/// Any value of any serde format, kept whole so that a wrong type is a
/// problem to report, not the end of reading.
#[derive(Clone, Debug)]
enum Raw {
    Bool(bool),
    Int(i128),
    Str(String),
    List(Vec<Raw>),
    Table(Vec<(String, Raw)>),
    Other(&'static str),
}

impl Raw {
    fn kind(&self) -> &'static str {
        match self {
            Raw::Bool(_) => "a boolean",
            Raw::Int(_) => "an integer",
            Raw::Str(_) => "a string",
            Raw::List(_) => "a list",
            Raw::Table(_) => "a table",
            Raw::Other(kind) => kind,
        }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Raw, E> {
        Ok(Raw::Other("a decimal number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Other("null"))
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Other("null"))
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Other("bytes"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Raw::Table(entries))
    }
}

impl<'de> Deserialize<'de> for PolicyFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Raw::deserialize(deserializer)? {
            Raw::Table(entries) => Ok(PolicyFile::from_table(entries)),
            other => Err(de::Error::custom(format!(
                "a CORS policy is a table of keys such as allowed_origins, not {}",
                other.kind()
            ))),
        }
    }
}

/// Reading one table's keys into `Keys`, noting every problem.
struct Reader<'p> {
    route: Option<usize>,
    read: &'p mut Vec<ReadProblem>,
}

impl Reader<'_> {
    fn problem(&mut self, field: Field, value: String, problem: Problem) {
        self.read.push(ReadProblem {
            route: self.route,
            field,
            value,
            problem,
            position: None,
        });
    }

    fn wrong_type(&mut self, field: Field, expected: &str, found: &Raw) {
        let message = format!("expected {expected}, found {}", found.kind());
        self.problem(field, String::new(), Problem::InvalidValue(message));
    }

    fn strings(&mut self, field: Field, raw: Raw) -> Vec<String> {
        let Raw::List(items) = raw else {
            self.wrong_type(field, "a list of strings", &raw);
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Raw::Str(s) => out.push(s),
                other => self.wrong_type(field, "a string", &other),
            }
        }
        out
    }

    fn boolean(&mut self, field: Field, raw: Raw) -> Option<bool> {
        match raw {
            Raw::Bool(b) => Some(b),
            other => {
                self.wrong_type(field, "true or false", &other);
                None
            }
        }
    }

    fn number(&mut self, field: Field, raw: Raw) -> Option<u64> {
        match raw {
            Raw::Int(n) => match u64::try_from(n) {
                Ok(n) => Some(n),
                Err(_) => {
                    let message = format!("expected a number of 0 or more, found {n}");
                    self.problem(field, String::new(), Problem::InvalidValue(message));
                    None
                }
            },
            other => {
                self.wrong_type(field, "an integer", &other);
                None
            }
        }
    }

    /// Sets a policy key; `false` when `key` is not one.
    fn policy_key(&mut self, keys: &mut Keys, key: &str, raw: Raw) -> bool {
        if let Some(i) = LISTS.iter().position(|(k, _)| *k == key) {
            keys.lists[i] = Some(self.strings(LISTS[i].1, raw));
            return true;
        }
        match key {
            "allow_null_origin" => {
                keys.allow_null_origin = self.boolean(Field::AllowNullOrigin, raw)
            }
            "allow_credentials" => {
                keys.allow_credentials = self.boolean(Field::AllowCredentials, raw)
            }
            "allow_private_network" => {
                keys.allow_private_network = self.boolean(Field::AllowPrivateNetwork, raw);
            }
            "max_age" => keys.max_age = self.number(Field::MaxAge, raw),
            "preflight_success_status" => {
                let status = self.number(Field::PreflightSuccessStatus, raw);
                // A number beyond `u16` must be reported as written, not
                // as the `u16::MAX` a `Config` would hold.
                keys.preflight_success_status = match status {
                    Some(n) if n > u64::from(u16::MAX) => {
                        self.problem(
                            Field::PreflightSuccessStatus,
                            n.to_string(),
                            Problem::InvalidStatus,
                        );
                        None
                    }
                    other => other,
                };
            }
            _ => return false,
        }
        true
    }

    /// Whether `key` was already read from this table (JSON and other
    /// formats allow it; the second value must not silently win).
    fn given_twice(&mut self, seen: &mut Vec<String>, key: &str) -> bool {
        if seen.iter().any(|k| k == key) {
            let message = String::from("a key is given twice; keep one");
            self.problem(Field::File, key.to_string(), Problem::Unreadable(message));
            return true;
        }
        seen.push(key.to_string());
        false
    }

    fn unknown(&mut self, key: String, allowed: &[&'static str]) {
        let meant = likely_key(&key, allowed);
        self.problem(Field::Key, key, Problem::UnknownKey { meant });
    }
}

impl PolicyFile {
    fn from_table(entries: Vec<(String, Raw)>) -> Self {
        let mut file = PolicyFile::default();
        let mut reader = Reader {
            route: None,
            read: &mut file.read,
        };
        let top_keys: Vec<&'static str> = policy_keys().chain(TOP_ONLY).map(|(k, _)| k).collect();
        let mut routes = None;
        let mut seen = Vec::new();
        for (key, raw) in entries {
            if reader.given_twice(&mut seen, &key) {
                continue;
            }
            if reader.policy_key(&mut file.top, &key, raw.clone()) {
                continue;
            }
            match key.as_str() {
                "strict" => file.strict = reader.boolean(Field::Strict, raw),
                "routes" => routes = Some(raw),
                _ => reader.unknown(key, &top_keys),
            }
        }
        match routes {
            None => {}
            Some(Raw::List(tables)) => {
                for (i, table) in tables.into_iter().enumerate() {
                    let mut reader = Reader {
                        route: Some(i),
                        read: &mut file.read,
                    };
                    file.routes.push(RouteKeys::read(&mut reader, table));
                }
            }
            Some(other) => reader.wrong_type(Field::Routes, "a list of tables", &other),
        }
        file
    }

    /// Reads a TOML policy file, noting the line and column of every value
    /// so that each problem [`compile`](PolicyFile::compile) reports says
    /// where it is (feature `toml`).
    ///
    /// A file that is not TOML at all is the one error returned here.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Self, ConfigErrors<'static>> {
        let mut file: PolicyFile = toml::from_str(text).map_err(|e| {
            ConfigErrors::one(
                Field::File,
                Value::Whole,
                Problem::Unreadable(e.message().to_string() + &at(text, e.span())),
            )
        })?;
        if let Ok(table) = toml::de::DeTable::parse(text) {
            file.note_spots(text, table.get_ref());
        }
        Ok(file)
    }

    #[cfg(feature = "toml")]
    fn note_spots(&mut self, text: &str, table: &toml::de::DeTable<'_>) {
        use toml::de::DeValue;
        let position = |span: core::ops::Range<usize>| line_column(text, span.start);
        let note = |spots: &mut Vec<_>, route, table: &toml::de::DeTable<'_>| {
            for (key, value) in table {
                let key_name: &str = key.get_ref();
                let Some((_, field)) = policy_keys()
                    .chain(TOP_ONLY)
                    .chain(ROUTE_ONLY)
                    .find(|(k, _)| *k == key_name)
                else {
                    // Unknown keys are found by name below.
                    continue;
                };
                let spot = Spot {
                    route,
                    field,
                    index: None,
                };
                spots.push((spot, position(value.span())));
                if let DeValue::Array(items) = value.get_ref() {
                    for (i, item) in items.iter().enumerate() {
                        let spot = Spot {
                            index: Some(i),
                            ..spot
                        };
                        spots.push((spot, position(item.span())));
                    }
                }
            }
        };
        note(&mut self.spots, None, table);
        let mut unknown_keys: Vec<(Option<usize>, &str, (u32, u32))> = table
            .iter()
            .map(|(k, _)| (None, &**k.get_ref(), position(k.span())))
            .collect();
        if let Some(DeValue::Array(routes)) = table.get("routes").map(|v| v.get_ref()) {
            for (i, route) in routes.iter().enumerate() {
                if let DeValue::Table(route) = route.get_ref() {
                    note(&mut self.spots, Some(i), route);
                    unknown_keys.extend(
                        route
                            .iter()
                            .map(|(k, _)| (Some(i), &**k.get_ref(), position(k.span()))),
                    );
                }
            }
        }
        // Every read problem gets the position of its key.
        for problem in &mut self.read {
            let key = problem.value.as_str();
            problem.position = unknown_keys
                .iter()
                .find(|(route, k, _)| *route == problem.route && *k == key)
                .map(|(_, _, p)| *p)
                .or_else(|| {
                    self.spots
                        .iter()
                        .find(|(s, _)| {
                            s.route == problem.route
                                && s.field == problem.field
                                && s.index.is_none()
                        })
                        .map(|(_, p)| *p)
                });
        }
    }

    /// Overrides the top-level keys with `CORS_<KEY>` variables
    /// (`CORS_ALLOWED_ORIGINS`, `CORS_ALLOW_CREDENTIALS`, `CORS_MAX_AGE`…):
    /// lists are comma-separated and trimmed, flags are `true` or `false`.
    /// A `CORS_*` variable that names no key is a warning; others are
    /// ignored. With no file, start from `PolicyFile::default()`: the
    /// environment alone is the policy.
    ///
    /// ```
    /// use cors_engine::PolicyFile;
    ///
    /// let env = [
    ///     ("CORS_ALLOWED_ORIGINS", "https://a.example.com, https://b.example.com"),
    ///     ("CORS_ALLOW_CREDENTIALS", "true"),
    ///     ("PATH", "/usr/bin"),
    /// ];
    /// let file = PolicyFile::default().with_env(env.map(|(k, v)| (k.into(), v.into())));
    /// // The errors borrow `file`: make them a message to leave `main`.
    /// let (set, warnings) = file.compile().map_err(|errors| errors.to_string())?;
    /// # let _ = (set, warnings);
    /// # Ok::<(), String>(())
    /// ```
    pub fn with_env(mut self, vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let known: Vec<&'static str> = policy_keys().chain([TOP_ONLY[0]]).map(|(k, _)| k).collect();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix("CORS_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            let mut reader = Reader {
                route: None,
                read: &mut self.read,
            };
            let raw = if LISTS.iter().any(|(k, _)| *k == key) {
                Raw::List(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(|v| Raw::Str(v.to_string()))
                        .collect(),
                )
            } else if let Ok(n) = value.trim().parse::<i128>() {
                Raw::Int(n)
            } else {
                match value.trim().to_ascii_lowercase().as_str() {
                    "true" => Raw::Bool(true),
                    "false" => Raw::Bool(false),
                    _ => Raw::Str(value.clone()),
                }
            };
            let before = reader.read.len();
            if key == "strict" {
                self.strict = reader.boolean(Field::Strict, raw);
            } else if !reader.policy_key(&mut self.top, &key, raw) {
                let meant = likely_key(&key, &known);
                reader.problem(Field::Environment, name, Problem::UnknownVariable { meant });
                continue;
            }
            // A wrong value names the variable it came from.
            for problem in &mut self.read[before..] {
                problem.value = name.clone();
            }
        }
        self
    }

    /// [`with_env`](PolicyFile::with_env) with this process's environment.
    #[cfg(feature = "std")]
    pub fn with_process_env(self) -> Self {
        self.with_env(std::env::vars())
    }

    /// Treats every warning as an error, as the file key `strict = true`
    /// does (a command-line `--strict`, say).
    pub fn strict(mut self, yes: bool) -> Self {
        if yes {
            self.strict = Some(true);
        }
        self
    }

    /// Whether the file has any route.
    pub fn has_routes(&self) -> bool {
        !self.routes.is_empty()
    }

    /// Validates everything and compiles the policy set, or returns every
    /// problem: unknown keys, wrong types and every value problem, each
    /// naming its route, key and value (and, from
    /// [`from_toml`](PolicyFile::from_toml), its line and column).
    pub fn compile(&self) -> Result<(PolicySet, ConfigWarnings<'_>), ConfigErrors<'_>> {
        let strict = self.strict.unwrap_or(false);
        let top = Lists::new(&self.top, None);
        let route_lists: Vec<_> = self
            .routes
            .iter()
            .map(|r| Lists::new(&r.keys, Some(&self.top)))
            .collect();
        let route_paths: Vec<(Vec<&str>, Vec<&str>)> = self
            .routes
            .iter()
            .map(|r| (strs(&r.paths), strs(&r.path_regexes)))
            .collect();
        let top_config = top.config(&self.top, None, strict);
        let routes: Vec<Route<'_, '_>> = self
            .routes
            .iter()
            .zip(&route_lists)
            .zip(&route_paths)
            .map(|((r, lists), (paths, regexes))| {
                let route = Route::new(paths).path_regexes(regexes);
                if r.cors {
                    route.policy(lists.config(&r.keys, Some(&self.top), strict))
                } else {
                    route
                }
            })
            .collect();
        // A file that says nothing at the top level but has routes means
        // "CORS only on these routes".
        let top_level = (!self.routes.is_empty() && self.top == Keys::default()).then_some(());
        let compiled = PolicySet::compile(
            if top_level.is_some() {
                None
            } else {
                Some(&top_config)
            },
            &routes,
        );
        let mut read = Report::new(false, strict);
        for p in &self.read {
            let mut one = Report::new(false, strict).in_route(p.route);
            let value = if p.value.is_empty() {
                Value::Whole
            } else {
                Value::Str(&p.value)
            };
            one.report(p.field, value, p.problem.clone());
            read.absorb(one);
        }
        let locate = |e: &ConfigError<'_>| self.position_of(e);
        let keep = |e: &ConfigError<'_>| !self.inherited(e);
        match (compiled, read.finish()) {
            (Ok((set, warnings)), Ok(read_warnings)) => {
                let mut all = read_warnings.merged(warnings);
                all.locate(locate, keep);
                Ok((set, all))
            }
            (Ok(_), Err(mut errors)) => {
                errors.locate(locate, keep);
                Err(errors)
            }
            (Err(errors), Ok(_)) => {
                let mut errors = errors;
                errors.locate(locate, keep);
                Err(errors)
            }
            (Err(errors), Err(read_errors)) => {
                let mut all = read_errors.merged(errors);
                all.locate(locate, keep);
                Err(all)
            }
        }
    }

    /// Whether `e` is a route's copy of a problem with a value the route
    /// inherited from the top level, which reports it once already.
    fn inherited(&self, e: &ConfigError<'_>) -> bool {
        let Value::Str(s) = e.value() else {
            return false;
        };
        e.route().is_some()
            && self
                .top
                .lists
                .iter()
                .flatten()
                .flatten()
                .any(|v| core::ptr::eq(v.as_str(), s))
    }

    /// The line and column of the value `e` is about, when known.
    fn position_of(&self, e: &ConfigError<'_>) -> Option<(u32, u32)> {
        if let Some(p) = self.read.iter().find(|p| {
            p.route == e.route()
                && p.field == e.field()
                && match e.value() {
                    Value::Str(s) => core::ptr::eq(s, p.value.as_str()),
                    _ => p.value.is_empty(),
                }
        }) {
            return p.position;
        }
        let keys = match e.route() {
            None => &self.top,
            Some(i) => &self.routes.get(i)?.keys,
        };
        let index = match e.value() {
            Value::Str(s) => {
                let list: Option<&Vec<String>> = match e.field() {
                    Field::Paths => e.route().map(|i| &self.routes[i].paths),
                    Field::PathRegexes => e.route().map(|i| &self.routes[i].path_regexes),
                    field => LISTS
                        .iter()
                        .position(|(_, f)| *f == field)
                        .and_then(|i| keys.lists[i].as_ref().or(self.top.lists[i].as_ref())),
                };
                list.and_then(|l| l.iter().position(|v| core::ptr::eq(v.as_str(), s)))
            }
            _ => None,
        };
        let find = |route, index| {
            self.spots
                .iter()
                .find(|(s, _)| s.route == route && s.field == e.field() && s.index == index)
                .map(|(_, p)| *p)
        };
        // A value a route inherited is where the top level wrote it.
        find(e.route(), index).or_else(|| find(None, index))
    }
}

impl RouteKeys {
    fn read(reader: &mut Reader<'_>, raw: Raw) -> Self {
        let mut route = RouteKeys {
            paths: Vec::new(),
            path_regexes: Vec::new(),
            cors: true,
            keys: Keys::default(),
        };
        let Raw::Table(entries) = raw else {
            reader.wrong_type(Field::Routes, "a table", &raw);
            return route;
        };
        let allowed: Vec<&'static str> = policy_keys().chain(ROUTE_ONLY).map(|(k, _)| k).collect();
        let mut seen = Vec::new();
        for (key, raw) in entries {
            if reader.given_twice(&mut seen, &key) {
                continue;
            }
            if reader.policy_key(&mut route.keys, &key, raw.clone()) {
                continue;
            }
            match key.as_str() {
                "paths" => route.paths = reader.strings(Field::Paths, raw),
                "path_regexes" => route.path_regexes = reader.strings(Field::PathRegexes, raw),
                "cors" => route.cors = reader.boolean(Field::Cors, raw).unwrap_or(true),
                _ => reader.unknown(key, &allowed),
            }
        }
        route
    }
}

/// A policy's lists as `&str` slices, which a [`Config`] borrows.
struct Lists<'f> {
    lists: [Vec<&'f str>; LISTS.len()],
}

impl<'f> Lists<'f> {
    /// The lists of `keys`, each falling back to `inherit`'s.
    fn new(keys: &'f Keys, inherit: Option<&'f Keys>) -> Self {
        Lists {
            lists: core::array::from_fn(|i| {
                keys.lists[i]
                    .as_ref()
                    .or(inherit.and_then(|k| k.lists[i].as_ref()))
                    .map(|l| strs(l))
                    .unwrap_or_default()
            }),
        }
    }

    fn config(&self, keys: &Keys, inherit: Option<&Keys>, strict: bool) -> Config<'_, 'f> {
        let flag = |own: Option<bool>, top: Option<bool>| own.or(top).unwrap_or(false);
        let top = inherit.cloned().unwrap_or_default();
        let [origins, regexes, methods, headers, exposed] = &self.lists;
        let mut config = Config::new()
            .allowed_origins(origins)
            .allowed_origin_regexes(regexes)
            .allowed_methods(methods)
            .allowed_headers(headers)
            .exposed_headers(exposed)
            .allow_null_origin(flag(keys.allow_null_origin, top.allow_null_origin))
            .allow_credentials(flag(keys.allow_credentials, top.allow_credentials))
            .allow_private_network(flag(keys.allow_private_network, top.allow_private_network))
            .strict(strict);
        if let Some(age) = keys.max_age.or(top.max_age) {
            config = config.max_age(age);
        }
        if let Some(status) = keys
            .preflight_success_status
            .or(top.preflight_success_status)
        {
            // Out-of-range numbers become a status that fails validation.
            config = config.preflight_success_status(u16::try_from(status).unwrap_or(u16::MAX));
        }
        config
    }
}

fn strs(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

/// (line, column) of byte `offset` in `text`, both from 1.
#[cfg(feature = "toml")]
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[cfg(feature = "toml")]
fn at(text: &str, span: Option<core::ops::Range<usize>>) -> String {
    match span {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!(" (line {line}, column {column})")
        }
        None => String::new(),
    }
}

/// The key `typed` was probably meant to be: the same up to case and `-`,
/// or within two edits.
fn likely_key<'k>(typed: &str, keys: &[&'k str]) -> Option<&'k str> {
    let normal = typed.to_ascii_lowercase().replace('-', "_");
    keys.iter()
        .map(|k| (edit_distance(&normal, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance over bytes, bounded: keys are short and a typed key
/// longer than 64 bytes is never a near miss.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested() {
        let keys: Vec<&str> = policy_keys().map(|(k, _)| k).collect();
        assert_eq!(likely_key("allowed_origin", &keys), Some("allowed_origins"));
        assert_eq!(likely_key("max-age", &keys), Some("max_age"));
        assert_eq!(
            likely_key("Allow_Credentials", &keys),
            Some("allow_credentials")
        );
        assert_eq!(likely_key("origins", &keys), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance(&"x".repeat(1000), "max_age"), usize::MAX);
    }

    #[test]
    fn an_unknown_key_without_a_near_miss_is_told_every_key() {
        let file: PolicyFile =
            serde_json::from_str(r#"{"origins": ["https://a.example"]}"#).expect("any table reads");
        let errors = file
            .compile()
            .map(|_| ())
            .expect_err("an unknown key is an error");
        let message = errors.to_string();
        let keys = policy_keys().chain(TOP_ONLY).chain(ROUTE_ONLY);
        for (key, _) in keys {
            assert!(message.contains(key), "{key} missing from {message}");
        }
    }
}
