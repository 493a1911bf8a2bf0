//! An actix-web server behind the `actix` adapter, with the DESIGN §5 demo
//! policy embedded and the application handler every other example uses.
//!
//! `cargo run --features actix --example actix -- [HOST:PORT]`
//! (default `127.0.0.1:8080`; port 0 picks a free one). Prints
//! `listening on http://HOST:PORT` when ready, and each CORS decision on
//! stderr.

use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use actix_web::{web, App, HttpResponse, HttpServer};
use cors_engine::actix::Cors;
use cors_engine::{Config, Decision, Policy};

const POLICY: Config<'static, 'static> = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600);

/// Every method, every path: 200 `ok`, with headers a CORS layer must keep.
async fn app() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("X-Handler", "app"))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header(("X-Total-Count", "42"))
        .body("ok")
}

/// One log line per request; a decision displays request bytes escaped.
fn log(request: &ServiceRequest, decision: &Decision<'_>) {
    eprintln!("{} {}: {decision}", request.method(), request.path());
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let policy = match Policy::compile(&POLICY) {
        Ok(policy) => policy,
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(2);
        }
    };

    // The integration: one middleware, wrapped last so it is outermost —
    // before any authentication, with OPTIONS never routed elsewhere.
    let cors = Cors::new(policy).on_decision(log);
    let server =
        HttpServer::new(move || App::new().wrap(cors.clone()).default_service(web::to(app)))
            .bind(addr)?;

    if let Some(bound) = server.addrs().first() {
        println!("listening on http://{bound}");
    }
    server.run().await
}
