//! What the `server` and `explain` examples share: the demo policy and
//! reading a policy file.

use cors_engine::{Config, Policy, PolicyFile};

/// The demo policy (DESIGN §5): a front end on port 3000 of this machine,
/// with credentials.
pub const DEMO: Config = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600);

/// Reads and compiles a policy file (JSON when the name ends in `.json`,
/// TOML otherwise), or says everything wrong with it.
pub fn load(path: &str) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let file: PolicyFile = if path.ends_with(".json") {
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?
    } else {
        toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?
    };
    let (set, warnings) = file
        .compile()
        .map_err(|errors| format!("{path}: {errors}"))?;
    if !warnings.is_empty() {
        eprintln!("{path}: {warnings}");
    }
    set.policies()
        .next()
        .cloned()
        .ok_or_else(|| format!("{path}: no top-level policy"))
}

/// The policy at `path`, or the demo policy.
pub fn policy(path: Option<&str>) -> Result<Policy, String> {
    match path {
        Some(path) => load(path),
        None => Policy::compile(&DEMO).map_err(|e| format!("the demo policy: {e}")),
    }
}
