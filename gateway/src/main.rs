//! `cors-gateway --upstream http://HOST:PORT [--policy FILE] [--listen HOST:PORT] ...`
//!
//! See `cors_gateway::args::USAGE` and the README in this folder.

use std::process::ExitCode;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use cors_gateway::control::Control;
use cors_gateway::policy::{Live, Source};
use cors_gateway::proxy::Gateway;
use cors_gateway::{args, listen};
use pingora::listeners::TcpSocketOptions;
use pingora::proxy::http_proxy_service;
use pingora::server::configuration::ServerConf;
use pingora::server::Server;
use pingora::services::background::background_service;

/// Pingora allocates for every request and connection (sessions, header
/// maps, buffers); glibc's allocator showed up as the largest single cost in
/// a profile of the gateway under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let source = Source {
        path: args.policy.clone(),
        strict: args.strict,
    };
    let live = match Live::open(source) {
        Ok((live, warnings, summary)) => {
            for warning in warnings {
                eprintln!("{warning}");
            }
            eprintln!("{summary}");
            Arc::new(live)
        }
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::from(2);
        }
    };

    let (placeholder, listen) = match listen::reserve(args.listen) {
        Ok(reserved) => reserved,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };

    let mut conf = ServerConf {
        threads: args.threads,
        // Pingora sleeps this long after SIGTERM whatever is in flight;
        // the control loop exits earlier once no request is left, and at
        // the latest when `--grace` is over: Pingora's own deadline is one
        // second later, a backstop only.
        grace_period_seconds: Some(args.grace.as_secs_f64().ceil() as u64 + 1),
        graceful_shutdown_timeout_seconds: Some(1),
        ..ServerConf::default()
    };
    // One process, no daemon, no upgrade socket.
    conf.daemon = false;
    let mut server = Server::new_with_opt_and_conf(None, conf);
    server.bootstrap();

    let in_flight = Arc::new(AtomicUsize::new(0));
    let gateway = Gateway {
        live: Arc::clone(&live),
        upstream: args.upstream,
        upstream_timeout: args.upstream_timeout,
        keep_upstream_cors: args.keep_upstream_cors,
        in_flight: Arc::clone(&in_flight),
    };
    let mut proxy = http_proxy_service(&server.configuration, gateway);
    let mut options = TcpSocketOptions::default();
    options.so_reuseport = Some(true);
    proxy.add_tcp_with_settings(&listen.to_string(), options);
    server.add_service(proxy);

    let control = Control {
        live,
        listen,
        placeholder: Mutex::new(Some(placeholder)),
        grace: args.grace,
        in_flight,
    };
    server.add_service(background_service("control", control));
    eprintln!(
        "proxying to {} (upstream timeout {:.1}s, grace {:.1}s)",
        args.upstream_text,
        args.upstream_timeout.as_secs_f64(),
        args.grace.as_secs_f64()
    );
    server.run_forever();
}
