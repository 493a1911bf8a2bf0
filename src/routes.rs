//! Routes: a [`PolicySet`] maps request paths to policies, first match wins.
//!
//! Every route's paths (exact, `/prefix/*`) and path regexes are compiled
//! into one anchored DFA whose patterns are numbered by route, so finding a
//! request's route is one walk over its path bytes, whatever the number of
//! routes, with no allocation.

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use regex_automata::MatchKind;

use crate::config::Config;
use crate::decision::Decision;
use crate::error::{ConfigErrors, ConfigWarnings, Field, Problem, Report, Value};
use crate::limits::MAX_PATH_LEN;
use crate::policy::Policy;
use crate::regex::WholeMatch;
use crate::request::RequestDescriptor;

/// Where a route applies and what it does there, as the user writes it.
///
/// ```
/// use cors_engine::{Config, Route};
///
/// const TOP: Config = Config::new().allowed_origins(&["https://app.example.com"]);
/// let public = Route::new(&["/public/*"]).policy(TOP.allowed_origins(&["*"]));
/// let internal = Route::new(&["/internal/*"]); // no policy: CORS off here
/// # let _ = (public, internal);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route<'a, 's> {
    pub(crate) paths: &'a [&'s str],
    pub(crate) path_regexes: &'a [&'s str],
    pub(crate) policy: Option<Config<'a, 's>>,
}

impl<'a, 's> Route<'a, 's> {
    /// A route over `paths`: exact paths (`/api/users`) and prefixes
    /// (`/api/*`, which covers `/api`, `/api/` and everything below). It
    /// turns CORS off until given a [`policy`](Route::policy).
    pub const fn new(paths: &'a [&'s str]) -> Self {
        Route {
            paths,
            path_regexes: &[],
            policy: None,
        }
    }

    /// Path regexes the route also covers, matched against the whole path
    /// (`^`/`$` optional), as `regex-automata` writes them.
    pub const fn path_regexes(mut self, regexes: &'a [&'s str]) -> Self {
        self.path_regexes = regexes;
        self
    }

    /// The policy on this route's paths.
    pub const fn policy(mut self, config: Config<'a, 's>) -> Self {
        self.policy = Some(config);
        self
    }
}

/// Which route a path fell in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RouteId {
    /// The route at this index, in the order written.
    Route(usize),
    /// No route matched: the top-level policy (if any) applies.
    TopLevel,
    /// The path is longer than [`MAX_PATH_LEN`]: no route was looked for
    /// and CORS is off for the request.
    PathTooLong,
}

/// A route's decision: which route applied, and the decision, or `None`
/// where CORS is off (a route with `cors = false`, or no route and no
/// top-level policy): the adapter then adds nothing and the application
/// answers everything, preflights included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Routed<'a> {
    /// The route that applied.
    pub route: RouteId,
    /// The decision, or `None` where CORS is off.
    pub decision: Option<Decision<'a>>,
}

/// Policies by request path (feature `alloc`): ordered routes, first match
/// wins, and the top-level policy for paths no route matches.
///
/// Compile it once with [`PolicySet::compile`]; then
/// [`PolicySet::decide`] takes the path (as the server routes it, without
/// the query) and the request. Deciding allocates nothing.
///
/// ```
/// use cors_engine::{Config, PolicySet, RequestDescriptor, Route, RouteId};
///
/// const TOP: Config = Config::new()
///     .allowed_origins(&["https://app.example.com"])
///     .allow_credentials(true);
/// let routes = [
///     Route::new(&["/public/*"]).policy(TOP.allowed_origins(&["*"]).allow_credentials(false)),
///     Route::new(&["/internal/*"]),
/// ];
/// let (set, warnings) = PolicySet::compile(Some(&TOP), &routes)?;
/// assert!(warnings.is_empty());
///
/// let request = RequestDescriptor::new(b"GET").origin(b"https://elsewhere.example");
/// let public = set.decide(b"/public/logo.png", &request);
/// assert_eq!(public.route, RouteId::Route(0));
/// assert!(public.decision.unwrap().is_allowed());
/// assert!(set.decide(b"/internal/metrics", &request).decision.is_none());
/// assert!(!set.decide(b"/api", &request).decision.unwrap().is_allowed());
/// # Ok::<(), cors_engine::ConfigErrors<'static>>(())
/// ```
///
/// The set is generic over what it holds per policy so that an adapter can
/// keep its own prepared form of each ([`PolicySet::map`]).
#[derive(Clone, Debug)]
pub struct PolicySet<P = Policy> {
    top: Option<P>,
    /// Each route's policy, `None` where CORS is off.
    routes: Vec<Option<P>>,
    /// Each route's first path as written, for logs and `explain`.
    names: Vec<String>,
    /// Shared, so that an adapter's copies of the set route identically
    /// without copying the automaton.
    matcher: Option<Arc<PathMatcher>>,
}

