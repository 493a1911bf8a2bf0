//! [actix-web] 4 middleware: [`Cors`].
//!
//! ```no_run
//! use actix_web::{web, App, HttpResponse, HttpServer};
//! use cors_engine::{actix::Cors, Config, Policy};
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     // Compile once, at start-up: every configuration mistake is reported here.
//!     let policy = Policy::compile(
//!         &Config::new()
//!             .allowed_origins(&["https://app.example.com"])
//!             .allowed_methods(&["GET", "POST", "PUT"])
//!             .allowed_headers(&["content-type", "authorization"])
//!             .allow_credentials(true)
//!             .max_age(600),
//!     )
//!     .unwrap_or_else(|errors| panic!("{errors}"));
//!     let cors = Cors::new(policy);
//!
//!     HttpServer::new(move || {
//!         App::new()
//!             // Wrapped last, so it runs first: outermost.
//!             .wrap(cors.clone())
//!             .default_service(web::to(|| async { HttpResponse::Ok().body("ok") }))
//!     })
//!     .bind(("127.0.0.1", 8080))?
//!     .run()
//!     .await
//! }
//! ```
//!
//! [actix-web]: https://docs.rs/actix-web/4
//!
//! # What it does
//!
//! For each request the middleware reads the method and the CORS request
//! headers, asks [`Policy::decide`], and then:
//!
//! * a **preflight** ([`Kind::Preflight`](crate::Kind::Preflight)) is answered right away with
//!   [`Decision::preflight_status`] (204 or 200, 403 when denied) and the
//!   decided headers; the application never sees it;
//! * **any other request** goes to the application, and the decided headers
//!   are added to whatever response comes back, error statuses included.
//!   When the inner service fails with an [`actix_web::Error`], the error is
//!   passed on unchanged (it still downcasts to its own type) and the headers
//!   are attached with [`Error::add_response_mapper`], so the response actix
//!   builds from it with [`Error::error_response`] — the server's own
//!   conversion, [`ErrorHandlers`](actix_web::middleware::ErrorHandlers) —
//!   carries them too. ([`HttpResponse::from_error`] does not run mappers.)
//!
//! `Vary` is **appended** to the application's, never replaces it: the
//! names CORS varies on join the application's (first) `Vary` line
//! (`Vary: Accept-Encoding, Origin`; some caches read only one line), and
//! are left out when that line already lists them all, or `*`. An
//! `Access-Control-*` header the application set is replaced by the decided
//! one (the CORS layer owns those); on a request whose origin is denied,
//! none is added and the application's would stay — one more reason not to
//! set them anywhere else.
//!
//! The middleware holds no CORS logic: classification, matching, the
//! choice of every header and status are the core's. It only translates.
//!
//! # Deployment rules
//!
//! * **Never route `OPTIONS` away from the middleware.** Wrap the whole
//!   [`App`](actix_web::App) (or the scope that serves browsers), and make it
//!   the outermost layer; a route, guard or middleware that answers
//!   `OPTIONS` itself breaks every preflight.
//! * **Never authenticate before CORS.** Browsers send preflights without
//!   credentials; an authentication middleware wrapped outside this one
//!   rejects them, and the browser reports a CORS error.
//! * **Never stack two CORS layers** (this and `actix-cors`, or this and a
//!   proxy that adds CORS headers): duplicate `Access-Control-Allow-Origin`
//!   lines make browsers reject the response.
//!
//! # Logging denials
//!
//! [`Cors::on_decision`] registers a plain function called with each request
//! and its [`Decision`] before the response is built. A decision's
//! `Display` (and its [`Denial`](crate::Denial)'s) is one log-safe line:
//! request bytes are escaped. No logging crate is assumed.
//!
//! # Malformed input and cost
//!
//! Any bytes are accepted: values that are not UTF-8, repeated `Origin`
//! lines, thousands of `Access-Control-Request-Headers` bytes all get a
//! decision (usually a denial) and a response, never a panic. At most
//! [`MAX_REQUEST_HEADER_LINES`] + 1 `Access-Control-Request-Headers` lines
//! are read — one more than the core accepts, which is enough for it to deny.
//!
//! Per request the middleware allocates nothing itself, but for the two
//! exceptions below. Echoed values (origin, method, header names) are
//! clones of the request's own [`HeaderValue`]s, which share its bytes;
//! only a requested-headers line with spaces around it is copied, trimmed
//! (browsers send none). The policy's values are
//! converted once, in [`Cors::new`]: `true`, `*` and `Vary` are constants
//! (cloning them touches no reference count), and each worker keeps its
//! own copy of the max-age and the expose list, so that no reference count
//! is shared between cores. The application's `Vary` line joined with
//! CORS's names is kept per thread, and the next response with the same
//! line reuses the joined value: applications mostly send the same `Vary`
//! every time, and then only the first response allocates the join.
//!
//! A request without `Origin` costs one header lookup; with it, one pass
//! over the request's header names finds the other CORS headers. Each
//! added header is one map insertion (after one pass over the response's
//! header names, to replace only those the application set), and joining
//! `Vary` one lookup. A preflight's response is built directly, without
//! the application. The future is not boxed.

