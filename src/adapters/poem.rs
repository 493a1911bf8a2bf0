//! The `poem` adapter (feature `poem`): a Poem [`Middleware`].
//!
//! ```
//! use cors_engine::poem::Cors;
//! use cors_engine::{Config, Policy};
//! use poem::{handler, EndpointExt, Route};
//!
//! #[handler]
//! fn items() -> &'static str {
//!     "ok"
//! }
//!
//! let config = Config::new()
//!     .allowed_origins(&["https://app.example.com"])
//!     .allowed_methods(&["GET", "PUT"])
//!     .allow_credentials(true);
//! let policy = Policy::compile(&config).unwrap_or_else(|errors| panic!("{errors}"));
//! let app = Route::new().at("/items", items).with(Cors::new(policy));
//! # let _ = app;
//! ```
//!
//! The middleware reads the request with [`RequestHeaders`], decides with
//! the policy of the request's route, and either answers a preflight itself
//! (the endpoint does not run) or adds the decided headers to the
//! endpoint's response. An `Err` from the endpoint is turned into its
//! response here, so that error statuses carry CORS headers too. Put the
//! middleware outermost (`.with(cors)` on the whole `Route`): there the
//! request's path is the whole path, which a [`PolicySet`]'s routes are
//! written for (inside `Route::nest`, the prefix is already stripped).
//!
//! The same deployment rules as for [`tower`](crate::tower#deployment-rules)
//! apply: let `OPTIONS` reach the middleware, put it before authentication,
//! and use one CORS middleware per route.

use alloc::sync::Arc;
use core::fmt;

use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};

use super::live::Live;
use crate::http::{Action, Cors as Prepared, RequestHeaders};
use crate::{Decision, PolicySet};

type Hook = dyn Fn(&Request, &Decision<'_>) + Send + Sync;

/// A Poem [`Middleware`] applying a compiled [`Policy`](crate::Policy), or
/// a [`PolicySet`] of per-route policies, to every request.
///
/// Cloning is cheap, and clones share the policies: [`Cors::swap`] on any
/// clone replaces them for all, atomically.
#[derive(Clone)]
pub struct Cors {
    live: Live<Prepared, Hook>,
}

impl fmt::Debug for Cors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.live.fmt(f)
    }
}

impl Cors {
    /// A middleware deciding with `policies`: one policy for every path, or
    /// a set whose routes the request's path selects (where CORS is off the
    /// request reaches the endpoint untouched, preflights included).
    pub fn new(policies: impl Into<PolicySet>) -> Self {
        Cors {
            live: Live::new(policies.into().map(Prepared::new)),
        }
    }

    /// Calls `hook` with every request CORS applies to and its decision,
    /// before the endpoint runs: the place to log (`Decision`'s `Display`
    /// is one escaped line with the reason of a denial) or count.
    pub fn on_decision<F>(mut self, hook: F) -> Self
    where
        F: Fn(&Request, &Decision<'_>) + Send + Sync + 'static,
    {
        self.live.hook = Some(Arc::new(hook));
        self
    }

    /// Replaces the policies, atomically and without making requests wait:
    /// each request is decided wholly by the old or wholly by the new ones.
    pub fn swap(&self, policies: impl Into<PolicySet>) {
        self.live.swap(policies.into().map(Prepared::new));
    }
}

impl<E: Endpoint> Middleware<E> for Cors {
    type Output = CorsEndpoint<E>;

    fn transform(&self, inner: E) -> CorsEndpoint<E> {
        CorsEndpoint {
            inner,
            live: self.live.clone(),
        }
    }
}

/// The endpoint [`Cors`] wraps around an inner endpoint.
pub struct CorsEndpoint<E> {
    inner: E,
    live: Live<Prepared, Hook>,
}

impl<E: fmt::Debug> fmt::Debug for CorsEndpoint<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsEndpoint")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> Endpoint for CorsEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> Result<Response> {
        // One snapshot decides the whole request; the decided values are
        // owned before the endpoint takes the request.
        let action = {
            let set = self.live.load();
            // The path as this endpoint sees it: the whole path when the
            // middleware is outermost (inside `Route::nest` the prefix is
            // stripped already). Not `original_uri`, which only a server
            // sets: a request built in a test has none.
            let route = set.route(request.uri().path().as_bytes());
            match set.policy(route) {
                Some(cors) => {
                    let read = RequestHeaders::new(request.method(), request.headers());
                    let decision = cors.policy().decide(&read.descriptor());
                    if let Some(hook) = &self.live.hook {
                        hook(&request, &decision);
                    }
                    Some(cors.respond(&decision, &read))
                }
                None => None,
            }
        };
        let Some(action) = action else {
            return self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response);
        };
        match action {
            Action::Respond(preflight) => {
                let (parts, ()) = preflight.into_parts();
                let mut response = Response::default();
                response.set_status(parts.status);
                *response.headers_mut() = parts.headers;
                Ok(response)
            }
            Action::Forward(headers) => {
                let mut response = match self.inner.call(request).await {
                    Ok(output) => output.into_response(),
                    Err(error) => error.into_response(),
                };
                headers.apply(response.headers_mut());
                Ok(response)
            }
        }
    }
}
