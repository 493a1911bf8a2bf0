//! Start-up errors, reloads, bad clients and shutdown.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::*;

const ONLY_A: &str = r#"
allowed_origins = ["https://a.example.com"]
allowed_methods = ["GET"]
"#;
const ONLY_B: &str = r#"
allowed_origins = ["https://b.example.com"]
allowed_methods = ["GET"]
"#;
const ONLY_C: &str = r#"
allowed_origins = ["https://c.example.com"]
allowed_methods = ["GET"]
"#;
/// Two value problems and nothing else.
const INVALID: &str = r#"
allowed_origins = ["https://app.example.com/", "ftp//nope"]
allowed_methods = ["GET"]
max_age = 999999
"#;

/// Which of a, b, c the running policy allows (it allows exactly one).
fn allowed_origin(gw: &Gateway) -> Option<&'static str> {
    [
        "https://a.example.com",
        "https://b.example.com",
        "https://c.example.com",
    ]
    .into_iter()
    .find(|o| {
        gw.send("GET", "/", &[("Origin", o.as_bytes())])
            .get("access-control-allow-origin")
            .is_some()
    })
}

/// Polls until `want` is the allowed origin, for at most ten seconds.
fn wait_policy(gw: &Gateway, want: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if allowed_origin(gw) == Some(want) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn an_invalid_policy_exits_2_with_every_problem() {
    let up = format!("http://{}", dead_addr());
    let bad = policy_file("invalid", "bad.toml", INVALID);
    let (code, err) = run_to_exit(&["--upstream", &up, "--policy", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    // Every problem, each on its own line naming the file.
    let problems: Vec<&str> = err.lines().filter(|l| l.contains("bad.toml")).collect();
    assert!(problems.len() >= 3, "{err}");
    assert!(err.contains("https://app.example.com/"), "{err}");
    assert!(err.contains("ftp//nope"), "{err}");
    assert!(err.contains("999999"), "{err}");

    let typo = policy_file(
        "typo",
        "typo.toml",
        "allowed_origin = [\"https://a.example\"]\n",
    );
    let (code, err) = run_to_exit(&["--upstream", &up, "--policy", typo.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("allowed_origin"), "{err}");

    let (code, err) = run_to_exit(&["--upstream", &up, "--policy", "/nonexistent/p.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("/nonexistent/p.toml"), "{err}");

    let json = policy_file(
        "json",
        "p.json",
        "{\"allowed_origins\": [\"*\"], \"max_age\": -1}",
    );
    let (code, err) = run_to_exit(&["--upstream", &up, "--policy", json.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("p.json"), "{err}");

    let (code, err) = run_to_exit(&["--upstream", &up]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--policy"), "{err}");
    let (code, err) = run_to_exit(&["--upstream", "https://127.0.0.1:1", "--policy", "x"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--upstream"), "{err}");
    let (code, err) = run_to_exit(&["--frobnicate"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--frobnicate") && err.contains("usage:"),
        "{err}"
    );
}

#[test]
fn warnings_are_printed_and_strict_refuses_them() {
    let up = Upstream::start();
    // `GET` never needs listing: a warning, not an error.
    let policy = policy_file(
        "warnings",
        "policy.toml",
        "allowed_origins = [\"https://a.example.com\"]\nallowed_methods = [\"GET\", \"PUT\"]\n",
    );
    let mut gw = Gateway::start(&up.url(), &policy, &[]);
    let warning = gw
        .wait_log(Duration::from_secs(5), |l| l.contains("warning"))
        .expect("the warning is printed");
    assert!(warning.contains("GET"), "{warning}");
    assert_eq!(allowed_origin(&gw), Some("https://a.example.com"));

    let (code, err) = run_to_exit(&[
        "--upstream",
        &up.url(),
        "--policy",
        policy.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("GET"), "{err}");
}

#[test]
fn a_json_policy_file_is_read() {
    let up = Upstream::start();
    let policy = policy_file(
        "jsonok",
        "policy.json",
        r#"{"allowed_origins": ["https://b.example.com"], "allowed_methods": ["GET"]}"#,
    );
    let gw = Gateway::start(&up.url(), &policy, &[]);
    assert_eq!(allowed_origin(&gw), Some("https://b.example.com"));
}

#[test]
fn the_policy_reloads_on_file_change_and_keeps_the_old_one_when_invalid() {
    let up = Upstream::start();
    let policy = policy_file("reload-file", "policy.toml", ONLY_A);
    let mut gw = Gateway::start(&up.url(), &policy, &[]);
    assert_eq!(allowed_origin(&gw), Some("https://a.example.com"));

    replace_file(&policy, ONLY_B);
    assert!(
        wait_policy(&gw, "https://b.example.com"),
        "file change reloaded"
    );
    let line = gw.wait_log(Duration::from_secs(5), |l| l.contains("policy reloaded"));
    assert!(line.is_some_and(|l| l.contains("file change")));

    // A file that no longer compiles: every problem logged, old policy kept.
    std::fs::write(&policy, INVALID).unwrap();
    gw.wait_log(Duration::from_secs(10), |l| {
        l.contains("failed; the policy in force is kept")
    })
    .expect("the failed reload is logged");
    for problem in ["https://app.example.com/", "ftp//nope", "999999"] {
        let line = gw.wait_log(Duration::from_secs(5), |l| l.contains(problem));
        assert!(
            line.as_deref().is_some_and(|l| l.contains("policy.toml")),
            "problem {problem} logged with the file name: {:?}",
            gw.lines
        );
    }
    assert_eq!(
        allowed_origin(&gw),
        Some("https://b.example.com"),
        "old policy kept"
    );

    // Fixing the file brings the new policy in.
    replace_file(&policy, ONLY_C);
    assert!(wait_policy(&gw, "https://c.example.com"));
}

#[test]
fn the_policy_reloads_on_sighup() {
    let up = Upstream::start();
    let policy = policy_file("reload-hup", "policy.toml", ONLY_A);
    let mut gw = Gateway::start(&up.url(), &policy, &[]);
    gw.signal("HUP");
    let line = gw
        .wait_log(Duration::from_secs(10), |l| l.contains("(SIGHUP)"))
        .expect("SIGHUP reloads");
    assert!(line.contains("policy reloaded"), "{line}");
    // SIGHUP did not end the process (its default action).
    assert_eq!(allowed_origin(&gw), Some("https://a.example.com"));

    std::fs::write(&policy, ONLY_B).unwrap();
    gw.signal("HUP");
    assert!(wait_policy(&gw, "https://b.example.com"));
}

/// Writes `bytes` on a new connection and reads what comes back (until
/// close or five seconds); never panics on I/O errors (a server may close
/// early on bad input).
fn raw_exchange(gw: &Gateway, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(gw.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

#[test]
fn bad_clients_do_not_stop_the_gateway_and_the_log_stays_escaped() {
    let up = Upstream::start();
    let policy = policy_file("bad-clients", "policy.toml", POLICY);
    let mut gw = Gateway::start(&up.url(), &policy, &[]);

    // Slow clients: half a request head each, held open for the whole test.
    let slow: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(gw.addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nOrig").unwrap();
            s
        })
        .collect();

    // A huge head (far beyond any sane limit) and malformed ones.
    let mut huge = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..4000 {
        huge.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "a".repeat(100)).as_bytes());
    }
    huge.extend_from_slice(b"\r\n");
    let answered = raw_exchange(&gw, &huge);
    assert!(
        answered.is_empty() || !answered.starts_with(b"HTTP/1.1 200"),
        "a 400 KiB head is refused"
    );
    for bad in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: x\r\nOrigin: a\x00b\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\xff\xfe\xfd\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
    ] {
        let answered = raw_exchange(&gw, bad);
        assert!(
            !answered.starts_with(b"HTTP/1.1 200"),
            "{:?} got {:?}",
            bad.escape_ascii().to_string(),
            answered.escape_ascii().to_string()
        );
    }

    // Request bytes that must not reach the log raw. An origin with a
    // byte above 0x7f is valid HTTP (obs-text) and reaches the decision;
    // a raw non-ASCII path or an ESC in a value may be refused by the
    // parser (400), and when accepted they must be logged escaped too.
    let r = gw.send("GET", "/x", &[("Origin", b"https://\xff\xfe.example")]);
    assert_eq!(r.status, 200, "the upstream still answers");
    assert_eq!(cors_names(&r), Vec::<&str>::new());
    for (path, value) in [
        ("/caf\u{e9}", &b"https://app.example.com"[..]),
        ("/y", b"https://a\x1b[31m.example"),
    ] {
        let r = gw.send("GET", path, &[("Origin", value)]);
        assert!(r.status == 200 || r.status == 400, "{path}: {}", r.status);
    }

    // Everyone else is still served while the slow clients hang on.
    for _ in 0..5 {
        let r = gw.send("GET", "/", &[("Origin", ORIGIN)]);
        assert_eq!(r.status, 200);
        assert_eq!(
            header(&r, "access-control-allow-origin"),
            "https://app.example.com"
        );
    }
    drop(slow);

    let line = gw
        .wait_log(Duration::from_secs(5), |l| l.starts_with("GET /x "))
        .expect("the request is logged");
    assert!(line.contains("decision=actual/denied"), "{line}");
    assert!(
        line.contains(r"\\xff\\xfe"),
        "the origin is quoted escaped: {line}"
    );
    // Every request log line so far: printable ASCII only (no ESC, no raw
    // 0xff). (Policy messages are the operator's text, not request bytes.)
    gw.wait_log(Duration::from_millis(300), |_| false);
    let requests: Vec<&String> = gw.lines.iter().filter(|l| l.contains(" route=")).collect();
    assert!(requests.len() >= 7, "{:?}", gw.lines);
    for l in requests {
        assert!(
            l.bytes().all(|b| (0x20..=0x7e).contains(&b)),
            "unescaped byte in log line {l:?}"
        );
    }
}

#[test]
fn graceful_shutdown_finishes_requests_in_flight() {
    let up = Upstream::start();
    let policy = policy_file("graceful", "policy.toml", POLICY);
    let mut gw = Gateway::start(&up.url(), &policy, &["--grace", "20"]);
    let addr = gw.addr;
    let in_flight =
        std::thread::spawn(move || send_to(addr, b"GET", "/slow", &[("Origin", ORIGIN)]));
    // Wait until the request has reached the upstream.
    let deadline = Instant::now() + Duration::from_secs(10);
    while up.count() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(up.count(), 1);
    gw.signal("TERM");
    let r = in_flight.join().expect("the slow request completes");
    assert_eq!(r.status, 200);
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "https://app.example.com"
    );
    // Once nothing is in flight the gateway exits, well before its
    // 20-second grace period (Pingora alone would sleep all of it).
    let status = gw
        .wait_exit(Duration::from_secs(15))
        .expect("the gateway exits once idle");
    assert!(status.success(), "{status:?}");
    assert!(gw
        .wait_log(Duration::from_secs(2), |l| l
            .contains("no request in flight"))
        .is_some());
}

#[test]
fn graceful_shutdown_is_bounded_by_the_grace_period() {
    let up = Upstream::start();
    let policy = policy_file("grace-bound", "policy.toml", POLICY);
    let mut gw = Gateway::start(
        &up.url(),
        &policy,
        &["--grace", "1", "--upstream-timeout", "60"],
    );
    let addr = gw.addr;
    // A request the upstream never answers (for 30 s).
    let hung = std::thread::spawn(move || try_send_to(addr, b"GET", "/hang", &[]));
    let deadline = Instant::now() + Duration::from_secs(10);
    while up.count() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(up.count(), 1);
    gw.signal("TERM");
    // Bounded: the grace period is 1 s and the hung request would take 30.
    let status = gw
        .wait_exit(Duration::from_secs(12))
        .expect("the gateway exits within its grace period");
    assert!(status.success(), "{status:?}");
    assert!(gw
        .wait_log(Duration::from_secs(2), |l| l
            .contains("still in flight are dropped"))
        .is_some());
    assert!(hung.join().unwrap().is_err(), "the hung request was cut");
}