extern crate std;

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll};
use std::future::{ready, Ready};
use std::sync::Arc;

use super::vary;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{Error, HttpResponse};
use pin_project_lite::pin_project;

use crate::decision::Headers;
use crate::limits::MAX_REQUEST_HEADER_LINES;
use crate::policy::OriginPredicate;
use crate::token::trim_ows;
use crate::{Decision, Policy, PolicySet, RequestDescriptor, SingleHeader};
use arc_swap::ArcSwap;

/// The function [`Cors::on_decision`] takes.
type Hook = fn(&ServiceRequest, &Decision<'_>);

/// `Access-Control-Request-Private-Network`, which `http` 0.2 does not name.
const REQUEST_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network`, likewise.
const ALLOW_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-allow-private-network");

const TRUE: HeaderValue = HeaderValue::from_static("true");
const STAR: HeaderValue = HeaderValue::from_static("*");

/// `Access-Control-Request-Headers` lines read: one beyond the core's cap is
/// enough for it to deny.
const ACRH_LINES: usize = MAX_REQUEST_HEADER_LINES + 1;

/// actix-web middleware applying a compiled [`Policy`] — or a
/// [`PolicySet`] of per-route policies, chosen by the request's path — (see
/// the [module documentation](self)).
///
/// Cloning is cheap (the policies are shared behind an [`Arc`]), which is
/// what [`HttpServer::new`](actix_web::HttpServer::new) needs: one clone per
/// worker. [`Cors::swap`] on any clone replaces the policies for all of
/// them, atomically.
#[derive(Clone)]
pub struct Cors {
    shared: Arc<Shared>,
    hook: Option<Hook>,
    allow: Option<Arc<OriginPredicate>>,
}

/// What every worker shares: the current policies, swapped as one.
struct Shared {
    set: ArcSwap<PolicySet>,
    /// Counts the swaps, each counted after its store: a worker compares
    /// it with the count its snapshot was loaded at, which costs a request
    /// one load where loading `set` would take and return a debt slot.
    generation: AtomicUsize,
}

impl Shared {
    /// This worker's view of the current policies, loaded no earlier than
    /// the count it records (the count is read first).
    fn worker(&self) -> Worker {
        let generation = self.generation.load(Ordering::Acquire);
        Worker::new(generation, self.set.load_full())
    }
}

/// The header values that do not come from the request. `true` and `*` are
/// constants.
#[derive(Clone)]
struct Values {
    max_age: Option<HeaderValue>,
    expose: Option<HeaderValue>,
    vary_simple: Option<HeaderValue>,
    vary_preflight: Option<HeaderValue>,
}

impl Values {
    /// One policy's values, with bytes of this worker's own: cloning a
    /// value increments its reference count, and one count shared by every
    /// worker would be contended between their cores.
    fn new(policy: &Policy) -> Self {
        let fixed = policy.fixed_values();
        // Compiled values are valid header text; one refused would only be
        // converted per request instead.
        let copied = |v: &[u8]| {
            let v = HeaderValue::from_bytes(v).ok()?;
            // The first clone of new bytes allocates their shared count:
            // done here, once, instead of in the first request.
            drop(v.clone());
            Some(v)
        };
        // `Vary` values are the crate's constants: a value that points at
        // them is cloned without touching a reference count.
        let constant =
            |v: &'static [u8]| core::str::from_utf8(v).ok().map(HeaderValue::from_static);
        Values {
            max_age: fixed.max_age.and_then(copied),
            expose: fixed.expose.and_then(copied),
            // What a decision's `Vary` is outside a preflight.
            vary_simple: Some(HeaderValue::from_static(crate::policy::VARY_ORIGIN_STR)),
            vary_preflight: constant(fixed.vary_preflight),
        }
    }
}

/// A worker's view of the policies: the set it last saw and its own copies
/// of that set's header values, rebuilt when a swap replaces the set.
struct Worker {
    /// [`Shared::generation`] when `set` was loaded.
    generation: usize,
    set: Arc<PolicySet>,
    values: PolicySet<Values>,
}

impl Worker {
    fn new(generation: usize, set: Arc<PolicySet>) -> Self {
        Worker {
            generation,
            values: set.map_ref(Values::new),
            set,
        }
    }
}

impl From<Policy> for Cors {
    fn from(policy: Policy) -> Self {
        Cors::new(policy)
    }
}

impl Cors {
    /// Middleware applying `policies`: one [`Policy`] for every path, or a
    /// [`PolicySet`] (a route with CORS off, or no route and no top-level
    /// policy, passes the request to the application untouched).
    pub fn new(policies: impl Into<PolicySet>) -> Self {
        Cors {
            shared: Arc::new(Shared {
                set: ArcSwap::from_pointee(policies.into()),
                generation: AtomicUsize::new(0),
            }),
            hook: None,
            allow: None,
        }
    }

    /// Asks `allow` about every origin the policies' own rules refuse,
    /// after those rules: origins that live in application state. An
    /// origin it allows is echoed like a listed one; it never sees `null`
    /// or a malformed origin (see [`Policy::decide_with`]).
    pub fn allow_origin_if<F>(mut self, allow: F) -> Self
    where
        F: Fn(&[u8]) -> bool + Send + Sync + 'static,
    {
        self.allow = Some(Arc::new(allow));
        self
    }

    /// Replaces the policies of this middleware and every clone, in every
    /// worker. Atomic and wait-free for requests: each is decided wholly by
    /// the old or wholly by the new policies; a worker prepares its header
    /// values for the new ones on its first request after the swap.
    pub fn swap(&self, policies: impl Into<PolicySet>) {
        self.shared.set.store(Arc::new(policies.into()));
        // After the store: a worker that sees the new count loads a set at
        // least this new.
        self.shared.generation.fetch_add(1, Ordering::Release);
    }

    /// Calls `hook` with every request and its decision, before the
    /// response is built: the place to log denials.
    ///
    /// ```
    /// use actix_web::dev::ServiceRequest;
    /// use cors_engine::{actix::Cors, Config, Decision, Policy};
    ///
    /// fn log_denials(request: &ServiceRequest, decision: &Decision<'_>) {
    ///     if let Some(denial) = decision.denial() {
    ///         // `denial` displays as one line, request bytes escaped.
    ///         eprintln!("CORS {} {}: {denial}", request.method(), request.path());
    ///     }
    /// }
    ///
    /// let policy = Policy::compile(&Config::new().allowed_origins(&["https://app.example.com"]))
    ///     .unwrap();
    /// let cors = Cors::new(policy).on_decision(log_denials);
    /// # let _ = cors;
    /// ```
    pub fn on_decision(mut self, hook: fn(&ServiceRequest, &Decision<'_>)) -> Self {
        self.hook = Some(hook);
        self
    }
}

impl fmt::Debug for Cors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cors")
            .field("on_decision", &self.hook.is_some())
            .finish_non_exhaustive()
    }
}

