//! A real browser enforces what the example server decides (DESIGN §6).
//!
//! The example server (`examples/server.rs`, through the `tower` adapter)
//! runs one policy per scenario group on `http://127.0.0.1:PORT`; a static
//! page server in this test answers on `http://localhost:P`,
//! `http://localhost:P2` and subdomains such as `http://app.localhost:P`
//! (Chromium resolves `*.localhost` to loopback itself). Headless Chromium,
//! driven over ChromeDriver's W3C WebDriver protocol, loads a page from one
//! of those origins and `fetch`es the server. Allowed calls must succeed
//! with body `ok` and exactly the headers the policy exposes readable;
//! denied calls must be rejected by the browser itself (a `TypeError` and a
//! "blocked by CORS policy" console message). The server's request log
//! shows, for every scenario, which requests reached it and what it decided,
//! so a denial is known to come from the browser's CORS check, not from a
//! network failure.
//!
//! Without Chromium or ChromeDriver the test prints SKIPPED and passes,
//! unless `CI=true`, where it fails. `cargo test --all-features --test
//! browser -- --nocapture` shows the table of scenarios.
#![cfg(all(feature = "tower", feature = "serde"))]

#[path = "browser/http.rs"]
mod http;
#[path = "browser/servers.rs"]
mod servers;
#[path = "browser/webdriver.rs"]
mod webdriver;

use serde_json::{json, Value};
use servers::{ApiServer, PageServer, TempDir};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use webdriver::{ChromeDriver, Session};

/// Which page origin a scenario's `fetch` comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    /// `http://localhost:P`
    Localhost,
    /// `http://localhost:P2`
    LocalhostP2,
    /// `http://app.localhost:P`
    App,
    /// `http://app.localhost:P2`
    AppP2,
    /// `http://a.b.localhost:P`
    Deep,
    /// `http://x.app.localhost:P`
    SubApp,
    /// `http://x.app.localhost:P2`
    SubAppP2,
    /// `http://a.b.app.localhost:P`
    DeepSubApp,
}

#[derive(Clone, Copy)]
struct Ports {
    p: u16,
    p2: u16,
}

impl Ports {
    fn origin(self, page: Page) -> String {
        match page {
            Page::Localhost => format!("http://localhost:{}", self.p),
            Page::LocalhostP2 => format!("http://localhost:{}", self.p2),
            Page::App => format!("http://app.localhost:{}", self.p),
            Page::AppP2 => format!("http://app.localhost:{}", self.p2),
            Page::Deep => format!("http://a.b.localhost:{}", self.p),
            Page::SubApp => format!("http://x.app.localhost:{}", self.p),
            Page::SubAppP2 => format!("http://x.app.localhost:{}", self.p2),
            Page::DeepSubApp => format!("http://a.b.app.localhost:{}", self.p),
        }
    }
}

/// The `fetch` a scenario makes.
#[derive(Clone)]
struct Fetch {
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<&'static str>,
    /// `credentials: 'include'` (otherwise the default, `same-origin`,
    /// which sends none cross-origin).
    credentials: bool,
}

impl Fetch {
    fn new(method: &'static str) -> Self {
        Fetch {
            method,
            headers: Vec::new(),
            body: None,
            credentials: false,
        }
    }
    fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }
    fn body(mut self, body: &'static str) -> Self {
        self.body = Some(body);
        self
    }
    fn credentials(mut self) -> Self {
        self.credentials = true;
        self
    }
    fn describe(&self) -> String {
        let mut text = self.method.to_string();
        for (name, _) in &self.headers {
            let _ = write!(text, " +{}", name.to_ascii_lowercase());
        }
        if self.credentials {
            text.push_str(" creds");
        }
        text
    }
}

