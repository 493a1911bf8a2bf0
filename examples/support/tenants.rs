//! Tenant origins from a database: the `allowed_origin(origin, is_active)`
//! table is re-read every few seconds, compiled and swapped into the CORS
//! layer — the pattern of django-cors-headers' `AllowedOrigin` model with a
//! cache, with no query per request.
//!
//! A read that fails, or origins that do not compile (a row with a trailing
//! slash, say), leave the previous policy serving and are logged with every
//! problem.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cors_engine::tower::CorsLayer;
use cors_engine::{Config, Policy};
use rusqlite::{Connection, OpenFlags};

/// What tenants' front ends may do; only the origins come from the table.
const TENANT: Config = Config::new()
    .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600)
    // No active tenant yet is a valid state, not a configuration error.
    .origins_from_predicate(true);

/// The active origins, as the table holds them.
pub fn active_origins(db: &Path) -> Result<Vec<String>, String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("{}: {e}", db.display()))?;
    let mut query = conn
        .prepare("SELECT origin FROM allowed_origin WHERE is_active ORDER BY origin")
        .map_err(|e| format!("{}: {e}", db.display()))?;
    let rows = query
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(|e| format!("{}: {e}", db.display()))?;
    rows.collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", db.display()))
}

/// The tenants' policy, or every problem with the table's origins.
pub fn policy(db: &Path) -> Result<Policy, String> {
    let origins = active_origins(db)?;
    let list: Vec<&str> = origins.iter().map(String::as_str).collect();
    Policy::compile(&TENANT.allowed_origins(&list)).map_err(|e| format!("{}: {e}", db.display()))
}

/// Re-reads the table every `every` and swaps the result into `layer`
/// until the returned flag is set.
pub fn refresh(db: PathBuf, layer: CorsLayer, every: Duration) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    std::thread::spawn(move || {
        let mut last: Option<Vec<String>> = None;
        while !stopped.load(Ordering::Relaxed) {
            std::thread::sleep(every);
            let origins = match active_origins(&db) {
                Ok(origins) => origins,
                Err(e) => {
                    eprintln!("tenants: keeping the old origins: {e}");
                    continue;
                }
            };
            // An unchanged table needs no new policy.
            if last.as_ref() == Some(&origins) {
                continue;
            }
            match policy(&db) {
                Ok(policy) => {
                    layer.swap(policy);
                    eprintln!("tenants: {} active origin(s)", origins.len());
                    last = Some(origins);
                }
                Err(problems) => eprintln!("tenants: keeping the old origins: {problems}"),
            }
        }
    });
    stop
}