impl<S, B> Transform<S, ServiceRequest> for Cors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<CorsMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CorsMiddleware {
            service,
            worker: RefCell::new(self.shared.worker()),
            shared: Arc::clone(&self.shared),
            hook: self.hook,
            allow: self.allow.clone(),
        }))
    }
}

/// The service [`Cors`] wraps around an application (one per worker).
pub struct CorsMiddleware<S> {
    service: S,
    shared: Arc<Shared>,
    /// This worker's copies of the current policies' header values (a
    /// worker serves one request at a time on its thread).
    worker: RefCell<Worker>,
    hook: Option<Hook>,
    allow: Option<Arc<OriginPredicate>>,
}

impl<S> fmt::Debug for CorsMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsMiddleware")
            .field("on_decision", &self.hook.is_some())
            .finish_non_exhaustive()
    }
}

/// The CORS request headers of one request, borrowed from it.
struct Read<'r> {
    origin: Option<&'r HeaderValue>,
    request_method: Option<&'r HeaderValue>,
    private_network: Option<&'r HeaderValue>,
    repeated: Option<SingleHeader>,
    /// The `Access-Control-Request-Headers` lines given to the core.
    lines: &'r [HeaderValue],
}

impl<'r> Read<'r> {
    #[inline]
    fn new(method: &Method, headers: &'r HeaderMap) -> Self {
        let origin = headers.get_all(header::ORIGIN).as_slice();
        let mut read = Read {
            origin: origin.first(),
            request_method: None,
            private_network: None,
            repeated: (origin.len() > 1).then_some(SingleHeader::Origin),
            lines: &[],
        };
        // Without `Origin` (not a CORS request, DESIGN §3.1) or outside a
        // preflight, the core looks at nothing else: most requests cost one
        // lookup.
        if read.origin.is_none() || *method != Method::OPTIONS {
            return read;
        }
        let mut method: &[HeaderValue] = &[];
        let mut private_network: &[HeaderValue] = &[];
        for name in headers.keys() {
            if *name == header::ACCESS_CONTROL_REQUEST_METHOD {
                method = headers.get_all(name).as_slice();
            } else if *name == header::ACCESS_CONTROL_REQUEST_HEADERS {
                let lines = headers.get_all(name).as_slice();
                read.lines = &lines[..lines.len().min(ACRH_LINES)];
            } else if *name == REQUEST_PRIVATE_NETWORK {
                private_network = headers.get_all(name).as_slice();
            }
        }
        read.request_method = method.first();
        read.private_network = private_network.first();
        if read.repeated.is_none() {
            read.repeated = if method.len() > 1 {
                Some(SingleHeader::RequestMethod)
            } else if private_network.len() > 1 {
                Some(SingleHeader::RequestPrivateNetwork)
            } else {
                None
            };
        }
        read
    }
}

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<S::Future, B>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        // One snapshot of the policies decides the whole request: this
        // worker's, renewed first if a swap came since it was loaded.
        let mut worker = self.worker.borrow_mut();
        if worker.generation != self.shared.generation.load(Ordering::Acquire) {
            renew(&mut worker, &self.shared);
        }
        let Worker { set, values, .. } = &*worker;
        let route = set.route(request.path().as_bytes());
        let (Some(policy), Some(values)) = (set.policy(route), values.policy(route)) else {
            // CORS is off here: the application answers as if there were
            // no middleware.
            drop(worker);
            return CorsFuture {
                state: State::Inner {
                    future: self.service.call(request),
                    forward: Forward::NONE,
                },
            };
        };
        let read = Read::new(request.method(), request.headers());
        // Filled only when there are lines: most requests have none.
        let acrh: [&[u8]; ACRH_LINES];
        let request_headers: &[&[u8]] = if read.lines.is_empty() {
            &[]
        } else {
            let mut bytes = [&[][..]; ACRH_LINES];
            for (slot, line) in bytes.iter_mut().zip(read.lines) {
                *slot = line.as_bytes();
            }
            acrh = bytes;
            &acrh[..read.lines.len()]
        };
        let descriptor = RequestDescriptor {
            method: request.method().as_str().as_bytes(),
            origin: read.origin.map(HeaderValue::as_bytes),
            request_method: read.request_method.map(HeaderValue::as_bytes),
            request_headers,
            request_private_network: read.private_network.map(HeaderValue::as_bytes),
            repeated: read.repeated,
        };
        let decision = match &self.allow {
            None => policy.decide(&descriptor),
            Some(allow) => policy.decide_with(&descriptor, &**allow),
        };
        if let Some(hook) = self.hook {
            hook(&request, &decision);
        }

        // The decision's fields are read directly: `Headers::iter` would
        // visit every possible header. Each branch builds the whole future
        // in place: a `State` built first and moved in is copied.
        match decision.preflight_status {
            None => {
                let forward = Forward::new(values, &decision.headers, &read);
                drop(worker);
                CorsFuture {
                    state: State::Inner {
                        future: self.service.call(request),
                        forward,
                    },
                }
            }
            Some(status) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
                let mut response = HttpResponse::new(status);
                preflight_headers(values, response.headers_mut(), &decision.headers, &read);
                let (request, _payload) = request.into_parts();
                CorsFuture {
                    state: State::Answered {
                        response: Some(
                            ServiceResponse::new(request, response).map_into_right_body(),
                        ),
                    },
                }
            }
        }
    }
}

