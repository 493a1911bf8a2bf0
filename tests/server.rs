//! The example server against its runnable contract (DESIGN §5): flags, the
//! single `listening on` line with the real port, exit code 2 with every
//! problem, the application's headers, one escaped log line per request,
//! and service that survives bad input.
#![cfg(all(feature = "tower", feature = "toml"))]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::http_table::send;

/// Builds the example once (a no-op when `cargo test` already has) and
/// returns its path.
fn server_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let status = Command::new(env!("CARGO"))
                .args(["build", "--quiet", "--example", "server", "--features"])
                .arg("tower,toml")
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the example server failed");
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
            target.join("debug").join("examples").join("server")
        })
        .clone()
}

/// A running server; killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(args: &[&str]) -> Server {
        Server::start_with_env(args, &[])
    }

    /// Starts the server with only `env` among `CORS_*` variables.
    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = command(args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("server starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).expect("a line on stdout");
        let addr = line
            .strip_prefix("listening on http://")
            .and_then(|rest| rest.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .expect("HOST:PORT");
        // Nothing else may appear on stdout.
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stdout.read_to_string(&mut rest);
            assert!(rest.is_empty(), "more on stdout: {rest:?}");
        });
        let log = lines_of(child.stderr.take().unwrap());
        Server { child, addr, log }
    }

    fn next_log_line(&self) -> String {
        self.log
            .recv_timeout(Duration::from_secs(20))
            .expect("a log line on stderr")
    }
}

fn lines_of(stderr: ChildStderr) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn policy_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cors-engine-server-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn default_policy_listening_line_handler_headers_and_log() {
    let server = Server::start(&[]);
    assert_ne!(server.addr.port(), 0, "the real port is printed");

    let r = send(
        server.addr,
        b"OPTIONS",
        &[
            ("origin", b"http://localhost:3000"),
            ("access-control-request-method", b"DELETE"),
            (
                "access-control-request-headers",
                b"content-type, authorization",
            ),
        ],
    );
    assert_eq!(r.status, 204);
    assert!(!r.handler_ran());
    assert_eq!(
        r.get("access-control-allow-origin"),
        Some(&b"http://localhost:3000"[..])
    );
    assert_eq!(
        r.get("access-control-allow-credentials"),
        Some(&b"true"[..])
    );
    assert_eq!(r.get("access-control-allow-methods"), Some(&b"DELETE"[..]));
    assert_eq!(
        r.get("access-control-allow-headers"),
        Some(&b"content-type, authorization"[..])
    );
    assert_eq!(r.get("access-control-max-age"), Some(&b"600"[..]));
    assert_eq!(server.next_log_line(), "OPTIONS /: preflight allowed");

    let r = send(server.addr, b"GET", &[("origin", b"http://127.0.0.1:3000")]);
    assert_eq!((r.status, r.body.as_slice()), (200, &b"ok"[..]));
    assert!(r.handler_ran());
    assert_eq!(r.get("x-total-count"), Some(&b"42"[..]));
    let vary: Vec<String> = r
        .get_all("vary")
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect();
    assert_eq!(
        vary,
        ["Accept-Encoding, Origin"],
        "the application's Vary kept"
    );
    assert_eq!(
        r.get("access-control-allow-origin"),
        Some(&b"http://127.0.0.1:3000"[..])
    );
    assert_eq!(
        r.get("access-control-expose-headers"),
        None,
        "nothing exposed"
    );
    assert_eq!(server.next_log_line(), "GET /: actual allowed");

    // A denial is logged with its reason, request bytes escaped.
    let r = send(
        server.addr,
        b"PUT",
        &[("origin", b"http://localhost:3000\xff\"")],
    );
    assert!(r.handler_ran(), "an actual request reaches the handler");
    assert_eq!(r.get("access-control-allow-origin"), None);
    assert_eq!(
        server.next_log_line(),
        r#"PUT /: actual denied: origin "http://localhost:3000\xff\"" is malformed"#
    );
}

#[test]
fn a_policy_file_in_toml_or_json_is_used() {
    let toml = policy_file(
        "any.toml",
        "allowed_origins = [\"*\"]\nexposed_headers = [\"x-total-count\"]\npreflight_success_status = 200\n",
    );
    let json = policy_file(
        "any.json",
        r#"{"allowed_origins": ["*"], "exposed_headers": ["x-total-count"], "preflight_success_status": 200}"#,
    );
    for path in [toml, json] {
        let server = Server::start(&["--policy", path.to_str().unwrap()]);
        let r = send(
            server.addr,
            b"GET",
            &[("origin", b"https://anywhere.example")],
        );
        assert_eq!(r.get("access-control-allow-origin"), Some(&b"*"[..]));
        assert_eq!(
            r.get("access-control-expose-headers"),
            Some(&b"x-total-count"[..])
        );
        let r = send(
            server.addr,
            b"OPTIONS",
            &[
                ("origin", b"https://anywhere.example"),
                ("access-control-request-method", b"GET"),
            ],
        );
        assert_eq!(r.status, 200);
    }
}