impl PolicySet {
    /// Validates the top-level policy and every route, and compiles them,
    /// or returns every problem found, each naming its route. Warnings come
    /// beside the set; a route that an earlier one covers entirely is one.
    ///
    /// Routes are not merged with the top level here: give each route the
    /// whole [`Config`] it should apply (a `const` top-level config and its
    /// builder methods make that short; policy files inherit keys).
    pub fn compile<'c>(
        top: Option<&Config<'_, 'c>>,
        routes: &[Route<'_, 'c>],
    ) -> Result<(Self, ConfigWarnings<'c>), ConfigErrors<'c>> {
        let strict = top.is_some_and(|c| c.strict);
        let mut report = Report::new(false, strict);
        let top = top.and_then(|c| compile_one(c, None, &mut report));
        let mut compiled = Vec::with_capacity(routes.len());
        let mut names = Vec::with_capacity(routes.len());
        let mut patterns: Vec<(usize, String)> = Vec::new();
        for (i, route) in routes.iter().enumerate() {
            let mut paths = Report::new(false, strict).in_route(Some(i));
            if route.paths.is_empty() && route.path_regexes.is_empty() {
                paths.report(Field::Paths, Value::Whole, Problem::NoPaths);
            }
            for &p in route.paths {
                match path_pattern(p) {
                    Ok(regex) => patterns.push((i, regex)),
                    Err(problem) => paths.report(Field::Paths, Value::Str(p), problem),
                }
            }
            for &r in route.path_regexes {
                match check_path_regex(r) {
                    Ok(()) => patterns.push((i, String::from(r))),
                    Err(problem) => paths.report(Field::PathRegexes, Value::Str(r), problem),
                }
            }
            report.absorb(paths);
            compiled.push(
                route
                    .policy
                    .as_ref()
                    .and_then(|c| compile_one(c, Some(i), &mut report)),
            );
            names.push(String::from(
                route
                    .paths
                    .first()
                    .or(route.path_regexes.first())
                    .copied()
                    .unwrap_or(""),
            ));
        }
        let matcher = if patterns.is_empty() || report.has_errors() {
            None
        } else {
            match PathMatcher::new(&patterns) {
                Ok(m) => Some(Arc::new(m)),
                Err(problem) => {
                    report.report(Field::Paths, Value::Whole, problem);
                    None
                }
            }
        };
        if let Some(m) = &matcher {
            for (i, route) in routes.iter().enumerate() {
                if m.is_shadowed(i, route) {
                    let mut r = Report::new(false, strict).in_route(Some(i));
                    r.report(Field::Paths, Value::Whole, Problem::UnreachableRoute);
                    report.absorb(r);
                }
            }
        }
        let warnings = report.finish()?;
        Ok((
            PolicySet {
                top,
                routes: compiled,
                names,
                matcher,
            },
            warnings,
        ))
    }

    /// Decides one request on `path`: pure, no allocation, work linear in
    /// the path and the request's CORS header bytes.
    ///
    /// A path over [`MAX_PATH_LEN`] bytes is not matched against the routes
    /// (which route it was meant for is not worth unbounded work): it gets
    /// no decision, as where CORS is off, so a browser refuses it.
    pub fn decide<'a>(&'a self, path: &[u8], request: &RequestDescriptor<'a>) -> Routed<'a> {
        let route = self.route(path);
        Routed {
            route,
            decision: self.policy(route).map(|p| p.decide(request)),
        }
    }

    /// [`PolicySet::decide`] with an origin predicate consulted after each
    /// policy's own rules (see [`Policy::decide_with`]).
    pub fn decide_with<'a>(
        &'a self,
        path: &[u8],
        request: &RequestDescriptor<'a>,
        allow: &dyn Fn(&[u8]) -> bool,
    ) -> Routed<'a> {
        let route = self.route(path);
        Routed {
            route,
            decision: self.policy(route).map(|p| p.decide_with(request, allow)),
        }
    }
}

impl From<Policy> for PolicySet {
    fn from(policy: Policy) -> Self {
        PolicySet::single(policy)
    }
}

impl<P> PolicySet<P> {
    /// A set of one policy for every path.
    pub fn single(policy: P) -> Self {
        PolicySet {
            top: Some(policy),
            routes: Vec::new(),
            names: Vec::new(),
            matcher: None,
        }
    }

    /// The same routes, each policy turned into what `f` makes of it (an
    /// adapter's prepared form).
    pub fn map<Q>(self, mut f: impl FnMut(P) -> Q) -> PolicySet<Q> {
        PolicySet {
            top: self.top.map(&mut f),
            routes: self.routes.into_iter().map(|r| r.map(&mut f)).collect(),
            names: self.names,
            matcher: self.matcher,
        }
    }

