//! Every call into the `cors-engine` crate, in one place, so that following
//! the crate's API as it grows (warnings, `PolicySet`, the request path)
//! touches this module only.

use cors_engine::{Decision, Policy, PolicyFile, RequestDescriptor, SingleHeader};
use serde_json::{Map, Value};

use crate::routes::{Route, Routes};

/// A compiled configuration: the top-level policy (absent when the
/// top level turns CORS off) and the routes in the order written.
pub struct Compiled {
    top: Option<Policy>,
    routes: Routes<Policy>,
    /// What compiling had to say that does not stop the policy.
    pub warnings: Vec<String>,
}

impl Compiled {
    /// Whether deciding depends on the request path.
    pub fn has_routes(&self) -> bool {
        !self.routes.is_empty()
    }
}

/// The parts of a request the crate looks at, borrowed from Python objects.
pub struct RequestParts<'a> {
    pub method: &'a [u8],
    pub origin: Option<&'a [u8]>,
    pub request_method: Option<&'a [u8]>,
    pub request_headers: &'a [&'a [u8]],
    pub request_private_network: Option<&'a [u8]>,
    pub repeated: Option<SingleHeader>,
    pub path: &'a str,
}

/// Which single-valued request header a server sent twice, by name.
pub fn single_header(lower_name: &[u8]) -> Option<SingleHeader> {
    [
        SingleHeader::Origin,
        SingleHeader::RequestMethod,
        SingleHeader::RequestPrivateNetwork,
    ]
    .into_iter()
    .find(|h| h.as_str().as_bytes() == lower_name)
}

/// Decides `request`, or `None` when no policy applies to its path (no
/// CORS at all: nothing is added, preflights reach the application).
pub fn decide<'a>(compiled: &'a Compiled, request: &RequestParts<'a>) -> Option<Decision<'a>> {
    let policy = match compiled.routes.find(request.path) {
        Some(route) => route.as_ref()?,
        None => compiled.top.as_ref()?,
    };
    let descriptor = RequestDescriptor {
        method: request.method,
        origin: request.origin,
        request_method: request.request_method,
        request_headers: request.request_headers,
        request_private_network: request.request_private_network,
        repeated: request.repeated,
    };
    Some(policy.decide(&descriptor))
}

/// Compiles a policy written as the JSON form of the policy file, or
/// returns every problem, each a line of the crate's own text.
pub fn compile(json: &str) -> Result<Compiled, Vec<String>> {
    let mut problems = Vec::new();
    let mut top: Map<String, Value> = match serde_json::from_str(json) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(vec!["the policy must be a table of keys".into()]),
        Err(e) => return Err(vec![e.to_string()]),
    };
    // TEMPORARY until the core's `PolicySet`: routes are split off here and
    // each route's keys laid over the top level's.
    let routes = match top.remove("routes") {
        None => Vec::new(),
        Some(Value::Array(routes)) => routes,
        Some(_) => {
            problems.push("`routes` must be a list of tables".into());
            Vec::new()
        }
    };
    let top_on = take_cors_switch(&mut top, "top level", &mut problems);
    let top_policy = if top_on {
        compile_file(&Value::Object(top.clone()), "", &mut problems)
    } else {
        None
    };
    let mut compiled_routes = Vec::new();
    for (i, route) in routes.into_iter().enumerate() {
        let label = format!("routes[{i}]: ");
        let Value::Object(mut keys) = route else {
            problems.push(format!("{label}a route must be a table of keys"));
            continue;
        };
        let paths = take_strings(&mut keys, "paths", &label, &mut problems);
        let regexes = take_strings(&mut keys, "path_regexes", &label, &mut problems);
        let on = take_cors_switch(&mut keys, &label, &mut problems);
        let policy = if on {
            let mut merged = top.clone();
            merged.extend(keys);
            compile_file(&Value::Object(merged), &label, &mut problems)
        } else {
            None
        };
        match Route::new(&paths, &regexes, policy) {
            Ok(route) => compiled_routes.push(route),
            Err(e) => problems.push(format!("{label}{e}")),
        }
    }
    if problems.is_empty() {
        Ok(Compiled {
            top: top_policy,
            routes: Routes::new(compiled_routes),
            warnings: Vec::new(),
        })
    } else {
        Err(problems)
    }
}

/// Reads and removes `cors` (default on).
fn take_cors_switch(keys: &mut Map<String, Value>, label: &str, problems: &mut Vec<String>) -> bool {
    match keys.remove("cors") {
        None | Some(Value::Bool(true)) => true,
        Some(Value::Bool(false)) => false,
        Some(other) => {
            problems.push(format!("{label}`cors` must be true or false, not {other}"));
            true
        }
    }
}

fn take_strings(
    keys: &mut Map<String, Value>,
    key: &str,
    label: &str,
    problems: &mut Vec<String>,
) -> Vec<String> {
    match keys.remove(key) {
        None => Vec::new(),
        Some(value) => serde_json::from_value(value).unwrap_or_else(|_| {
            problems.push(format!("{label}`{key}` must be a list of strings"));
            Vec::new()
        }),
    }
}

/// Reads the keys with the crate's `PolicyFile` and compiles them.
fn compile_file(keys: &Value, label: &str, problems: &mut Vec<String>) -> Option<Policy> {
    let file: PolicyFile = match serde_json::from_value(keys.clone()) {
        Ok(file) => file,
        Err(e) => {
            problems.push(format!("{label}{e}"));
            return None;
        }
    };
    match file.compile() {
        Ok(policy) => Some(policy),
        Err(errors) => {
            problems.extend(errors.iter().map(|e| format!("{label}{e}")));
            if errors.len() > errors.iter().count() {
                let omitted = errors.len() - errors.iter().count();
                problems.push(format!("{label}... and {omitted} more"));
            }
            None
        }
    }
}
