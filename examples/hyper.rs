//! CORS for a bare hyper 1 server, through hyper-util's tower bridge.
//!
//! ```text
//! cargo run --example hyper --features tower
//! curl -i -X OPTIONS http://127.0.0.1:3002/ -H 'Origin: https://app.example.com' \
//!      -H 'Access-Control-Request-Method: PUT'
//! ```

use std::convert::Infallible;

use cors_engine::tower::CorsLayer;
use cors_engine::{Config, Policy};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tower::ServiceBuilder;

const CORS: Config = Config::new()
    .allowed_origins(&["https://app.example.com"])
    .allowed_methods(&["GET", "PUT"])
    .allowed_headers(&["content-type"]);

async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::from("hello")))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let policy = Policy::compile(&CORS).map_err(|errors| errors.to_string())?;
    // One layer for the whole service; cloning it per connection is cheap.
    let service = ServiceBuilder::new()
        .layer(CorsLayer::new(policy))
        .service_fn(hello);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:3002").await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let served = Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                eprintln!("connection error: {e}");
            }
        });
    }
}
