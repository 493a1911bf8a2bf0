//! What the gateway's integration tests share: a tiny upstream whose
//! answer depends on the path, the gateway binary started in front of it,
//! and policy files in a directory of their own per test.
//!
//! Every server listens on 127.0.0.1 port 0; every wait is bounded.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

// The raw HTTP/1.1 client (and the shared spec table it runs) are the
// crate's own test suite's.
#[path = "../../../tests/common/spec.rs"]
pub mod spec;

#[path = "../../../tests/common/http_table.rs"]
pub mod http_table;

#[allow(unused_imports)] // each test binary uses some of them
pub use http_table::{send_to, try_send_to, Response};

/// How long the gateway may take to print its `listening on` line.
const STARTUP: Duration = Duration::from_secs(30);

/// The upstream: answers by path, counts and records what reached it.
///
/// * any path not below: the DESIGN §5 application (`200 ok`,
///   `X-Handler: app`, `Vary: Accept-Encoding`, `X-Total-Count: 42`);
/// * `/error`: `500` with the same headers and the body `boom`;
/// * `/upstream-cors`: `200` carrying the upstream's own CORS headers;
/// * `/vary-origin`: `200` with `Vary: Origin, Accept-Encoding`;
/// * `/slow`: the application's answer after one second;
/// * `/hang`: reads the request and never answers (for 30 s);
/// * `/reset`: resets the connection without answering;
/// * `/garbage`: answers bytes that are not HTTP.
pub struct Upstream {
    pub addr: SocketAddr,
    count: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Upstream {
    pub fn start() -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the upstream");
        let addr = listener.local_addr().expect("upstream address");
        let count = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (c, s) = (Arc::clone(&count), Arc::clone(&seen));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (c, s) = (Arc::clone(&c), Arc::clone(&s));
                std::thread::spawn(move || serve(stream, &c, &s));
            }
        });
        Upstream { addr, count, seen }
    }

    /// Requests that reached the upstream so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// `METHOD PATH` of each request that reached the upstream.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// An address nothing listens on (bound, then closed).
pub fn dead_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

const APP_HEADERS: &str = "X-Handler: app\r\nVary: Accept-Encoding\r\nX-Total-Count: 42\r\n";

fn serve(mut stream: TcpStream, count: &AtomicUsize, seen: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Some(request_line) = read_request(&mut stream) else {
        return;
    };
    count.fetch_add(1, Ordering::SeqCst);
    seen.lock().unwrap().push(request_line.clone());
    let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    let answer = |status: &str, extra: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let response = match path.as_str() {
        "/error" => answer("500 Internal Server Error", APP_HEADERS, "boom"),
        "/upstream-cors" => answer(
            "200 OK",
            &format!(
                "{APP_HEADERS}Access-Control-Allow-Origin: *\r\n\
                 Access-Control-Allow-Credentials: true\r\n\
                 Access-Control-Expose-Headers: x-secret\r\n\
                 Access-Control-Max-Age: 99\r\n"
            ),
            "ok",
        ),
        "/vary-origin" => answer(
            "200 OK",
            "X-Handler: app\r\nVary: Origin, Accept-Encoding\r\nX-Total-Count: 42\r\n",
            "ok",
        ),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(1));
            answer("200 OK", APP_HEADERS, "ok")
        }
        "/hang" => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        "/reset" => {
            // SO_LINGER 0: closing sends RST instead of FIN.
            let sock = socket2::SockRef::from(&stream);
            let _ = sock.set_linger(Some(Duration::ZERO));
            return;
        }
        "/garbage" => "this is not HTTP at all\r\n\r\n".to_owned(),
        _ => answer("200 OK", APP_HEADERS, "ok"),
    };
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    // Let the gateway read everything before the socket closes.
    let mut rest = [0u8; 512];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    while matches!(stream.read(&mut rest), Ok(n) if n > 0) {}
}

/// Reads one request (head and `Content-Length` body); its request line.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut have = buf.len() - head_end;
    while have < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        have += n;
    }
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    Some(format!("{} {}", parts.next()?, parts.next()?))
}

