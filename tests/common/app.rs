//! The DESIGN §5 application handler, as each framework the tests and
//! benchmarks use builds it: every method on every path answers `200`
//! with the body `ok` and these headers — the CORS layer must keep the
//! first two intact and decide whether scripts may read the third.

pub const BODY: &str = "ok";

pub const HEADERS: [(&str, &str); 3] = [
    ("x-handler", "app"),
    ("vary", "Accept-Encoding"),
    ("x-total-count", "42"),
];

/// The response with `http` 1.x types (tower, axum, hyper).
#[cfg(feature = "http")]
pub fn http_response<B>(body: B) -> http::Response<B> {
    let mut response = http::Response::new(body);
    for (name, value) in HEADERS {
        response
            .headers_mut()
            .insert(name, http::HeaderValue::from_static(value));
    }
    response
}

/// The handler for actix-web.
#[cfg(feature = "actix")]
pub async fn actix_handler() -> actix_web::HttpResponse {
    let mut response = actix_web::HttpResponse::Ok();
    for header in HEADERS {
        response.insert_header(header);
    }
    response.body(BODY)
}
