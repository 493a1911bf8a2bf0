//! A CORS policy engine: compile a validated policy once, then decide every
//! request with a pure function that allocates nothing and never panics.
//!
//! # Should I use this?
//!
//! Use `cors-engine` if you answer cross-origin requests from browsers and
//! want the decision to be exactly what the [Fetch standard] expects, with
//! configuration mistakes caught at start-up rather than in production. It
//! fits a framework author (embed [`Policy::decide`] in your middleware), an
//! application developer (through an adapter), and an embedded server without
//! an allocator ([`FixedPolicy`], `no_std`).
//!
//! It is not access control. CORS only tells a *browser* whether a page from
//! another origin may read a response; it never stops a request from being
//! sent. Authenticate and authorize requests as you would without it.
//!
//! [Fetch standard]: https://fetch.spec.whatwg.org/#http-cors-protocol
//!
//! # Compile, decide, adapt
//!
//! ```
//! use cors_engine::{Config, HeaderName, Kind, Policy, RequestDescriptor};
//!
//! // 1. Compile once, at start-up. Every mistake is reported at once.
//! let policy = Policy::compile(
//!     &Config::new()
//!         .allowed_origins(&["https://app.example.com", "https://*.example.org"])
//!         .allowed_methods(&["GET", "POST", "PUT"])
//!         .allowed_headers(&["content-type"])
//!         .allow_credentials(true)
//!         .max_age(600),
//! )?;
//!
//! // 2. Decide each request from borrowed header bytes.
//! let acrh: &[&[u8]] = &[b"content-type"];
//! let request = RequestDescriptor::new(b"OPTIONS")
//!     .origin(b"https://shop.example.org")
//!     .request_method(b"PUT")
//!     .request_headers(acrh);
//! let decision = policy.decide(&request);
//!
//! // 3. Adapt: answer the preflight yourself, or run the handler, then copy
//! //    the headers into the response (appending to any `Vary`).
//! assert_eq!(decision.kind(), Kind::Preflight);
//! assert!(!decision.runs_handler());
//! assert_eq!(decision.preflight_status(), Some(204));
//! assert_eq!(
//!     decision.headers().get(HeaderName::AllowOrigin),
//!     Some(&b"https://shop.example.org"[..])
//! );
//! for header in decision.headers() {
//!     println!("{}: {}", header.name, String::from_utf8_lossy(header.value));
//! }
//! # Ok::<(), cors_engine::ConfigErrors<'static>>(())
//! ```
//!
//! A denial says why, in a message safe to log (request bytes are escaped):
//!
//! ```
//! # use cors_engine::{Config, Policy, Reason, RequestDescriptor};
//! # let policy = Policy::compile(&Config::new().allowed_origins(&["https://app.example.com"])).unwrap();
//! let decision = policy.decide(&RequestDescriptor::new(b"GET").origin(b"https://app.example.com.evil.net"));
//! let denial = decision.denial().unwrap();
//! assert_eq!(denial.reason(), Reason::OriginNotAllowed);
//! assert_eq!(denial.to_string(), r#"origin "https://app.example.com.evil.net" is not allowed"#);
//! // The handler still runs: the browser, not the server, withholds the response.
//! assert!(decision.runs_handler());
//! ```
//!
//! And a configuration is checked as a whole:
//!
//! ```
//! use cors_engine::{Config, Field, Policy, Problem};
//!
//! let config = Config::new()
//!     .allowed_origins(&["https://App.example.com/", "*"])
//!     .allow_credentials(true)
//!     .max_age(100_000);
//! let errors = Policy::compile(&config).unwrap_err();
//! assert_eq!(errors.len(), 4);
//! println!("{errors}");
//! // invalid CORS configuration (4 problems):
//! //   - allowed_origins: "*" mixes `*` with other values — fix: …
//! //   - allowed_origins: "https://App.example.com/" has a path …
//! //   …
//! assert!(errors.iter().any(|e| e.field() == Field::MaxAge
//!     && *e.problem() == Problem::MaxAgeOutOfRange));
//! ```
//!
//! # What a decision contains
//!
//! A [`Decision`] gives the [`Kind`] (not CORS, preflight or actual, as
//! Fetch classifies it), the [`Verdict`] with a typed [`Reason`] when denied,
//! the preflight status (204, or 200 if configured; 403 when denied), whether
//! the application handler runs, and the [`Headers`] to add. Header values
//! borrow either from the policy (precomputed at compile time: max-age text,
//! expose list) or from the request (the echoed origin, method and header
//! names), so nothing is formatted or allocated per request.
//!
//! The rules, in short: an allowed origin is echoed (or `*` for an any-origin
//! policy without credentials); a preflight echoes the requested method and
//! header names once they are all allowed; a denied preflight gets only
//! `Vary`; `*` is never sent with credentials; and whenever the answer depends
//! on the origin, *every* response carries `Vary: Origin` so caches keep
//! answers for different origins apart.
//!
//! # Matching
//!
//! * Origins are compared byte for byte with the browser's serialization:
//!   `https://example.com`, never `https://Example.com/`. Exact origins live
//!   in a hash table, so 1,000 of them cost what 10 do.
//! * `https://*.example.com` matches one or more subdomain labels, never
//!   `https://example.com` itself; `http://localhost:*` any port, or none.
//! * Regexes must match the whole origin, anchored or not, and all of them
//!   run as one DFA: linear time, no backtracking, no allocation.
//! * `null` matches only when [`Config::allow_null_origin`] says so, and
//!   never a pattern or regex.
//! * An any-origin policy (`["*"]`, never with credentials) answers `*`
//!   without reading the origin: nothing is echoed, so there is nothing to
//!   validate, and the response is the same for everyone (no `Vary: Origin`).
//! * Any other policy echoes only an origin it matched, and never one that
//!   is empty, over [`limits::MAX_ORIGIN_LEN`] or outside visible ASCII.
//! * Methods are case-sensitive (`PATCH` ≠ `patch`); header names are not.
//!
//! # Routes, reloads and dynamic origins
//!
//! * A [`PolicySet`] picks a policy by request path: ordered [`Route`]s
//!   (exact paths, `/prefix/*`, path regexes, all in one automaton), first
//!   match wins, the top-level policy elsewhere; a route may turn CORS off.
//!   A [`PolicyFile`] with `[[routes]]` compiles into one, and
//!   [`PolicyFile::with_env`] reads `CORS_*` variables over it.
//! * The `tower` and `actix` adapters hold their policies in an atomically
//!   swapped pointer: `swap` replaces them while serving, each request sees
//!   exactly one snapshot, and readers never wait.
//! * Origins that live in application state (tenants in a database) go
//!   through a predicate consulted after the static rules
//!   ([`Policy::decide_with`], the adapters' `allow_origin_if`).
//! * Compiling returns [`ConfigWarnings`] beside the policy
//!   ([`Policy::compile_with_warnings`]): entries that can never matter or
//!   would be errors with credentials; [`Config::strict`] makes them errors.
//!
//! # Cost
//!
//! [`Policy::compile`] is linear in the configuration plus one DFA build
//! (bounded to 1 MiB); do it once. [`Policy::decide`] is linear in the
//! request's CORS header bytes, and [`limits`] caps those bytes: beyond a
//! cap the request is denied with a reason, so a hostile
//! `Access-Control-Request-Headers` costs nanoseconds, not microseconds.
//!
//! # Security notes and deployment rules
//!
//! * **Never route `OPTIONS` away from the CORS layer.** A router that
//!   answers `OPTIONS` itself (or 404s it) breaks every preflight.
//! * **Never authenticate before CORS.** Preflights carry no credentials; an
//!   auth layer in front rejects them and the browser reports a CORS error.
//! * **Never stack two CORS layers** (say, a proxy and the app): duplicate
//!   `Access-Control-Allow-Origin` headers make browsers reject the response.
//! * Credentials with a list of origins trusts every one of them with the
//!   user's session; a subdomain pattern trusts every subdomain, including
//!   ones that host user content. `null` is as broad as any origin.
//! * Keep `Vary` intact: adapters append to it, and so should you.
//!
//! # Adapters
//!
//! Each adapter translates between a framework and the core; none decides
//! anything itself. All keep the application's `Vary`, answer preflights
//! without running the handler, and add the decided headers to every other
//! response, error statuses included.
//!
//! | feature | module | for |
//! |---|---|---|
//! | `tower` | [`tower`] | axum, hyper (through `hyper-util`), tonic (gRPC-web with `tonic-web`: `examples/grpc_web.rs`): a `tower::Layer` |
//! | `actix` | [`actix`] | actix-web 4 middleware |
//! | `poem` | [`poem`] | Poem 3 middleware |
//! | `rocket` | [`rocket`] | Rocket 0.5: a fairing that answers preflights for every route |
//! | `salvo` | [`salvo`] | Salvo: a hoop on the `Service` |
//! | `http` | [`http`] | any server on `http` 1.x types: read a `HeaderMap`, write one |
//! | `h1` | [`h1`] | embedded HTTP/1 servers: header bytes in, header bytes out; `no_std`, no allocator |
//! | `picoserve` | [`picoserve`] | picoserve (embassy): a layer with a `FixedPolicy`; `no_std`, no allocator; needs Rust 1.93 |
//! | `serde` | [`PolicyFile`] | the policy as a file in any serde format (JSON…), routes and `CORS_*` variables |
//! | `toml` | [`PolicyFile::from_toml`] | the policy file in TOML, each problem with its line and column |
//!
//! # Features
//!
//! * `alloc` (default): `Policy`, which keeps its tables on the heap, and
//!   origin regexes.
//! * `std`: implies `alloc`.
//! * the adapters above; every adapter but `h1` and `picoserve` implies
//!   `std`, `serde` implies `alloc`, and `h1` and `picoserve` need neither.
//!
//! Without features the crate is `no_std` and needs no allocator:
//! [`FixedPolicy`] keeps everything in const-generic capacity and reports a
//! capacity that is too small as a configuration error.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod acrh;
mod adapters;
mod config;
mod decision;
mod error;
#[cfg(feature = "serde")]
mod file;
mod header;
pub mod limits;
mod method;
mod origin;
mod policy;
#[cfg(feature = "alloc")]
mod regex;
mod request;
#[cfg(feature = "alloc")]
mod routes;
mod table;
mod token;

#[cfg(feature = "actix")]
pub use adapters::actix;
#[cfg(feature = "h1")]
pub use adapters::h1;
#[cfg(feature = "http")]
pub use adapters::http;
#[cfg(feature = "picoserve")]
pub use adapters::picoserve;
#[cfg(feature = "poem")]
pub use adapters::poem;
#[cfg(feature = "rocket")]
pub use adapters::rocket;
#[cfg(feature = "salvo")]
pub use adapters::salvo;
#[cfg(feature = "tower")]
pub use adapters::tower;
pub use config::Config;
pub use decision::{
    Decision, Denial, Header, HeaderName, Headers, HeadersIter, Kind, Reason, Verdict,
};
pub use error::{ConfigError, ConfigErrors, ConfigWarnings, Field, Problem, Value};
#[cfg(feature = "serde")]
pub use file::PolicyFile;
pub use policy::FixedPolicy;
#[cfg(feature = "alloc")]
pub use policy::Policy;
pub use request::{RequestDescriptor, SingleHeader};
#[cfg(feature = "alloc")]
pub use routes::{PolicySet, Route, RouteId, Routed};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
