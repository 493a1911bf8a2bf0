//! The `picoserve` adapter (feature `picoserve`): a picoserve [`Layer`] for
//! embedded servers (embassy), with a [`FixedPolicy`]: `no_std`, and
//! nothing allocated, ever.
//!
//! picoserve needs a newer Rust than this crate's MSRV (1.85): picoserve
//! 0.20 wants 1.93. Only builds with the `picoserve` feature need it.
//!
//! ```
//! use cors_engine::picoserve::Cors;
//! use cors_engine::{Config, FixedPolicy};
//! use picoserve::routing::get;
//!
//! const CORS: Config = Config::new()
//!     .allowed_origins(&["https://app.example.com"])
//!     .allowed_methods(&["PUT"]);
//! // Compiled once, at start-up; on a device, kept in a `static` cell.
//! let policy = FixedPolicy::<512, 32>::compile(&CORS).expect("a valid policy");
//! let app: picoserve::Router<_> = picoserve::Router::new()
//!     .route("/items", get(|| async { "ok" }))
//!     .layer(Cors::new(&policy));
//! # let _ = app;
//! ```
//!
//! A preflight is answered by the layer (the handler does not run): the
//! decided status and headers, no body, and no `Content-Length` on a 204.
//! Every other request runs the handler, and the decided headers are added
//! to its response.
//!
//! picoserve writes a response's headers as the handler gives them, so the
//! layer adds its own after them: CORS's `Vary` names come as a `Vary`
//! line of their own (which HTTP reads as one list with the
//! application's), and a handler behind the layer must not set
//! `Access-Control-*` headers itself (a browser rejects a response with
//! two `Access-Control-Allow-Origin`).
//!
//! Per-route policies: picoserve routes by path itself, so give each
//! router or route its own layer (`PolicySet` needs an allocator).
//!
//! # Cost
//!
//! Reading the request walks its header lines once (the [`h1`](crate::h1)
//! adapter's reader); the decided values are written straight from the
//! policy and the request into the response. Nothing is copied or
//! allocated.

use picoserve::io::Read;
use picoserve::request::RequestParts;
use picoserve::response::{
    Body, Connection, ForEachHeader, HeadersIter, Response, ResponseWriter, StatusCode,
};
use picoserve::routing::{Layer, Next};
use picoserve::ResponseSent;

use crate::{h1, FixedPolicy, Headers};

/// A picoserve [`Layer`] applying a compiled [`FixedPolicy`] to every
/// request of the router it wraps. It borrows the policy: cheap to copy
/// into each server task.
#[derive(Debug)]
pub struct Cors<'p, const BYTES: usize, const ENTRIES: usize> {
    policy: &'p FixedPolicy<BYTES, ENTRIES>,
}

impl<const BYTES: usize, const ENTRIES: usize> Clone for Cors<'_, BYTES, ENTRIES> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<const BYTES: usize, const ENTRIES: usize> Copy for Cors<'_, BYTES, ENTRIES> {}

impl<'p, const BYTES: usize, const ENTRIES: usize> Cors<'p, BYTES, ENTRIES> {
    /// A layer deciding with `policy`.
    pub const fn new(policy: &'p FixedPolicy<BYTES, ENTRIES>) -> Self {
        Cors { policy }
    }
}

impl<State, PathParameters, const BYTES: usize, const ENTRIES: usize> Layer<State, PathParameters>
    for Cors<'_, BYTES, ENTRIES>
{
    type NextState = State;
    type NextPathParameters = PathParameters;

    async fn call_layer<
        'a,
        R: Read + 'a,
        NextLayer: Next<'a, R, State, PathParameters>,
        W: ResponseWriter<Error = R::Error>,
    >(
        &self,
        next: NextLayer,
        state: &State,
        path_parameters: PathParameters,
        request_parts: RequestParts<'_>,
        response_writer: W,
    ) -> Result<ResponseSent, W::Error> {
        let lines = request_parts.headers();
        let request = h1::Request::from_headers(
            request_parts.method().as_bytes(),
            lines
                .iter()
                .map(|(name, value)| (name.as_raw(), value.as_raw())),
        );
        let decision = self.policy.decide(&request.descriptor());
        match decision.preflight_status() {
            Some(status) => {
                // The body of the preflight (if any) is read and dropped
                // so the connection can serve the next request.
                let connection = next.into_connection().await?;
                let headers = CorsLines {
                    headers: decision.headers(),
                    // A 204 has no body and so no length; a 200 or 403
                    // says its empty body's, or a keep-alive client would
                    // wait for one.
                    empty_body: status != 204,
                };
                let response = Response::empty(StatusCode::new(status)).with_headers(headers);
                response_writer.write_response(connection, response).await
            }
            None => {
                let writer = AddHeaders {
                    inner: response_writer,
                    headers: decision.headers(),
                };
                next.run(state, path_parameters, writer).await
            }
        }
    }
}

/// The decided headers as picoserve writes headers.
struct CorsLines<'d, 'a> {
    headers: &'d Headers<'a>,
    /// Whether to add `Content-Length: 0`.
    empty_body: bool,
}

impl HeadersIter for CorsLines<'_, '_> {
    async fn for_each_header<F: ForEachHeader>(self, mut f: F) -> Result<F::Output, F::Error> {
        for header in self.headers {
            // Decided values are the policy's text or request bytes the
            // policy matched: ASCII, so never skipped in practice.
            if let Ok(value) = core::str::from_utf8(header.value) {
                f.call(header.name.as_str(), value).await?;
            }
        }
        if self.empty_body {
            f.call("Content-Length", 0).await?;
        }
        f.finalize().await
    }
}

/// The response writer given to the handler: adds the decided headers
/// after the handler's.
struct AddHeaders<'d, 'a, W> {
    inner: W,
    headers: &'d Headers<'a>,
}

impl<W: ResponseWriter> ResponseWriter for AddHeaders<'_, '_, W> {
    type Error = W::Error;

    async fn write_response<R: Read<Error = Self::Error>, H: HeadersIter, B: Body>(
        self,
        connection: Connection<'_, R>,
        response: Response<H, B>,
    ) -> Result<ResponseSent, Self::Error> {
        let headers = CorsLines {
            headers: self.headers,
            empty_body: false,
        };
        self.inner
            .write_response(connection, response.with_headers(headers))
            .await
    }
}
