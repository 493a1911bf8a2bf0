//! The `tower` adapter (feature `tower`): a [`Layer`] for axum, hyper (through
//! `hyper-util`), tonic and any other `tower` stack.
//!
//! ```
//! use cors_engine::tower::CorsLayer;
//! use cors_engine::{Config, Policy};
//!
//! let config = Config::new()
//!     .allowed_origins(&["https://app.example.com"])
//!     .allowed_methods(&["GET", "POST", "PUT"])
//!     .allowed_headers(&["content-type", "authorization"])
//!     .allow_credentials(true);
//! let policy = Policy::compile(&config).unwrap_or_else(|errors| panic!("{errors}"));
//! let cors = CorsLayer::new(policy).on_decision(|request, decision| {
//!     eprintln!("{} {}: {decision}", request.method, request.uri.path());
//! });
//! // axum:  Router::new().route(..).layer(cors)
//! // tower: ServiceBuilder::new().layer(cors).service(app)
//! # let _ = cors;
//! ```
//!
//! What the layer does with each request:
//!
//! * a preflight is answered by the layer itself with the decided status
//!   (204 or 200 when allowed, 403 when denied) and headers; the inner
//!   service is not called;
//! * every other request reaches the inner service, and the decided headers
//!   are added to whatever response it returns — error statuses included.
//!   `Vary` is appended to the application's own.
//!
//! An error (`Err`) from the inner service is passed through untouched: it
//! is not a response, and whatever turns it into one (axum's
//! `HandleErrorLayer`, hyper) runs outside this layer. Put the CORS layer
//! outermost so that those responses get CORS headers too.
//!
//! # Deployment rules
//!
//! * Let `OPTIONS` reach the layer: a router or proxy that answers or
//!   rejects `OPTIONS` before it makes every preflight fail.
//! * Put CORS before authentication: preflights carry no credentials, so an
//!   authentication layer in front would reject them.
//! * One CORS layer per route: two would each add `Access-Control-Allow-Origin`,
//!   and browsers reject a response with two.
//!
//! # Cost
//!
//! The policy is compiled once and shared (`Arc`); each service keeps the
//! current policies between requests and re-reads them after a
//! [`CorsLayer::swap`] (between swaps, checking costs one atomic load). Per
//! request the layer reads `Origin` (and, on a preflight, the other CORS
//! request headers) without copying, decides without allocating, clones
//! precomputed header values, and adds at most four headers to the
//! response (growing its map at most once). A preflight response costs a
//! new `HeaderMap` (two allocations) and the body's `Default`.

use alloc::sync::Arc;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll};

use ::http::{HeaderMap, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use arc_swap::ArcSwap;

use crate::http::{preflight_status, Cors, CorsHeaders, RequestHeaders};
use crate::policy::OriginPredicate;
use crate::{Decision, Policy, PolicySet};

type Hook = dyn Fn(&RequestHead<'_>, &Decision<'_>) + Send + Sync;

/// What the decision hook sees of a request: its head, borrowed.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct RequestHead<'a> {
    /// The method.
    pub method: &'a ::http::Method,
    /// The URI.
    pub uri: &'a ::http::Uri,
    /// The header lines.
    pub headers: &'a ::http::HeaderMap,
}

/// Shared between every clone of the layer and its services: the current
/// policies, each with its prepared header values, swapped as one.
struct Shared {
    set: ArcSwap<PolicySet<Cors>>,
    /// Counts the swaps: a service re-reads `set` only when it moved, so
    /// a request between swaps costs one atomic load.
    generation: AtomicU64,
    hook: Option<Arc<Hook>>,
    allow: Option<Arc<OriginPredicate>>,
}

/// A [`Layer`] that applies a compiled [`Policy`] — or a [`PolicySet`] of
/// per-route policies — to every request.
///
/// Cloning is cheap (an `Arc`), and every clone and every service it made
/// share the policies: [`CorsLayer::swap`] on any clone replaces them for
/// all, atomically.
#[derive(Clone)]
pub struct CorsLayer {
    shared: Arc<Shared>,
}

