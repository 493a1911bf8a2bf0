//! What the adapter benchmarks share (`benches/peers.rs` for time,
//! `benches/instructions.rs` for instruction counts): the policy, the
//! browser-like requests, and each implementation set up as one boxed
//! "serve a request" function, so that every implementation pays the same
//! harness cost and only its own work differs.
//!
//! The implementations, per framework: no CORS (`baseline`) · the `floor`
//! (not a CORS layer: the scenario's response headers written with
//! constant values, `Origin` joined into `Vary`, nothing decided — what any
//! CORS layer on the framework's header map must do for a request that
//! reaches the application) · cors-engine (`ours`) · the peer (`tower-http`
//! or `actix-cors`). Preflights have no floor.

#![allow(dead_code)]

use std::convert::Infallible;
use std::time::Duration;

pub const ORIGINS: [&str; 2] = ["https://app.example.com", "https://www.example.com"];
pub const METHODS: [&str; 3] = ["GET", "PUT", "DELETE"];
pub const HEADERS: [&str; 3] = ["content-type", "authorization", "x-request-id"];

pub const CONFIG: cors_engine::Config = cors_engine::Config::new()
    .allowed_origins(&ORIGINS)
    .allowed_methods(&METHODS)
    .allowed_headers(&HEADERS)
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true)
    .max_age(600);

/// A scenario: (name, short id, method, its CORS header lines).
pub type Scenario = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

pub const SCENARIOS: [Scenario; 5] = [
    ("not CORS", "not_cors", "GET", &[]),
    (
        "actual, allowed",
        "actual_allowed",
        "GET",
        &[("origin", "https://app.example.com")],
    ),
    (
        "actual, denied",
        "actual_denied",
        "GET",
        &[("origin", "https://evil.example.com")],
    ),
    (
        "preflight, 3 headers",
        "preflight_allowed",
        "OPTIONS",
        &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PUT"),
            // As browsers send it: lower case, sorted, no spaces.
            (
                "access-control-request-headers",
                "authorization,content-type,x-request-id",
            ),
        ],
    ),
    (
        "preflight, denied",
        "preflight_denied",
        "OPTIONS",
        &[
            ("origin", "https://evil.example.com"),
            ("access-control-request-method", "PUT"),
        ],
    ),
];

/// The thirteen lines Chromium sends with a `fetch` besides the CORS ones
/// (split around where it puts `Origin`): a layer that reads every line
/// pays for each, so benchmarks without them flatter it.
const BROWSER_BEFORE: [(&str, &str); 7] = [
    ("host", "api.example.com"),
    ("connection", "keep-alive"),
    ("sec-ch-ua-platform", "\"Linux\""),
    (
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
         Chrome/131.0.0.0 Safari/537.36",
    ),
    (
        "sec-ch-ua",
        "\"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
    ),
    ("sec-ch-ua-mobile", "?0"),
    ("accept", "*/*"),
];
const BROWSER_AFTER: [(&str, &str); 6] = [
    ("sec-fetch-site", "same-site"),
    ("sec-fetch-mode", "cors"),
    ("sec-fetch-dest", "empty"),
    ("referer", "https://app.example.com/"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("accept-language", "en-US,en;q=0.9"),
];

/// Every header line of `scenario`'s request, in the order Chromium sends
/// them.
pub fn lines((.., cors): Scenario) -> impl Iterator<Item = (&'static str, &'static str)> {
    BROWSER_BEFORE
        .into_iter()
        .chain(cors.iter().copied())
        .chain(BROWSER_AFTER)
}

pub const IMPLEMENTATIONS: [&str; 4] = ["baseline", "floor", "ours", "peer"];

/// The headers a CORS layer adds to the response of a scenario that
/// reaches the application (besides joining `Origin` into `Vary`), with
/// the values this policy gives them; `None` for preflights.
pub fn floor_headers((name, ..): Scenario) -> Option<&'static [(&'static str, &'static str)]> {
    match name {
        "not CORS" | "actual, denied" => Some(&[]),
        "actual, allowed" => Some(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-total-count"),
        ]),
        _ => None,
    }
}

/// The application's `Vary` with CORS's name joined in.
pub const FLOOR_VARY: &str = "Accept-Encoding, Origin";

