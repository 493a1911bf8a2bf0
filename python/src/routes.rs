//! TEMPORARY: path routes, to be replaced by the core's `PolicySet`
//! (DESIGN §3.11) as soon as it lands on `main`. Nothing here decides CORS;
//! it only picks which compiled policy a path gets, first match wins.

use regex::Regex;

/// One route: what it matches and its policy (`None`: CORS off here).
pub struct Route<P> {
    matcher: Regex,
    policy: Option<P>,
}

impl<P> Route<P> {
    /// `paths` are exact paths or prefixes written `/api/*` (which match
    /// `/api`, `/api/` and everything below); `regexes` must match the
    /// whole path.
    pub fn new(paths: &[String], regexes: &[String], policy: Option<P>) -> Result<Self, String> {
        if paths.is_empty() && regexes.is_empty() {
            return Err("a route needs `paths` or `path_regexes`".into());
        }
        let mut alternatives = Vec::new();
        for path in paths {
            if !path.starts_with('/') {
                return Err(format!("path {path:?} must start with `/`"));
            }
            match path.strip_suffix("/*") {
                Some(prefix) => {
                    alternatives.push(format!("{}(?:/.*)?", regex::escape(prefix)));
                }
                None => alternatives.push(regex::escape(path)),
            }
        }
        for re in regexes {
            Regex::new(re).map_err(|e| format!("path regex {re:?} is invalid: {e}"))?;
            alternatives.push(format!("(?:{re})"));
        }
        // `(?s)` so that `.*` of a prefix crosses any byte of the path.
        let whole = format!("(?s)^(?:{})$", alternatives.join("|"));
        let matcher = Regex::new(&whole).map_err(|e| format!("paths are invalid: {e}"))?;
        Ok(Route { matcher, policy })
    }
}

/// Routes in the order written.
pub struct Routes<P>(Vec<Route<P>>);

impl<P> Routes<P> {
    pub fn new(routes: Vec<Route<P>>) -> Self {
        Routes(routes)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first route matching `path`: `Some(None)` when it turns CORS off.
    pub fn find(&self, path: &str) -> Option<&Option<P>> {
        self.0
            .iter()
            .find(|r| r.matcher.is_match(path))
            .map(|r| &r.policy)
    }
}