/// The server command, its environment free of the caller's `CORS_*`
/// variables but for `env`.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(server_binary());
    command.args(["--addr", "127.0.0.1:0"]).args(args);
    for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("CORS_")) {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command
}

/// Runs the server expecting it to refuse to start; returns its stderr.
fn refused(args: &[&str]) -> String {
    refused_with_env(args, &[])
}

fn refused_with_env(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = command(args, env).output().expect("server runs");
    assert_eq!(output.status.code(), Some(2), "exit code 2 for {args:?}");
    assert!(output.stdout.is_empty(), "no listening line for {args:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn an_invalid_policy_exits_2_with_every_problem() {
    let bad = policy_file(
        "bad.toml",
        r#"
allowed_origins = ["https://a.example/", "HTTPS://B.example", "*"]
allowed_methods = ["TRACE"]
allowed_headers = ["bad header"]
allow_credentials = true
max_age = 100000
"#,
    );
    let stderr = refused(&["--policy", bad.to_str().unwrap()]);
    for expected in [
        "https://a.example/",
        "HTTPS://B.example",
        "TRACE",
        "bad header",
        "max_age",
        "credentials",
    ] {
        assert!(stderr.contains(expected), "{expected:?} not in:\n{stderr}");
    }

    let typo = policy_file("typo.toml", "allowed_origin = [\"https://a.example\"]\n");
    let stderr = refused(&["--policy", typo.to_str().unwrap()]);
    assert!(
        stderr.contains("did you mean `allowed_origins`"),
        "{stderr}"
    );

    let missing = refused(&["--policy", "/nonexistent/policy.toml"]);
    assert!(missing.contains("/nonexistent/policy.toml"), "{missing}");
    let usage = refused(&["--bogus"]);
    assert!(usage.contains("usage: server"), "{usage}");
}

#[test]
fn bad_input_does_not_stop_the_server() {
    let server = Server::start(&[]);
    let many_origins: Vec<(&str, &[u8])> = (0..40)
        .map(|_| ("origin", &b"http://localhost:3000"[..]))
        .collect();
    let r = send(server.addr, b"GET", &many_origins);
    assert!(r.handler_ran());
    assert_eq!(r.get("access-control-allow-origin"), None);
    assert!(server.next_log_line().contains("appears more than once"));
    let huge = vec![b'a'; 50_000];
    let r = send(
        server.addr,
        b"OPTIONS",
        &[
            ("origin", b"http://localhost:3000"),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-headers", &huge),
        ],
    );
    assert_eq!(r.status, 403);
    let r = send(server.addr, b"GET", &[("origin", b"http://localhost:3000")]);
    assert_eq!(
        r.get("access-control-allow-origin"),
        Some(&b"http://localhost:3000"[..])
    );
}

/// The `Access-Control-Allow-Origin` the server answers `origin` with on `path`.
fn acao(server: &Server, path: &str, origin: &str) -> Option<String> {
    let response =
        common::http_table::send_to(server.addr, b"GET", path, &[("Origin", origin.as_bytes())]);
    response
        .get("access-control-allow-origin")
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Reads log lines until one contains `needle` (bounded by the log's own
/// timeout per line).
fn wait_for_log(server: &Server, needle: &str) -> String {
    for _ in 0..200 {
        let line = server.next_log_line();
        if line.contains(needle) {
            return line;
        }
    }
    panic!("no log line containing {needle:?}");
}

#[test]
fn the_environment_alone_is_the_policy_and_overrides_a_file() {
    let server = Server::start_with_env(
        &[],
        &[
            (
                "CORS_ALLOWED_ORIGINS",
                " https://a.example , https://b.example,",
            ),
            ("CORS_ALLOW_CREDENTIALS", "true"),
            ("CORS_ALLOWED_ORIGIN", "https://typo.example"),
        ],
    );
    // The unknown variable is a warning naming the likely key; the server starts.
    let warning = wait_for_log(&server, "CORS_ALLOWED_ORIGIN\"");
    assert!(warning.contains("CORS_ALLOWED_ORIGINS"), "{warning}");
    assert_eq!(
        acao(&server, "/", "https://b.example").as_deref(),
        Some("https://b.example")
    );
    assert_eq!(
        acao(&server, "/", "http://localhost:3000"),
        None,
        "not the demo policy"
    );
    drop(server);

    let file = policy_file(
        "env-over-file.toml",
        "allowed_origins = [\"https://file.example\"]\n",
    );
    let server = Server::start_with_env(
        &["--policy", file.to_str().unwrap()],
        &[("CORS_ALLOWED_ORIGINS", "https://env.example")],
    );
    assert_eq!(
        acao(&server, "/", "https://env.example").as_deref(),
        Some("https://env.example")
    );
    assert_eq!(acao(&server, "/", "https://file.example"), None);
}

#[test]
fn a_bad_environment_value_exits_2_naming_the_variable() {
    let stderr = refused_with_env(
        &[],
        &[
            ("CORS_ALLOWED_ORIGINS", "https://A.example/"),
            ("CORS_MAX_AGE", "soon"),
        ],
    );
    assert!(
        stderr.contains("\"https://A.example/\" has a path"),
        "{stderr}"
    );
    assert!(stderr.contains("CORS_MAX_AGE"), "{stderr}");
}

#[test]
fn strict_turns_warnings_into_errors() {
    let file = policy_file(
        "warned.toml",
        "allowed_origins = [\"https://app.example\"]\nallowed_headers = [\"content-type\", \"dnt\"]\n",
    );
    let server = Server::start(&["--policy", file.to_str().unwrap()]);
    let warning = wait_for_log(&server, "\"dnt\"");
    assert!(warning.contains("line 2"), "{warning}");
    drop(server);
    let stderr = refused(&["--policy", file.to_str().unwrap(), "--strict"]);
    assert!(stderr.contains("\"dnt\""), "{stderr}");
}

#[test]
fn routes_from_the_file_pick_the_policy_by_path() {
    let file = policy_file(
        "routes.toml",
        "allowed_origins = [\"https://app.example\"]\n\
         [[routes]]\npaths = [\"/public/*\"]\nallowed_origins = [\"*\"]\n\
         [[routes]]\npaths = [\"/internal/*\"]\ncors = false\n",
    );
    let server = Server::start(&["--policy", file.to_str().unwrap()]);
    assert_eq!(
        acao(&server, "/public/a", "https://x.example").as_deref(),
        Some("*")
    );
    assert_eq!(acao(&server, "/internal/a", "https://app.example"), None);
    // DESIGN §3.11: the path is matched as the server routes it, without
    // the query.
    assert_eq!(
        acao(&server, "/public/a?next=/internal/x", "https://x.example").as_deref(),
        Some("*")
    );
    assert_eq!(
        acao(&server, "/internal/a?p=/public/", "https://app.example"),
        None
    );
    assert_eq!(
        acao(&server, "/api", "https://app.example").as_deref(),
        Some("https://app.example")
    );
}

#[test]
fn the_policy_reloads_on_file_change_and_sighup_and_a_bad_file_keeps_the_old() {
    let file = policy_file(
        "reload.toml",
        "allowed_origins = [\"https://one.example\"]\n",
    );
    let server = Server::start(&["--policy", file.to_str().unwrap()]);
    assert!(acao(&server, "/", "https://one.example").is_some());

    // A changed file is picked up and summarised in one line.
    std::fs::write(&file, "allowed_origins = [\"https://two.example\"]\n").unwrap();
    let line = wait_for_log(&server, "reloaded");
    assert!(line.contains("reload.toml"), "{line}");
    assert!(acao(&server, "/", "https://two.example").is_some());
    assert_eq!(acao(&server, "/", "https://one.example"), None);

    // A file that fails to compile keeps the old policy; every problem is logged.
    std::fs::write(
        &file,
        "allowed_origins = [\"https://Three.example/\"]\nmax_age = -1\n",
    )
    .unwrap();
    let line = wait_for_log(&server, "keeping the old policy");
    assert!(line.contains("2 problems"), "{line}");
    assert!(acao(&server, "/", "https://two.example").is_some());

    // SIGHUP reloads the (fixed) file too.
    std::fs::write(&file, "allowed_origins = [\"https://four.example\"]\n").unwrap();
    let _ = wait_for_log(&server, "reloaded");
    std::fs::write(&file, "allowed_origins = [\"https://five.example\"]\n").unwrap();
    let status = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let _ = wait_for_log(&server, "reloaded");
    assert!(acao(&server, "/", "https://five.example").is_some());
}

#[test]
fn a_reload_storm_never_serves_a_half_written_file() {
    // 100 writes a second for a second, each a complete valid policy written
    // in two halves; every answer must come from one whole policy.
    let file = policy_file("storm.toml", "allowed_origins = [\"https://w0.example\"]\n");
    let server = Server::start(&["--policy", file.to_str().unwrap()]);
    for i in 1..=100 {
        let text = format!("allowed_origins = [\"https://w{i}.example\"]\n");
        let (first, second) = text.split_at(text.len() / 2);
        std::fs::write(&file, first).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .and_then(|mut f| std::io::Write::write_all(&mut f, second.as_bytes()))
            .unwrap();
        // Requests during the storm get a whole answer from some policy.
        let response =
            common::http_table::send(server.addr, b"GET", &[("Origin", b"https://w0.example")]);
        assert_eq!(response.status, 200);
        std::thread::sleep(Duration::from_millis(10));
    }
    // Once the storm settles, the last file is the policy.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while acao(&server, "/", "https://w100.example").is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the last policy never applied"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
