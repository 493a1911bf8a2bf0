//! A tiny W3C WebDriver client: ChromeDriver as a child process, one
//! headless Chromium session, navigation, asynchronous scripts and the
//! browser console.

use super::http;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long one WebDriver command may take (a new session starts Chromium,
/// slow on a loaded two-core machine).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(90);

/// Chromium flags: headless, no sandbox (containers), and nothing that talks
/// to the network on its own or caches between runs.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-default-browser-check",
];

/// ChromeDriver, killed on drop.
pub struct ChromeDriver {
    child: Child,
    authority: String,
}

impl ChromeDriver {
    /// Starts `chromedriver --port=0` and reads the port it reports.
    pub fn start(binary: &Path) -> Result<Self, String> {
        let mut command = Command::new(binary);
        command
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // "ChromeDriver was started successfully on port 35237."
                if let Some(rest) = line.split(" on port ").nth(1) {
                    if line.contains("started successfully") {
                        let port = rest.trim_end_matches('.').trim().parse::<u16>().ok();
                        let _ = tx.send(port);
                    }
                }
                // Keep draining so ChromeDriver never blocks on a full pipe.
            }
        });
        let mut driver = ChromeDriver {
            child,
            authority: String::new(),
        };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(port)) => driver.authority = format!("127.0.0.1:{port}"),
            Ok(None) => return Err("ChromeDriver reported an unreadable port".into()),
            Err(_) => return Err("ChromeDriver did not report its port within 30 s".into()),
        }
        Ok(driver)
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let response = http::send(
            &self.authority,
            method,
            path,
            &[("Content-Type", "application/json; charset=utf-8")],
            body.as_bytes(),
            COMMAND_TIMEOUT,
        )?;
        let json: Value = serde_json::from_slice(&response.body).map_err(|e| {
            format!(
                "WebDriver {method} {path}: HTTP {} with a body that is not JSON ({e}): {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )
        })?;
        let value = json.get("value").cloned().unwrap_or(Value::Null);
        if response.status != 200 {
            let error = value.get("error").and_then(Value::as_str).unwrap_or("?");
            let message = value.get("message").and_then(Value::as_str).unwrap_or("?");
            let message = message.lines().next().unwrap_or_default();
            return Err(format!(
                "WebDriver {method} {path}: HTTP {} {error}: {message}",
                response.status
            ));
        }
        Ok(value)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // A session that never came up (a timeout) leaves its browser
        // running: stop the driver's children too, by process id.
        let children = children_of(self.child.id());
        if !children.is_empty() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .args(children.iter().map(u32::to_string))
                .stderr(Stdio::null())
                .status();
            // Let them go before the profile directory is removed.
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while children.iter().any(|&pid| running(pid)) && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `PID (COMM) STATE PPID ...` from `/proc`, split after COMM (which may
/// hold spaces and parentheses).
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// Alive and not a zombie.
fn running(pid: u32) -> bool {
    stat_fields(pid).is_some_and(|f| f.first().is_some_and(|state| state != "Z"))
}

/// The processes whose parent is `pid` (Linux `/proc`; none elsewhere).
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&candidate| {
            stat_fields(candidate)
                .and_then(|f| f.get(1)?.parse::<u32>().ok())
                .is_some_and(|parent| parent == pid)
        })
        .collect()
}

/// One browser session; deleting it (on drop) closes Chromium, then
/// ChromeDriver is stopped.
pub struct Session {
    id: String,
    driver: ChromeDriver,
    /// Whether `goog:loggingPrefs` works and the console can be read.
    pub console_available: bool,
    /// `browserVersion` from the new session's capabilities.
    pub version: String,
}

impl Session {
    pub fn start(
        driver: ChromeDriver,
        chromium: &Path,
        user_data_dir: &Path,
    ) -> Result<Self, String> {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", user_data_dir.display()));
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "script": 30_000, "pageLoad": 30_000, "implicit": 0 },
                    "goog:loggingPrefs": { "browser": "ALL" },
                    "goog:chromeOptions": {
                        "binary": chromium.display().to_string(),
                        "args": args,
                    },
                }
            }
        });
        let value = driver.command("POST", "/session", Some(capabilities))?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("new session without an id: {value}"))?
            .to_string();
        let version = value
            .pointer("/capabilities/browserVersion")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let mut session = Session {
            id,
            driver,
            console_available: false,
            version,
        };
        session.console_available = session.console().is_ok();
        Ok(session)
    }

    pub fn navigate(&self, url: &str) -> Result<(), String> {
        self.driver
            .command(
                "POST",
                &format!("/session/{}/url", self.id),
                Some(json!({ "url": url })),
            )
            .map(drop)
    }

    /// Runs `script` with `args`; the script calls its last argument with
    /// its result.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.driver.command(
            "POST",
            &format!("/session/{}/execute/async", self.id),
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Console messages since the last call (ChromeDriver clears them).
    pub fn console(&self) -> Result<Vec<String>, String> {
        let value = self.driver.command(
            "POST",
            &format!("/session/{}/se/log", self.id),
            Some(json!({ "type": "browser" })),
        )?;
        let entries = value
            .as_array()
            .ok_or_else(|| format!("console log is not a list: {value}"))?;
        Ok(entries
            .iter()
            .filter_map(|e| e.get("message").and_then(Value::as_str))
            .map(str::to_string)
            .collect())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self
            .driver
            .command("DELETE", &format!("/session/{}", self.id), None);
    }
}
