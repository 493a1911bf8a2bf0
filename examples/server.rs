//! The example server: an application behind the `tower` adapter.
//!
//! ```text
//! cargo run --release --example server -- [--policy FILE] [--addr HOST:PORT] [--strict]
//! ```
//!
//! * `--addr` defaults to `127.0.0.1:8080`; port 0 picks a free port.
//! * `--policy` reads a policy file (TOML, or JSON when the name ends in
//!   `.json`; the keys are those of `cors_engine::PolicyFile`, routes
//!   included). `CORS_<KEY>` environment variables override its top-level
//!   keys, or are the whole policy without a file. With neither, the demo
//!   policy (`examples/support`) applies.
//! * `--strict` makes every warning an error.
//!
//! When ready it prints one line, `listening on http://HOST:PORT`, on
//! stdout. A policy that cannot be used ends the program with exit code 2
//! and every problem on stderr; warnings go to stderr and the server
//! starts. Each request is logged on stderr with its decision (request
//! bytes escaped).
//!
//! The policy is reloaded on `SIGHUP` and when the file changes (its folder
//! is watched, so a Kubernetes ConfigMap's symlink swap counts). A policy
//! that fails to compile keeps the old one and logs every problem; success
//! logs one summary line.
//!
//! The application answers every method on every path with `200 ok` and the
//! headers `X-Handler: app`, `Vary: Accept-Encoding`, `X-Total-Count: 42`:
//! the CORS layer must keep the first two intact and decide whether scripts
//! may read the third.

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::http::{HeaderValue, Response, StatusCode};
use axum::{body::Body, Router};
use cors_engine::tower::CorsLayer;

#[path = "support/reload.rs"]
mod reload;
mod support;

const USAGE: &str = "usage: server [--policy FILE] [--addr HOST:PORT] [--strict]";

struct Args {
    source: support::Source,
    addr: SocketAddr,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        source: support::Source::default(),
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--policy" => args.source.path = Some(value()?),
            "--strict" => args.source.strict = true,
            "--addr" => {
                let text = value()?;
                args.addr = text
                    .parse()
                    .map_err(|e| format!("--addr {text:?}: {e} (expected HOST:PORT)"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

/// The application: the same answer for every request.
async fn app() -> Response<Body> {
    let mut response = Response::new(Body::from("ok"));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert("x-handler", HeaderValue::from_static("app"));
    headers.insert("vary", HeaderValue::from_static("Accept-Encoding"));
    headers.insert("x-total-count", HeaderValue::from_static("42"));
    response
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let loaded = match args.source.load() {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if !loaded.warnings.is_empty() {
        eprintln!("{}", loaded.warnings);
    }

    let cors = CorsLayer::new(loaded.set).on_decision(|request, decision| {
        // The path is URI text (no control bytes); the decision escapes
        // whatever request bytes it quotes.
        eprintln!(
            "{} {}: {decision}",
            request.method,
            request.uri.path().escape_debug()
        );
    });
    reload::spawn(args.source, cors.clone());
    let router = Router::new().fallback(app).layer(cors);

    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().unwrap_or(args.addr);
    println!("listening on http://{local}");
    if let Err(e) = axum::serve(listener, router).await {
        eprintln!("server error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
