//! The command line.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

/// The usage text, printed on `--help` and after a command-line error.
pub const USAGE: &str = "\
usage: cors-gateway --upstream http://HOST:PORT [--policy FILE] [--listen HOST:PORT]
                    [--keep-upstream-cors] [--grace SECONDS] [--upstream-timeout SECONDS]
                    [--strict] [--threads N]

  --upstream URL             the backend, plain HTTP (http://host:port)
  --policy FILE              the CORS policy (TOML, or JSON when FILE ends in .json);
                             reloaded on SIGHUP and when the file changes. CORS_*
                             variables override its top-level keys, or are the
                             whole policy without a file (CORS_ALLOWED_ORIGINS=...)
  --strict                   refuse a policy with warnings (as CORS_STRICT=true)
  --listen HOST:PORT         where to listen (default 127.0.0.1:8080; port 0 = any free port)
  --keep-upstream-cors       keep the backend's own Access-Control-* response headers
  --grace SECONDS            how long a graceful shutdown (SIGTERM) waits for requests
                             in flight (default 10)
  --upstream-timeout SECONDS connect and read timeout towards the backend; when it
                             passes the gateway answers 504 (default 60)
  --threads N                worker threads (default 1 per core)";

/// The parsed command line.
#[derive(Clone, Debug)]
pub struct Args {
    /// The backend's address.
    pub upstream: SocketAddr,
    /// The backend as written, for the `Host`-independent log.
    pub upstream_text: String,
    /// The policy file.
    pub policy: Option<PathBuf>,
    /// Where to listen.
    pub listen: SocketAddr,
    /// Keep the backend's `Access-Control-*` headers.
    pub keep_upstream_cors: bool,
    /// Bound on a graceful shutdown.
    pub grace: Duration,
    /// Connect and read timeout towards the backend.
    pub upstream_timeout: Duration,
    /// Worker threads.
    pub threads: usize,
    /// Warnings are errors.
    pub strict: bool,
}

/// Parses `args` (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut upstream = None;
    let mut policy = None;
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut keep_upstream_cors = false;
    let mut strict = false;
    let mut grace = Duration::from_secs(10);
    let mut upstream_timeout = Duration::from_secs(60);
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // `--flag=value` is `--flag value` (Kubernetes manifests write both).
    let mut it = args.into_iter().flat_map(|arg| match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => vec![flag.to_owned(), value.to_owned()],
        _ => vec![arg],
    });
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--upstream" => upstream = Some(parse_upstream(&value()?)?),
            "--policy" => policy = Some(PathBuf::from(value()?)),
            "--listen" => {
                let text = value()?;
                listen = text.parse().map_err(|e| {
                    format!("--listen {text:?}: {e} (expected HOST:PORT, e.g. 127.0.0.1:8080)")
                })?;
            }
            "--keep-upstream-cors" => keep_upstream_cors = true,
            "--strict" => strict = true,
            "--grace" => grace = seconds("--grace", &value()?)?,
            "--upstream-timeout" => {
                upstream_timeout = seconds("--upstream-timeout", &value()?)?;
                if upstream_timeout.is_zero() {
                    return Err("--upstream-timeout must be more than 0".to_owned());
                }
            }
            "--threads" => {
                let text = value()?;
                threads = text.parse().ok().filter(|n| *n > 0).ok_or(format!(
                    "--threads {text:?}: expected a whole number above 0"
                ))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let (upstream, upstream_text) =
        upstream.ok_or("--upstream is required (e.g. --upstream http://127.0.0.1:8000)")?;
    Ok(Args {
        upstream,
        upstream_text,
        policy,
        listen,
        keep_upstream_cors,
        grace,
        upstream_timeout,
        threads,
        strict,
    })
}

/// A number of seconds, fractions allowed (tests use sub-second timeouts).
fn seconds(flag: &str, text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or(format!(
            "{flag} {text:?}: expected a number of seconds, e.g. 10 or 0.5"
        ))
}

