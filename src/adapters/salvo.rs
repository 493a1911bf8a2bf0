//! The `salvo` adapter (feature `salvo`): a Salvo [`Handler`] to use as a
//! hoop.
//!
//! ```
//! use cors_engine::salvo::Cors;
//! use cors_engine::{Config, Policy};
//! use salvo_core::{handler, Router, Service};
//!
//! #[handler]
//! async fn items() -> &'static str {
//!     "ok"
//! }
//!
//! let config = Config::new()
//!     .allowed_origins(&["https://app.example.com"])
//!     .allowed_methods(&["GET", "PUT"]);
//! let policy = Policy::compile(&config).unwrap_or_else(|errors| panic!("{errors}"));
//! let router = Router::with_path("items").get(items);
//! // On the `Service`, not the `Router`: a router's hoops run only for a
//! // path and method it routes, and a preflight is an `OPTIONS` request
//! // that no route may handle.
//! let service = Service::new(router).hoop(Cors::new(policy));
//! # let _ = service;
//! ```
//!
//! A preflight is answered by the hoop (with an empty body, so Salvo's
//! error page does not fill a 403) and the handlers after it do not run;
//! every other request runs them, and the decided headers are added to
//! their response, error statuses included.
//!
//! This is a handler rather than the `tower` layer through Salvo's
//! `tower-compat`: that route converts every request and response between
//! Salvo's and `hyper`'s types around the layer, where a hoop works on
//! Salvo's `http` header maps in place.
//!
//! The same deployment rules as for [`tower`](crate::tower#deployment-rules)
//! apply: let `OPTIONS` reach the hoop, put it before authentication, and
//! use one CORS hoop per route.

use alloc::boxed::Box;
use alloc::sync::Arc;
use core::fmt;

use salvo_core::http::ResBody;
use salvo_core::{Depot, FlowCtrl, Handler, Request, Response};

use super::live::Live;
use crate::http::{Action, Cors as Prepared, RequestHeaders};
use crate::{Decision, PolicySet};

type Hook = dyn Fn(&Request, &Decision<'_>) + Send + Sync;

/// A Salvo [`Handler`] applying a compiled [`Policy`](crate::Policy), or a
/// [`PolicySet`] of per-route policies, to every request; add it with
/// `Service::hoop`.
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
    /// A hoop deciding with `policies`: one policy for every path, or a
    /// set whose routes the request's path selects (where CORS is off the
    /// request goes on untouched, preflights included).
    pub fn new(policies: impl Into<PolicySet>) -> Self {
        Cors {
            live: Live::new(policies.into().map(Prepared::new)),
        }
    }

    /// Calls `hook` with every request CORS applies to and its decision,
    /// before the next handlers run: the place to log (`Decision`'s
    /// `Display` is one escaped line with the reason of a denial) or count.
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

#[salvo_core::async_trait]
impl Handler for Cors {
    async fn handle(
        &self,
        request: &mut Request,
        depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        // One snapshot decides the whole request; the decided values are
        // owned before the next handlers take the request.
        let action = {
            let set = self.live.load();
            set.policy(set.route(request.uri().path().as_bytes()))
                .map(|cors| {
                    let read = RequestHeaders::new(request.method(), request.headers());
                    let decision = cors.policy().decide(&read.descriptor());
                    if let Some(hook) = &self.live.hook {
                        hook(request, &decision);
                    }
                    cors.respond(&decision, &read)
                })
        };
        match action {
            None => {
                ctrl.call_next(request, depot, response).await;
            }
            Some(Action::Respond(preflight)) => {
                let (parts, ()) = preflight.into_parts();
                response.status_code(parts.status);
                // Headers an earlier hoop set are kept; with none (the
                // usual case), the decided map is taken over whole rather
                // than copied into a new one.
                if response.headers().is_empty() {
                    *response.headers_mut() = parts.headers;
                } else {
                    response.headers_mut().extend(parts.headers);
                }
                response.replace_body(ResBody::Once(Default::default()));
                ctrl.skip_rest();
            }
            Some(Action::Forward(headers)) => {
                ctrl.call_next(request, depot, response).await;
                headers.apply(response.headers_mut());
            }
        }
    }
}
