//! Every call the gateway makes into `cors-engine`, in one place.
//!
//! The rest of the gateway speaks Pingora and HTTP; this module turns a
//! policy file and `CORS_*` variables into a compiled policy set, a request
//! into an [`Outcome`], and an outcome into response headers. Keeping the
//! engine behind these few functions means a change in its API is a
//! change here only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use cors_engine::http::{Action, Cors, CorsHeaders, RequestHeaders};
use cors_engine::{Kind, PolicyFile, PolicySet, RouteId};

use http::header::VARY;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use pingora::http::ResponseHeader;

/// The compiled policies by route, each prepared for `http` types.
pub type Policies = PolicySet<Cors>;

/// Where the policy comes from.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// A policy file: JSON when the name ends in `.json`, TOML otherwise.
    pub path: Option<PathBuf>,
    /// Warnings are errors (`--strict`; `CORS_STRICT` works too).
    pub strict: bool,
}

/// A compiled policy set and what to say about it.
pub struct Loaded {
    /// The policies.
    pub set: Policies,
    /// One line per warning, each naming where it comes from.
    pub warnings: Vec<String>,
    /// One line: where the policy came from and what it holds.
    pub summary: String,
}

impl Source {
    /// Reads the file, applies the `CORS_*` variables of this process over
    /// it (or uses them alone when there is no file), and compiles.
    ///
    /// The error holds every problem, one per line, each prefixed with
    /// where it comes from, so that an operator fixes them all in one edit.
    pub fn load(&self) -> Result<Loaded, String> {
        let has_env =
            std::env::vars_os().any(|(k, _)| k.to_str().is_some_and(|k| k.starts_with("CORS_")));
        let (file, from) = match &self.path {
            Some(path) => {
                let shown = path.display().to_string();
                let from = if has_env {
                    format!("{shown} and the environment")
                } else {
                    shown
                };
                (read(path)?, from)
            }
            None if has_env => (PolicyFile::default(), "the environment".to_owned()),
            None => {
                // No silent permissive default: a gateway without a policy
                // would either add nothing (useless) or allow everything.
                return Err(
                    "no policy: give --policy FILE (TOML, or JSON when it ends in .json) \
                            or CORS_* environment variables (e.g. CORS_ALLOWED_ORIGINS)"
                        .to_owned(),
                );
            }
        };
        let mut file = file.with_process_env();
        if self.strict {
            file = file.strict(true);
        }
        let (set, warnings) = file.compile().map_err(|errors| {
            // One line per problem, so that `grep` and log collectors see each.
            let lines: Vec<String> = errors.iter().map(|e| format!("{from}: {e}")).collect();
            lines.join("\n")
        })?;
        let warnings: Vec<String> = warnings
            .iter()
            .map(|w| format!("{from}: warning: {w}"))
            .collect();
        let routes = set.routes();
        let summary = format!(
            "policy from {from}: {routes} route{}, {} warning{}",
            if routes == 1 { "" } else { "s" },
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" },
        );
        Ok(Loaded {
            set: set.map(Cors::new),
            warnings,
            summary,
        })
    }
}

/// Compiles a policy written in TOML (no file, no environment): for tests
/// and fuzzing, which need a policy without touching the file system.
pub fn from_toml_text(text: &str) -> Result<Policies, String> {
    let file = PolicyFile::from_toml(text).map_err(|e| e.to_string())?;
    let (set, _warnings) = file.compile().map_err(|e| e.to_string())?;
    Ok(set.map(Cors::new))
}

/// Reads a policy file without compiling it.
fn read(path: &Path) -> Result<PolicyFile, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    if path.extension().is_some_and(|ext| ext == "json") {
        serde_json::from_str(&text).map_err(|e| format!("{shown}: {e}"))
    } else {
        PolicyFile::from_toml(&text).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| format!("{shown}: {e}")).collect();
            lines.join("\n")
        })
    }
}

/// The policy in force, replaced atomically when it is reloaded.
///
/// Each request takes one snapshot ([`Live::snapshot`]) and decides and
/// answers with it, so a reload in the middle of a request never mixes two
/// policies; readers never wait for a reload.
pub struct Live {
    source: Source,
    current: ArcSwap<Policies>,
}

impl Live {
    /// Loads the policy; fails as [`Source::load`] does. The warnings and
    /// summary are for the caller to print.
    pub fn open(source: Source) -> Result<(Self, Vec<String>, String), String> {
        let loaded = source.load()?;
        let live = Live {
            source,
            current: ArcSwap::from_pointee(loaded.set),
        };
        Ok((live, loaded.warnings, loaded.summary))
    }

    /// The file the policy comes from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.source.path.as_deref()
    }

    /// The policies to decide one request with.
    pub fn snapshot(&self) -> Arc<Policies> {
        self.current.load_full()
    }

    /// Recompiles and swaps the result in; on any problem the policy in
    /// force is kept and every problem is returned. On success, the
    /// warnings and the summary line.
    pub fn reload(&self) -> Result<(Vec<String>, String), String> {
        let loaded = self.source.load()?;
        self.current.store(Arc::new(loaded.set));
        Ok((loaded.warnings, loaded.summary))
    }
}