impl fmt::Debug for CorsLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsLayer")
            .field("policies", &self.shared.set.load())
            .field("on_decision", &self.shared.hook.is_some())
            .finish()
    }
}

impl From<Policy> for CorsLayer {
    fn from(policy: Policy) -> Self {
        CorsLayer::new(policy)
    }
}

impl CorsLayer {
    /// A layer deciding with `policies`: one [`Policy`] for every path, or
    /// a [`PolicySet`] whose routes the request's path selects (a route
    /// with CORS off, or no route and no top-level policy, passes the
    /// request to the inner service untouched, preflights included).
    pub fn new(policies: impl Into<PolicySet>) -> Self {
        CorsLayer {
            shared: Arc::new(Shared {
                set: ArcSwap::from_pointee(prepare(policies.into())),
                generation: AtomicU64::new(0),
                hook: None,
                allow: None,
            }),
        }
    }

    /// Replaces the policies of this layer, its clones and every service
    /// they made. Atomic and wait-free for requests: each request is
    /// decided wholly by the old policies or wholly by the new ones, and a
    /// request in flight keeps what it started with. The new policies'
    /// header values are prepared here, before the swap.
    ///
    /// ```
    /// # use cors_engine::{tower::CorsLayer, Config, Policy};
    /// let old = Policy::compile(&Config::new().allowed_origins(&["https://a.example"])).unwrap();
    /// let new = Policy::compile(&Config::new().allowed_origins(&["https://b.example"])).unwrap();
    /// let layer = CorsLayer::new(old);
    /// let handle = layer.clone(); // keep one to reload with
    /// // … serve with `layer` …
    /// handle.swap(new);
    /// ```
    pub fn swap(&self, policies: impl Into<PolicySet>) {
        self.shared.set.store(Arc::new(prepare(policies.into())));
        // After the store: a service that sees the new count loads the new
        // policies.
        self.shared.generation.fetch_add(1, Ordering::Release);
    }

    /// Calls `hook` with every request's head (method, URI, headers;
    /// the body is not part of it) and its decision, before the response
    /// exists: the place to log (`Decision`'s `Display` is one escaped line
    /// with the reason of a denial) or count.
    pub fn on_decision<F>(self, hook: F) -> Self
    where
        F: Fn(&RequestHead<'_>, &Decision<'_>) + Send + Sync + 'static,
    {
        let Shared {
            set,
            generation,
            allow,
            ..
        } = self.into_shared();
        CorsLayer {
            shared: Arc::new(Shared {
                set,
                generation,
                hook: Some(Arc::new(hook)),
                allow,
            }),
        }
    }

    /// Asks `allow` about every origin the policies' own rules refuse,
    /// after those rules: origins that live in application state, as
    /// tower-http's `AllowOrigin::predicate` does. An origin it allows is
    /// echoed like a listed one; it never sees `null` or a malformed
    /// origin (see [`Policy::decide_with`]). A policy with no listed origin
    /// says so with [`Config::origins_from_predicate`](crate::Config::origins_from_predicate).
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::{Arc, RwLock};
    /// use cors_engine::{tower::CorsLayer, Config, Policy};
    ///
    /// let tenants: Arc<RwLock<HashSet<Vec<u8>>>> = Arc::default();
    /// let policy = Policy::compile(&Config::new().origins_from_predicate(true))?;
    /// let known = Arc::clone(&tenants);
    /// let layer = CorsLayer::new(policy)
    ///     .allow_origin_if(move |origin| known.read().is_ok_and(|t| t.contains(origin)));
    /// tenants.write().unwrap().insert(b"https://acme.example".to_vec());
    /// # let _ = layer;
    /// # Ok::<(), cors_engine::ConfigErrors<'static>>(())
    /// ```
    pub fn allow_origin_if<F>(self, allow: F) -> Self
    where
        F: Fn(&[u8]) -> bool + Send + Sync + 'static,
    {
        let Shared {
            set,
            generation,
            hook,
            ..
        } = self.into_shared();
        CorsLayer {
            shared: Arc::new(Shared {
                set,
                generation,
                hook,
                allow: Some(Arc::new(allow)),
            }),
        }
    }

