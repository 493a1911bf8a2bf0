//! Bridging the model's owned descriptions to the engine's borrowed API, so
//! that property tests and the differential fuzz target compare the same way.

use cors_engine::{Config, Decision, RequestDescriptor};

use super::{Bytes, Outcome, PolicySpec, RequestSpec};

/// Compiles `p` with whichever compiled-policy type `compile` builds.
pub fn with_config<R>(p: &PolicySpec, compile: impl FnOnce(&Config<'_, '_>) -> R) -> R {
    let origins: Vec<&str> = p.origins.iter().map(String::as_str).collect();
    let regex_sources = p.regex_sources();
    let regexes: Vec<&str> = regex_sources.iter().map(String::as_str).collect();
    let methods: Vec<&str> = p.methods.iter().map(String::as_str).collect();
    let headers: Vec<&str> = p.headers.iter().map(String::as_str).collect();
    let exposed: Vec<&str> = p.exposed.iter().map(String::as_str).collect();
    let mut config = Config::new()
        .allowed_origins(&origins)
        .allowed_origin_regexes(&regexes)
        .allow_null_origin(p.allow_null)
        .allowed_methods(&methods)
        .allowed_headers(&headers)
        .exposed_headers(&exposed)
        .allow_credentials(p.credentials)
        .allow_private_network(p.private_network)
        .preflight_success_status(p.status);
    if let Some(age) = p.max_age {
        config = config.max_age(age);
    }
    compile(&config)
}

/// Builds the borrowed descriptor for `r` and hands it to `f`.
pub fn with_request<R>(r: &RequestSpec, f: impl FnOnce(&RequestDescriptor<'_>) -> R) -> R {
    let lines: Vec<&[u8]> = r.acrh.iter().map(|l| l.0.as_slice()).collect();
    let mut d = RequestDescriptor::new(&r.method.0).request_headers(&lines);
    if let Some(o) = &r.origin {
        d = d.origin(&o.0);
    }
    if let Some(m) = &r.acrm {
        d = d.request_method(&m.0);
    }
    if let Some(v) = &r.acrpn {
        d = d.request_private_network(&v.0);
    }
    f(&d)
}

/// The engine's decision in the model's terms (headers sorted).
pub fn outcome(d: &Decision<'_>) -> Outcome {
    let mut headers: Vec<(String, Bytes)> = d
        .headers()
        .iter()
        .map(|h| (h.name.as_lowercase().to_string(), Bytes(h.value.to_vec())))
        .collect();
    headers.sort();
    Outcome {
        kind: d.kind(),
        allowed: d.is_allowed(),
        reason: d.denial().map(|x| x.reason()),
        preflight_status: d.preflight_status(),
        runs_handler: d.runs_handler(),
        headers,
    }
}
