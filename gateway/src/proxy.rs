//! The Pingora side: which hooks decide, answer, proxy and log.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use cors_engine::http::CorsHeaders;
use cors_engine::RouteId;
use pingora::http::ResponseHeader;
use pingora::prelude::*;
use pingora::proxy::{FailToProxy, ProxyHttp, Session};
use pingora::{ErrorSource, ErrorType};

use crate::policy::{self, Live, Outcome, Policies};

/// The gateway's proxy logic. Holds no CORS logic: [`policy`] decides.
pub struct Gateway {
    /// The policy in force.
    pub live: Arc<Live>,
    /// The backend.
    pub upstream: std::net::SocketAddr,
    /// Connect and read timeout towards the backend.
    pub upstream_timeout: Duration,
    /// Keep the backend's `Access-Control-*` response headers.
    pub keep_upstream_cors: bool,
    /// Requests being served, for a graceful shutdown that ends as soon as
    /// the last one is done.
    pub in_flight: Arc<AtomicUsize>,
}

/// Counts one request in flight for as long as it lives.
pub struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        InFlight(Arc::clone(count))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What one request carries from hook to hook.
pub struct Ctx {
    _in_flight: InFlight,
    /// The policy snapshot that decided this request: its answer is made
    /// with the same one even if a reload lands meanwhile.
    policies: Option<Arc<Policies>>,
    /// The route whose policy decided.
    route: RouteId,
    /// The headers to add to the response, once decided.
    add: Option<CorsHeaders>,
    summary: &'static str,
    reason: Option<String>,
    upstream_started: Option<Instant>,
    upstream_time: Option<Duration>,
    /// Why the gateway answered with its own error, for the log.
    failure: Option<String>,
}

/// The body of the gateway's own error answers.
fn error_body(status: u16) -> &'static str {
    match status {
        502 => "502 Bad Gateway: the upstream could not be reached or answered badly\n",
        504 => "504 Gateway Timeout: the upstream did not answer in time\n",
        400 => "400 Bad Request\n",
        _ => "the gateway could not proxy this request\n",
    }
}

/// The status the gateway answers with when proxying fails: 504 when the
/// upstream timed out, 502 for anything else on the upstream's side.
fn failure_status(e: &Error) -> u16 {
    match e.etype() {
        ErrorType::HTTPStatus(code) => *code,
        ErrorType::ConnectTimedout | ErrorType::ReadTimedout | ErrorType::WriteTimedout
            if e.esource() == &ErrorSource::Upstream =>
        {
            504
        }
        _ => match e.esource() {
            ErrorSource::Upstream => 502,
            ErrorSource::Downstream => match e.etype() {
                // The client is gone: nobody to answer.
                ErrorType::WriteError | ErrorType::ReadError | ErrorType::ConnectionClosed => 0,
                _ => 400,
            },
            _ => 502,
        },
    }
}

#[async_trait]
impl ProxyHttp for Gateway {
    type CTX = Ctx;

    fn new_ctx(&self) -> Ctx {
        Ctx {
            _in_flight: InFlight::new(&self.in_flight),
            policies: None,
            route: RouteId::TopLevel,
            add: None,
            summary: "undecided",
            reason: None,
            upstream_started: None,
            upstream_time: None,
            failure: None,
        }
    }

    async fn request_filter(&self, session: &mut Session, ctx: &mut Ctx) -> Result<bool> {
        let policies = self.live.snapshot();
        let req = session.req_header();
        let decided = policy::decide(&policies, req.uri.path(), &req.method, &req.headers);
        ctx.summary = decided.summary;
        ctx.reason = decided.reason;
        ctx.route = decided.route;
        ctx.policies = Some(policies);
        match decided.outcome {
            Outcome::Answer { status, headers } => {
                let head = policy::answer_head(status, &headers, 0);
                // A preflight is never forwarded: the upstream would answer
                // it as an ordinary OPTIONS, and a second CORS opinion is
                // what the gateway exists to avoid.
                session.write_response_header(Box::new(head), true).await?;
                Ok(true)
            }
            Outcome::Forward(add) => {
                ctx.add = Some(add);
                Ok(false)
            }
            // No CORS here: the upstream answers everything as it is,
            // preflights included.
            Outcome::Off => Ok(false),
        }
    }