    /// The same routes over what `f` makes of each policy, borrowing them:
    /// an adapter's per-thread copies of its prepared values.
    #[cfg(feature = "actix")]
    pub(crate) fn map_ref<Q>(&self, mut f: impl FnMut(&P) -> Q) -> PolicySet<Q> {
        PolicySet {
            top: self.top.as_ref().map(&mut f),
            routes: self.routes.iter().map(|r| r.as_ref().map(&mut f)).collect(),
            names: self.names.clone(),
            matcher: self.matcher.clone(),
        }
    }

    /// Which route `path` falls in (first match wins; no query).
    pub fn route(&self, path: &[u8]) -> RouteId {
        if path.len() > MAX_PATH_LEN {
            return RouteId::PathTooLong;
        }
        match &self.matcher {
            Some(m) => m.find(path).map_or(RouteId::TopLevel, RouteId::Route),
            None => RouteId::TopLevel,
        }
    }

    /// The policy that applies on `route`, or `None` where CORS is off.
    pub fn policy(&self, route: RouteId) -> Option<&P> {
        match route {
            RouteId::Route(i) => self.routes.get(i).and_then(Option::as_ref),
            RouteId::TopLevel => self.top.as_ref(),
            RouteId::PathTooLong => None,
        }
    }

    /// The route's first path as written (`/api/*`), or `"(top level)"`.
    pub fn route_name(&self, route: RouteId) -> &str {
        match route {
            RouteId::Route(i) => self.names.get(i).map_or("", String::as_str),
            RouteId::TopLevel => "(top level)",
            RouteId::PathTooLong => "(path too long)",
        }
    }

    /// Every policy of the set, the top level first, then the routes'.
    pub fn policies(&self) -> impl Iterator<Item = &P> {
        self.top.iter().chain(self.routes.iter().flatten())
    }

    /// The number of routes.
    pub fn routes(&self) -> usize {
        self.routes.len()
    }
}

fn compile_one<'c>(
    config: &Config<'_, 'c>,
    route: Option<usize>,
    report: &mut Report<'c>,
) -> Option<Policy> {
    let mut own = Report::new(config.allow_credentials, config.strict).in_route(route);
    let policy = Policy::compile_into(config, &mut own);
    report.absorb(own);
    policy
}

/// The regex of a route path: `/a/b` exactly, or `/a/*` for `/a`, `/a/`
/// and everything below.
fn path_pattern(path: &str) -> Result<String, Problem> {
    if path.is_empty() {
        return Err(Problem::Empty);
    }
    let (base, prefix) = match path.strip_suffix("/*") {
        Some(base) => (base, true),
        None => (path, false),
    };
    let valid = path.starts_with('/')
        && !base.contains('*')
        && base
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#');
    if !valid {
        return Err(Problem::InvalidPath);
    }
    let escaped = regex_syntax::escape(base);
    Ok(if prefix {
        format!("{escaped}(?:/.*)?")
    } else {
        escaped
    })
}

fn check_path_regex(regex: &str) -> Result<(), Problem> {
    if regex.is_empty() {
        return Err(Problem::Empty);
    }
    PathMatcher::new(&[(0, String::from(regex))]).map(|_| ())
}

/// Every route's path patterns in one anchored DFA that reports all the
/// patterns matching a whole path; the lowest route wins.
#[derive(Clone, Debug)]
struct PathMatcher {
    paths: WholeMatch,
    /// The route of each pattern, by pattern ID.
    route_of: Vec<usize>,
}

impl PathMatcher {
    fn new(patterns: &[(usize, String)]) -> Result<Self, Problem> {
        let texts: Vec<&str> = patterns.iter().map(|(_, p)| p.as_str()).collect();
        Ok(PathMatcher {
            paths: WholeMatch::with_kind(&texts, MatchKind::All)?,
            route_of: patterns.iter().map(|(route, _)| *route).collect(),
        })
    }

    /// The first route whose pattern matches the whole path.
    fn find(&self, path: &[u8]) -> Option<usize> {
        self.paths
            .matches(path)
            .filter_map(|id| self.route_of.get(id))
            .min()
            .copied()
    }

    /// Whether an earlier route covers every path of route `i`, judged on
    /// the route's exact paths and prefix bases (regexes are not compared).
    fn is_shadowed(&self, i: usize, route: &Route<'_, '_>) -> bool {
        if !route.path_regexes.is_empty() || route.paths.is_empty() {
            return false;
        }
        route.paths.iter().all(|p| {
            let probe = p.strip_suffix("/*").unwrap_or(p);
            let earlier = |path: &[u8]| self.find(path).is_some_and(|r| r < i);
            // A prefix is covered when its base and a deeper path are.
            earlier(probe.as_bytes())
                && (!p.ends_with("/*") || {
                    let mut deeper = String::from(probe);
                    deeper.push_str("/\u{1}x");
                    earlier(deeper.as_bytes())
                })
        })
    }
}
