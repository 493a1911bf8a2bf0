//! Tenant origins kept in SQLite, refreshed without a restart.
//!
//! ```text
//! cargo run --example tenants -- tenants.db [--addr HOST:PORT] [--every SECONDS]
//! ```
//!
//! Creates `allowed_origin(origin TEXT PRIMARY KEY, is_active INTEGER)` in
//! the file if it is missing, then serves the example application behind
//! the `tower` layer. The table is re-read every `--every` seconds (default
//! 5) and the policy swapped; flip a row and the next requests see it:
//!
//! ```text
//! sqlite3 tenants.db "INSERT INTO allowed_origin VALUES ('https://acme.example', 1)"
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use axum::http::{HeaderValue, Response};
use axum::{body::Body, Router};
use cors_engine::tower::CorsLayer;

#[path = "support/tenants.rs"]
mod tenants;

const USAGE: &str = "usage: tenants DB_FILE [--addr HOST:PORT] [--every SECONDS]";

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(db) = args.next().filter(|a| !a.starts_with('-')) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut every = Duration::from_secs(5);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--addr" => match value.parse() {
                Ok(a) => addr = a,
                Err(e) => {
                    eprintln!("--addr {value:?}: {e}\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--every" => match value.parse::<f64>() {
                Ok(s) if s > 0.0 && s < 86_400.0 => every = Duration::from_secs_f64(s),
                _ => {
                    eprintln!("--every {value:?}: expected seconds\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("unknown argument {flag:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let db = PathBuf::from(db);
    if let Err(e) = rusqlite::Connection::open(&db).and_then(|c| {
        c.execute(
            "CREATE TABLE IF NOT EXISTS allowed_origin (origin TEXT PRIMARY KEY, is_active INTEGER NOT NULL DEFAULT 1)",
            [],
        )
    }) {
        eprintln!("{}: {e}", db.display());
        return ExitCode::from(2);
    }
    let policy = match tenants::policy(&db) {
        Ok(policy) => policy,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::from(2);
        }
    };
    let layer = CorsLayer::new(policy).on_decision(|request, decision| {
        eprintln!(
            "{} {}: {decision}",
            request.method,
            request.uri.path().escape_debug()
        );
    });
    let _stop = tenants::refresh(db, layer.clone(), every);
    let app = Router::new()
        .fallback(|| async {
            let mut response = Response::new(Body::from("ok"));
            response
                .headers_mut()
                .insert("x-handler", HeaderValue::from_static("app"));
            response
        })
        .layer(layer);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "listening on http://{}",
        listener.local_addr().unwrap_or(addr)
    );
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}
