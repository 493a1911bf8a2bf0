//! A gRPC service that browsers call with gRPC-web: tonic behind
//! `tonic-web`, behind the `tower` adapter, over HTTP/1.1.
//!
//! `cargo run --features tower --example grpc_web -- [HOST:PORT]`
//! (default `127.0.0.1:8080`; port 0 picks a free one). Prints
//! `listening on http://HOST:PORT` when ready.
//!
//! What gRPC-web needs from CORS: the browser's client library sends
//! `content-type` (`application/grpc-web+proto`, not a safelisted type),
//! `x-grpc-web`, `x-user-agent` and, with a deadline, `grpc-timeout`, so a
//! call is preflighted and those headers must be allowed; and it reads the
//! call's outcome from `grpc-status`, `grpc-message` and
//! `grpc-status-details-bin`, which arrive as response headers when a call
//! fails before any message (a "trailers-only" response), so they must be
//! exposed or the client sees every failure as an unknown error.
//!
//! The service is written by hand (a prost message and a `tower` service
//! doing what tonic's generated code does), so that no `protoc` is needed.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use cors_engine::tower::CorsLayer;
use cors_engine::{Config, Policy};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tonic::body::Body;
use tonic_web::GrpcWebLayer;
use tower::{Layer, Service};

/// The CORS policy a gRPC-web front end needs.
pub const POLICY: Config<'static, 'static> = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    // Every gRPC-web call is a POST.
    .allowed_methods(&["POST"])
    .allowed_headers(&["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"])
    .exposed_headers(&["grpc-status", "grpc-message", "grpc-status-details-bin"])
    .max_age(600);

/// The one method's path: `/{package}.{service}/{method}`.
pub const SAY_HELLO: &str = "/hello.Greeter/SayHello";

/// `message HelloRequest { string name = 1; }`
#[derive(Clone, PartialEq, prost::Message)]
pub struct HelloRequest {
    #[prost(string, tag = "1")]
    pub name: String,
}

/// `message HelloReply { string message = 1; }`
#[derive(Clone, PartialEq, prost::Message)]
pub struct HelloReply {
    #[prost(string, tag = "1")]
    pub message: String,
}

/// `service Greeter { rpc SayHello(HelloRequest) returns (HelloReply); }`:
/// an empty name is an invalid argument, any other is greeted.
#[derive(Clone, Debug, Default)]
pub struct Greeter;

async fn say_hello(
    request: tonic::Request<HelloRequest>,
) -> Result<tonic::Response<HelloReply>, tonic::Status> {
    let name = request.into_inner().name;
    if name.is_empty() {
        return Err(tonic::Status::invalid_argument("name is empty"));
    }
    Ok(tonic::Response::new(HelloReply {
        message: format!("Hello, {name}!"),
    }))
}

impl Service<http::Request<Body>> for Greeter {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        Box::pin(async move {
            if request.uri().path() != SAY_HELLO {
                return Ok(tonic::Status::unimplemented("no such method").into_http());
            }
            let codec = tonic_prost::ProstCodec::<HelloReply, HelloRequest>::default();
            let method = tower::service_fn(say_hello);
            Ok(tonic::server::Grpc::new(codec).unary(method, request).await)
        })
    }
}

/// Serves the greeter on `listener`: CORS outermost, so that preflights
/// never reach gRPC-web, and every answer, failures included, gets the
/// CORS headers.
pub async fn serve(listener: tokio::net::TcpListener, cors: CorsLayer) {
    let service = cors.layer(GrpcWebLayer::new().layer(Greeter));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            // gRPC-web runs over HTTP/1.1 (browsers' fetch); HTTP/2 works
            // too through the same builder.
            let _ = Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
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
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    serve(listener, CorsLayer::new(policy)).await;
    Ok(())
}
