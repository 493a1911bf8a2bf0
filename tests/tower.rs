//! The `tower` adapter: the shared spec table over real HTTP through axum
//! and through hyper (hyper-util), plus what only an adapter can get wrong —
//! the application's `Vary` kept, error responses decorated, preflights
//! answered without the inner service, bad input answered and survived.
#![cfg(feature = "tower")]

mod common;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use common::http_table::{self, send};
use common::servers;
use cors_engine::tower::CorsLayer;
use cors_engine::{Config, Policy, PolicySet};
use http::{HeaderValue, Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};

/// The DESIGN §5 application handler's response.
fn app_response() -> Response<Body> {
    common::app::http_response(Body::from(common::app::BODY))
}

async fn serve_axum(listener: tokio::net::TcpListener, set: PolicySet) {
    let router = axum::Router::new()
        .fallback(|| async { app_response() })
        .layer(CorsLayer::new(set));
    axum::serve(listener, router).await.expect("axum serves");
}

async fn serve_hyper(listener: tokio::net::TcpListener, set: PolicySet) {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    let service =
        CorsLayer::new(set).layer(service_fn(|_: Request<hyper::body::Incoming>| async {
            Ok::<_, Infallible>(app_response())
        }));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let _ = Builder::new(TokioExecutor::new())
                .http1_only()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[test]
fn spec_table_over_http_through_axum() {
    let addrs = servers::start(serve_axum);
    http_table::run("tower/axum", &|name| addrs[name]);
}

#[test]
fn spec_table_over_http_through_hyper() {
    let addrs = servers::start(serve_hyper);
    http_table::run("tower/hyper", &|name| addrs[name]);
}

#[test]
fn bad_input_gets_a_response_and_the_server_keeps_serving() {
    let addrs = servers::start(serve_axum);
    let addr = addrs["basic"];
    let origin_lines: Vec<(&str, &[u8])> = (0..50)
        .map(|_| ("origin", &b"https://example.com"[..]))
        .collect();
    let huge = vec![b'x'; 60 * 1024];
    let many_names = "a, ".repeat(4000);
    type Lines<'a> = Vec<(&'a str, &'a [u8])>;
    let requests: Vec<(&[u8], Lines)> = vec![
        (b"GET", vec![("origin", b"https://example.com\xff\xfe")]),
        (b"GET", vec![("origin", b"\x80\x81")]),
        (b"GET", origin_lines),
        (
            b"OPTIONS",
            vec![
                ("origin", b"https://example.com"),
                ("access-control-request-method", b"PUT"),
                ("access-control-request-headers", &huge),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("origin", b"https://example.com"),
                ("access-control-request-method", b"PUT"),
                ("access-control-request-headers", many_names.as_bytes()),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("origin", b"https://example.com"),
                ("access-control-request-method", b"P\xffT"),
            ],
        ),
    ];
    for (method, lines) in &requests {
        let response = send(addr, method, lines);
        assert!(
            response.get("access-control-allow-origin").is_none(),
            "bad input must not be allowed: {response:?}"
        );
    }
    // Still serving, and still deciding correctly.
    let ok = send(addr, b"GET", &[("origin", b"https://example.com")]);
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.get("access-control-allow-origin"),
        Some(&b"https://example.com"[..])
    );
}

fn layer(config: &Config<'_, '_>) -> CorsLayer {
    CorsLayer::new(Policy::compile(config).expect("valid config"))
}

fn request(method: &str, lines: &[(&'static str, &'static str)]) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri("/");
    for (n, v) in lines {
        builder = builder.header(*n, *v);
    }
    builder.body(Body::empty()).expect("request")
}

const CONFIG: Config = Config::new()
    .allowed_origins(&["https://app.example.com"])
    .allowed_methods(&["PUT"])
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true);

#[tokio::test]
async fn error_statuses_from_the_inner_service_get_cors_headers() {
    for status in [StatusCode::NOT_FOUND, StatusCode::INTERNAL_SERVER_ERROR] {
        let service = layer(&CONFIG).layer(service_fn(move |_: Request<Body>| async move {
            let mut r = app_response();
            *r.status_mut() = status;
            Ok::<_, Infallible>(r)
        }));
        let response = service
            .oneshot(request("GET", &[("origin", "https://app.example.com")]))
            .await
            .unwrap();
        assert_eq!(response.status(), status);
        let h = response.headers();
        assert_eq!(h["access-control-allow-origin"], "https://app.example.com");
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert_eq!(h["access-control-expose-headers"], "x-total-count");
        let vary: Vec<_> = h.get_all("vary").iter().collect();
        assert_eq!(vary, ["Accept-Encoding, Origin"], "app's Vary kept");
    }
}

#[tokio::test]
async fn an_inner_future_that_waits_first_gets_the_headers_once_it_answers() {
    let service = layer(&CONFIG).layer(service_fn(|_: Request<Body>| async {
        // Pending on the first poll: the headers must wait for the response.
        tokio::task::yield_now().await;
        Ok::<_, Infallible>(app_response())
    }));
    let response = service
        .oneshot(request("GET", &[("origin", "https://app.example.com")]))
        .await
        .unwrap();
    let h = response.headers();
    let acao: Vec<_> = h.get_all("access-control-allow-origin").iter().collect();
    assert_eq!(acao, ["https://app.example.com"]);
    let vary: Vec<_> = h.get_all("vary").iter().collect();
    assert_eq!(vary, ["Accept-Encoding, Origin"]);
}

#[tokio::test]
async fn an_inner_error_passes_through_untouched() {
    let service = layer(&CONFIG).layer(service_fn(|_: Request<Body>| async {
        Err::<Response<Body>, _>("inner failed")
    }));
    let result = service
        .oneshot(request("GET", &[("origin", "https://app.example.com")]))
        .await;
    assert_eq!(result.unwrap_err(), "inner failed");
}

#[tokio::test]
async fn preflights_do_not_reach_the_inner_service_and_others_do() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let service = layer(&CONFIG).layer(service_fn(move |_: Request<Body>| {
        counted.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, Infallible>(app_response()) }
    }));
    let allowed = request(
        "OPTIONS",
        &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PUT"),
        ],
    );
    let denied = request(
        "OPTIONS",
        &[
            ("origin", "https://evil.example.com"),
            ("access-control-request-method", "PUT"),
        ],
    );
    let r = service.clone().oneshot(allowed).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(r.headers()["access-control-allow-methods"], "PUT");
    let r = service.clone().oneshot(denied).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers().len(), 1, "only Vary: {:?}", r.headers());
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    // OPTIONS without Access-Control-Request-Method is an actual request.
    let r = service
        .clone()
        .oneshot(request("OPTIONS", &[("origin", "https://app.example.com")]))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_decision_hook_sees_every_request_once() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let cors = layer(&CONFIG).on_decision(move |head, decision| {
        log.lock()
            .unwrap()
            .push(format!("{} {}", head.method, decision));
    });
    let service = cors.layer(service_fn(|_: Request<Body>| async {
        Ok::<_, Infallible>(app_response())
    }));
    for origin in [
        &b"https://app.example.com"[..],
        b"https://evil.example\xff\"X: y",
    ] {
        let mut r = request("GET", &[]);
        r.headers_mut()
            .insert("origin", HeaderValue::from_bytes(origin).unwrap());
        service.clone().oneshot(r).await.unwrap();
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], "GET actual allowed");
    assert!(
        seen[1] == r#"GET actual denied: origin "https://evil.example\xff\"X: y" is malformed"#,
        "{}",
        seen[1]
    );
}
