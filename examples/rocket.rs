//! A Rocket server behind the `rocket` adapter, with the DESIGN §5 demo
//! policy embedded and the application handler every other example uses.
//!
//! `cargo run --features rocket --example rocket -- [HOST:PORT]`
//! (default `127.0.0.1:8080`; port 0 picks a free one). Prints
//! `listening on http://HOST:PORT` when ready, and each CORS decision on
//! stderr.

use std::net::SocketAddr;

use cors_engine::rocket::Cors;
use cors_engine::{Config, Policy};
use rocket::fairing::AdHoc;
use rocket::http::{Header, Method};
use rocket::route::{Handler, Outcome, Route};
use rocket::{Data, Request, Response};

const POLICY: Config<'static, 'static> = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600);

/// Every method, every path: 200 `ok`, with headers a CORS layer must keep.
#[derive(Clone)]
struct App;

#[rocket::async_trait]
impl Handler for App {
    async fn handle<'r>(&self, _: &'r Request<'_>, _: Data<'r>) -> Outcome<'r> {
        let response = Response::build()
            .header(Header::new("X-Handler", "app"))
            .header(Header::new("Vary", "Accept-Encoding"))
            .header(Header::new("X-Total-Count", "42"))
            .sized_body(2, std::io::Cursor::new("ok"))
            .finalize();
        Outcome::Success(response)
    }
}

#[rocket::main]
async fn main() {
    let addr: SocketAddr = match std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string())
        .parse()
    {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("HOST:PORT expected: {e}");
            std::process::exit(2);
        }
    };
    let policy = match Policy::compile(&POLICY) {
        Ok(policy) => policy,
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(2);
        }
    };

    let routes: Vec<Route> = [
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
    .collect();
    let config = rocket::Config {
        address: addr.ip(),
        port: addr.port(),
        log_level: rocket::config::LogLevel::Off,
        ..rocket::Config::release_default()
    };
    // The integration: one fairing. It answers preflights itself (through
    // a route of its own), so no application route needs an OPTIONS twin.
    let rocket = rocket::custom(config)
        .mount("/", routes)
        .attach(Cors::new(policy).on_decision(|request, decision| {
            // A preflight's URI is the fairing's own route by now, so
            // only the method; a decision displays request bytes escaped.
            eprintln!("{}: {decision}", request.method());
        }))
        .attach(AdHoc::on_liftoff("listening line", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                println!("listening on http://{}:{}", config.address, config.port);
            })
        }));
    if let Err(e) = rocket.launch().await {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
