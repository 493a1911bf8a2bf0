//! The database pattern (DESIGN §3.12): tenant origins in a real SQLite
//! file, re-read and swapped while serving. Flipping a row changes the
//! decision without a restart; a row that cannot compile keeps the old
//! policy.
#![cfg(feature = "tower")]

#[path = "../examples/support/tenants.rs"]
mod tenants;

use std::time::{Duration, Instant};

use cors_engine::tower::CorsLayer;
use tower::{Layer, ServiceExt};

/// Calls the layered service once, returning the
/// `Access-Control-Allow-Origin` it answered `origin` with.
fn allow_origin(layer: &CorsLayer, origin: &str) -> Option<String> {
    let service = layer.layer(tower::service_fn(|_: http::Request<()>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(()))
    }));
    let request = http::Request::builder()
        .uri("/orders")
        .header("origin", origin)
        .body(())
        .expect("request");
    let response = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(service.oneshot(request))
        .expect("infallible");
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().expect("ASCII").to_owned())
}

/// Waits (bounded) until `check` holds.
fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn flipping_a_row_changes_the_decision_without_a_restart() {
    let dir = std::env::temp_dir().join(format!("cors-engine-tenants-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("tenants.db");
    let _ = std::fs::remove_file(&db);
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "CREATE TABLE allowed_origin (origin TEXT PRIMARY KEY, is_active INTEGER NOT NULL);
         INSERT INTO allowed_origin VALUES ('https://acme.example', 1);
         INSERT INTO allowed_origin VALUES ('https://globex.example', 0);",
    )
    .expect("schema");

    let layer = CorsLayer::new(tenants::policy(&db).expect("valid table"));
    let stop = tenants::refresh(db.clone(), layer.clone(), Duration::from_millis(50));
    let acme = "https://acme.example";
    let globex = "https://globex.example";
    assert_eq!(allow_origin(&layer, acme).as_deref(), Some(acme));
    assert_eq!(allow_origin(&layer, globex), None);

    // A tenant is switched on, another off: the next reads see both.
    conn.execute(
        "UPDATE allowed_origin SET is_active = 1 WHERE origin = ?1",
        [globex],
    )
    .expect("update");
    conn.execute(
        "UPDATE allowed_origin SET is_active = 0 WHERE origin = ?1",
        [acme],
    )
    .expect("update");
    eventually("globex is allowed", || {
        allow_origin(&layer, globex).is_some()
    });
    assert_eq!(allow_origin(&layer, acme), None);

    // A row that is not a valid origin keeps the last good policy.
    conn.execute(
        "INSERT INTO allowed_origin VALUES ('https://Initech.example/', 1)",
        [],
    )
    .expect("insert");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(allow_origin(&layer, globex).as_deref(), Some(globex));
    assert_eq!(allow_origin(&layer, "https://Initech.example/"), None);

    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = std::fs::remove_dir_all(&dir);
}