/// Replaces `worker` with one for the current policies, after a swap.
#[cold]
#[inline(never)]
fn renew(worker: &mut Worker, shared: &Shared) {
    *worker = shared.worker();
}

/// A preflight's headers, in the response's new map. It is empty, so each
/// is appended: `insert` would also move out a replaced value.
fn preflight_headers(values: &Values, map: &mut HeaderMap, h: &Headers<'_>, read: &Read<'_>) {
    if let Some(v) = h.allow_origin.and_then(|v| allow_origin(v, read)) {
        map.append(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    if h.allow_credentials {
        map.append(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
    }
    if let Some(v) = h.allow_methods.and_then(|v| echo(v, read.request_method)) {
        map.append(header::ACCESS_CONTROL_ALLOW_METHODS, v);
    }
    // One line per non-empty requested line, as `Headers::iter` gives
    // them; the core decided on `read.lines`, in order.
    for (i, line) in h.allow_headers.iter().enumerate() {
        let line = trim_ows(line);
        if line.is_empty() {
            continue;
        }
        if let Some(v) = echo(line, read.lines.get(i)) {
            map.append(header::ACCESS_CONTROL_ALLOW_HEADERS, v);
        }
    }
    if let Some(v) = h.max_age.and_then(|v| kept(v, &values.max_age)) {
        map.append(header::ACCESS_CONTROL_MAX_AGE, v);
    }
    if h.allow_private_network {
        map.append(ALLOW_PRIVATE_NETWORK, TRUE);
    }
    if let Some(v) = h.expose_headers.and_then(|v| kept(v, &values.expose)) {
        map.append(header::ACCESS_CONTROL_EXPOSE_HEADERS, v);
    }
    if let Some(v) = h.vary.and_then(|v| kept(v, &values.vary_preflight)) {
        map.append(header::VARY, v);
    }
}

/// `Access-Control-Allow-Origin`: `*`, or the request's origin.
#[inline]
fn allow_origin(decided: &[u8], read: &Read<'_>) -> Option<HeaderValue> {
    if decided == b"*" {
        Some(STAR)
    } else {
        echo(decided, read.origin)
    }
}

/// An echoed value: the request's own `HeaderValue` when its bytes are the
/// decided ones (cloning copies no bytes), otherwise a new one from the
/// decided bytes (a trimmed line).
#[inline]
fn echo(decided: &[u8], from_request: Option<&HeaderValue>) -> Option<HeaderValue> {
    match from_request {
        // The core echoes the request's own slice: comparing addresses
        // mostly spares comparing bytes.
        Some(v) if core::ptr::eq(v.as_bytes(), decided) || v.as_bytes() == decided => {
            Some(v.clone())
        }
        _ => convert(decided),
    }
}

/// A policy value: the one converted in advance (a decision holds no other
/// for that field), or, if that conversion had failed, a new one.
#[inline]
fn kept(decided: &[u8], value: &Option<HeaderValue>) -> Option<HeaderValue> {
    match value {
        Some(v) => Some(v.clone()),
        None => convert(decided),
    }
}

/// Decided bytes no existing value holds; out of line, as it is rare.
#[cold]
#[inline(never)]
fn convert(decided: &[u8]) -> Option<HeaderValue> {
    HeaderValue::from_bytes(decided).ok()
}

/// The CORS headers for the response of a request that reaches the
/// application, waiting for it. Each is taken when added.
#[derive(Clone)]
struct Forward {
    allow_origin: Option<HeaderValue>,
    allow_credentials: bool,
    expose: Option<HeaderValue>,
    vary: Option<HeaderValue>,
}

impl Forward {
    /// Nothing to add: CORS is off for the request.
    const NONE: Forward = Forward {
        allow_origin: None,
        allow_credentials: false,
        expose: None,
        vary: None,
    };

    /// What to add for the decided headers `h`.
    #[inline]
    fn new(values: &Values, h: &Headers<'_>, read: &Read<'_>) -> Self {
        Forward {
            allow_origin: h.allow_origin.and_then(|v| allow_origin(v, read)),
            allow_credentials: h.allow_credentials,
            expose: h.expose_headers.and_then(|v| kept(v, &values.expose)),
            vary: h.vary.and_then(|v| kept(v, &values.vary_simple)),
        }
    }

    /// The headers still to add, leaving none.
    fn take(&mut self) -> Forward {
        Forward {
            allow_origin: self.allow_origin.take(),
            allow_credentials: core::mem::take(&mut self.allow_credentials),
            expose: self.expose.take(),
            vary: self.vary.take(),
        }
    }

    fn is_empty(&self) -> bool {
        self.allow_origin.is_none()
            && !self.allow_credentials
            && self.expose.is_none()
            && self.vary.is_none()
    }

    /// Adds the headers to the application's response, taking them: an
    /// `Access-Control-*` header replaces one the application set (the
    /// CORS layer decides those); `Vary` goes through [`add_vary`].
    #[inline]
    fn apply(&mut self, map: &mut HeaderMap) {
        // Read in place: a denied or non-CORS request moves no value.
        if self.allow_origin.is_some() || self.allow_credentials || self.expose.is_some() {
            self.put_allowed(map);
        }
        if let Some(v) = self.vary.take() {
            add_vary(map, v);
        }
    }

    /// The headers of an allowed request, taken, each replacing one the
    /// application set.
    fn put_allowed(&mut self, map: &mut HeaderMap) {
        // `insert` hands back whatever it replaced, nothing included, which
        // costs more than `append` plus this pass over the names: only the
        // names the application set are inserted.
        let mut set = [false; 3];
        for name in map.keys() {
            if *name == header::ACCESS_CONTROL_ALLOW_ORIGIN {
                set[0] = true;
            } else if *name == header::ACCESS_CONTROL_ALLOW_CREDENTIALS {
                set[1] = true;
            } else if *name == header::ACCESS_CONTROL_EXPOSE_HEADERS {
                set[2] = true;
            }
        }
        let mut put = |name, value, set: bool| {
            if set {
                map.insert(name, value);
            } else {
                map.append(name, value);
            }
        };
        if let Some(v) = self.allow_origin.take() {
            put(header::ACCESS_CONTROL_ALLOW_ORIGIN, v, set[0]);
        }
        if core::mem::take(&mut self.allow_credentials) {
            put(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE, set[1]);
        }
        if let Some(v) = self.expose.take() {
            put(header::ACCESS_CONTROL_EXPOSE_HEADERS, v, set[2]);
        }
    }
}

std::thread_local! {
    /// The application's `Vary` line last joined on this thread. Per
    /// thread (an actix worker is one), so that reading it takes no lock
    /// and cloning the joined value increments a count no other worker
    /// touches; the key holds CORS's names too, so middlewares with
    /// different policies can share it.
    static LAST_JOIN: RefCell<vary::LastJoin<HeaderValue>> =
        const { RefCell::new(vary::LastJoin::new()) };
}

/// Adds CORS's `Vary` names to the application's `Vary`, keeping every name
/// the application listed: they join its (first) `Vary` line, as in
/// `Accept-Encoding, Origin` — some caches read only one line — and are
/// left out when that line already lists them all, or `*`.
#[inline]
fn add_vary(map: &mut HeaderMap, ours: HeaderValue) {
    let Some(first) = map.get_mut(header::VARY) else {
        // None to replace: `append` spares `insert`'s moving out.
        map.append(header::VARY, ours);
        return;
    };
    if !vary::join_first_line(first, &ours, &LAST_JOIN) {
        map.append(header::VARY, ours);
    }
}

pin_project! {
    /// The response future of [`CorsMiddleware`]: the inner service's
    /// future, or a preflight answer that is ready at once.
    pub struct CorsFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B> {
        Answered {
            response: Option<ServiceResponse<EitherBody<B>>>,
        },
        Inner {
            #[pin]
            future: F,
            forward: Forward,
        },
    }
}

impl<F, B> fmt::Debug for CorsFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Answered { .. } => "answered",
            State::Inner { .. } => "inner",
        };
        f.debug_struct("CorsFuture").field("state", &state).finish()
    }
}