    async fn upstream_peer(&self, _session: &mut Session, ctx: &mut Ctx) -> Result<Box<HttpPeer>> {
        let mut peer = HttpPeer::new(self.upstream, false, String::new());
        peer.options.connection_timeout = Some(self.upstream_timeout);
        peer.options.total_connection_timeout = Some(self.upstream_timeout);
        peer.options.read_timeout = Some(self.upstream_timeout);
        peer.options.write_timeout = Some(self.upstream_timeout);
        ctx.upstream_started = Some(Instant::now());
        Ok(Box::new(peer))
    }

    async fn response_filter(
        &self,
        _session: &mut Session,
        response: &mut ResponseHeader,
        ctx: &mut Ctx,
    ) -> Result<()> {
        ctx.upstream_time = ctx.upstream_started.map(|t| t.elapsed());
        if let (Some(policies), Some(add)) = (&ctx.policies, ctx.add.take()) {
            policy::apply(policies, ctx.route, add, response, self.keep_upstream_cors);
        }
        Ok(())
    }

    async fn fail_to_proxy(&self, session: &mut Session, e: &Error, ctx: &mut Ctx) -> FailToProxy {
        ctx.upstream_time = ctx.upstream_started.map(|t| t.elapsed());
        ctx.failure = Some(e.etype().as_str().to_owned());
        let status = failure_status(e);
        // Pingora's own error answer skips `response_filter`: without the
        // CORS headers the browser would report a CORS failure instead of
        // the real 502/504. Once the upstream's head went out, there is
        // nothing left to answer.
        if status > 0 && session.response_written().is_none() {
            let body = error_body(status);
            let mut head = policy::answer_head(status, &[], body.len());
            let _ = head.insert_header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8");
            let _ = head.insert_header(http::header::CONNECTION, "close");
            if let (Some(policies), Some(add)) = (&ctx.policies, ctx.add.take()) {
                policy::apply(policies, ctx.route, add, &mut head, self.keep_upstream_cors);
            }
            session.set_keepalive(None);
            if session
                .write_response_header(Box::new(head), false)
                .await
                .is_ok()
            {
                let _ = session
                    .write_response_body(Some(Bytes::from_static(body.as_bytes())), true)
                    .await;
            }
        }
        FailToProxy {
            error_code: status,
            can_reuse_downstream: false,
        }
    }

    async fn logging(&self, session: &mut Session, e: Option<&Error>, ctx: &mut Ctx) {
        let req = session.req_header();
        let status = session.response_written().map_or(0, |r| r.status.as_u16());
        let upstream = match ctx.upstream_time {
            Some(t) => format!("{:.1}ms", t.as_secs_f64() * 1000.0),
            None => "-".to_owned(),
        };
        let reason = match &ctx.reason {
            Some(r) => format!(" reason=\"{}\"", quote(r)),
            None => String::new(),
        };
        let error = match (&ctx.failure, e) {
            (Some(f), _) => format!(" error={}", escape(f.as_bytes())),
            (None, Some(e)) => format!(" error={}", escape(e.etype().as_str().as_bytes())),
            _ => String::new(),
        };
        // The engine escapes the request bytes a reason quotes; the method
        // and path are escaped here (a request target may carry bytes above
        // 0x7f, which must not reach the log raw).
        let route = match &ctx.policies {
            Some(p) => escape(policy::route_name(p, ctx.route).as_bytes()),
            None => "-".to_owned(),
        };
        let line = format!(
            "{} {} route={} decision={} status={} upstream={}{}{}\n",
            escape(req.method.as_str().as_bytes()),
            escape(req.uri.path().as_bytes()),
            route,
            ctx.summary,
            status,
            upstream,
            reason,
            error,
        );
        // One write per line: stderr is unbuffered, and `eprintln!` would
        // issue a write for every piece of the format string.
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}

/// Request bytes as log text: printable ASCII kept, everything else
/// (control bytes, quotes, backslash, bytes above 0x7f) as escapes.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x21..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Text that is already escaped, made safe inside `"…"`: any quote or
/// backslash gets a backslash, any other byte outside printable ASCII (there
/// should be none) an escape.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, quote};

    #[test]
    fn quote_keeps_spaces_and_escapes_quotes() {
        assert_eq!(
            quote("origin \"a b\" \\ \u{7f}"),
            "origin \\\"a b\\\" \\\\ \\x7f"
        );
    }

    #[test]
    fn escape_leaves_no_control_or_non_ascii_bytes() {
        let e = escape(b"/a b\r\n\"\\\xff\x7f");
        assert_eq!(e, "/a\\x20b\\x0d\\x0a\\\"\\\\\\xff\\x7f");
        assert!(e.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    }
}
