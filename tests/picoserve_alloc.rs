//! Heap allocations the `picoserve` adapter adds per request: none. The
//! server thread's allocations while it serves a keep-alive connection are
//! counted with and without the layer, for the same requests.
#![cfg(feature = "picoserve")]

mod common;

use std::io::{Read as _, Write as _};

use common::counting::{allocations_during, Counting, CONFIG};
use cors_engine::picoserve::Cors;
use cors_engine::FixedPolicy;
use picoserve::routing::{get, PathRouter};

#[global_allocator]
static GLOBAL: Counting = Counting;

const SERVER: picoserve::Config =
    picoserve::Config::new(picoserve::Timeouts::const_default()).keep_connection_alive();

/// The requests of each scenario, sent one after another on one
/// connection.
const SCENARIOS: [(&str, &str); 5] = [
    ("not CORS", "GET /items HTTP/1.1\r\nHost: x\r\n\r\n"),
    (
        "actual, allowed",
        "GET /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\n\r\n",
    ),
    (
        "actual, denied",
        "GET /items HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example.com\r\n\r\n",
    ),
    (
        "preflight, 3 headers",
        "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\n\
         Access-Control-Request-Method: PUT\r\n\
         Access-Control-Request-Headers: content-type, authorization, x-request-id\r\n\r\n",
    ),
    (
        "preflight, denied",
        "OPTIONS /items HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example.com\r\n\
         Access-Control-Request-Method: PUT\r\n\r\n",
    ),
];

const REPEATS: usize = 8;

/// Serves one connection on a current-thread runtime in this thread while
/// a client thread sends `request` `REPEATS` times; returns the
/// allocations made on this thread while serving.
fn allocations_serving<P: PathRouter>(app: &picoserve::Router<P>, request: &'static str) -> usize {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        // Small writes answered one by one: without this, delayed
        // acknowledgements make each exchange wait tens of milliseconds.
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        for _ in 0..REPEATS {
            stream.write_all(request.as_bytes()).unwrap();
            // Read this response to its end before sending the next.
            let mut raw = Vec::new();
            let mut byte = [0];
            while !raw.ends_with(b"\r\n\r\n") {
                stream.read_exact(&mut byte).unwrap();
                raw.push(byte[0]);
            }
            let head = String::from_utf8(raw).unwrap().to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            stream.read_exact(&mut vec![0; length]).unwrap();
        }
    });
    let (stream, _) = runtime.block_on(listener.accept()).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut buffer = vec![0; 4096];
    let (n, _) = allocations_during(|| {
        runtime.block_on(async {
            // The client's close ends `serve`.
            picoserve::Server::new_tokio(app, &SERVER, &mut buffer)
                .serve(stream)
                .await
        })
    });
    client.join().unwrap();
    n
}

/// The median over three connections.
fn median<P: PathRouter>(app: &picoserve::Router<P>, request: &'static str) -> usize {
    let mut counts: Vec<usize> = (0..3).map(|_| allocations_serving(app, request)).collect();
    counts.sort_unstable();
    counts[1]
}

#[test]
fn the_layer_allocates_nothing_per_request() {
    let policy = FixedPolicy::<1024, 64>::compile(&CONFIG).unwrap();
    let without = picoserve::Router::new().route("/items", get(|| async { "ok" }));
    let with = picoserve::Router::new()
        .route("/items", get(|| async { "ok" }))
        .layer(Cors::new(&policy));
    for (name, request) in SCENARIOS {
        let baseline = median(&without, request);
        let layered = median(&with, request);
        println!(
            "{name:22} {REPEATS} requests: baseline {baseline} allocations, with the layer {layered}"
        );
        assert!(
            layered <= baseline,
            "{name}: the layer adds {} allocations over {REPEATS} requests",
            layered - baseline
        );
    }
}