/// A unique directory for one test's policy file (the gateway watches the
/// file's directory; tests must not see each other's writes).
pub fn scratch_dir(test: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "cors-gateway-tests-{}-{}-{test}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}

/// Writes `text` to `name` in a fresh scratch directory.
pub fn policy_file(test: &str, name: &str, text: &str) -> PathBuf {
    let path = scratch_dir(test).join(name);
    std::fs::write(&path, text).expect("write the policy file");
    path
}

/// Replaces the file at `path` the way editors and ConfigMaps do: write a
/// sibling, rename it over.
pub fn replace_file(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp-write");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// The policy most tests use.
pub const POLICY: &str = r#"
allowed_origins = ["https://app.example.com"]
allowed_methods = ["GET", "POST", "PUT", "DELETE"]
allowed_headers = ["content-type", "x-custom"]
exposed_headers = ["x-total-count"]
allow_credentials = true
max_age = 600
"#;

/// The gateway binary, running.
pub struct Gateway {
    child: Child,
    pub addr: SocketAddr,
    log: mpsc::Receiver<String>,
    /// Every stderr line read so far.
    pub lines: Vec<String>,
    stdout: mpsc::Receiver<Option<std::io::Result<String>>>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Removes every `CORS_*` variable of the test's own environment from a
/// command: the gateway reads them as policy, and a test must see only
/// the policy it gives.
trait EnvClearCors {
    fn env_clear_cors(&mut self) -> &mut Self;
}

impl EnvClearCors for Command {
    fn env_clear_cors(&mut self) -> &mut Self {
        for (name, _) in std::env::vars_os() {
            if name.to_str().is_some_and(|n| n.starts_with("CORS_")) {
                self.env_remove(name);
            }
        }
        self
    }
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_cors-gateway")
}

impl Gateway {
    /// Starts the gateway in front of `upstream` with the policy at
    /// `policy` and `extra` flags; waits for `listening on`.
    pub fn start(upstream: &str, policy: &Path, extra: &[&str]) -> Gateway {
        let policy = policy.to_str().expect("UTF-8 path");
        let mut args = vec!["--policy", policy];
        args.extend_from_slice(extra);
        Gateway::start_with(upstream, &args, &[])
    }

    /// Starts the gateway with `args` (no `--policy` added) and `env` set.
    pub fn start_with(upstream: &str, args: &[&str], env: &[(&str, &str)]) -> Gateway {
        let mut child = Command::new(binary())
            .args([
                "--upstream",
                upstream,
                "--listen",
                "127.0.0.1:0",
                "--threads",
                "1",
            ])
            .args(args)
            .env_clear_cors()
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cors-gateway");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next();
            let _ = tx.send(first);
            // Anything more on stdout breaks the one-line contract: kept
            // for `Gateway::more_stdout` to report.
            for line in lines.map_while(Result::ok) {
                let _ = tx.send(Some(Ok(line)));
            }
        });
        let log = lines_of(child.stderr.take().unwrap());
        let first = match rx.recv_timeout(STARTUP) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                let rest: Vec<String> = log.try_iter().collect();
                panic!(
                    "no listening line ({other:?}); stderr:\n{}",
                    rest.join("\n")
                );
            }
        };
        let addr = first
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first stdout line is {first:?}"))
            .parse::<SocketAddr>()
            .unwrap_or_else(|e| panic!("{first:?}: {e}"));
        assert_ne!(addr.port(), 0, "the real port is printed");
        Gateway {
            child,
            addr,
            log,
            lines: Vec::new(),
            stdout: rx,
        }
    }

    /// Lines printed on stdout after `listening on` (there must be none).
    pub fn more_stdout(&self) -> Vec<String> {
        self.stdout
            .try_iter()
            .filter_map(|l| l.and_then(Result::ok))
            .collect()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Collects stderr lines until one satisfies `want` or `limit` passes.
    pub fn wait_log(&mut self, limit: Duration, want: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(line) = self.lines.iter().find(|l| want(l)) {
                return Some(line.clone());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.log.recv_timeout(left) {
                Ok(line) => self.lines.push(line),
                Err(_) => return None,
            }
        }
    }

    /// Waits at most `limit` for the process to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// `method path` through the gateway with `lines`.
    pub fn send(&self, method: &str, path: &str, lines: &[(&str, &[u8])]) -> Response {
        send_to(self.addr, method.as_bytes(), path, lines)
    }
}

fn lines_of(stderr: ChildStderr) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stderr);
        let mut raw = Vec::new();
        // Raw bytes, so that a non-UTF-8 log line is seen (and fails the
        // escaping test) rather than dropped.
        while matches!(reader.read_until(b'\n', &mut raw), Ok(n) if n > 0) {
            let line = String::from_utf8_lossy(&raw).trim_end().to_owned();
            if tx.send(line).is_err() {
                break;
            }
            raw.clear();
        }
    });
    rx
}

/// Runs the gateway binary to completion with `args` (for start-up errors).
pub fn run_to_exit(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(binary())
        .args(args)
        .env_clear_cors()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cors-gateway");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("cors-gateway {args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when refusing to start"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub const ORIGIN: &[u8] = b"https://app.example.com";
pub const EVIL: &[u8] = b"https://evil.example.com";

/// The value of `name` as text (panics when absent).
pub fn header(r: &Response, name: &str) -> String {
    let v = r
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", r.headers));
    String::from_utf8_lossy(v).into_owned()
}

/// Every `Vary` element of a response, in order.
pub fn vary(r: &Response) -> Vec<String> {
    r.get_all("vary")
        .flat_map(|line| {
            String::from_utf8_lossy(line)
                .split(',')
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The names of the `Access-Control-*` headers of a response.
pub fn cors_names(r: &Response) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(n, _)| n.starts_with("access-control-"))
        .map(|(n, _)| n.as_str())
        .collect()
}
