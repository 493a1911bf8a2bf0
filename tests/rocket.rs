//! The `rocket` adapter: the shared spec table over real HTTP through a
//! Rocket server, per-route policies, and what only this adapter can get
//! wrong (its preflight route, an application `OPTIONS` route).
#![cfg(feature = "rocket")]

mod common;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::OnceLock;

use common::http_table::{self, send_to};
use common::servers;
use cors_engine::rocket::{Cors, PREFLIGHT_PATH};
use cors_engine::{Config, Policy, PolicySet};
use rocket::fairing::AdHoc;
use rocket::http::{Header, Method, Status};
use rocket::route::{Handler, Outcome, Route};
use rocket::{Data, Request, Response};

/// The DESIGN §5 application handler for every method and path; under
/// `/fail/` it answers 500.
#[derive(Clone)]
struct App;

#[rocket::async_trait]
impl Handler for App {
    async fn handle<'r>(&self, request: &'r Request<'_>, _: Data<'r>) -> Outcome<'r> {
        let mut response = Response::build();
        for (name, value) in common::app::HEADERS {
            response.header(Header::new(name, value));
        }
        if request.uri().path().starts_with("/fail/") {
            response.status(Status::InternalServerError);
        }
        let body = common::app::BODY;
        response.sized_body(body.len(), std::io::Cursor::new(body));
        Outcome::Success(response.finalize())
    }
}

fn app_routes() -> Vec<Route> {
    [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Patch,
        Method::Head,
        Method::Options,
    ]
    .into_iter()
    .flat_map(|m| [Route::new(m, "/", App), Route::new(m, "/<_..>", App)])
    .collect()
}

/// Launches Rocket with `cors` on a free loopback port in the current
/// runtime and returns its address once it listens.
async fn launch(cors: Cors) -> SocketAddr {
    let config = rocket::Config {
        address: Ipv4Addr::LOCALHOST.into(),
        port: 0,
        workers: 2,
        log_level: rocket::config::LogLevel::Off,
        cli_colors: false,
        shutdown: rocket::config::Shutdown {
            ctrlc: false,
            ..Default::default()
        },
        ..rocket::Config::debug_default()
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let rocket = rocket::custom(config)
        .mount("/", app_routes())
        .attach(cors)
        .attach(AdHoc::on_liftoff("report the port", move |rocket| {
            let port = rocket.config().port;
            Box::pin(async move {
                if let Some(tx) = tx.lock().unwrap().take() {
                    let _ = tx.send(port);
                }
            })
        }));
    tokio::spawn(async move {
        let _ = rocket.launch().await;
    });
    let port = rx.await.expect("rocket lifts off");
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// Starts one Rocket per named set on a runtime in a background thread.
fn start(sets: fn() -> Vec<(&'static str, PolicySet)>) -> HashMap<&'static str, SocketAddr> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let mut addrs = HashMap::new();
            for (name, set) in sets() {
                addrs.insert(name, launch(Cors::new(set)).await);
            }
            tx.send(addrs).expect("send addresses");
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("servers started")
}

fn servers() -> &'static HashMap<&'static str, SocketAddr> {
    static SERVERS: OnceLock<HashMap<&'static str, SocketAddr>> = OnceLock::new();
    SERVERS.get_or_init(|| start(servers::named_sets))
}

#[test]
fn spec_table_over_http() {
    let exceptions = [http_table::Exception {
        case: "classify/lower-case-options-with-acrm-is-actual",
        why: "Rocket refuses a method it does not know (methods are case-sensitive, \
              `options` is not `OPTIONS`) with 400 before any fairing runs",
        answer: |r| r.status == 400 && !r.handler_ran(),
    }];
    http_table::run_except("rocket", &|name| servers()[name], &exceptions);
}

#[test]
fn each_path_is_decided_by_its_route() {
    servers::check_routes(servers()[servers::ROUTES]);
}

#[test]
fn the_preflight_route_answers_only_what_the_fairing_sent_it() {
    let addr = servers()["basic"];
    // Sent there directly, it is a request like any other: the
    // application's catch-all route answers it.
    let r = send_to(addr, b"OPTIONS", PREFLIGHT_PATH, &[]);
    assert!(r.handler_ran(), "{r:?}");
    // A preflight to it is answered like any preflight.
    let r = send_to(
        addr,
        b"OPTIONS",
        PREFLIGHT_PATH,
        &[
            ("origin", b"https://example.com"),
            ("access-control-request-method", b"PUT"),
        ],
    );
    assert!(!r.handler_ran());
    assert_eq!(r.status, 204);
}

#[test]
fn a_swap_replaces_the_policy_for_the_next_request() {
    let config = |origin| Config::new().allowed_origins(std::slice::from_ref(origin));
    let cors = Cors::new(Policy::compile(&config(&"https://a.example")).unwrap());
    let handle = cors.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            tx.send(launch(cors).await).expect("send address");
            std::future::pending::<()>().await;
        });
    });
    let addr = rx.recv().expect("server started");
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

#[test]
fn the_decision_hook_sees_every_decision_once() {
    use rocket::local::blocking::Client;
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let cors = Cors::new(servers::route_set()).on_decision(move |request, decision| {
        log.lock()
            .unwrap()
            .push(format!("{}: {decision}", request.method()));
    });
    let config = rocket::Config {
        log_level: rocket::config::LogLevel::Off,
        ..rocket::Config::debug_default()
    };
    let rocket = rocket::custom(config).mount("/", app_routes()).attach(cors);
    let client = Client::untracked(rocket).expect("a valid rocket");
    let requests = [
        (Method::Get, "/api/items", "https://app.example.com"),
        (Method::Options, "/api/items", "https://evil.example"),
        // CORS is off here: nothing is decided.
        (Method::Get, "/off/metrics", "https://app.example.com"),
    ];
    for (method, path, origin) in requests {
        client
            .req(method, path)
            .header(Header::new("origin", origin))
            .header(Header::new("access-control-request-method", "PUT"))
            .dispatch();
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0], "GET: actual allowed");
    assert!(
        seen[1].starts_with("OPTIONS: preflight denied: origin"),
        "{}",
        seen[1]
    );
}
