//! Real backends and a real browser: Django, FastAPI and Flask apps with no
//! CORS code of their own (`tests/backends/`), each behind the gateway,
//! called by headless Chromium from another origin.
//!
//! The page is served on `http://localhost:P`; the gateway is called as
//! `http://localhost:G` (same site, another origin, so a `SameSite=Lax`
//! session cookie set through a credentialed `fetch` comes back on the
//! next one). The denied origin is `http://127.0.0.1:P`.
//!
//! Needs Chromium, ChromeDriver and a Python with django, fastapi,
//! uvicorn and flask: `GATEWAY_TEST_PYTHON`, or the venv that
//! `gateway/test-backends.sh` creates in `target/gateway-venv`. Without
//! them the test prints a loud SKIPPED and passes, unless `CI=true`, where
//! it fails.

#[allow(dead_code)]
#[path = "../../tests/browser/http.rs"]
mod http;
#[allow(dead_code)]
#[path = "../../tests/browser/servers.rs"]
mod servers;
#[allow(dead_code)]
#[path = "../../tests/browser/webdriver.rs"]
mod webdriver;

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use servers::{PageServer, TempDir};
use support::{dead_addr, Gateway};
use webdriver::{ChromeDriver, Session};

const FRAMEWORKS: &[&str] = &["django", "fastapi", "flask"];

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Fails under CI; elsewhere says loudly that nothing ran.
fn missing(what: &str) {
    if on_ci() {
        panic!("{what}; CI=true, so a missing tool is a failure");
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n{0}\n!!! SKIPPED: {what}\n!!! The gateway's real-backend browser scenarios did NOT run.\n\
         !!! Run gateway/test-backends.sh to install what they need.\n{0}\n",
        "!".repeat(78)
    );
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/local/bin")])
        .collect();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A Python that can import every backend's framework.
fn python() -> Result<PathBuf, String> {
    let candidate = match std::env::var_os("GATEWAY_TEST_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/gateway-venv/bin/python"),
    };
    let check = Command::new(&candidate)
        .args(["-c", "import django, fastapi, uvicorn, flask"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("no Python at {} ({e})", candidate.display()))?;
    if !check.status.success() {
        return Err(format!(
            "{} cannot import django, fastapi, uvicorn and flask: {}",
            candidate.display(),
            String::from_utf8_lossy(&check.stderr).trim()
        ));
    }
    Ok(candidate)
}

/// One backend app, killed on drop.
struct Backend {
    child: Child,
    url: String,
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Backend {
    fn start(python: &Path, framework: &str) -> Result<Backend, String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backends");
        let mut child = Command::new(python)
            .arg("serve.py")
            .arg(framework)
            .current_dir(&dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {framework}: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                return Err(format!("{framework} did not start: {other:?}"));
            }
        };
        let url = line
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("{framework} printed {line:?}"))?
            .to_owned();
        Ok(Backend { child, url })
    }
}

/// `fetch(url, init)` in the page; what the script could see.
const FETCH: &str = r#"
const done = arguments[arguments.length - 1];
fetch(arguments[0], arguments[1]).then(
  async (r) => done({ status: r.status, body: await r.text(),
                     total: r.headers.get('x-total-count'), error: null }),
  (e) => done({ status: null, error: String(e) }));
"#;

fn fetch(session: &Session, url: &str, init: Value) -> Value {
    session
        .execute_async(FETCH, vec![json!(url), init])
        .unwrap_or_else(|e| json!({ "status": null, "error": format!("webdriver: {e}") }))
}

fn policy(page_port: u16) -> String {
    format!(
        r#"
allowed_origins = ["http://localhost:{page_port}"]
allowed_methods = ["GET", "PUT", "POST"]
allowed_headers = ["content-type", "x-custom"]
exposed_headers = ["x-total-count"]
allow_credentials = true
max_age = 0
"#
    )
}

