//! A blocking HTTP/1.1 server built from `httparse` and the `h1` adapter,
//! with a policy in fixed capacity: the shape of an embedded server.
//!
//! `cargo run --example h1 --features h1 -- [HOST:PORT]` (default
//! `127.0.0.1:8080`; port 0 picks a free one). It answers preflights itself
//! and sends everything else to a handler that replies `200 ok`.
//!
//! ```text
//! curl -i -X OPTIONS http://127.0.0.1:8080/ -H 'Origin: http://localhost:3000' \
//!      -H 'Access-Control-Request-Method: PUT'
//! ```

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use cors_engine::{h1, Config, FixedPolicy};

/// A demo policy for a front end served from port 3000.
static CONFIG: Config = Config::new()
    .allowed_origins(&["http://localhost:3000", "http://127.0.0.1:3000"])
    .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
    .allowed_headers(&["content-type", "authorization"])
    .exposed_headers(&["x-total-count"])
    .allow_credentials(true)
    .max_age(600);

/// Room for the policy's text and tables; `compile` says if it is too small.
type Cors = FixedPolicy<512, 32>;

fn main() -> io::Result<()> {
    let policy = Cors::compile(&CONFIG).unwrap_or_else(|errors| {
        eprintln!("{errors}");
        std::process::exit(2)
    });
    let addr = std::env::args().nth(1);
    let listener = TcpListener::bind(addr.as_deref().unwrap_or("127.0.0.1:8080"))?;
    println!("listening on http://{}", listener.local_addr()?);
    for stream in listener.incoming() {
        if let Err(e) = stream.and_then(|mut s| serve(&policy, &mut s)) {
            eprintln!("connection error: {e}");
        }
    }
    Ok(())
}

/// How long a client has to send its whole request head (not each byte:
/// a client trickling one byte a second must not hold the server).
const HEAD_DEADLINE: Duration = Duration::from_secs(5);

/// The most request-body bytes read (and dropped) before closing.
const MAX_BODY: u64 = 1 << 20;

/// One request per connection: read the head, decide, answer, close.
fn serve(policy: &Cors, stream: &mut TcpStream) -> io::Result<()> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    // The head is capped at this buffer's size: 431 beyond it.
    let mut buf = [0u8; 8192];
    let mut len = 0;
    let head_len = loop {
        let Some(left) = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
        else {
            return stream.write_all(
                b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        };
        stream.set_read_timeout(Some(left))?;
        let n = match stream.read(&mut buf[len..]) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(());
        }
        len += n;
        if let Some(end) = buf[..len].windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if len == buf.len() {
            return stream.write_all(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    };

    let mut lines = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut lines);
    if !matches!(
        request.parse(&buf[..head_len]),
        Ok(httparse::Status::Complete(_))
    ) {
        return stream.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    }
    let method = request.method.unwrap_or_default().as_bytes();
    let cors = h1::Request::from_headers(method, request.headers.iter().map(|h| (h.name, h.value)));
    let decision = policy.decide(&cors.descriptor());
    // Request bytes are escaped before they reach the log: the decision's
    // own `Display` escapes what it quotes, and the method and path are
    // escaped here.
    eprintln!(
        "{} {}: {decision}",
        request.method.unwrap_or("?").escape_debug(),
        request.path.unwrap_or("?").escape_debug()
    );

    let mut out = [0u8; 4096];
    if !decision.runs_handler() {
        // A preflight: answered here, the application never sees it.
        let n = h1::write_preflight(&decision, &mut out).map_err(io::Error::other)?;
        stream.write_all(&out[..n])?;
        return stream.write_all(b"Connection: close\r\n\r\n");
    }
    // Anything else runs the application, whatever the verdict (the browser
    // withholds a denied response). The CORS headers go next to its own;
    // its `Vary` and the CORS `Vary` are two lines of one list.
    drain_body(stream, request.headers, len - head_len)?;
    let n = h1::write_headers(decision.headers(), &mut out).map_err(io::Error::other)?;
    let (head, body) = handler();
    stream.write_all(head)?;
    stream.write_all(&out[..n])?;
    stream.write_all(b"Connection: close\r\n\r\n")?;
    stream.write_all(body)
}

/// The application: the same answer to every method on every path, as a
/// head without its final blank line, and a body.
fn handler() -> (&'static [u8], &'static [u8]) {
    (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Handler: app\r\n\
          Vary: Accept-Encoding\r\nX-Total-Count: 42\r\n",
        b"ok",
    )
}

/// Reads and drops the request body, so closing the socket does not reset
/// the connection under the client.
fn drain_body(
    stream: &mut TcpStream,
    headers: &[httparse::Header<'_>],
    buffered: usize,
) -> io::Result<()> {
    let length = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| {
            std::str::from_utf8(h.value)
                .ok()?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(0);
    let rest = length.saturating_sub(buffered as u64).min(MAX_BODY);
    stream.set_read_timeout(Some(HEAD_DEADLINE))?;
    io::copy(&mut Read::by_ref(stream).take(rest), &mut io::sink()).map(|_| ())
}
