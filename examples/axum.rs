//! CORS for an axum application: compile the policy once, add the layer.
//!
//! ```text
//! cargo run --example axum --features tower
//! curl -i http://127.0.0.1:3001/api -H 'Origin: https://app.example.com'
//! ```

use axum::routing::get;
use axum::Router;
use cors_engine::tower::CorsLayer;
use cors_engine::{Config, Policy};

const CORS: Config = Config::new()
    .allowed_origins(&["https://app.example.com", "http://localhost:*"])
    .allowed_methods(&["GET", "POST", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600);

#[tokio::main]
async fn main() {
    // A mistake in the policy stops the program here, with every problem listed.
    let policy = Policy::compile(&CORS).unwrap_or_else(|errors| panic!("{errors}"));

    // The layer wraps the whole router, so preflights for any route (and
    // for routes that do not exist) are answered; nothing routes OPTIONS
    // away from it.
    let app = Router::new()
        .route(
            "/api",
            get(|| async { "hello" }).post(|| async { "created" }),
        )
        .layer(CorsLayer::new(policy));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:3001")
        .await
        .unwrap();
    println!("listening on http://{}", listener.local_addr().unwrap());
    axum::serve(listener, app).await.unwrap();
}
