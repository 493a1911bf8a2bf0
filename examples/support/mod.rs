//! What the `server` and `explain` examples share: the demo policy and
//! reading the policy from a file and the environment.

use cors_engine::{Config, Policy, PolicyFile, PolicySet};

/// The demo policy (DESIGN §5): a front end on port 3000 of this machine,
/// with credentials, using GET, POST, PUT and DELETE (GET and POST are
/// safelisted: listing them would only draw a warning).
pub const DEMO: Config = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    .allowed_methods(&["PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .allow_credentials(true)
    .max_age(600);

/// Where the policy comes from.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// A policy file (JSON when the name ends in `.json`, TOML otherwise).
    pub path: Option<String>,
    /// Warnings are errors.
    pub strict: bool,
}

/// A compiled policy set and what to say about it.
pub struct Loaded {
    pub set: PolicySet,
    /// The warnings, one printable block (empty when there are none).
    pub warnings: String,
    /// One line: where the policy came from and what it holds.
    pub summary: String,
}

impl Source {
    /// Reads, overrides from `CORS_*` variables and compiles the policy, or
    /// says everything wrong with it. With neither a file nor a `CORS_*`
    /// variable, the demo policy applies.
    pub fn load(&self) -> Result<Loaded, String> {
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("CORS_"))
            .collect();
        let (file, origin) = match &self.path {
            Some(path) => (read(path)?, path.clone()),
            None if !env.is_empty() => (PolicyFile::default(), "the environment".to_owned()),
            None => return demo(self.strict),
        };
        let from = if env.is_empty() || self.path.is_none() {
            origin
        } else {
            format!("{origin} and the environment")
        };
        let file = file.with_env(env).strict(self.strict);
        let (set, warnings) = file.compile().map_err(|e| format!("{from}: {e}"))?;
        Ok(Loaded {
            summary: format!(
                "policy from {from}: {} route{}, {} warning{}",
                set.routes(),
                if set.routes() == 1 { "" } else { "s" },
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" },
            ),
            warnings: if warnings.is_empty() {
                String::new()
            } else {
                format!("{from}: {warnings}")
            },
            set,
        })
    }
}

fn read(path: &str) -> Result<PolicyFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    if path.ends_with(".json") {
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
    } else {
        PolicyFile::from_toml(&text).map_err(|e| format!("{path}: {e}"))
    }
}

fn demo(strict: bool) -> Result<Loaded, String> {
    let (policy, warnings) = Policy::compile_with_warnings(&DEMO.strict(strict))
        .map_err(|e| format!("the demo policy: {e}"))?;
    Ok(Loaded {
        set: PolicySet::single(policy),
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            format!("the demo policy: {warnings}")
        },
        summary: "policy: the embedded demo policy".to_owned(),
    })
}
