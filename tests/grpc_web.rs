//! gRPC-web through the `tower` adapter: the `grpc_web` example's server
//! (tonic behind `tonic-web` behind `CorsLayer`) answering real gRPC-web
//! calls over HTTP/1.1 from a browser's origin.
#![cfg(feature = "tower")]

mod common;

#[path = "../examples/grpc_web.rs"]
#[allow(dead_code)]
mod example;

use std::net::SocketAddr;
use std::sync::OnceLock;

use common::http_table::{try_send_body, Response};
use cors_engine::tower::CorsLayer;
use cors_engine::Policy;
use example::{HelloReply, HelloRequest, SAY_HELLO};
use prost::Message;

const ORIGIN: &[u8] = b"http://localhost:3000";

fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        common::servers::start_one(|listener| async move {
            let policy = Policy::compile(&example::POLICY).expect("the example's policy");
            example::serve(listener, CorsLayer::new(policy)).await;
        })
    })
}

/// A gRPC-web call as a browser's client library sends it: one
/// uncompressed length-prefixed message.
fn call(path: &str, origin: &[u8], name: &str) -> Response {
    let message = HelloRequest { name: name.into() }.encode_to_vec();
    let mut body = vec![0];
    body.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
    body.extend_from_slice(&message);
    try_send_body(
        server(),
        b"POST",
        path,
        &[
            ("origin", origin),
            ("content-type", b"application/grpc-web+proto"),
            ("accept", b"application/grpc-web+proto"),
            ("x-grpc-web", b"1"),
            ("x-user-agent", b"grpc-web-javascript/0.1"),
        ],
        &body,
    )
    .expect("an answer")
}

/// The frames of a gRPC-web response body: (flags, payload).
fn frames(mut body: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut frames = Vec::new();
    while let [flags, a, b, c, d, rest @ ..] = body {
        let len = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
        assert!(rest.len() >= len, "truncated frame in {body:?}");
        frames.push((*flags, rest[..len].to_vec()));
        body = &rest[len..];
    }
    assert!(body.is_empty(), "bytes after the last frame: {body:?}");
    frames
}

fn assert_cors(r: &Response) {
    assert_eq!(r.get("access-control-allow-origin"), Some(ORIGIN), "{r:?}");
    assert_eq!(
        r.get("access-control-expose-headers"),
        Some(&b"grpc-status, grpc-message, grpc-status-details-bin"[..])
    );
    let vary: Vec<&[u8]> = r.get_all("vary").collect();
    assert_eq!(vary, [&b"Origin"[..]]);
}

#[test]
fn a_call_gets_its_reply_the_status_trailer_and_cors_headers() {
    let r = call(SAY_HELLO, ORIGIN, "web");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.get("content-type"),
        Some(&b"application/grpc-web+proto"[..])
    );
    assert_cors(&r);
    let frames = frames(&r.body);
    assert_eq!(frames.len(), 2, "a message and the trailers: {frames:?}");
    assert_eq!(frames[0].0, 0, "a data frame first");
    let reply = HelloReply::decode(&frames[0].1[..]).expect("a HelloReply");
    assert_eq!(reply.message, "Hello, web!");
    assert_eq!(frames[1].0, 0x80, "then the trailers frame");
    let trailers = String::from_utf8(frames[1].1.clone()).unwrap();
    assert!(
        trailers
            .split("\r\n")
            .any(|l| l.eq_ignore_ascii_case("grpc-status:0")),
        "trailers: {trailers:?}"
    );
}

#[test]
fn a_failed_call_has_its_status_in_headers_the_page_may_read() {
    // A failure before any message is "trailers-only": the status comes
    // as headers, which a page reads only when they are exposed.
    let r = call(SAY_HELLO, ORIGIN, "");
    assert_eq!(r.status, 200, "{r:?}");
    assert_cors(&r);
    assert_eq!(r.get("grpc-status"), Some(&b"3"[..]), "{r:?}");
    assert_eq!(
        r.get("grpc-message"),
        Some(&b"name%20is%20empty"[..]),
        "percent-encoded, as gRPC sends it"
    );

    let r = call("/hello.Greeter/Nope", ORIGIN, "web");
    assert_cors(&r);
    assert_eq!(r.get("grpc-status"), Some(&b"12"[..]), "{r:?}");
}

#[test]
fn the_preflight_of_a_call_allows_the_grpc_web_headers() {
    let r = try_send_body(
        server(),
        b"OPTIONS",
        SAY_HELLO,
        &[
            ("origin", ORIGIN),
            ("access-control-request-method", b"POST"),
            (
                "access-control-request-headers",
                b"content-type,grpc-timeout,x-grpc-web,x-user-agent",
            ),
        ],
        &[],
    )
    .expect("an answer");
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(r.get("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(r.get("access-control-allow-methods"), Some(&b"POST"[..]));
    assert_eq!(
        r.get("access-control-allow-headers"),
        Some(&b"content-type,grpc-timeout,x-grpc-web,x-user-agent"[..])
    );
    assert_eq!(r.get("access-control-max-age"), Some(&b"600"[..]));
    // tonic-web never saw it: no gRPC status on a CORS answer.
    assert_eq!(r.get("grpc-status"), None);
}

#[test]
fn a_call_from_another_origin_gets_no_cors_headers() {
    let r = call(SAY_HELLO, b"https://evil.example", "web");
    // gRPC-web answers (CORS is not access control); the browser withholds it.
    assert_eq!(r.status, 200);
    assert_eq!(r.get("access-control-allow-origin"), None);
    assert_eq!(r.get("access-control-expose-headers"), None);
}