impl<F, B> Future for CorsFuture<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Answered { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => Poll::Ready(Err(actix_web::error::ErrorInternalServerError(
                    "cors_engine: response future polled after completion",
                ))),
            },
            StateProj::Inner { future, forward } => {
                // The inner result is changed where it lies and then
                // converted: unwrapping and rewrapping it copies the
                // response more. The headers are taken as they are added:
                // polled again after completion (a caller's bug), it adds
                // none.
                let mut poll = future.poll(cx);
                match &mut poll {
                    Poll::Ready(Ok(response)) => forward.apply(response.headers_mut()),
                    Poll::Ready(Err(error)) => {
                        let forward = forward.take();
                        if !forward.is_empty() {
                            error.add_response_mapper(move |mut response| {
                                forward.clone().apply(response.headers_mut());
                                response
                            });
                        }
                    }
                    Poll::Pending => {}
                }
                poll.map_ok(ServiceResponse::map_into_left_body)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn vary_joins_the_first_line_and_keeps_every_name() {
        let ours = || HeaderValue::from_static("Origin");
        for (app, expected) in vary::JOIN_CASES {
            let mut map = HeaderMap::new();
            for v in *app {
                map.append(header::VARY, HeaderValue::from_static(v));
            }
            add_vary(&mut map, ours());
            let got: Vec<_> = map.get_all(header::VARY).collect();
            assert_eq!(&got, expected, "application sent {app:?}");
        }
    }
}
