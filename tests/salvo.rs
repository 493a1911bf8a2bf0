//! The `salvo` adapter: the shared spec table over real HTTP through a
//! Salvo server, per-route policies, and what only an adapter can get
//! wrong.
#![cfg(feature = "salvo")]

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

use common::http_table::{self, send_to};
use common::servers;
use cors_engine::salvo::Cors;
use cors_engine::{Config, Policy, PolicySet};
use salvo_core::conn::tcp::TcpAcceptor;
use salvo_core::http::StatusCode;
use salvo_core::{handler, Request, Response, Router, Server, Service};

/// The DESIGN §5 application handler; under `/fail/` it answers 500.
#[handler]
async fn app(request: &mut Request, response: &mut Response) {
    for (name, value) in common::app::HEADERS {
        response
            .headers_mut()
            .insert(name, value.parse().expect("value"));
    }
    if request.uri().path().starts_with("/fail/") {
        response.status_code(StatusCode::INTERNAL_SERVER_ERROR);
    }
    response.body(common::app::BODY);
}

fn service(cors: Cors) -> Service {
    let router = Router::new()
        .push(Router::with_path("{**rest}").goal(app))
        .goal(app);
    Service::new(router).hoop(cors)
}

async fn serve(listener: tokio::net::TcpListener, set: PolicySet) {
    let acceptor = TcpAcceptor::try_from(listener).expect("acceptor");
    Server::new(acceptor).serve(service(Cors::new(set))).await;
}

fn servers() -> &'static HashMap<&'static str, SocketAddr> {
    static SERVERS: OnceLock<HashMap<&'static str, SocketAddr>> = OnceLock::new();
    SERVERS.get_or_init(|| servers::start(serve))
}

#[test]
fn spec_table_over_http() {
    http_table::run("salvo", &|name| servers()[name]);
}

#[test]
fn each_path_is_decided_by_its_route() {
    servers::check_routes(servers()[servers::ROUTES]);
}

#[test]
fn a_preflight_for_a_path_and_method_no_route_handles_is_answered() {
    // Only `GET /items` is routed. The hoop is on the service, so it runs
    // where the router finds nothing: the preflight gets the decided
    // answer, not Salvo's 404 or 405 page.
    let addrs = servers::start_with(
        || vec![("get-only", servers::route_set())],
        |listener, set| async move {
            let acceptor = TcpAcceptor::try_from(listener).expect("acceptor");
            let router = Router::with_path("items").get(app);
            Server::new(acceptor)
                .serve(Service::new(router).hoop(Cors::new(set)))
                .await;
        },
    );
    let addr = addrs["get-only"];
    let preflight = |path: &str, origin: &[u8]| {
        send_to(
            addr,
            b"OPTIONS",
            path,
            &[
                ("origin", origin),
                ("access-control-request-method", b"PUT"),
            ],
        )
    };
    for path in ["/items", "/nowhere"] {
        let r = preflight(path, b"https://app.example.com");
        assert_eq!(r.status, 204, "{path}: {r:?}");
        assert_eq!(
            r.get("access-control-allow-origin"),
            Some(&b"https://app.example.com"[..])
        );
        assert!(r.body.is_empty());
        let r = preflight(path, b"https://elsewhere.example");
        assert_eq!(r.status, 403, "{path}: {r:?}");
        assert!(r.body.is_empty(), "no error page: {r:?}");
    }
    // A GET the router does not route is Salvo's 404, with CORS headers.
    let r = send_to(
        addr,
        b"GET",
        "/nowhere",
        &[("origin", b"https://app.example.com")],
    );
    assert_eq!(r.status, 404);
    assert_eq!(
        r.get("access-control-allow-origin"),
        Some(&b"https://app.example.com"[..])
    );
}

#[test]
fn a_swap_replaces_the_policy_for_the_next_request() {
    let config = |origin| Config::new().allowed_origins(std::slice::from_ref(origin));
    let cors = Cors::new(Policy::compile(&config(&"https://a.example")).unwrap());
    let handle = cors.clone();
    // One server, whose hoop is `cors` (the set it is given is not used):
    // the test keeps a handle to swap it.
    let addrs = servers::start_with(
        || vec![("swap", servers::route_set())],
        move |listener, _| {
            let service = service(cors.clone());
            async move {
                let acceptor = TcpAcceptor::try_from(listener).expect("acceptor");
                Server::new(acceptor).serve(service).await;
            }
        },
    );
    let addr = addrs["swap"];
    let acao = |origin: &[u8]| {
        send_to(addr, b"GET", "/", &[("origin", origin)])
            .get("access-control-allow-origin")
            .map(<[u8]>::to_vec)
    };
    assert_eq!(
        acao(b"https://a.example").as_deref(),
        Some(&b"https://a.example"[..])
    );
    handle.swap(Policy::compile(&config(&"https://b.example")).unwrap());
    assert_eq!(acao(b"https://a.example"), None);
    assert_eq!(
        acao(b"https://b.example").as_deref(),
        Some(&b"https://b.example"[..])
    );
}

#[tokio::test]
async fn the_decision_hook_sees_every_decision_once() {
    use salvo_core::http::Method;
    use salvo_core::{Depot, FlowCtrl, Handler};
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let cors = Cors::new(servers::route_set()).on_decision(move |request, decision| {
        log.lock().unwrap().push(format!(
            "{} {}: {decision}",
            request.method(),
            request.uri().path()
        ));
    });
    let cors: Arc<dyn Handler> = Arc::new(cors);
    let handler: Arc<dyn Handler> = Arc::new(app);
    let requests = [
        (Method::GET, "/api/items", "https://app.example.com"),
        (Method::OPTIONS, "/api/items", "https://evil.example"),
        // CORS is off here: nothing is decided.
        (Method::GET, "/off/metrics", "https://app.example.com"),
    ];
    for (method, path, origin) in requests {
        let mut request = Request::new();
        *request.method_mut() = method;
        *request.uri_mut() = path.parse().unwrap();
        let headers = request.headers_mut();
        headers.insert("origin", origin.parse().unwrap());
        headers.insert("access-control-request-method", "PUT".parse().unwrap());
        let mut ctrl = FlowCtrl::new(vec![cors.clone(), handler.clone()]);
        ctrl.call_next(&mut request, &mut Depot::new(), &mut Response::new())
            .await;
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0], "GET /api/items: actual allowed");
    assert!(
        seen[1].starts_with("OPTIONS /api/items: preflight denied: origin"),
        "{}",
        seen[1]
    );
}
