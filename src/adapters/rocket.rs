//! The `rocket` adapter (feature `rocket`): a Rocket 0.5 [`Fairing`] that
//! answers preflights for every route and adds the decided headers to
//! every other response.
//!
//! ```
//! use cors_engine::rocket::Cors;
//! use cors_engine::{Config, Policy};
//!
//! #[rocket::get("/items")]
//! fn items() -> &'static str {
//!     "ok"
//! }
//!
//! let config = Config::new()
//!     .allowed_origins(&["https://app.example.com"])
//!     .allowed_methods(&["GET", "PUT"]);
//! let policy = Policy::compile(&config).unwrap_or_else(|errors| panic!("{errors}"));
//! let rocket = rocket::build()
//!     .mount("/", rocket::routes![items])
//!     .attach(Cors::new(policy));
//! # let _ = rocket;
//! ```
//!
//! A fairing cannot answer a request itself, so for a preflight it sends
//! the request to a route of its own (mounted when Rocket ignites, at
//! [`PREFLIGHT_PATH`]): no application route runs, whatever routes the
//! application has for `OPTIONS`, and the response gets the decided status
//! and headers. Every other request reaches its route, and the decided
//! headers are added to the response, Rocket's error pages included.
//!
//! Rocket keeps header values as text: a request header value that is not
//! UTF-8 never reaches the fairing (Rocket drops it), so such an `Origin`
//! is read as absent.
//!
//! The same deployment rules as for [`tower`](crate::tower#deployment-rules)
//! apply: put the fairing before authentication (a request guard that
//! rejects a preflight never sees it, since the fairing's route answers
//! it), and use one CORS fairing.
//!
//! # Cost
//!
//! Rocket's response headers own their values (or borrow them for the
//! response's lifetime, which a decision does not have), so each added
//! header but `true` is a copy; a preflight also stores which policies
//! decided it in the request's cache.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::{Method, Status};
use rocket::route::{Handler, Outcome, Route};
use rocket::{Build, Data, Request, Response, Rocket};

use super::live::Live;
use super::vary;
use crate::limits::MAX_REQUEST_HEADER_LINES;
use crate::policy::{VARY_ORIGIN_STR, VARY_PREFLIGHT_STRS};
use crate::{Decision, HeaderName, Policy, PolicySet, RequestDescriptor, RouteId, SingleHeader};

type Hook = dyn Fn(&Request<'_>, &Decision<'_>) + Send + Sync;

/// The path of the fairing's own route, to which it sends preflights.
/// The route answers only requests the fairing sent it (anything else
/// sent there is not found).
pub const PREFLIGHT_PATH: &str = "/__cors-engine/preflight";

/// A Rocket [`Fairing`] applying a compiled [`Policy`], or a
/// [`PolicySet`] of per-route policies, to every request.
///
/// Cloning is cheap, and clones share the policies: [`Cors::swap`] on any
/// clone replaces them for all, atomically.
#[derive(Clone)]
pub struct Cors {
    live: Live<Policy, Hook>,
}

impl fmt::Debug for Cors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.live.fmt(f)
    }
}

impl Cors {
    /// A fairing deciding with `policies`: one policy for every path, or a
    /// set whose routes the request's path selects (where CORS is off the
    /// request reaches its route untouched, preflights included).
    pub fn new(policies: impl Into<PolicySet>) -> Self {
        Cors {
            live: Live::new(policies.into()),
        }
    }

    /// Calls `hook` with every request CORS applies to and its decision,
    /// once the response is ready (a fairing sees the request again
    /// then): the place to log (`Decision`'s `Display` is one escaped line
    /// with the reason of a denial) or count. A preflight's URI is then
    /// the fairing's route, [`PREFLIGHT_PATH`]; its method and headers are
    /// the request's.
    pub fn on_decision<F>(mut self, hook: F) -> Self
    where
        F: Fn(&Request<'_>, &Decision<'_>) + Send + Sync + 'static,
    {
        self.live.hook = Some(Arc::new(hook));
        self
    }

    /// Replaces the policies, atomically and without making requests wait:
    /// each request is decided wholly by the old or wholly by the new ones.
    pub fn swap(&self, policies: impl Into<PolicySet>) {
        self.live.swap(policies.into());
    }
}

/// What the fairing keeps in a preflight's request cache for its
/// response: the policies it was routed by, and its route.
struct Preflight(Option<(Arc<PolicySet>, RouteId)>);

/// The route the fairing sends preflights to. It answers with an empty
/// response; the fairing gives it its status and headers.
#[derive(Clone)]
struct PreflightRoute;

#[rocket::async_trait]
impl Handler for PreflightRoute {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> Outcome<'r> {
        match request.local_cache(|| Preflight(None)) {
            Preflight(Some(_)) => Outcome::Success(Response::new()),
            Preflight(None) => Outcome::Forward((data, Status::NotFound)),
        }
    }
}