/// What the gateway does with a request.
#[derive(Debug)]
pub enum Outcome {
    /// Answer now, without the upstream (a preflight): this status, these
    /// headers, an empty body.
    Answer {
        /// The preflight status the policy decided (204, 200 or 403).
        status: u16,
        /// The CORS headers of the answer, in the engine's order.
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    /// Proxy the request; add these headers to whatever comes back.
    Forward(CorsHeaders),
    /// CORS is off on this path (a `cors = false` route, or no route and
    /// no top-level policy): proxy everything, preflights included, and
    /// add nothing.
    Off,
}

/// A decided request: what to do and the log text of the decision.
#[derive(Debug)]
pub struct Decided {
    /// What to do.
    pub outcome: Outcome,
    /// Kind and verdict, e.g. `preflight/denied`.
    pub summary: &'static str,
    /// Why it was denied (request bytes escaped by the engine), if it was.
    pub reason: Option<String>,
    /// The route that decided, to apply the headers with the same policy.
    pub route: RouteId,
}

/// Decides one request from its path (without the query), method and
/// headers.
pub fn decide(set: &Policies, path: &str, method: &Method, headers: &HeaderMap) -> Decided {
    let route = set.route(path.as_bytes());
    let Some(cors) = set.policy(route) else {
        return Decided {
            outcome: Outcome::Off,
            summary: "cors-off",
            reason: None,
            route,
        };
    };
    let read = RequestHeaders::new(method, headers);
    let decision = cors.policy().decide(&read.descriptor());
    let summary = match (decision.kind(), decision.is_allowed()) {
        (Kind::NotCors, _) => "not-cors",
        (Kind::Preflight, true) => "preflight/allowed",
        (Kind::Preflight, false) => "preflight/denied",
        (Kind::Actual, true) => "actual/allowed",
        (Kind::Actual, false) => "actual/denied",
    };
    // The engine's `Display` escapes every request byte it quotes.
    let reason = decision.denial().map(|d| d.to_string());
    let outcome = match cors.respond(&decision, &read) {
        Action::Respond(response) => Outcome::Answer {
            status: response.status().as_u16(),
            headers: response
                .headers()
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
        },
        Action::Forward(add) => Outcome::Forward(add),
    };
    Decided {
        outcome,
        summary,
        reason,
        route,
    }
}

/// The name of `route` for logs: its first path as written (escaped by
/// the caller), `top-level`, or `path-too-long`.
pub fn route_name(set: &Policies, route: RouteId) -> &str {
    match route {
        RouteId::Route(_) => set.route_name(route),
        RouteId::TopLevel => "top-level",
        RouteId::PathTooLong => "path-too-long",
    }
}

/// Whether `name` is one of the response headers CORS owns.
fn is_cors_response_header(name: &HeaderName) -> bool {
    name.as_str().starts_with("access-control-")
}

/// Adds the decided headers (`add`, decided on `route` of `set`) to a
/// response from the upstream or from the gateway itself.
///
/// The upstream's own `Access-Control-*` headers go first unless
/// `keep_upstream_cors`: two CORS layers answering the same request give a
/// browser two opinions (two `Access-Control-Allow-Origin` values fail the
/// check outright). The engine's `Vary` join keeps every name the upstream
/// sent and adds CORS's.
pub fn apply(
    set: &Policies,
    route: RouteId,
    add: CorsHeaders,
    response: &mut ResponseHeader,
    keep_upstream_cors: bool,
) {
    if !keep_upstream_cors {
        let theirs: Vec<HeaderName> = response
            .headers
            .keys()
            .filter(|n| is_cors_response_header(n))
            .cloned()
            .collect();
        for name in &theirs {
            response.remove_header(name);
        }
    }
    let Some(cors) = set.policy(route) else {
        return;
    };
    // The engine applies to an `http::HeaderMap`; Pingora's header keeps
    // the upstream's header-name case beside its map, so the engine works
    // on a scratch map holding the upstream's `Vary` lines, and the result
    // is written back through Pingora's case-aware setters.
    let mut scratch = HeaderMap::new();
    for value in response.headers.get_all(VARY) {
        scratch.append(VARY, value.clone());
    }
    let before: Vec<HeaderValue> = scratch.get_all(VARY).iter().cloned().collect();
    cors.apply(add, &mut scratch);
    let after: Vec<&HeaderValue> = scratch.get_all(VARY).iter().collect();
    if after.len() != before.len() || after.iter().zip(&before).any(|(a, b)| *a != b) {
        response.remove_header(&VARY);
        for value in after {
            // A value the engine produced is a valid header value already.
            let _ = response.append_header(VARY, value.clone());
        }
    }
    for (name, value) in scratch.iter().filter(|(n, _)| **n != VARY) {
        let _ = response.insert_header(name.clone(), value.clone());
    }
}

/// The response head of a gateway answer (a preflight, or the gateway's
/// own error) with `headers` on it.
pub fn answer_head(
    status: u16,
    headers: &[(HeaderName, HeaderValue)],
    body_len: usize,
) -> ResponseHeader {
    // 500 stands in for a status Pingora refuses, which the engine never
    // produces (its statuses are 200, 204 and 403); 500 itself is always
    // accepted, so the `expect` cannot fire.
    let mut head = ResponseHeader::build(status, Some(headers.len() + 2))
        .or_else(|_| ResponseHeader::build(500, Some(headers.len() + 2)))
        .expect("500 is a valid status");
    for (name, value) in headers {
        let _ = head.append_header(name.clone(), value.clone());
    }
    let _ = head.insert_header(http::header::CONTENT_LENGTH, body_len);
    head
}
