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
//! * a **preflight** ([`Kind::Preflight`]) is answered right away with
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
//! names CORS varies on join the application's `Vary` line
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
//! Per request the middleware allocates at most once itself: the echoed
//! origin, method and header names reuse the request's own [`HeaderValue`]s
//! (reference counted, no bytes copied), and the values that come from the
//! policy (`true`, `*`, the max-age, the expose list, `Vary`) are converted
//! once, in [`Cors::new`], and cloned afterwards. The one allocation is the
//! joined `Vary` line, when the application set a `Vary` of its own. The
//! future is not boxed.

extern crate std;

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::future::{ready, Ready};
use std::sync::Arc;

use super::vary;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{Error, HttpResponse};
use pin_project_lite::pin_project;

use crate::limits::MAX_REQUEST_HEADER_LINES;
use crate::{Decision, HeaderName, Headers, Kind, Policy, RequestDescriptor, SingleHeader};

/// The function [`Cors::on_decision`] takes.
type Hook = fn(&ServiceRequest, &Decision<'_>);

/// `Access-Control-Request-Private-Network`, which `http` 0.2 does not name.
const REQUEST_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network`, likewise.
const ALLOW_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-allow-private-network");

/// `Access-Control-Request-Headers` lines read: one beyond the core's cap is
/// enough for it to deny.
const ACRH_LINES: usize = MAX_REQUEST_HEADER_LINES + 1;

/// actix-web middleware applying a compiled [`Policy`] (see the
/// [module documentation](self)).
///
/// Cloning is cheap (the policy and its ready header values are shared
/// behind an [`Arc`]), which is what
/// [`HttpServer::new`](actix_web::HttpServer::new) needs: one clone per
/// worker.
#[derive(Clone)]
pub struct Cors {
    shared: Arc<Shared>,
    hook: Option<Hook>,
}

/// What every worker shares: the policy, and the header values that are the
/// same for every request, converted once.
struct Shared {
    policy: Policy,
    fixed: heapless::Vec<HeaderValue, FIXED_VALUES>,
}

/// `true`, `*`, max-age, expose list, the two `Vary` values.
const FIXED_VALUES: usize = 6;

impl From<Policy> for Cors {
    fn from(policy: Policy) -> Self {
        Cors::new(policy)
    }
}

impl Cors {
    /// Middleware applying `policy`.
    pub fn new(policy: Policy) -> Self {
        let mut fixed = heapless::Vec::new();
        let values = policy.fixed_values();
        let candidates = [
            Some(&b"true"[..]),
            Some(&b"*"[..]),
            values.max_age,
            values.expose,
            values.vary_simple,
            Some(values.vary_preflight),
        ];
        // Compiled values are valid header text; one `from_bytes` refused
        // would only mean converting it per request instead.
        for value in candidates.into_iter().flatten() {
            if let Ok(value) = HeaderValue::from_bytes(value) {
                let _ = fixed.push(value);
            }
        }
        Cors {
            shared: Arc::new(Shared { policy, fixed }),
            hook: None,
        }
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
            shared: Arc::clone(&self.shared),
            hook: self.hook,
        }))
    }
}

/// The service [`Cors`] wraps around an application (one per worker).
pub struct CorsMiddleware<S> {
    service: S,
    shared: Arc<Shared>,
    hook: Option<Hook>,
}

impl<S> fmt::Debug for CorsMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsMiddleware")
            .field("on_decision", &self.hook.is_some())
            .finish_non_exhaustive()
    }
}

/// The decided headers, ready to be added to a response.
type Pending = heapless::Vec<(HeaderName, HeaderValue), { Headers::MAX }>;

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
        let (pending, preflight_status) = self.decide(&request);
        let state = match preflight_status {
            Some(status) => {
                let (request, _payload) = request.into_parts();
                let mut response = HttpResponse::new(status);
                add_headers(response.headers_mut(), pending);
                State::Answered {
                    response: Some(ServiceResponse::new(request, response).map_into_right_body()),
                }
            }
            None => State::Inner {
                future: self.service.call(request),
                pending: Some(pending),
            },
        };
        CorsFuture { state }
    }
}

impl<S> CorsMiddleware<S> {
    /// Decides `request` and turns the decision into owned header values;
    /// the status to answer with when the CORS layer answers itself.
    fn decide(&self, request: &ServiceRequest) -> (Pending, Option<StatusCode>) {
        let headers = request.headers();
        let origin = headers.get_all(header::ORIGIN).as_slice();
        let method = headers
            .get_all(header::ACCESS_CONTROL_REQUEST_METHOD)
            .as_slice();
        let private_network = headers.get_all(REQUEST_PRIVATE_NETWORK).as_slice();
        let lines = headers
            .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .as_slice();
        let lines = &lines[..lines.len().min(ACRH_LINES)];
        let mut acrh: [&[u8]; ACRH_LINES] = [&[]; ACRH_LINES];
        for (slot, line) in acrh.iter_mut().zip(lines) {
            *slot = line.as_bytes();
        }

        let mut descriptor = RequestDescriptor::new(request.method().as_str().as_bytes())
            .request_headers(&acrh[..lines.len()]);
        descriptor.origin = origin.first().map(HeaderValue::as_bytes);
        descriptor.request_method = method.first().map(HeaderValue::as_bytes);
        descriptor.request_private_network = private_network.first().map(HeaderValue::as_bytes);
        descriptor.repeated = if origin.len() > 1 {
            Some(SingleHeader::Origin)
        } else if method.len() > 1 {
            Some(SingleHeader::RequestMethod)
        } else if private_network.len() > 1 {
            Some(SingleHeader::RequestPrivateNetwork)
        } else {
            None
        };

        let decision = self.shared.policy.decide(&descriptor);
        if let Some(hook) = self.hook {
            hook(request, &decision);
        }

        let from_request = RequestValues {
            single: [origin.first(), method.first(), private_network.first()],
            lines,
        };
        let mut pending = Pending::new();
        for h in decision.headers() {
            if let Some(value) = self.header_value(h.value, &from_request) {
                // Cannot overflow: a decision holds at most `Headers::MAX`.
                let _ = pending.push((h.name, value));
            }
        }
        let status = match decision.kind() {
            Kind::Preflight => Some(
                decision
                    .preflight_status()
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .unwrap_or(StatusCode::FORBIDDEN),
            ),
            Kind::NotCors | Kind::Actual => None,
        };
        (pending, status)
    }

    /// A `HeaderValue` for `bytes` without copying them: an echoed request
    /// value is the request's own `HeaderValue`, any other is one of the
    /// policy's, converted in [`Cors::new`]. (Converting anew is only a
    /// fallback that a decision never needs.)
    fn header_value(&self, bytes: &[u8], request: &RequestValues<'_>) -> Option<HeaderValue> {
        if let Some(own) = request.same(bytes) {
            return Some(own.clone());
        }
        if let Some(fixed) = self.shared.fixed.iter().find(|v| v.as_bytes() == bytes) {
            return Some(fixed.clone());
        }
        HeaderValue::from_bytes(bytes).ok()
    }
}

/// The request header values a decision may echo.
struct RequestValues<'r> {
    /// `Origin`, `Access-Control-Request-Method`, `-Private-Network`.
    single: [Option<&'r HeaderValue>; 3],
    /// The `Access-Control-Request-Headers` lines given to the core.
    lines: &'r [HeaderValue],
}

impl<'r> RequestValues<'r> {
    fn all(&self) -> impl Iterator<Item = &'r HeaderValue> + '_ {
        self.single.iter().flatten().copied().chain(self.lines)
    }

    /// The request value whose bytes `bytes` is, if any.
    fn same(&self, bytes: &[u8]) -> Option<&'r HeaderValue> {
        self.all().find(|v| core::ptr::eq(v.as_bytes(), bytes))
    }
}

fn header_name(name: HeaderName) -> header::HeaderName {
    match name {
        HeaderName::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderName::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderName::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderName::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderName::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
        HeaderName::AllowPrivateNetwork => ALLOW_PRIVATE_NETWORK,
        HeaderName::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderName::Vary => header::VARY,
    }
}

/// Adds the decided headers to a response: an `Access-Control-*` header
/// replaces one the application set (the CORS layer decides those), and its
/// further lines (one `Access-Control-Allow-Headers` per echoed request
/// line) are appended; `Vary` goes through [`add_vary`].
fn add_headers(map: &mut HeaderMap, pending: Pending) {
    let mut previous = None;
    for (name, value) in pending {
        let repeat = previous == Some(name);
        previous = Some(name);
        if name == HeaderName::Vary {
            add_vary(map, value);
        } else if repeat {
            map.append(header_name(name), value);
        } else {
            map.insert(header_name(name), value);
        }
    }
}

/// Adds CORS's `Vary` names to the application's `Vary`, keeping every name
/// the application listed: they join its (first) `Vary` line, as in
/// `Accept-Encoding, Origin` — some caches read only one line — and are
/// left out when a line already lists them all, or `*`.
fn add_vary(map: &mut HeaderMap, ours: HeaderValue) {
    let vary = map.get_all(header::VARY).as_slice();
    if vary
        .iter()
        .any(|line| vary::lists_all(line.as_bytes(), ours.as_bytes()))
    {
        return;
    }
    let joined = vary.first().and_then(|line| {
        HeaderValue::try_from(vary::joined(line.as_bytes(), ours.as_bytes())).ok()
    });
    match (map.get_mut(header::VARY), joined) {
        (Some(line), Some(joined)) => *line = joined,
        (Some(_), None) => map.append(header::VARY, ours),
        (None, _) => {
            map.insert(header::VARY, ours);
        }
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
            pending: Option<Pending>,
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
            StateProj::Inner { future, pending } => {
                let result = match future.poll(cx) {
                    Poll::Ready(result) => result,
                    Poll::Pending => return Poll::Pending,
                };
                let pending = pending.take().unwrap_or_default();
                Poll::Ready(match result {
                    Ok(mut response) => {
                        add_headers(response.headers_mut(), pending);
                        Ok(response.map_into_left_body())
                    }
                    Err(mut error) => {
                        error.add_response_mapper(move |mut response| {
                            add_headers(response.headers_mut(), pending.clone());
                            response
                        });
                        Err(error)
                    }
                })
            }
        }
    }
}
