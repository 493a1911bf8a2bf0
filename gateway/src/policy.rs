//! Every call the gateway makes into `cors-engine`, in one place.
//!
//! The rest of the gateway speaks Pingora and HTTP; this module turns a
//! policy file into a compiled policy, a request into an [`Outcome`], and an
//! outcome into response headers. Keeping the engine behind these few
//! functions means a change in its API is a change here only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use cors_engine::http::{Action, Cors, CorsHeaders, RequestHeaders};
use cors_engine::{Kind, PolicyFile};
use http::header::VARY;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use pingora::http::ResponseHeader;

/// The name every log line gives the policy while the gateway has a single
/// top-level policy (no per-path routes yet).
pub const DEFAULT_ROUTE: &str = "default";

/// Reads and compiles the policy file at `path` (JSON when the name ends in
/// `.json`, TOML otherwise).
///
/// The error holds every problem, one per line, each prefixed with the
/// file name, so that an operator fixes them all in one edit.
pub fn load(path: &Path) -> Result<Cors, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let file: PolicyFile = if path.extension().is_some_and(|ext| ext == "json") {
        serde_json::from_str(&text).map_err(|e| format!("{shown}: {e}"))?
    } else {
        toml::from_str(&text).map_err(|e| format!("{shown}: {}", e.to_string().trim_end()))?
    };
    let policy = file.compile().map_err(|errors| {
        // One line per problem, so that `grep` and log collectors see each.
        let lines: Vec<String> = errors.iter().map(|e| format!("{shown}: {e}")).collect();
        lines.join("\n")
    })?;
    Ok(Cors::new(policy))
}

/// The policy in force, replaced atomically when the file is reloaded.
///
/// Each request takes one snapshot ([`Live::snapshot`]) and decides and
/// answers with it, so a reload in the middle of a request never mixes two
/// policies; readers never wait for a reload.
pub struct Live {
    path: PathBuf,
    current: ArcSwap<Cors>,
}

impl Live {
    /// Loads the policy at `path`; fails as [`load`] does.
    pub fn open(path: PathBuf) -> Result<Self, String> {
        let cors = load(&path)?;
        Ok(Live {
            path,
            current: ArcSwap::from_pointee(cors),
        })
    }

    /// The file this policy comes from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The policy to decide one request with.
    pub fn snapshot(&self) -> Arc<Cors> {
        self.current.load_full()
    }

    /// Recompiles the file and swaps the result in; on any problem the
    /// policy in force is kept and every problem is returned.
    pub fn reload(&self) -> Result<(), String> {
        let cors = load(&self.path)?;
        self.current.store(Arc::new(cors));
        Ok(())
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
    /// The route whose policy decided.
    pub route: &'static str,
}

/// Decides one request from its method and headers (the path will choose
/// the route once the engine has per-path policies).
pub fn decide(cors: &Cors, _path: &str, method: &Method, headers: &HeaderMap) -> Decided {
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
        route: DEFAULT_ROUTE,
    }
}

/// Whether `name` is one of the response headers CORS owns.
fn is_cors_response_header(name: &HeaderName) -> bool {
    name.as_str().starts_with("access-control-")
}

/// Adds the decided headers to a response from the upstream or from the
/// gateway itself.
///
/// The upstream's own `Access-Control-*` headers go first unless
/// `keep_upstream_cors`: two CORS layers answering the same request give a
/// browser two opinions (two `Access-Control-Allow-Origin` values fail the
/// check outright). The engine's `Vary` join keeps every name the upstream
/// sent and adds CORS's.
pub fn apply(
    cors: &Cors,
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