    /// The shared state, to build a changed layer from: taken when this is
    /// the only handle (as while building), copied otherwise.
    fn into_shared(self) -> Shared {
        Arc::try_unwrap(self.shared).unwrap_or_else(|shared| Shared {
            set: ArcSwap::new(shared.set.load_full()),
            generation: AtomicU64::new(0),
            hook: shared.hook.clone(),
            allow: shared.allow.clone(),
        })
    }
}

fn prepare(set: PolicySet) -> PolicySet<Cors> {
    set.map(Cors::new)
}

impl<S> Layer<S> for CorsLayer {
    type Service = CorsService<S>;

    fn layer(&self, inner: S) -> CorsService<S> {
        // The count first: a swap between the two reads is then seen as
        // one at the first request.
        let generation = self.shared.generation.load(Ordering::Acquire);
        CorsService {
            inner,
            set: self.shared.set.load_full(),
            generation,
            shared: self.shared.clone(),
        }
    }
}

/// The service [`CorsLayer`] wraps around an inner service.
#[derive(Clone)]
pub struct CorsService<S> {
    inner: S,
    /// The policies as of swap `generation`, kept between requests (a
    /// service serves one connection's requests in turn).
    set: Arc<PolicySet<Cors>>,
    generation: u64,
    shared: Arc<Shared>,
}

impl<S: fmt::Debug> fmt::Debug for CorsService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsService")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CorsService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // `Cors::respond`'s two halves, without its `Action`: moving a
        // whole `Response` through an enum costs more than the decision.
        // One snapshot of the policies decides the whole request: the kept
        // one, unless a swap came since.
        let generation = self.shared.generation.load(Ordering::Acquire);
        if generation != self.generation {
            self.set = self.shared.set.load_full();
            self.generation = generation;
        }
        let set = &self.set;
        let Some(cors) = set.policy(set.route(request.uri().path().as_bytes())) else {
            // CORS is off here: the application answers as if there were no
            // layer.
            return ResponseFuture {
                state: State::Inner {
                    future: self.inner.call(request),
                    headers: None,
                },
            };
        };
        let read = RequestHeaders::new(request.method(), request.headers());
        let descriptor = read.descriptor();
        let decision = match &self.shared.allow {
            None => cors.policy().decide(&descriptor),
            Some(allow) => cors.policy().decide_with(&descriptor, &**allow),
        };
        if let Some(hook) = &self.shared.hook {
            let head = RequestHead {
                method: request.method(),
                uri: request.uri(),
                headers: request.headers(),
            };
            hook(&head, &decision);
        }
        // Each branch builds the whole future in place: a `State` built
        // first and then moved in would copy the inner future.
        match decision.preflight_status() {
            Some(status) => ResponseFuture {
                state: State::Preflight {
                    answer: Some((
                        preflight_status(status),
                        cors.preflight_headers(decision.headers(), &read),
                    )),
                },
            },
            None => {
                let headers = cors.forward_headers(&decision, &read);
                // What was read borrows the request, which moves on.
                drop(read);
                ResponseFuture {
                    state: State::Inner {
                        future: self.inner.call(request),
                        headers: Some(headers),
                    },
                }
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`CorsService`].
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Preflight { answer: Option<(StatusCode, HeaderMap)> },
        Inner { #[pin] future: F, headers: Option<CorsHeaders> },
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Preflight { answer } => {
                let mut response = Response::new(B::default());
                if let Some((status, headers)) = answer.take() {
                    *response.status_mut() = status;
                    *response.headers_mut() = headers;
                }
                Poll::Ready(Ok(response))
            }
            StateProj::Inner { future, headers } => {
                // The inner poll's result is changed in place and passed
                // on: unwrapping and rewrapping it would copy the response
                // twice.
                let mut poll = future.poll(cx);
                if let Poll::Ready(Ok(response)) = &mut poll {
                    if let Some(headers) = headers.take() {
                        headers.apply(response.headers_mut());
                    }
                }
                poll
            }
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
