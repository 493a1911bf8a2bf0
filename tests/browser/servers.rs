//! The two sides of every scenario: a static page server (the calling
//! origin) and the example server under test (the called origin), plus a
//! temporary directory for policy files and the browser profile.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A directory under the system temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self, String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Serves the same blank HTML page for every path on `127.0.0.1:port`, so
/// `http://localhost:port` and `http://*.localhost:port` (which Chromium
/// resolves to loopback itself) are all page origins.
///
/// One thread per connection: Chromium opens speculative connections that
/// never send a request, and a serial server would stall behind them.
pub struct PageServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

const PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
<title>cors-engine browser test</title><link rel=\"icon\" href=\"data:,\"></head>\
<body>page</body></html>";

impl PageServer {
    pub fn start() -> Result<Self, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("page server: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    std::thread::spawn(move || serve_page(stream));
                }
            }
        });
        Ok(PageServer { port, stop })
    }
}

fn serve_page(mut stream: TcpStream) {
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
         Cache-Control: no-store\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
        PAGE.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Builds `examples/server.rs` with every feature and returns the
/// executable's path, as Cargo reports it (which honours
/// `CARGO_TARGET_DIR` and any build configuration).
pub fn build_example_server() -> Result<PathBuf, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--all-features", "--example", "server"])
        .args([
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(&manifest)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo build --all-features --example server` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "server")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built no `server` executable".to_string())
}

/// The example server running one policy; killed on drop.
pub struct ApiServer {
    child: Child,
    /// `http://127.0.0.1:PORT`, from its `listening on` line.
    pub origin: String,
    pub authority: String,
    log: Arc<Mutex<Vec<String>>>,
    stdout: mpsc::Receiver<String>,
}

impl ApiServer {
    /// Starts `server --addr 127.0.0.1:0 --policy FILE` and waits for its
    /// single `listening on http://HOST:PORT` line.
    pub fn start(binary: &Path, policy: &Path) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .args(["--addr", "127.0.0.1:0", "--policy"])
            .arg(policy)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = ApiServer {
            child,
            origin: String::new(),
            authority: String::new(),
            log,
            stdout,
        };
        let first = server.stdout.recv_timeout(Duration::from_secs(60));
        let line = match first {
            Ok(line) => line,
            Err(_) => {
                // Give stderr a moment to arrive for the message.
                std::thread::sleep(Duration::from_millis(200));
                let status = server.child.try_wait().ok().flatten();
                return Err(format!(
                    "the server printed no `listening on` line (exit status {status:?}); stderr:\n{}",
                    server.log_since(0).join("\n")
                ));
            }
        };
        let authority = line
            .strip_prefix("listening on http://")
            .filter(|a| a.starts_with("127.0.0.1:") && a[10..].parse::<u16>().is_ok_and(|p| p != 0))
            .ok_or_else(|| {
                format!("first stdout line is {line:?}, not `listening on http://127.0.0.1:PORT`")
            })?;
        server.authority = authority.to_string();
        server.origin = format!("http://{authority}");
        Ok(server)
    }

    pub fn log_len(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    pub fn log_since(&self, start: usize) -> Vec<String> {
        self.log.lock().unwrap()[start..].to_vec()
    }

    /// Waits until at least `count` lines follow `start` (or `timeout`),
    /// then a little longer for lines that should not be there.
    pub fn wait_for_log(&self, start: usize, count: usize, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        while self.log_len() < start + count && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        self.log_since(start)
    }

    /// Lines printed on stdout after the `listening on` line (there must be
    /// none).
    pub fn extra_stdout(&self) -> Vec<String> {
        self.stdout.try_iter().collect()
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
