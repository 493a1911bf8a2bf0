//! Explains how a policy decides one request.
//!
//! ```text
//! cargo run --example explain -- --policy policy.toml --method OPTIONS \
//!     --origin https://app.example.com \
//!     --header 'Access-Control-Request-Method: PUT' \
//!     --header 'Access-Control-Request-Headers: content-type'
//! ```
//!
//! Prints the route the path falls in, the classification, the verdict with
//! its reason, the preflight status and whether the handler runs, the
//! response headers, and the policy's warnings. The policy comes from
//! `--policy` and `CORS_*` variables as for the example server (without
//! either, the demo policy). A policy with problems: exit code 2, every
//! problem on stderr. `--help` prints the usage.

use std::process::ExitCode;

use cors_engine::{Kind, RequestDescriptor, RouteId, SingleHeader, Verdict};

const USAGE: &str = "usage: explain [--policy FILE] [--strict] [--path P] [--method M] \
[--origin O] [--header 'Name: value']...";

mod support;

fn main() -> ExitCode {
    let mut source = support::Source::default();
    let mut path = String::from("/");
    let mut method = String::from("GET");
    let mut origin = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--strict" => {
                source.strict = true;
                continue;
            }
            _ => {}
        }
        let Some(value) = args.next() else {
            eprintln!("{flag} needs a value\n{USAGE}");
            return ExitCode::from(2);
        };
        match flag.as_str() {
            "--policy" => source.path = Some(value),
            "--path" => path = value,
            "--method" => method = value,
            "--origin" => origin = Some(value),
            "--header" => match value.split_once(':') {
                Some((name, v)) => {
                    headers.push((name.trim().to_ascii_lowercase(), v.trim().to_owned()))
                }
                None => {
                    eprintln!("--header {value:?}: expected 'Name: value'");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("unknown argument {flag:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let loaded = match source.load() {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };

    // The request as a server would read it: one field per single-valued
    // header (a second line noted), every ACRH line.
    let mut request = RequestDescriptor::new(method.as_bytes());
    let lines: Vec<&[u8]> = headers
        .iter()
        .filter(|(n, _)| n == "access-control-request-headers")
        .map(|(_, v)| v.as_bytes())
        .collect();
    request = request.request_headers(&lines);
    if let Some(o) = &origin {
        request = request.origin(o.as_bytes());
    }
    for (name, value) in &headers {
        let (slot, which) = match name.as_str() {
            "origin" => (&mut request.origin, SingleHeader::Origin),
            "access-control-request-method" => {
                (&mut request.request_method, SingleHeader::RequestMethod)
            }
            "access-control-request-private-network" => (
                &mut request.request_private_network,
                SingleHeader::RequestPrivateNetwork,
            ),
            _ => continue,
        };
        if slot.is_some() {
            request.repeated = Some(which);
        } else {
            *slot = Some(value.as_bytes());
        }
    }

    let routed = loaded.set.decide(path.as_bytes(), &request);
    println!("{}", loaded.summary);
    println!(
        "route:          {} ({})",
        loaded.set.route_name(routed.route),
        match routed.route {
            RouteId::Route(i) => format!("routes[{i}]"),
            RouteId::TopLevel => "no route matched".to_owned(),
            RouteId::PathTooLong => "not routed".to_owned(),
        }
    );
    let Some(decision) = routed.decision else {
        println!("verdict:        CORS is off here: no headers, the application answers");
        print_warnings(&loaded.warnings);
        return ExitCode::SUCCESS;
    };
    let kind = match decision.kind() {
        Kind::NotCors => "not a CORS request (no Origin)",
        Kind::Preflight => "preflight",
        Kind::Actual => "actual CORS request",
    };
    println!("classification: {kind}");
    match decision.verdict() {
        Verdict::Allowed => println!("verdict:        allowed"),
        Verdict::Denied(denial) => {
            println!("verdict:        denied ({:?})", denial.reason());
            println!("reason:         {denial}");
        }
    }
    match decision.preflight_status() {
        Some(status) => {
            println!("answered by:    the CORS layer, status {status}; the handler does not run")
        }
        None => println!("answered by:    the application handler, with these headers added"),
    }
    println!("headers:");
    if decision.headers().is_empty() {
        println!("  (none)");
    }
    for header in decision.headers() {
        println!("  {header}");
    }
    print_warnings(&loaded.warnings);
    ExitCode::SUCCESS
}

fn print_warnings(warnings: &str) {
    if !warnings.is_empty() {
        println!("warnings:");
        for line in warnings.lines() {
            println!("  {line}");
        }
    }
}