/// Runs every scenario for one framework; returns the problems.
fn scenarios(
    session: &Session,
    framework: &str,
    gw: &mut Gateway,
    down: &Gateway,
    page_port: u16,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |what: &str, got: &Value, ok: bool| {
        println!("  {framework:8} {what:40} {got}");
        if !ok {
            problems.push(format!("[{framework}] {what}: got {got}"));
        }
    };
    let api = format!("http://localhost:{}", gw.addr.port());
    let status = |v: &Value| v["status"].as_u64();
    let body = |v: &Value| v["body"].as_str().unwrap_or("").to_owned();

    session
        .navigate(&format!("http://localhost:{page_port}/"))
        .unwrap_or_else(|e| panic!("{e}"));

    let r = fetch(session, &format!("{api}/api/hello"), json!({}));
    let ok = status(&r) == Some(200) && body(&r).contains(framework) && r["total"] == "42";
    expect("allowed GET, exposed header readable", &r, ok);

    let r = fetch(
        session,
        &format!("{api}/api/items"),
        json!({ "method": "PUT", "body": "{}",
                "headers": { "Content-Type": "application/json", "X-Custom": "hi" } }),
    );
    let ok = status(&r) == Some(200) && body(&r).contains("hi") && body(&r).contains("PUT");
    expect("preflighted PUT with a custom header", &r, ok);
    let preflight = gw.wait_log(Duration::from_secs(5), |l| {
        l.starts_with("OPTIONS /api/items ") && l.contains("decision=preflight/allowed")
    });
    let answered_by_gateway = preflight
        .as_deref()
        .is_some_and(|l| l.contains("upstream=-"));
    expect(
        "the preflight was answered by the gateway",
        &json!(preflight),
        answered_by_gateway,
    );

    let init = json!({ "credentials": "include" });
    let r = fetch(session, &format!("{api}/api/login"), init.clone());
    expect(
        "credentialed login sets a cookie",
        &r,
        status(&r) == Some(200),
    );
    let r = fetch(session, &format!("{api}/api/whoami"), init);
    let ok = status(&r) == Some(200) && body(&r).contains(&format!("{framework}-user"));
    expect("the session cookie comes back", &r, ok);

    let r = fetch(session, &format!("{api}/api/boom"), json!({}));
    expect("an app 500 is seen as a 500", &r, status(&r) == Some(500));

    let r = fetch(
        session,
        &format!("http://localhost:{}/api/hello", down.addr.port()),
        json!({}),
    );
    expect(
        "upstream down is seen as a 502",
        &r,
        status(&r) == Some(502),
    );

    // Another origin: the request reaches the app (CORS is not access
    // control) but the browser withholds the answer.
    session
        .navigate(&format!("http://127.0.0.1:{page_port}/"))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = fetch(session, &format!("{api}/api/hello"), json!({}));
    let blocked =
        r["status"].is_null() && r["error"].as_str().is_some_and(|e| e.contains("TypeError"));
    expect("denied origin is blocked by the browser", &r, blocked);
    let denied = gw.wait_log(Duration::from_secs(5), |l| {
        l.starts_with("GET /api/hello ") && l.contains("decision=actual/denied")
    });
    expect(
        "the denied request reached the app (status 200)",
        &json!(denied),
        denied.as_deref().is_some_and(|l| l.contains("status=200")),
    );
    problems
}

#[test]
fn chromium_through_the_gateway_to_django_fastapi_and_flask() {
    let chromium = find_program(&["chromium", "chromium-browser"]);
    let chromedriver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        missing("chromium and/or chromedriver not found (Debian: apt-get install chromium chromium-driver)");
        return;
    };
    let python = match python() {
        Ok(p) => p,
        Err(e) => {
            missing(&e);
            return;
        }
    };

    let tmp = TempDir::new("cors-gateway-browser").unwrap_or_else(|e| panic!("{e}"));
    let page = PageServer::start().unwrap_or_else(|e| panic!("{e}"));
    let policy_path = tmp.path().join("policy.toml");
    std::fs::write(&policy_path, policy(page.port)).unwrap();
    let down = Gateway::start(&format!("http://{}", dead_addr()), &policy_path, &[]);

    let driver = ChromeDriver::start(&chromedriver).unwrap_or_else(|e| panic!("{e}"));
    let session = Session::start(driver, &chromium, &tmp.path().join("profile"))
        .unwrap_or_else(|e| panic!("cannot start headless Chromium: {e}"));
    println!("Chromium {} through cors-gateway:", session.version);

    let mut problems = Vec::new();
    for framework in FRAMEWORKS {
        let backend = match Backend::start(&python, framework) {
            Ok(b) => b,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let mut gw = Gateway::start(&backend.url, &policy_path, &[]);
        problems.extend(scenarios(&session, framework, &mut gw, &down, page.port));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
