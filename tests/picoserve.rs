//! The `picoserve` adapter, on the host under tokio: the shared spec table
//! over real HTTP through a picoserve server whose layer holds a
//! `FixedPolicy`, and what only this adapter can get wrong (the shape of
//! its preflight responses, keep-alive after them).
#![cfg(feature = "picoserve")]

mod common;

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use common::http_table::{self, send_to};
use common::spec::POLICIES;
use cors_engine::picoserve::Cors;
use cors_engine::{Config, FixedPolicy};
use picoserve::io::Read;
use picoserve::request::{Path, Request};
use picoserve::response::{IntoResponse, Response, ResponseWriter, StatusCode};
use picoserve::routing::PathRouterService;
use picoserve::ResponseSent;

/// Room for the largest named policy.
type Policy = FixedPolicy<8192, 512>;

/// The DESIGN §5 application handler on every path; under `/fail/` it
/// answers 500.
struct App;

impl PathRouterService for App {
    async fn call_path_router_service<R: Read, W: ResponseWriter<Error = R::Error>>(
        &self,
        _: &(),
        _: (),
        path: Path<'_>,
        request: Request<'_, R>,
        response_writer: W,
    ) -> Result<ResponseSent, W::Error> {
        let status = if path.encoded().starts_with("/fail/") {
            500
        } else {
            200
        };
        let connection = request.body_connection.finalize().await?;
        Response::new(StatusCode::new(status), common::app::BODY)
            .with_headers(&common::app::HEADERS[..])
            .write_to(connection, response_writer)
            .await
    }
}

const CONFIG: picoserve::Config =
    picoserve::Config::new(picoserve::Timeouts::const_default()).keep_connection_alive();

/// Serves `policy` on a loopback port, one task per connection, each with
/// its own router (the layer borrows the policy) and request buffer.
/// picoserve's futures are not `Send` (embassy runs them on one core):
/// the tasks are local to the server thread.
async fn serve(policy: &'static Policy) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::task::spawn_local(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::task::spawn_local(async move {
                let app = picoserve::Router::from_service(App).layer(Cors::new(policy));
                // Big enough for the spec table's largest request heads.
                let mut buffer = vec![0; 128 * 1024];
                let _ = picoserve::Server::new_tokio(&app, &CONFIG, &mut buffer)
                    .serve(stream)
                    .await;
            });
        }
    });
    addr
}

fn compile(config: &Config<'_, '_>) -> &'static Policy {
    Box::leak(Box::new(Policy::compile(config).expect("the policy fits")))
}

fn servers() -> &'static HashMap<&'static str, SocketAddr> {
    static SERVERS: OnceLock<HashMap<&'static str, SocketAddr>> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, async move {
                let mut addrs = HashMap::new();
                for p in POLICIES {
                    addrs.insert(p.name, serve(compile(&p.config)).await);
                }
                tx.send(addrs).expect("send addresses");
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("servers started")
    })
}

#[test]
fn spec_table_over_http() {
    http_table::run("picoserve", &|name| servers()[name]);
}

const APP: &[u8] = b"https://example.com";

#[test]
fn a_204_has_no_length_and_a_403_an_empty_one() {
    let addr = servers()["basic"];
    let preflight = |origin: &[u8]| {
        send_to(
            addr,
            b"OPTIONS",
            "/items",
            &[
                ("origin", origin),
                ("access-control-request-method", b"PUT"),
            ],
        )
    };
    let r = preflight(APP);
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(r.get("content-length"), None, "{r:?}");
    assert_eq!(r.get("content-type"), None, "{r:?}");
    assert!(!r.handler_ran());
    let r = preflight(b"https://elsewhere.example");
    assert_eq!(r.status, 403, "{r:?}");
    assert_eq!(r.get("content-length"), Some(&b"0"[..]), "{r:?}");
    assert!(r.body.is_empty());
}

#[test]
fn an_error_status_from_the_handler_gets_cors_headers() {
    let r = send_to(servers()["basic"], b"GET", "/fail/now", &[("origin", APP)]);
    assert_eq!(r.status, 500);
    assert_eq!(r.get("access-control-allow-origin"), Some(APP));
    let vary: Vec<&[u8]> = r.get_all("vary").collect();
    assert_eq!(
        vary,
        [&b"Accept-Encoding"[..], b"Origin"],
        "appended: {r:?}"
    );
}

/// Reads one response head and its `Content-Length` body from a kept-alive
/// connection.
fn read_response(stream: &mut std::net::TcpStream) -> String {
    let mut raw = Vec::new();
    let mut byte = [0];
    while !raw.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("a response head");
        raw.push(byte[0]);
    }
    let head = String::from_utf8(raw).expect("an ASCII head");
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).expect("the body");
    head + std::str::from_utf8(&body).unwrap()
}

#[test]
fn the_connection_serves_the_next_request_after_a_preflight() {
    // A browser reuses the connection: the preflight's response must end
    // where the client thinks it does, whatever its status.
    let addr = servers()["basic"];
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    for origin in ["https://example.com", "https://elsewhere.example"] {
        write!(
            stream,
            "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: PUT\r\n\r\n"
        )
        .unwrap();
        let head = read_response(&mut stream);
        assert!(
            head.starts_with("HTTP/1.1 204") || head.starts_with("HTTP/1.1 403"),
            "{head}"
        );
    }
    write!(
        stream,
        "GET /items HTTP/1.1\r\nHost: x\r\nOrigin: https://example.com\r\n\r\n"
    )
    .unwrap();
    let response = read_response(&mut stream);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("\r\n\r\nok"), "{response}");
    assert!(
        response.contains("Access-Control-Allow-Origin: https://example.com\r\n"),
        "{response}"
    );
}
