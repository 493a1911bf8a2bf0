//! A Poem server behind the `poem` adapter, with the DESIGN §5 demo policy
//! embedded and the application handler every other example uses.
//!
//! `cargo run --features poem --example poem -- [HOST:PORT]`
//! (default `127.0.0.1:8080`; port 0 picks a free one). Prints
//! `listening on http://HOST:PORT` when ready, and each CORS decision on
//! stderr.

use cors_engine::poem::Cors;
use cors_engine::{Config, Policy};
use poem::listener::TcpAcceptor;
use poem::{handler, EndpointExt, Response, Route, Server};

const POLICY: Config<'static, 'static> = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600);

/// Every method, every path: 200 `ok`, with headers a CORS layer must keep.
#[handler]
fn app() -> Response {
    Response::builder()
        .header("X-Handler", "app")
        .header("Vary", "Accept-Encoding")
        .header("X-Total-Count", "42")
        .body("ok")
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

    // The integration: one middleware around the whole route tree, so it
    // sees every path (OPTIONS included) before anything else.
    let endpoint = Route::new()
        .at("/", app)
        .at("/*path", app)
        .with(Cors::new(policy).on_decision(|request, decision| {
            // A URI path is ASCII; a decision displays request bytes escaped.
            eprintln!("{} {}: {decision}", request.method(), request.uri().path());
        }));

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    Server::new_with_acceptor(TcpAcceptor::from_tokio(listener)?)
        .run(endpoint)
        .await
}
