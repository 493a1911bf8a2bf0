//! A Salvo server behind the `salvo` adapter, with the DESIGN §5 demo
//! policy embedded and the application handler every other example uses.
//!
//! `cargo run --features salvo --example salvo -- [HOST:PORT]`
//! (default `127.0.0.1:8080`; port 0 picks a free one). Prints
//! `listening on http://HOST:PORT` when ready, and each CORS decision on
//! stderr.

use cors_engine::salvo::Cors;
use cors_engine::{Config, Policy};
use salvo_core::conn::tcp::TcpAcceptor;
use salvo_core::{handler, Response, Router, Server, Service};

const POLICY: Config<'static, 'static> = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600);

/// Every method, every path: 200 `ok`, with headers a CORS layer must keep.
#[handler]
async fn app(response: &mut Response) {
    for (name, value) in [
        ("x-handler", "app"),
        ("vary", "Accept-Encoding"),
        ("x-total-count", "42"),
    ] {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(name, value);
        }
    }
    response.body("ok");
}

#[tokio::main]
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

    let router = Router::new()
        .goal(app)
        .push(Router::with_path("{**rest}").goal(app));
    // The integration: a hoop on the service, not the router, so that it
    // runs for requests no route handles (a preflight is often one).
    let cors = Cors::new(policy).on_decision(|request, decision| {
        // A URI path is ASCII; a decision displays request bytes escaped.
        eprintln!("{} {}: {decision}", request.method(), request.uri().path());
    });
    let service = Service::new(router).hoop(cors);

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    Server::new(TcpAcceptor::try_from(listener)?)
        .serve(service)
        .await;
    Ok(())
}
