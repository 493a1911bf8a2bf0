//! The `poem` adapter: the shared spec table over real HTTP through a Poem
//! server, per-route policies, and what only an adapter can get wrong.
#![cfg(feature = "poem")]

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

use common::http_table::{self, send_to};
use common::servers;
use cors_engine::poem::Cors;
use cors_engine::{Config, Policy, PolicySet};
use poem::http::StatusCode;
use poem::listener::TcpAcceptor;
use poem::{handler, EndpointExt, Request, Response, Route, Server};

/// The DESIGN §5 application handler; under `/fail/` it fails with an
/// error carrying a 500, which the middleware turns into a response.
#[handler]
fn app(request: &Request) -> poem::Result<Response> {
    if request.uri().path().starts_with("/fail/") {
        return Err(poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR));
    }
    let mut response = Response::builder();
    for (name, value) in common::app::HEADERS {
        response = response.header(name, value);
    }
    Ok(response.body(common::app::BODY))
}

async fn serve(listener: tokio::net::TcpListener, set: PolicySet) {
    let acceptor = TcpAcceptor::from_tokio(listener).expect("acceptor");
    let endpoint = Route::new()
        .at("/*path", app)
        .at("/", app)
        .with(Cors::new(set));
    let _ = Server::new_with_acceptor(acceptor).run(endpoint).await;
}

fn servers() -> &'static HashMap<&'static str, SocketAddr> {
    static SERVERS: OnceLock<HashMap<&'static str, SocketAddr>> = OnceLock::new();
    SERVERS.get_or_init(|| servers::start(serve))
}

#[test]
fn spec_table_over_http() {
    http_table::run("poem", &|name| servers()[name]);
}

#[test]
fn each_path_is_decided_by_its_route() {
    servers::check_routes(servers()[servers::ROUTES]);
}

#[test]
fn a_swap_replaces_the_policy_for_the_next_request() {
    let config = |origin| Config::new().allowed_origins(std::slice::from_ref(origin));
    let cors = Cors::new(Policy::compile(&config(&"https://a.example")).unwrap());
    let handle = cors.clone();
    // One server, whose middleware is `cors` (the set it is given is not
    // used): the test keeps a handle to swap it.
    let addrs = servers::start_with(
        || vec![("swap", servers::route_set())],
        move |listener, _| {
            let cors = cors.clone();
            async move {
                let acceptor = TcpAcceptor::from_tokio(listener).expect("acceptor");
                let endpoint = Route::new().at("/", app).with(cors);
                let _ = Server::new_with_acceptor(acceptor).run(endpoint).await;
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
    use poem::Endpoint;
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
    let endpoint = Route::new().at("/*path", app).with(cors);
    let requests = [
        ("GET", "/api/items", "https://app.example.com"),
        ("OPTIONS", "/api/items", "https://evil.example"),
        // CORS is off here: nothing is decided.
        ("GET", "/off/metrics", "https://app.example.com"),
    ];
    for (method, path, origin) in requests {
        let request = Request::builder()
            .method(method.parse().unwrap())
            .uri_str(path)
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .finish();
        endpoint.get_response(request).await;
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
