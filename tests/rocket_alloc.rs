//! Heap allocations the `rocket` adapter adds per request, measured through
//! Rocket's local client with and without the fairing.
#![cfg(feature = "rocket")]

mod common;

use common::counting::{allocations_during, Counting, CONFIG};
use cors_engine::rocket::Cors;
use cors_engine::Policy;
use rocket::http::{Header, Method};
use rocket::local::blocking::Client;
use rocket::route::{Handler, Outcome, Route};
use rocket::{Data, Request, Response};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The DESIGN §5 application handler (`GET /items`; preflights for it are
/// the fairing's).
#[derive(Clone)]
struct App;

#[rocket::async_trait]
impl Handler for App {
    async fn handle<'r>(&self, _: &'r Request<'_>, _: Data<'r>) -> Outcome<'r> {
        let mut response = Response::build();
        for (name, value) in common::app::HEADERS {
            response.header(Header::new(name, value));
        }
        let body = common::app::BODY;
        response.sized_body(body.len(), std::io::Cursor::new(body));
        Outcome::Success(response.finalize())
    }
}

fn client(cors: Option<Cors>) -> Client {
    let config = rocket::Config {
        log_level: rocket::config::LogLevel::Off,
        ..rocket::Config::debug_default()
    };
    let mut rocket = rocket::custom(config).mount("/", [Route::new(Method::Get, "/items", App)]);
    if let Some(cors) = cors {
        rocket = rocket.attach(cors);
    }
    Client::untracked(rocket).expect("a valid rocket")
}

/// Allocations to dispatch a request made of `lines`; the median of
/// several runs (warm-up aside).
fn allocations(client: &Client, method: Method, lines: &[(&'static str, &'static str)]) -> usize {
    let mut counts: Vec<usize> = (0..7)
        .map(|_| {
            let mut request = client.req(method, "/items");
            for (n, v) in lines {
                request.add_header(Header::new(*n, *v));
            }
            let (n, response) = allocations_during(|| request.dispatch());
            drop(response);
            n
        })
        .collect();
    counts.sort_unstable();
    counts[3]
}

#[test]
fn allocations_the_fairing_adds_per_request() {
    let with = client(Some(Cors::new(Policy::compile(&CONFIG).unwrap())));
    let without = client(None);
    type Lines = &'static [(&'static str, &'static str)];
    let scenarios: [(&str, Method, Lines, usize); 5] = [
        ("not CORS", Method::Get, &[], 5),
        (
            "actual, allowed",
            Method::Get,
            &[("origin", "https://app.example.com")],
            11,
        ),
        (
            "actual, denied",
            Method::Get,
            &[("origin", "https://evil.example.com")],
            5,
        ),
        (
            "preflight, 3 headers",
            Method::Options,
            &[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "PUT"),
                (
                    "access-control-request-headers",
                    "content-type, authorization, x-request-id",
                ),
            ],
            19,
        ),
        (
            "preflight, denied",
            Method::Options,
            &[
                ("origin", "https://evil.example.com"),
                ("access-control-request-method", "PUT"),
            ],
            8,
        ),
    ];
    for (name, method, lines, bound) in scenarios {
        let baseline = allocations(&without, method, lines);
        let layered = allocations(&with, method, lines);
        println!("{name:22} baseline {baseline} allocations, with the fairing {layered}");
        // Without the fairing a preflight is Rocket's 404, which allocates
        // too; the difference is what the fairing costs either way. The
        // bounds are what it costs today (Rocket's header map gives each
        // new name a `Vec` and each value it cannot borrow a `String`; a
        // preflight also costs the request-cache entry and the answer's
        // headers): a change that adds to them fails here.
        let overhead = layered.saturating_sub(baseline);
        assert!(
            overhead <= bound,
            "{name}: the fairing adds {overhead} allocations (baseline {baseline}, with it {layered}); bound {bound}"
        );
    }
}