#[rocket::async_trait]
impl Fairing for Cors {
    fn info(&self) -> Info {
        Info {
            name: "CORS (cors-engine)",
            kind: Kind::Ignite | Kind::Request | Kind::Response,
        }
    }

    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        Ok(rocket.mount(
            "/",
            [Route::new(Method::Options, PREFLIGHT_PATH, PreflightRoute)],
        ))
    }

    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        if request.method() != Method::Options {
            return;
        }
        let set = self.live.load_full();
        let route = set.route(request.uri().path().as_str().as_bytes());
        let Some(policy) = set.policy(route) else {
            return;
        };
        let mut lines = [&[][..]; MAX_REQUEST_HEADER_LINES + 1];
        if policy
            .decide(&descriptor(request, &mut lines))
            .preflight_status()
            .is_none()
        {
            return;
        }
        request.local_cache(|| Preflight(Some((set.clone(), route))));
        // A literal, valid origin-form URI.
        if let Ok(uri) = rocket::http::uri::Origin::parse(PREFLIGHT_PATH) {
            request.set_uri(uri);
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let kept;
        let (set, route) = if request.uri().path() == PREFLIGHT_PATH {
            match request.local_cache(|| Preflight(None)) {
                Preflight(Some((set, route))) => (&**set, *route),
                Preflight(None) => return,
            }
        } else {
            kept = self.live.load();
            (
                &**kept,
                kept.route(request.uri().path().as_str().as_bytes()),
            )
        };
        let Some(policy) = set.policy(route) else {
            return;
        };
        let mut lines = [&[][..]; MAX_REQUEST_HEADER_LINES + 1];
        let decision = policy.decide(&descriptor(request, &mut lines));
        if let Some(hook) = &self.live.hook {
            hook(request, &decision);
        }
        if let Some(status) = decision.preflight_status() {
            response.set_status(Status::new(status));
        }
        let mut last = None;
        for header in decision.headers() {
            let Ok(value) = core::str::from_utf8(header.value) else {
                continue;
            };
            if header.name == HeaderName::Vary {
                add_vary(response, vary_names(value));
            } else if last == Some(header.name) {
                // A name the decision repeats (one requested-headers line
                // echoed per line): every line is kept.
                response.adjoin_raw_header(header.name.as_str(), owned(header.name, value));
            } else {
                // The first line of a name replaces the application's.
                response.set_raw_header(header.name.as_str(), owned(header.name, value));
            }
            last = Some(header.name);
        }
    }
}

/// The request's CORS headers; `lines` holds its
/// `Access-Control-Request-Headers` lines.
fn descriptor<'a>(
    request: &'a Request<'_>,
    lines: &'a mut [&'a [u8]; MAX_REQUEST_HEADER_LINES + 1],
) -> RequestDescriptor<'a> {
    let headers = request.headers();
    let mut repeated = None;
    let mut single = |name: &str, which: SingleHeader| {
        let mut values = headers.get(name);
        let first = values.next();
        if values.next().is_some() {
            repeated.get_or_insert(which);
        }
        first.map(str::as_bytes)
    };
    let origin = single("origin", SingleHeader::Origin);
    let request_method = single("access-control-request-method", SingleHeader::RequestMethod);
    let request_private_network = single(
        "access-control-request-private-network",
        SingleHeader::RequestPrivateNetwork,
    );
    let mut count = 0;
    for (slot, line) in lines
        .iter_mut()
        .zip(headers.get("access-control-request-headers"))
    {
        *slot = line.as_bytes();
        count += 1;
    }
    RequestDescriptor {
        method: request.method().as_str().as_bytes(),
        origin,
        request_method,
        request_headers: &lines[..count],
        request_private_network,
        repeated,
    }
}

/// A decided value as Rocket keeps it: `true` borrowed, anything else
/// copied (it borrows from the request or the policy, neither of which
/// outlives the response).
fn owned(name: HeaderName, value: &str) -> Cow<'static, str> {
    match name {
        HeaderName::AllowCredentials | HeaderName::AllowPrivateNetwork => Cow::Borrowed("true"),
        _ => Cow::Owned(String::from(value)),
    }
}

/// CORS's `Vary` names are the crate's constants: borrowed for as long as
/// the response, not copied.
fn vary_names(decided: &str) -> Cow<'static, str> {
    let constants = [VARY_ORIGIN_STR].into_iter().chain(VARY_PREFLIGHT_STRS);
    constants
        .filter_map(|names| {
            names
                .len()
                .checked_sub(decided.len())
                .map(|at| &names[at..])
        })
        .find(|names| *names == decided)
        .map_or_else(|| Cow::Owned(String::from(decided)), Cow::Borrowed)
}

/// Joins CORS's `Vary` names into the response's first `Vary` line (some
/// caches read only one), keeping every name the application listed.
fn add_vary(response: &mut Response<'_>, ours: Cow<'static, str>) {
    let Some(first) = response.headers().get_one("vary") else {
        response.set_raw_header("Vary", ours);
        return;
    };
    if vary::lists_all(first.as_bytes(), ours.as_bytes()) {
        return;
    }
    let Ok(joined) = String::from_utf8(vary::joined(first.as_bytes(), ours.as_bytes())) else {
        return;
    };
    // Rocket replaces a header's every line at once: the lines after the
    // first (rare) are put back after the joined one.
    let rest: alloc::vec::Vec<String> = response
        .headers()
        .get("vary")
        .skip(1)
        .map(String::from)
        .collect();
    response.set_raw_header("Vary", joined);
    for line in rest {
        response.adjoin_raw_header("Vary", line);
    }
}