/// `add` in a framework's own name and value types, made once (and kept
/// for the whole run) so that the floor only clones them.
fn floor_table<N, V>(
    add: &[(&'static str, &'static str)],
    name: fn(&'static str) -> N,
    value: fn(&'static str) -> V,
) -> &'static [(N, V)] {
    add.iter()
        .map(|&(n, v)| (name(n), value(v)))
        .collect::<Vec<_>>()
        .leak()
}

/// Futures that never wait are driven by one poll, with no runtime in the
/// measurement.
pub use crate::counting::ready;

/// One implementation, ready to serve requests (warmed up by one request,
/// so that first-use work is not counted).
pub type Serve<R, O> = Box<dyn FnMut(R) -> O>;

pub mod tower {
    use super::*;
    use ::tower::{Layer, Service};
    use http::header::{AUTHORIZATION, CONTENT_TYPE};
    use http::{HeaderName, HeaderValue, Method, Request, Response};
    use http_body_util::Full;
    use hyper::body::Bytes;

    pub type Body = Full<Bytes>;
    pub type Req = Request<Body>;
    pub type Resp = Response<Body>;

    /// The application, as a named service whose future is ready at once.
    #[derive(Clone, Copy)]
    pub struct App;

    impl Service<Req> for App {
        type Response = Resp;
        type Error = Infallible;
        type Future = std::future::Ready<Result<Resp, Infallible>>;

        fn poll_ready(
            &mut self,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Infallible>> {
            std::task::Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Req) -> Self::Future {
            let body = Full::new(Bytes::from_static(crate::app::BODY.as_bytes()));
            std::future::ready(Ok(crate::app::http_response(body)))
        }
    }

    /// A request whose header values share their bytes, as hyper's parser
    /// leaves them.
    pub fn request(scenario: Scenario) -> Req {
        let mut builder = Request::builder().method(scenario.2).uri("/items");
        for (n, v) in lines(scenario) {
            builder = builder.header(n, HeaderValue::from_static(v));
        }
        builder.body(Full::new(Bytes::new())).expect("request")
    }

    pub fn peer_layer() -> tower_http::cors::CorsLayer {
        use tower_http::cors::{AllowOrigin, CorsLayer};
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(ORIGINS.map(HeaderValue::from_static)))
            .allow_methods(METHODS.map(|m| Method::from_bytes(m.as_bytes()).expect("method")))
            .allow_headers([
                CONTENT_TYPE,
                AUTHORIZATION,
                HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([HeaderName::from_static("x-total-count")])
            .allow_credentials(true)
            .max_age(Duration::from_secs(600))
    }

    fn boxed<S>(mut service: S, scenario: Scenario) -> Serve<Req, Resp>
    where
        S: Service<Req, Response = Resp, Error = Infallible> + 'static,
    {
        let mut serve: Serve<Req, Resp> = Box::new(move |req| {
            ready(std::future::poll_fn(|cx| service.poll_ready(cx))).expect("ready");
            ready(service.call(req)).expect("response")
        });
        drop(serve(request(scenario)));
        serve
    }

    /// `implementation` set up for `scenario` (`None`: the floor of a
    /// preflight).
    pub fn serve(implementation: &str, scenario: Scenario) -> Option<Serve<Req, Resp>> {
        Some(match implementation {
            "baseline" => boxed(App, scenario),
            "floor" => {
                let add = floor_table(
                    floor_headers(scenario)?,
                    HeaderName::from_static,
                    HeaderValue::from_static,
                );
                let floor = ::tower::service_fn(move |req| {
                    let mut response = ready(App.call(req)).expect("response");
                    let headers = response.headers_mut();
                    if let Some(vary) = headers.get_mut(http::header::VARY) {
                        *vary = HeaderValue::from_static(FLOOR_VARY);
                    }
                    for (name, value) in add {
                        headers.insert(name.clone(), value.clone());
                    }
                    std::future::ready(Ok::<_, Infallible>(response))
                });
                boxed(floor, scenario)
            }
            "ours" => {
                let policy = cors_engine::Policy::compile(&CONFIG).expect("valid policy");
                boxed(
                    cors_engine::tower::CorsLayer::new(policy).layer(App),
                    scenario,
                )
            }
            "peer" => boxed(peer_layer().layer(App), scenario),
            _ => panic!("unknown implementation {implementation}"),
        })
    }
}

pub mod actix {
    use super::*;
    use actix_web::body::{BoxBody, EitherBody};
    use actix_web::dev::{Service, ServiceResponse};
    use actix_web::http::header::HeaderValue;
    use actix_web::test::{self, TestRequest};
    use actix_web::{web, App};

    pub type Req = actix_http::Request;
    /// Every implementation's response, in one type (the baseline's and the
    /// floor's bodies are wrapped, which costs them a move).
    pub type Resp = ServiceResponse<EitherBody<BoxBody>>;

    pub fn request(scenario: Scenario) -> Req {
        let method = actix_web::http::Method::from_bytes(scenario.2.as_bytes()).expect("method");
        let mut req = TestRequest::default().method(method).uri("/items");
        for (name, value) in lines(scenario) {
            // Shared bytes, as a server's parser leaves them.
            req = req.insert_header((name, HeaderValue::from_static(value)));
        }
        req.to_request()
    }

    pub fn peer() -> actix_cors::Cors {
        let mut cors = actix_cors::Cors::default()
            .allowed_methods(METHODS)
            .allowed_headers(HEADERS)
            .expose_headers(["x-total-count"])
            .supports_credentials()
            .max_age(600)
            // Let denied actual requests reach the handler, as DESIGN §3.3
            // (and cors-engine) do, instead of answering 400.
            .block_on_origin_mismatch(false);
        for origin in ORIGINS {
            cors = cors.allowed_origin(origin);
        }
        cors
    }

    /// The floor's header writes, names and values made once. The
    /// application sets none of these names, so `append` (cheaper than
    /// `insert` here) is enough.
    fn floor(
        add: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&mut actix_web::http::header::HeaderMap) + Clone {
        use actix_web::http::header::{HeaderName, VARY};
        let add = floor_table(add, HeaderName::from_static, HeaderValue::from_static);
        move |headers| {
            if let Some(vary) = headers.get_mut(VARY) {
                *vary = HeaderValue::from_static(FLOOR_VARY);
            }
            for (name, value) in add {
                headers.append(name.clone(), value.clone());
            }
        }
    }

    /// The services run on an actix `System` made here and kept for the
    /// process (services answer without waiting: each request is polled
    /// once, with no runtime in the measurement).
    pub fn serve(implementation: &str, scenario: Scenario) -> Option<Serve<Req, Resp>> {
        let rt = Box::leak(Box::new(actix_web::rt::System::new()));
        let handler = || web::to(crate::app::actix_handler);
        let mut serve: Serve<Req, Resp> = match implementation {
            "baseline" => {
                let s = rt.block_on(test::init_service(App::new().default_service(handler())));
                Box::new(move |req| ready(s.call(req)).expect("response").map_into_left_body())
            }
            "floor" => {
                let floor = floor(floor_headers(scenario)?);
                let s = rt.block_on(test::init_service(
                    App::new()
                        .wrap_fn(move |req, srv| {
                            let response = srv.call(req);
                            let floor = floor.clone();
                            async move {
                                let mut response = response.await?;
                                floor(response.headers_mut());
                                Ok(response)
                            }
                        })
                        .default_service(handler()),
                ));
                Box::new(move |req| ready(s.call(req)).expect("response").map_into_left_body())
            }
            "ours" => {
                let policy = cors_engine::Policy::compile(&CONFIG).expect("valid policy");
                let s = rt.block_on(test::init_service(
                    App::new()
                        .wrap(cors_engine::actix::Cors::new(policy))
                        .default_service(handler()),
                ));
                Box::new(move |req| ready(s.call(req)).expect("response"))
            }
            "peer" => {
                let s = rt.block_on(test::init_service(
                    App::new().wrap(peer()).default_service(handler()),
                ));
                Box::new(move |req| ready(s.call(req)).expect("response"))
            }
            _ => panic!("unknown implementation {implementation}"),
        };
        drop(serve(request(scenario)));
        Some(serve)
    }
}