enum Expect {
    /// The script reads status 200 and body `ok`, and these response
    /// headers with these values (`None`: not readable, `get` gives null).
    Allowed(&'static [(&'static str, Option<&'static str>)]),
    /// `fetch` rejects with a `TypeError`: the browser withheld the
    /// response, for this reason (checked against its console message).
    Blocked(Why),
}

/// Why the browser blocks a response (or a preflight).
#[derive(Clone, Copy, Debug)]
enum Why {
    /// No `Access-Control-Allow-Origin` (the server denied the origin, or
    /// denied the preflight, which carries no CORS header then).
    NoOrigin,
    /// A credentialed request without `Access-Control-Allow-Credentials: true`.
    Credentials,
    /// A credentialed request answered `Access-Control-Allow-Origin: *`.
    Wildcard,
}

impl Why {
    /// Whether Chromium's console message names this reason. Only header
    /// names are relied on, not the wording around them.
    fn matches(self, message: &str) -> bool {
        let acao = message.contains("'Access-Control-Allow-Origin'");
        let wildcard = message.contains("'*'");
        match self {
            Why::NoOrigin => acao && !wildcard,
            Why::Credentials => message.contains("'Access-Control-Allow-Credentials'"),
            Why::Wildcard => acao && wildcard,
        }
    }
}

/// What the server must log for a scenario: one line per request that
/// reaches it, in order: (method, decision), the decision being
/// `preflight allowed`, `actual denied` and so on.
type Reaches = &'static [(&'static str, &'static str)];

const GET_ALLOWED: Reaches = &[("GET", "actual allowed")];
/// The handler still runs for a denied actual request (DESIGN 3.3).
const GET_DENIED: Reaches = &[("GET", "actual denied")];
const PREFLIGHT_DENIED: Reaches = &[("OPTIONS", "preflight denied")];
/// The server allows the preflight; the browser still refuses it.
const PREFLIGHT_ONLY: Reaches = &[("OPTIONS", "preflight allowed")];

/// A preflight and then the actual request, both allowed.
fn via_preflight(method: &str) -> Reaches {
    match method {
        "PUT" => &[("OPTIONS", "preflight allowed"), ("PUT", "actual allowed")],
        "DELETE" => &[
            ("OPTIONS", "preflight allowed"),
            ("DELETE", "actual allowed"),
        ],
        "POST" => &[("OPTIONS", "preflight allowed"), ("POST", "actual allowed")],
        "*" => &[("OPTIONS", "preflight allowed"), ("*", "actual allowed")],
        _ => &[("OPTIONS", "preflight allowed"), ("GET", "actual allowed")],
    }
}

struct Scenario {
    name: &'static str,
    page: Page,
    fetch: Fetch,
    expect: Expect,
    reaches: Reaches,
}

fn scenario(
    name: &'static str,
    page: Page,
    fetch: Fetch,
    expect: Expect,
    reaches: Reaches,
) -> Scenario {
    Scenario {
        name,
        page,
        fetch,
        expect,
        reaches,
    }
}

/// One policy (one server process) and the scenarios run against it.
struct Group {
    name: &'static str,
    policy: String,
    scenarios: Vec<Scenario>,
    /// A preflight sent directly (not by the browser) for this allowed
    /// origin and method must be answered with this status.
    preflight_status: Option<(Page, &'static str, u16)>,
}

const EXPOSED: &[(&str, Option<&str>)] = &[("x-total-count", Some("42")), ("x-handler", None)];
const ALL_EXPOSED: &[(&str, Option<&str>)] =
    &[("x-total-count", Some("42")), ("x-handler", Some("app"))];
const NOT_EXPOSED: &[(&str, Option<&str>)] = &[("x-total-count", None), ("x-handler", None)];

#[rustfmt::skip] // one scenario a line reads as a table
fn groups(ports: Ports) -> Vec<Group> {
    use Expect::{Allowed, Blocked};
    use Why::*;
    use Page::*;
    let (p, p2) = (ports.p, ports.p2);
    let get = || Fetch::new("GET");
    let put = || Fetch::new("PUT").body("x");
    // No policy lists GET, HEAD or POST: they are always allowed, and
    // listing them is a warning the server would print (DESIGN §3.9).
    vec![
        Group {
            name: "exact-origin",
            policy: format!(r#"
allowed_origins = ["http://localhost:{p}"]
allowed_origin_regexes = []
allowed_methods = ["PUT", "DELETE"]
allowed_headers = ["x-custom", "content-type"]
exposed_headers = ["x-total-count"]
allow_credentials = false
allow_private_network = false
"#),
            scenarios: vec![
                scenario("simple GET, origin allowed", Localhost, get(), Allowed(EXPOSED), GET_ALLOWED),
                scenario("simple GET, same host other port", LocalhostP2, get(), Blocked(NoOrigin), GET_DENIED),
                scenario("simple GET, other host same port", App, get(), Blocked(NoOrigin), GET_DENIED),
                scenario("PUT via preflight", Localhost, put(), Allowed(EXPOSED), via_preflight("PUT")),
                scenario("DELETE via preflight", Localhost, Fetch::new("DELETE"), Allowed(EXPOSED), via_preflight("DELETE")),
                scenario("PATCH not allowed", Localhost, Fetch::new("PATCH").body("x"), Blocked(NoOrigin), PREFLIGHT_DENIED),
                scenario("PUT from an origin not allowed", LocalhostP2, put(), Blocked(NoOrigin), PREFLIGHT_DENIED),
                scenario("POST JSON (content-type allowed)", Localhost, Fetch::new("POST").header("Content-Type", "application/json").body("{}"), Allowed(EXPOSED), via_preflight("POST")),
                scenario("custom header allowed", Localhost, get().header("X-Custom", "1"), Allowed(EXPOSED), via_preflight("GET")),
                scenario("custom header not allowed", Localhost, get().header("X-Other", "1"), Blocked(NoOrigin), PREFLIGHT_DENIED),
                scenario("one of two headers not allowed", Localhost, get().header("X-Custom", "1").header("X-Other", "1"), Blocked(NoOrigin), PREFLIGHT_DENIED),
                scenario("credentials, policy without them", Localhost, get().credentials(), Blocked(Credentials), GET_ALLOWED),
                scenario("PUT + credentials, policy without", Localhost, put().credentials(), Blocked(Credentials), PREFLIGHT_ONLY),
            ],
            preflight_status: Some((Localhost, "PUT", 204)),
        },
        Group {
            name: "expose-all",
            policy: format!(r#"
allowed_origins = ["http://localhost:{p}"]
allowed_methods = []
exposed_headers = ["*"]
"#),
            scenarios: vec![
                scenario("every header readable", Localhost, get(), Allowed(ALL_EXPOSED), GET_ALLOWED),
            ],
            preflight_status: None,
        },
        Group {
            name: "credentials",
            policy: format!(r#"
allowed_origins = ["http://localhost:{p}"]
allowed_methods = ["PUT"]
allowed_headers = ["x-custom"]
exposed_headers = ["x-total-count"]
allow_credentials = true
max_age = 600
"#),
            scenarios: vec![
                scenario("GET with credentials", Localhost, get().credentials(), Allowed(EXPOSED), GET_ALLOWED),
                scenario("GET without credentials", Localhost, get(), Allowed(EXPOSED), GET_ALLOWED),
                scenario("PUT + header + credentials", Localhost, put().header("X-Custom", "1").credentials(), Allowed(EXPOSED), via_preflight("PUT")),
                scenario("DELETE + credentials not allowed", Localhost, Fetch::new("DELETE").credentials(), Blocked(NoOrigin), PREFLIGHT_DENIED),
                scenario("credentials, origin not allowed", App, get().credentials(), Blocked(NoOrigin), GET_DENIED),
            ],
            preflight_status: None,
        },
        Group {
            name: "any-origin",
            policy: r#"
allowed_origins = ["*"]
allowed_methods = ["PUT"]
allowed_headers = ["x-custom"]
exposed_headers = []
"#.to_string(),
            scenarios: vec![
                scenario("GET, nothing exposed", Localhost, get(), Allowed(NOT_EXPOSED), GET_ALLOWED),
                scenario("GET from another origin", AppP2, get(), Allowed(NOT_EXPOSED), GET_ALLOWED),
                scenario("PUT + header via preflight", Deep, put().header("X-Custom", "1"), Allowed(NOT_EXPOSED), via_preflight("PUT")),
                scenario("GET with credentials (ACAO *)", Localhost, get().credentials(), Blocked(Wildcard), GET_ALLOWED),
                scenario("PUT with credentials (ACAO *)", Localhost, put().credentials(), Blocked(Wildcard), PREFLIGHT_ONLY),
            ],
            preflight_status: None,
        },
        Group {
            // The pattern sits one label below `localhost`, so that both a
            // matching subdomain and a non-matching sibling can be tried.
            name: "subdomain-pattern",
            policy: format!(r#"
allowed_origins = ["http://*.app.localhost:{p}"]
allowed_methods = ["PUT"]
exposed_headers = ["x-total-count"]
"#),
            scenarios: vec![
                scenario("one label: x.app.localhost", SubApp, get(), Allowed(EXPOSED), GET_ALLOWED),
                scenario("two labels: a.b.app.localhost, PUT", DeepSubApp, put(), Allowed(EXPOSED), via_preflight("PUT")),
                scenario("apex app.localhost not matched", App, get(), Blocked(NoOrigin), GET_DENIED),
                scenario("apex app.localhost, PUT", App, put(), Blocked(NoOrigin), PREFLIGHT_DENIED),
                scenario("subdomain on another port", SubAppP2, get(), Blocked(NoOrigin), GET_DENIED),
                scenario("other subdomain of localhost", Deep, get(), Blocked(NoOrigin), GET_DENIED),
            ],
            preflight_status: None,
        },
        Group {
            name: "port-pattern",
            policy: r#"
allowed_origins = ["http://localhost:*", "http://*.app.localhost:*"]
allowed_methods = ["PUT"]
exposed_headers = ["x-total-count"]
"#.to_string(),
            scenarios: vec![
                scenario("localhost, first port", Localhost, get(), Allowed(EXPOSED), GET_ALLOWED),
                scenario("localhost, second port, PUT", LocalhostP2, put(), Allowed(EXPOSED), via_preflight("PUT")),
                scenario("subdomain and port pattern", SubAppP2, get(), Allowed(EXPOSED), GET_ALLOWED),
                scenario("apex of the subdomain pattern", AppP2, get(), Blocked(NoOrigin), GET_DENIED),
                scenario("apex of the subdomain pattern, PUT", App, put(), Blocked(NoOrigin), PREFLIGHT_DENIED),
            ],
            preflight_status: None,
        },
        Group {
            // The second regex matches only a prefix of `http://a.b.localhost:P`:
            // regexes must match the whole origin, so it allows nothing here.
            name: "regex",
            policy: r#"
allowed_origin_regexes = ['^http://[a-z]+\.localhost:[0-9]+$', 'http://a\.b\.localhost']
allowed_methods = ["PUT"]
exposed_headers = ["x-total-count"]
"#.to_string(),
            scenarios: vec![
                scenario("app.localhost:P2 matches", AppP2, get(), Allowed(EXPOSED), GET_ALLOWED),
                scenario("app.localhost:P matches, PUT", App, put(), Allowed(EXPOSED), via_preflight("PUT")),
                scenario("a.b.localhost: prefix match only", Deep, get(), Blocked(NoOrigin), GET_DENIED),
                scenario("localhost: no label", Localhost, get(), Blocked(NoOrigin), GET_DENIED),
                scenario("localhost: no label, PUT", Localhost, put(), Blocked(NoOrigin), PREFLIGHT_DENIED),
            ],
            preflight_status: None,
        },
        Group {
            // WPT `cors-preflight-star`: a script may use `*` as a method
            // name; an any-method policy allows it and echoes it, which the
            // browser accepts with and without credentials (DESIGN §3.4).
            name: "literal-star-credentials",
            policy: format!(r#"
allowed_origins = ["http://localhost:{p}"]
allowed_methods = ["*"]
allow_credentials = true
"#),
            scenarios: vec![
                scenario("method * with credentials", Localhost, Fetch::new("*").credentials(), Allowed(NOT_EXPOSED), via_preflight("*")),
                scenario("method * from an origin not allowed", LocalhostP2, Fetch::new("*").credentials(), Blocked(NoOrigin), PREFLIGHT_DENIED),
            ],
            preflight_status: Some((Localhost, "*", 204)),
        },
        Group {
            name: "literal-star",
            policy: format!(r#"
allowed_origins = ["http://localhost:{p}"]
allowed_methods = ["*"]
"#),
            scenarios: vec![
                scenario("method * without credentials", Localhost, Fetch::new("*"), Allowed(NOT_EXPOSED), via_preflight("*")),
            ],
            preflight_status: None,
        },
        Group {
            name: "preflight-200",
            policy: format!(r#"
allowed_origins = ["http://localhost:{p}", "http://localhost:{p2}"]
allowed_methods = ["PUT"]
allowed_headers = ["x-custom"]
preflight_success_status = 200
"#),
            scenarios: vec![
                scenario("PUT + header via a 200 preflight", LocalhostP2, put().header("X-Custom", "1"), Allowed(NOT_EXPOSED), via_preflight("PUT")),
                scenario("DELETE not allowed", Localhost, Fetch::new("DELETE"), Blocked(NoOrigin), PREFLIGHT_DENIED),
            ],
            preflight_status: Some((LocalhostP2, "PUT", 200)),
        },
    ]
}

/// Runs in the page: one `fetch`, reporting what a script can see.
const FETCH_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const spec = arguments[0];
const controller = new AbortController();
const timer = setTimeout(() => controller.abort(), spec.timeoutMs);
const init = { method: spec.method, headers: spec.headers, mode: 'cors',
               credentials: spec.credentials, signal: controller.signal };
if (spec.body !== null) init.body = spec.body;
fetch(spec.url, init).then(async (response) => {
  const body = await response.text();
  clearTimeout(timer);
  const read = {};
  for (const name of spec.read) read[name] = response.headers.get(name);
  done({ outcome: 'response', status: response.status, type: response.type,
         body, read, page: location.origin });
}).catch((error) => {
  clearTimeout(timer);
  done({ outcome: 'error', error: String(error && error.name) + ': ' +
         String(error && error.message), aborted: controller.signal.aborted,
         page: location.origin });
});
"#;

struct Row {
    id: String,
    page: String,
    request: String,
    expected: &'static str,
    observed: String,
    server: String,
    ok: bool,
}

fn run_scenario(
    session: &Session,
    server: &ApiServer,
    ports: Ports,
    group: &Group,
    index: usize,
    scenario: &Scenario,
) -> (Row, Vec<String>) {
    let id = format!("{}/{}", group.name, scenario.name);
    let page_origin = ports.origin(scenario.page);
    // A path of its own, so no preflight cache entry is shared.
    let path = format!("/s/{}/{}", group.name, index);
    let url = format!("{}{path}", server.origin);
    let mut problems = Vec::new();
    let mut observed = String::new();

    let start = server.log_len();
    let _ = session.console();
    let result = session
        .navigate(&format!("{page_origin}/page/{}/{index}", group.name))
        .and_then(|()| {
            let read: Vec<&str> = match scenario.expect {
                Expect::Allowed(read) => read.iter().map(|(n, _)| *n).collect(),
                Expect::Blocked(_) => vec!["x-total-count"],
            };
            let headers: serde_json::Map<String, Value> = scenario
                .fetch
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), json!(v)))
                .collect();
            session.execute_async(
                FETCH_SCRIPT,
                vec![json!({
                    "url": url,
                    "method": scenario.fetch.method,
                    "headers": headers,
                    "body": scenario.fetch.body,
                    "credentials": if scenario.fetch.credentials { "include" } else { "same-origin" },
                    "read": read,
                    "timeoutMs": 20_000,
                })],
            )
        });
    let console = if session.console_available {
        session.console().unwrap_or_default()
    } else {
        Vec::new()
    };
    let cors_message = console
        .iter()
        .find(|m| m.contains("blocked by CORS policy") && m.contains(&url))
        .map(|m| {
            let reason = m.split("blocked by CORS policy: ").nth(1).unwrap_or(m);
            reason.trim_end_matches('"').to_string()
        });

    match &result {
        Err(e) => problems.push(format!("WebDriver failed: {e}")),
        Ok(r) => {
            if r["page"] != json!(page_origin) {
                problems.push(format!(
                    "the script ran on {} instead of {page_origin}",
                    r["page"]
                ));
            }
            match (&scenario.expect, r["outcome"].as_str()) {
                (Expect::Allowed(read), Some("response")) => {
                    let mut seen = Vec::new();
                    for (name, want) in read.iter() {
                        let got = r["read"][name].as_str();
                        seen.push(format!("{name}={}", got.unwrap_or("null")));
                        if got != *want {
                            problems.push(format!(
                                "header {name}: script read {got:?}, expected {want:?}"
                            ));
                        }
                    }
                    observed = format!(
                        "{} {:?}, {}",
                        r["status"],
                        r["body"].as_str().unwrap_or("?"),
                        seen.join(" ")
                    );
                    if r["status"] != 200 || r["body"] != "ok" || r["type"] != "cors" {
                        problems.push(format!(
                            "expected a readable cors response 200 `ok`, got status {} type {} body {}",
                            r["status"], r["type"], r["body"]
                        ));
                    }
                }
                (Expect::Allowed(_), _) => {
                    observed = r["error"].as_str().unwrap_or("?").to_string();
                    problems.push(format!(
                        "expected the fetch to succeed, the browser rejected it: {} (console: {})",
                        r["error"],
                        cors_message.as_deref().unwrap_or("no CORS message")
                    ));
                }
                (Expect::Blocked(why), Some("error")) => {
                    observed = match &cors_message {
                        Some(message) => format!("blocked: {}", short_reason(message)),
                        None => format!("blocked: {}", r["error"].as_str().unwrap_or("?")),
                    };
                    if r["aborted"] == true {
                        problems.push("the fetch timed out instead of being blocked".into());
                    } else if !r["error"]
                        .as_str()
                        .unwrap_or_default()
                        .starts_with("TypeError")
                    {
                        problems.push(format!("expected a TypeError, got {}", r["error"]));
                    }
                    let by_preflight = scenario
                        .reaches
                        .first()
                        .is_some_and(|(m, _)| *m == "OPTIONS");
                    match (&cors_message, session.console_available) {
                        (Some(message), _) => {
                            if !why.matches(message) || message.contains("preflight") != by_preflight {
                                let what = if by_preflight { "the preflight" } else { "the response" };
                                problems.push(format!(
                                    "expected the browser to reject {what} for {why:?}, its console says: {message}"
                                ));
                            }
                        }
                        (None, true) => problems.push(format!(
                            "no \"blocked by CORS policy\" console message for {url}; console: {console:?}"
                        )),
                        (None, false) => {}
                    }
                }
                (Expect::Blocked(_), _) => {
                    observed = format!("{} {:?}", r["status"], r["body"].as_str().unwrap_or("?"));
                    problems.push(format!(
                        "expected the browser to block the fetch, the script read status {} body {} x-total-count {}",
                        r["status"], r["body"], r["read"]["x-total-count"]
                    ));
                }
            }
        }
    }

    // What reached the server, from its log: one `METHOD PATH: DECISION`
    // line per request.
    let lines = server.wait_for_log(start, scenario.reaches.len(), Duration::from_secs(5));
    let parsed: Vec<Option<LogLine>> = lines.iter().map(|l| LogLine::parse(l)).collect();
    let matches = lines.len() == scenario.reaches.len()
        && parsed
            .iter()
            .zip(scenario.reaches)
            .all(|(line, (method, decision))| {
                line.as_ref().is_some_and(|l| {
                    l.method == *method && l.path == path && l.decision_is(decision)
                })
            });
    if !matches {
        let expected: Vec<String> = scenario
            .reaches
            .iter()
            .map(|(m, d)| format!("{m} {path}: {d}"))
            .collect();
        problems.push(format!(
            "the server should have logged {expected:?}, it logged {lines:?}"
        ));
    }
    let server_seen: Vec<String> = parsed
        .iter()
        .zip(&lines)
        .map(|(parsed, raw)| match parsed {
            Some(l) => format!("{} {}", l.method, l.decision),
            None => raw.clone(),
        })
        .collect();

    let ok = problems.is_empty();
    let messages = problems
        .into_iter()
        .map(|p| {
            format!(
                "[{id}] from {page_origin}, {} {url}: {p}",
                scenario.fetch.describe()
            )
        })
        .collect();
    let row = Row {
        id,
        page: page_origin,
        request: scenario.fetch.describe(),
        expected: match scenario.expect {
            Expect::Allowed(_) => "allowed",
            Expect::Blocked(_) => "blocked",
        },
        observed,
        server: server_seen.join("; "),
        ok,
    };
    (row, messages)
}

/// Chromium's reason, shortened for the table.
fn short_reason(message: &str) -> String {
    let (preflight, reason) = match message.split_once("doesn't pass access control check: ") {
        Some((_, reason)) => ("preflight: ", reason),
        None => ("", message),
    };
    let reason = reason
        .replace("No 'Access-Control-Allow-Origin' header is present on the requested resource.", "no ACAO")
        .replace("The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true'", "ACAC is '' not 'true'")
        .replace("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*'", "ACAO is '*'")
        .replace(" when the request's credentials mode is 'include'.", " with credentials");
    format!("{preflight}{reason}")
}

/// One line of the example server's request log.
struct LogLine<'a> {
    method: &'a str,
    path: &'a str,
    /// `preflight allowed`, `actual denied: origin "…" is not allowed`, …
    decision: &'a str,
}

impl<'a> LogLine<'a> {
    fn parse(line: &'a str) -> Option<Self> {
        let (method, rest) = line.split_once(' ')?;
        let (path, decision) = rest.split_once(": ")?;
        Some(LogLine {
            method,
            path,
            decision,
        })
    }

    /// `allowed` decisions are exact; `denied` ones carry a reason.
    fn decision_is(&self, expected: &str) -> bool {
        if expected.ends_with("denied") {
            self.decision
                .strip_prefix(expected)
                .is_some_and(|reason| reason.starts_with(": ") && reason.len() > 2)
        } else {
            self.decision == expected
        }
    }
}

/// Sends a preflight directly and checks its status and headers.
fn check_preflight_status(
    server: &ApiServer,
    origin: &str,
    method: &str,
    status: u16,
) -> Result<String, String> {
    let response = http::send(
        &server.authority,
        "OPTIONS",
        "/direct/preflight",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", method),
        ],
        b"",
        Duration::from_secs(30),
    )?;
    let acao = response.header_values("access-control-allow-origin");
    if response.status != status
        || acao != [origin]
        || response.header_values("x-handler") != Vec::<&str>::new()
    {
        return Err(format!(
            "direct preflight OPTIONS from {origin} for {method}: expected {status} with \
             ACAO {origin} and no X-Handler, got {}",
            response.head_text()
        ));
    }
    Ok(format!("HTTP {status}, ACAO echoed, handler not run"))
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

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

#[test]
fn chromium_enforces_the_example_servers_cors_decisions() {
    let started = Instant::now();
    let chromium = find_program(&["chromium", "chromium-browser"]);
    let chromedriver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let message = "real-browser CORS test: chromium and/or chromedriver not found \
                       (Debian: apt-get install chromium chromium-driver)";
        if on_ci() {
            panic!("{message}; CI=true, so a missing browser is a failure");
        }
        // Straight to the process's stderr: the test harness captures
        // `eprintln!` of a passing test, and a skip must not go unseen.
        let _ = writeln!(
            std::io::stderr(),
            "\n{0}\n!!! SKIPPED: {message}\n!!! The browser scenarios did NOT run.\n{0}\n",
            "!".repeat(78)
        );
        return;
    };

    let server_bin = servers::build_example_server().unwrap_or_else(|e| panic!("{e}"));
    let built = started.elapsed();
    let tmp = TempDir::new("cors-engine-browser").unwrap_or_else(|e| panic!("{e}"));
    let page = PageServer::start().unwrap_or_else(|e| panic!("{e}"));
    let page2 = PageServer::start().unwrap_or_else(|e| panic!("{e}"));
    let ports = Ports {
        p: page.port,
        p2: page2.port,
    };
    let driver = ChromeDriver::start(&chromedriver).unwrap_or_else(|e| panic!("{e}"));
    let session = Session::start(driver, &chromium, &tmp.path().join("profile"))
        .unwrap_or_else(|e| panic!("cannot start headless Chromium: {e}"));
    if !session.console_available {
        eprintln!("note: the browser console is not readable; CORS messages are not checked");
    }

    let groups = groups(ports);
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for group in &groups {
        let policy_path = tmp.path().join(format!("{}.toml", group.name));
        std::fs::write(&policy_path, &group.policy).unwrap_or_else(|e| panic!("{e}"));
        let server = match ApiServer::start(&server_bin, &policy_path) {
            Ok(server) => server,
            Err(e) => {
                failures.push(format!(
                    "[{}] the server did not start: {e}\npolicy:{}",
                    group.name, group.policy
                ));
                continue;
            }
        };
        for (index, scenario) in group.scenarios.iter().enumerate() {
            let (row, problems) = run_scenario(&session, &server, ports, group, index, scenario);
            rows.push(row);
            failures.extend(problems);
        }
        if let Some((page, method, status)) = group.preflight_status {
            let origin = ports.origin(page);
            let checked = check_preflight_status(&server, &origin, method, status);
            rows.push(Row {
                id: format!("{}/preflight status (direct)", group.name),
                page: origin,
                request: format!("OPTIONS for {method}"),
                expected: "status",
                observed: checked.clone().unwrap_or_else(|_| "wrong".into()),
                server: String::new(),
                ok: checked.is_ok(),
            });
            if let Err(e) = checked {
                failures.push(format!("[{}] {e}", group.name));
            }
        }
        let extra = server.extra_stdout();
        if !extra.is_empty() {
            failures.push(format!(
                "[{}] the server printed more than its `listening on` line on stdout: {extra:?}",
                group.name
            ));
        }
    }

    print_table(&rows);
    let direct = rows.iter().filter(|r| r.expected == "status").count();
    let passed = rows.iter().filter(|r| r.ok).count();
    eprintln!(
        "browser CORS checks: {passed}/{} passed ({} browser scenarios and {direct} direct \
         preflight checks over {} policies) in Chromium {}; {:.1} s in all, {:.1} s of it \
         building the example server",
        rows.len(),
        rows.len() - direct,
        groups.len(),
        session.version,
        started.elapsed().as_secs_f64(),
        built.as_secs_f64()
    );
    drop(session);
    assert!(
        failures.is_empty(),
        "{} problem(s) in the real-browser CORS scenarios:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

fn print_table(rows: &[Row]) {
    let width =
        |f: &dyn Fn(&Row) -> usize, min: usize| rows.iter().map(f).max().unwrap_or(0).max(min);
    let w_id = width(&|r| r.id.len(), 8);
    let w_page = width(&|r| r.page.len(), 4);
    let w_req = width(&|r| r.request.len(), 7);
    let w_obs = width(&|r| r.observed.chars().count().min(60), 8);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{:<4} {:<w_id$}  {:<w_page$}  {:<w_req$}  {:<7}  {:<w_obs$}  server saw",
        "", "scenario", "page", "request", "expect", "observed"
    );
    for row in rows {
        let observed: String = if row.observed.chars().count() > 60 {
            row.observed.chars().take(57).chain("...".chars()).collect()
        } else {
            row.observed.clone()
        };
        let _ = writeln!(
            out,
            "{:<4} {:<w_id$}  {:<w_page$}  {:<w_req$}  {:<7}  {:<w_obs$}  {}",
            if row.ok { "ok" } else { "FAIL" },
            row.id,
            row.page,
            row.request,
            row.expected,
            observed,
            row.server
        );
    }
    eprint!("{out}");
}
