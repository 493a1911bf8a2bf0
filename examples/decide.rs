//! Compiles a sample policy, decides a handful of representative requests
//! and prints each classification, verdict, reason and header set.
//!
//! `cargo run --example decide`

use cors_engine::{Config, Policy, RequestDescriptor};

const CONFIG: Config<'static, 'static> = Config::new()
    .allowed_origins(&[
        "https://app.example.com",
        "https://*.example.org",
        "http://localhost:*",
    ])
    .allowed_origin_regexes(&[r"^https://[a-z0-9-]+\.preview\.example\.net$"])
    .allowed_methods(&["GET", "POST", "PUT"])
    .allowed_headers(&["authorization", "content-type"])
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true)
    .max_age(600);

fn main() {
    let policy = match Policy::compile(&CONFIG) {
        Ok(policy) => policy,
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(2);
        }
    };

    let json: &[&[u8]] = &[b"Content-Type"];
    let too_many: &[&[u8]] = &[b"content-type, x-debug"];
    let requests: [(&str, RequestDescriptor<'_>); 8] = [
        (
            "same-origin GET (no Origin)",
            RequestDescriptor::new(b"GET"),
        ),
        (
            "GET from an allowed origin",
            RequestDescriptor::new(b"GET").origin(b"https://app.example.com"),
        ),
        (
            "GET from a subdomain pattern",
            RequestDescriptor::new(b"GET").origin(b"https://eu.shop.example.org"),
        ),
        (
            "GET from a preview regex",
            RequestDescriptor::new(b"GET").origin(b"https://pr-42.preview.example.net"),
        ),
        (
            "GET from a look-alike origin",
            RequestDescriptor::new(b"GET").origin(b"https://app.example.com.evil.net"),
        ),
        (
            "preflight PUT with JSON",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"http://localhost:5173")
                .request_method(b"PUT")
                .request_headers(json),
        ),
        (
            "preflight DELETE",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"https://app.example.com")
                .request_method(b"DELETE"),
        ),
        (
            "preflight asking for an unlisted header",
            RequestDescriptor::new(b"OPTIONS")
                .origin(b"https://app.example.com")
                .request_method(b"POST")
                .request_headers(too_many),
        ),
    ];

    for (title, request) in requests {
        let decision = policy.decide(&request);
        println!("== {title}");
        println!("   {decision}");
        if let Some(status) = decision.preflight_status() {
            println!(
                "   status {status}, handler runs: {}",
                decision.runs_handler()
            );
        } else {
            println!("   handler runs: {}", decision.runs_handler());
        }
        for header in decision.headers() {
            println!("   {header}");
        }
    }
}
