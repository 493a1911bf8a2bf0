//! Servers for the adapters on tokio: one per named spec policy, plus one
//! deciding by route, and what the route server must show over HTTP.
//!
//! Each framework's test gives `start` a function that serves a
//! [`PolicySet`] on a bound listener behind its CORS layer, with the
//! DESIGN §5 application handler on every path, except that paths under
//! `/fail/` answer 500 (still with the handler's headers and body `ok`
//! unless the framework writes its own error page).

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;

use cors_engine::{Config, Policy, PolicySet, Route};

use super::http_table::{send_to, Response};
use super::spec::POLICIES;

/// The name [`start`] gives the route server.
pub const ROUTES: &str = "routes";

const APP: &[u8] = b"https://app.example.com";
const ELSEWHERE: &[u8] = b"https://elsewhere.example";

const TOP: Config = Config::new()
    .allowed_origins(&["https://app.example.com"])
    .allowed_methods(&["PUT"])
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true);

/// The route server's policies: `/public/*` allows any origin, `/off/*`
/// has CORS off, everything else the top level (`TOP`).
pub fn route_set() -> PolicySet {
    let routes = [
        Route::new(&["/public/*"]).policy(TOP.allowed_origins(&["*"]).allow_credentials(false)),
        Route::new(&["/off/*"]),
    ];
    PolicySet::compile(Some(&TOP), &routes)
        .expect("the route set compiles")
        .0
}

/// Starts, on one tokio runtime in a background thread, a server per named
/// policy and the route server (named [`ROUTES`]), each on its own
/// loopback port.
pub fn start<F, Fut>(serve: F) -> HashMap<&'static str, SocketAddr>
where
    F: Fn(tokio::net::TcpListener, PolicySet) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    start_with(named_sets, serve)
}

/// Every named spec policy as a set of one, and the route set ([`ROUTES`]).
pub fn named_sets() -> Vec<(&'static str, PolicySet)> {
    POLICIES
        .iter()
        .map(|p| {
            let policy = Policy::compile(&p.config).expect("named policies compile");
            (p.name, PolicySet::from(policy))
        })
        .chain([(ROUTES, route_set())])
        .collect()
}

/// [`start`] with other named sets (`sets` runs on the server thread).
pub fn start_with<F, Fut>(
    sets: impl FnOnce() -> Vec<(&'static str, PolicySet)> + Send + 'static,
    serve: F,
) -> HashMap<&'static str, SocketAddr>
where
    F: Fn(tokio::net::TcpListener, PolicySet) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    on_runtime(|tx| async move {
        let mut addrs = HashMap::new();
        let mut tasks = Vec::new();
        for (name, set) in sets() {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            addrs.insert(name, listener.local_addr().expect("address"));
            tasks.push(tokio::spawn(serve(listener, set)));
        }
        tx.send(addrs).expect("send addresses");
        for t in tasks {
            let _ = t.await;
        }
    })
}

/// One server: `serve` gets a bound loopback listener and runs on a tokio
/// runtime of its own, in a background thread.
pub fn start_one<F, Fut>(serve: F) -> SocketAddr
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    on_runtime(|tx| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        tx.send(listener.local_addr().expect("address"))
            .expect("send address");
        serve(listener).await;
    })
}

/// Runs `run` on a two-worker tokio runtime in a background thread and
/// returns the first thing it sends (the servers' addresses, once bound).
fn on_runtime<T, F, Fut>(run: F) -> T
where
    T: Send + 'static,
    F: FnOnce(std::sync::mpsc::Sender<T>) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(run(tx));
    });
    rx.recv().expect("servers started")
}

fn cors_headers(r: &Response) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(n, _)| n.starts_with("access-control-"))
        .map(|(n, _)| n.as_str())
        .collect()
}

fn preflight(addr: SocketAddr, path: &str, origin: &[u8]) -> Response {
    send_to(
        addr,
        b"OPTIONS",
        path,
        &[
            ("origin", origin),
            ("access-control-request-method", b"PUT"),
        ],
    )
}

/// What the route server must answer: each path decided by its route's
/// policy, and nothing added where CORS is off.
pub fn check_routes(addr: SocketAddr) {
    // CORS off: the handler answers the preflight and nothing is added,
    // not even `Vary`.
    let r = preflight(addr, "/off/metrics", APP);
    assert!(r.handler_ran(), "{r:?}");
    assert_eq!(r.status, 200);
    assert_eq!(cors_headers(&r), Vec::<&str>::new(), "{r:?}");
    let vary: Vec<&[u8]> = r.get_all("vary").collect();
    assert_eq!(vary, [&b"Accept-Encoding"[..]]);
    let r = send_to(addr, b"GET", "/off/metrics", &[("origin", APP)]);
    assert!(r.handler_ran());
    assert_eq!(cors_headers(&r), Vec::<&str>::new(), "{r:?}");

    // The public route allows any origin, statically.
    let r = send_to(addr, b"GET", "/public/logo", &[("origin", ELSEWHERE)]);
    assert!(r.handler_ran());
    assert_eq!(r.get("access-control-allow-origin"), Some(&b"*"[..]));
    assert_eq!(r.get("access-control-allow-credentials"), None);
    let r = preflight(addr, "/public/logo", ELSEWHERE);
    assert!(!r.handler_ran());
    assert_eq!(r.status, 204);
    assert_eq!(r.get("access-control-allow-origin"), Some(&b"*"[..]));
    // A 204 has no body, so no length either.
    assert_eq!(r.get("content-length"), None, "{r:?}");
    assert!(r.body.is_empty());

    // Elsewhere, the top level: credentials for the app, nothing for others.
    let r = send_to(addr, b"GET", "/api/items?page=2", &[("origin", APP)]);
    assert!(r.handler_ran());
    assert_eq!(r.get("access-control-allow-origin"), Some(APP));
    assert_eq!(
        r.get("access-control-allow-credentials"),
        Some(&b"true"[..])
    );
    assert_eq!(
        r.get("access-control-expose-headers"),
        Some(&b"x-total-count"[..])
    );
    let r = send_to(addr, b"GET", "/api/items", &[("origin", ELSEWHERE)]);
    assert!(r.handler_ran());
    assert_eq!(cors_headers(&r), Vec::<&str>::new(), "{r:?}");
    let r = preflight(addr, "/api/items", ELSEWHERE);
    assert!(!r.handler_ran());
    assert_eq!(r.status, 403);
    assert_eq!(cors_headers(&r), Vec::<&str>::new(), "{r:?}");
    let r = preflight(addr, "/api/items", APP);
    assert_eq!(r.status, 204);
    assert_eq!(r.get("access-control-allow-methods"), Some(&b"PUT"[..]));

    // An error status from the application gets CORS headers too.
    let r = send_to(addr, b"GET", "/fail/now", &[("origin", APP)]);
    assert_eq!(r.status, 500, "{r:?}");
    assert_eq!(r.get("access-control-allow-origin"), Some(APP));
    let vary: Vec<&[u8]> = r.get_all("vary").collect();
    assert!(
        vary.iter().any(|v| v.windows(6).any(|w| w == b"Origin")),
        "Vary: {vary:?}"
    );
}
