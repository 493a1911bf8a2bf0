//! Origins decided by application state (DESIGN §3.12): a predicate the
//! `tower` layer and the actix-web middleware consult after the static
//! rules. Its allow is echoed like a listed origin; it never sees `null`,
//! a malformed origin, or an origin the lists already allow.
#![cfg(all(feature = "tower", feature = "actix"))]

mod common;

use std::sync::{Arc, Mutex};

use actix_web::test::{call_service, init_service, TestRequest};
use cors_engine::{Config, Policy, RequestDescriptor};
use tower::{Layer, ServiceExt};

const LISTED: &str = "https://listed.example";
const TENANT: &str = "https://tenant.example";

fn policy() -> Policy {
    Policy::compile(
        &Config::new()
            .allowed_origins(&[LISTED])
            .allowed_methods(&["PUT"])
            .allow_credentials(true)
            .allow_null_origin(false),
    )
    .expect("compiles")
}

/// A predicate allowing `TENANT` that records every origin it is asked about.
fn predicate() -> (
    impl Fn(&[u8]) -> bool + Send + Sync + 'static,
    Arc<Mutex<Vec<Vec<u8>>>>,
) {
    let asked: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let log = Arc::clone(&asked);
    let allow = move |origin: &[u8]| {
        log.lock().unwrap().push(origin.to_vec());
        origin == TENANT.as_bytes()
    };
    (allow, asked)
}

/// The origins whose requests each front end sends, and whether each must
/// be allowed.
const CASES: [(&[u8], bool); 5] = [
    (LISTED.as_bytes(), true),
    (TENANT.as_bytes(), true),
    (b"https://stranger.example", false),
    (b"null", false),
    (b"https://bad origin", false),
];

/// Only the unlisted, well-formed, non-`null` origins were asked about.
fn assert_asked(asked: &Mutex<Vec<Vec<u8>>>) {
    let mut asked = asked.lock().unwrap().clone();
    asked.sort();
    asked.dedup();
    assert_eq!(
        asked,
        vec![
            b"https://stranger.example".to_vec(),
            TENANT.as_bytes().to_vec()
        ]
    );
}

#[test]
fn the_core_asks_after_its_own_rules() {
    let (allow, asked) = predicate();
    let policy = policy();
    for (origin, allowed) in CASES {
        for request in [
            RequestDescriptor::new(b"GET").origin(origin),
            RequestDescriptor::new(b"OPTIONS")
                .origin(origin)
                .request_method(b"PUT"),
        ] {
            let decision = policy.decide_with(&request, &allow);
            assert_eq!(decision.is_allowed(), allowed, "{}", origin.escape_ascii());
            if allowed {
                // Echoed like a listed origin, with credentials.
                let acao = decision.headers().get(cors_engine::HeaderName::AllowOrigin);
                assert_eq!(acao, Some(origin));
            }
        }
    }
    assert_asked(&asked);
}

#[test]
fn a_policy_of_only_a_predicate_must_say_so() {
    let errors = Policy::compile(&Config::new()).unwrap_err();
    assert!(errors
        .iter()
        .any(|e| *e.problem() == cors_engine::Problem::NoOrigin));
    let policy = Policy::compile(&Config::new().origins_from_predicate(true)).expect("compiles");
    let request = RequestDescriptor::new(b"GET").origin(TENANT.as_bytes());
    assert!(
        !policy.decide(&request).is_allowed(),
        "no predicate, no origin"
    );
    assert!(policy
        .decide_with(&request, &|o| o == TENANT.as_bytes())
        .is_allowed());
}

#[test]
fn the_tower_layer_asks_the_predicate() {
    let (allow, asked) = predicate();
    let layer = cors_engine::tower::CorsLayer::new(policy()).allow_origin_if(allow);
    let service = layer.layer(tower::service_fn(|_: http::Request<()>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(()))
    }));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for (origin, allowed) in CASES {
        let request = http::Request::builder()
            .uri("/")
            .header("origin", http::HeaderValue::from_bytes(origin).unwrap())
            .body(())
            .unwrap();
        let response = runtime.block_on(service.clone().oneshot(request)).unwrap();
        let acao = response.headers().get("access-control-allow-origin");
        assert_eq!(
            acao.map(|v| v.as_bytes()),
            allowed.then_some(origin),
            "{}",
            origin.escape_ascii()
        );
        if allowed {
            assert_eq!(
                response.headers()["access-control-allow-credentials"],
                "true"
            );
        }
    }
    assert_asked(&asked);
}

#[actix_web::test]
async fn the_actix_middleware_asks_the_predicate() {
    let (allow, asked) = predicate();
    let cors = cors_engine::actix::Cors::new(policy()).allow_origin_if(allow);
    let app = init_service(
        actix_web::App::new()
            .wrap(cors)
            .default_service(actix_web::web::to(common::app::actix_handler)),
    )
    .await;
    for (origin, allowed) in CASES {
        let request = TestRequest::get()
            .insert_header((
                "origin",
                actix_web::http::header::HeaderValue::from_bytes(origin).unwrap(),
            ))
            .to_request();
        let response = call_service(&app, request).await;
        let acao = response.headers().get("access-control-allow-origin");
        assert_eq!(
            acao.map(|v| v.as_bytes()),
            allowed.then_some(origin),
            "{}",
            origin.escape_ascii()
        );
    }
    assert_asked(&asked);
}