/// `http://host[:port]` with nothing after the authority but an optional `/`.
fn parse_upstream(text: &str) -> Result<(SocketAddr, String), String> {
    let bad = |why: &str| format!("--upstream {text:?}: {why} (expected http://HOST:PORT)");
    let rest = match text.split_once("://") {
        Some(("http", rest)) => rest,
        Some((scheme, _)) => {
            return Err(bad(&format!(
                "scheme {scheme:?} is not supported; the gateway speaks plain HTTP to its backend"
            )))
        }
        None => return Err(bad("missing http://")),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() {
        return Err(bad("missing host"));
    }
    if authority.contains(['/', '?', '#', '@']) {
        return Err(bad("only a host and port may follow http://"));
    }
    // A bare IPv6 address or a name without a port takes port 80.
    let with_port = if authority.ends_with(']') || !authority.contains(':') {
        format!("{authority}:80")
    } else {
        authority.to_owned()
    };
    let addr = with_port
        .to_socket_addrs()
        .map_err(|e| bad(&e.to_string()))?
        .next()
        .ok_or_else(|| bad("the host has no address"))?;
    Ok((addr, text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn upstream_forms() {
        let a = args(&["--upstream", "http://127.0.0.1:8000"]).unwrap();
        assert_eq!(a.upstream, "127.0.0.1:8000".parse().unwrap());
        let a = args(&["--upstream", "http://127.0.0.1/"]).unwrap();
        assert_eq!(a.upstream.port(), 80);
        let a = args(&["--upstream", "http://[::1]:9000"]).unwrap();
        assert_eq!(a.upstream, "[::1]:9000".parse().unwrap());
        for bad in [
            "https://127.0.0.1:8000",
            "127.0.0.1:8000",
            "http://",
            "http://127.0.0.1:8000/api",
            "http://u@127.0.0.1:8000",
            "http://127.0.0.1:99999",
        ] {
            let e = args(&["--upstream", bad]).unwrap_err();
            assert!(e.contains("--upstream"), "{bad}: {e}");
        }
    }

    #[test]
    fn defaults_and_flags() {
        let a = args(&["--upstream", "http://127.0.0.1:1"]).unwrap();
        assert_eq!(a.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(a.grace, Duration::from_secs(10));
        assert!(!a.keep_upstream_cors);
        let a = args(&[
            "--upstream",
            "http://127.0.0.1:1",
            "--listen",
            "127.0.0.1:0",
            "--grace",
            "2.5",
            "--keep-upstream-cors",
            "--upstream-timeout",
            "0.5",
            "--policy",
            "p.toml",
        ])
        .unwrap();
        assert_eq!(a.listen.port(), 0);
        assert_eq!(a.grace, Duration::from_millis(2500));
        assert_eq!(a.upstream_timeout, Duration::from_millis(500));
        assert!(a.keep_upstream_cors);
        assert_eq!(a.policy.as_deref(), Some(std::path::Path::new("p.toml")));
    }

    #[test]
    fn flag_equals_value_is_accepted() {
        let a = args(&[
            "--upstream=http://127.0.0.1:9",
            "--listen=127.0.0.1:0",
            "--grace=3",
        ])
        .unwrap();
        assert_eq!(a.upstream.port(), 9);
        assert_eq!(a.listen.port(), 0);
        assert_eq!(a.grace, Duration::from_secs(3));
    }

    #[test]
    fn errors_name_the_flag() {
        assert!(args(&[]).unwrap_err().contains("--upstream is required"));
        assert!(args(&["--upstream"]).unwrap_err().contains("needs a value"));
        let e = args(&["--upstream", "http://127.0.0.1:1", "--grace", "-1"]).unwrap_err();
        assert!(e.contains("--grace"), "{e}");
        let e = args(&[
            "--upstream",
            "http://127.0.0.1:1",
            "--upstream-timeout",
            "0",
        ])
        .unwrap_err();
        assert!(e.contains("--upstream-timeout"), "{e}");
        let e = args(&["--upstream", "http://127.0.0.1:1", "--listen", "nope"]).unwrap_err();
        assert!(e.contains("--listen"), "{e}");
        assert!(args(&["--bogus"]).unwrap_err().contains("--bogus"));
    }
}
