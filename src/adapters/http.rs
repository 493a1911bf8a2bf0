//! The `http` adapter (feature `http`): from [`http`](::http) 1.x request
//! headers to a decision, and from a decision to response headers.
//!
//! This is the layer framework adapters are built on (the
//! [`tower`](crate::tower) adapter uses nothing else); use it directly when
//! your server speaks `http` types but is not a `tower` stack.
//!
//! Three steps per request, none of which holds CORS logic of its own:
//!
//! 1. [`RequestHeaders::new`] reads the method and the CORS request headers
//!    (every `Access-Control-Request-Headers` line; a repeated `Origin`
//!    noted) without copying them;
//! 2. [`Policy::decide`](crate::Policy::decide) decides;
//! 3. [`Cors::respond`] turns the decision into what to do: answer a
//!    preflight now ([`Action::Respond`]), or run the handler and add
//!    [`CorsHeaders`] to its response ([`Action::Forward`]).
//!
//! ```
//! use cors_engine::http::{Action, Cors, RequestHeaders};
//! use cors_engine::{Config, Policy};
//! use http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
//!
//! let config = Config::new()
//!     .allowed_origins(&["https://app.example.com"])
//!     .allowed_methods(&["PUT"]);
//! let cors = Cors::new(Policy::compile(&config).unwrap());
//!
//! // A request arrives.
//! let mut request = HeaderMap::new();
//! request.insert(header::ORIGIN, HeaderValue::from_static("https://app.example.com"));
//! let read = RequestHeaders::new(&Method::GET, &request);
//! let decision = cors.policy().decide(&read.descriptor());
//!
//! match cors.respond(&decision, &read) {
//!     Action::Respond(preflight) => { /* send `preflight` as it is */ }
//!     Action::Forward(cors_headers) => {
//!         // Run the handler, then add the CORS headers to its response.
//!         let mut response = Response::new("ok");
//!         response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
//!         cors.apply(cors_headers, response.headers_mut());
//!         assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
//!         // The application's `Vary` is kept; CORS adds its own names.
//!         assert_eq!(response.headers()[header::VARY], "Accept-Encoding, Origin");
//!     }
//! }
//! ```
//!
//! # Cost
//!
//! Reading the request copies nothing. Header values that are the same for
//! every request (max-age, the expose list, `Vary`, `true`) are converted to
//! [`HeaderValue`]s once, in [`Cors::new`], and cloned per request; echoed
//! values (origin, requested method and headers) are clones of the
//! request's own `HeaderValue`s. Cloning a `HeaderValue` copies no bytes
//! (it shares them). [`Cors::apply`] reserves room first, so adding
//! CORS headers to a response grows its map at most once. A preflight's
//! header map is a clone of one [`Cors`] built the first time it met a
//! preflight of the same shape, with the echoed values put in: the two
//! allocations of any new map, none of the hashing of inserting each
//! header. The last application `Vary` joined with CORS's is remembered,
//! so an application that always sends the same one costs no allocation.

use ::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use ::http::{HeaderMap, HeaderValue, Method, Response, StatusCode};

use super::vary;
use crate::limits::MAX_REQUEST_HEADER_LINES;
use crate::token::trim_ows;
use crate::{Decision, HeaderName, Headers, Policy, RequestDescriptor, SingleHeader};

/// `Access-Control-Allow-Private-Network` and its request counterpart are
/// not among `http`'s constants.
const ACAPN: ::http::HeaderName =
    ::http::HeaderName::from_static("access-control-allow-private-network");
const ACRPN: ::http::HeaderName =
    ::http::HeaderName::from_static("access-control-request-private-network");

const TRUE: HeaderValue = HeaderValue::from_static("true");
/// A forwarded response's `Vary` (the only one a decision gives it).
const VARY_ORIGIN: HeaderValue = HeaderValue::from_static(crate::policy::VARY_ORIGIN_STR);
const STAR: HeaderValue = HeaderValue::from_static("*");

/// The CORS request headers of one request, borrowed from its `HeaderMap`.
///
/// Holds every `Access-Control-Request-Headers` line up to one beyond
/// [`MAX_REQUEST_HEADER_LINES`] (enough for the policy to deny a request
/// with too many), in a fixed array: reading allocates nothing.
#[derive(Debug)]
pub struct RequestHeaders<'a> {
    method: &'a [u8],
    origin: Option<&'a HeaderValue>,
    request_method: Option<&'a HeaderValue>,
    request_private_network: Option<&'a HeaderValue>,
    repeated: Option<SingleHeader>,
    /// The lines' bytes (what the core reads) and the values they are in
    /// (what echoes clone). `heapless` vectors start uninitialised, so a
    /// request without lines pays nothing for the room.
    lines: heapless::Vec<&'a [u8], { MAX_REQUEST_HEADER_LINES + 1 }>,
    line_values: heapless::Vec<&'a HeaderValue, { MAX_REQUEST_HEADER_LINES + 1 }>,
}

impl<'a> RequestHeaders<'a> {
    /// Reads the method and the CORS request headers.
    ///
    /// A request whose method is not `OPTIONS` is decided on `Origin`
    /// alone, which one lookup finds. A preflight's four headers are found
    /// in one pass over the lines: for the dozen lines of a request,
    /// comparing names beats hashing four of them.
    #[inline]
    pub fn new(method: &'a Method, headers: &'a HeaderMap) -> Self {
        if *method != Method::OPTIONS {
            let mut origins = headers.get_all(ORIGIN).iter();
            let origin = origins.next();
            return RequestHeaders {
                origin,
                repeated: origin.and(origins.next()).map(|_| SingleHeader::Origin),
                ..RequestHeaders::nothing(method)
            };
        }
        let mut read = RequestHeaders::nothing(method);
        for (name, value) in headers {
            let (slot, which) = if *name == ORIGIN {
                (&mut read.origin, SingleHeader::Origin)
            } else if *name == ACCESS_CONTROL_REQUEST_METHOD {
                (&mut read.request_method, SingleHeader::RequestMethod)
            } else if *name == ACCESS_CONTROL_REQUEST_HEADERS {
                // Lines beyond the room are dropped: the core denies a
                // request with as many as the room holds.
                if read.lines.push(value.as_bytes()).is_ok() {
                    let _ = read.line_values.push(value);
                }
                continue;
            } else if *name == ACRPN {
                (
                    &mut read.request_private_network,
                    SingleHeader::RequestPrivateNetwork,
                )
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(value);
            } else {
                read.repeated.get_or_insert(which);
            }
        }
        read
    }

    /// A request with `method` and none of the CORS request headers.
    fn nothing(method: &'a Method) -> Self {
        RequestHeaders {
            method: method.as_str().as_bytes(),
            origin: None,
            request_method: None,
            request_private_network: None,
            repeated: None,
            lines: heapless::Vec::new(),
            line_values: heapless::Vec::new(),
        }
    }

    /// Reads them from request [`Parts`](::http::request::Parts).
    pub fn from_parts(parts: &'a ::http::request::Parts) -> Self {
        Self::new(&parts.method, &parts.headers)
    }

    /// The descriptor to give [`Policy::decide`](crate::Policy::decide).
    #[inline]
    pub fn descriptor(&self) -> RequestDescriptor<'_> {
        RequestDescriptor {
            method: self.method,
            origin: self.origin.map(HeaderValue::as_bytes),
            request_method: self.request_method.map(HeaderValue::as_bytes),
            request_headers: &self.lines,
            request_private_network: self.request_private_network.map(HeaderValue::as_bytes),
            repeated: self.repeated,
        }
    }
}

/// A compiled [`Policy`] with its per-request-constant header values
/// already converted to [`HeaderValue`]s. Build it once; share it (it is
/// `Send + Sync`, e.g. in an `Arc`).
#[derive(Clone, Debug)]
pub struct Cors {
    policy: Policy,
    max_age: Option<HeaderValue>,
    expose: Option<HeaderValue>,
    vary_preflight: HeaderValue,
    /// Preflight header maps by shape (see `preflight_headers`). One policy
    /// gives at most five: allowed, with or without requested headers,
    /// with or without private network access; and denied.
    preflight_templates: [std::sync::OnceLock<(u8, HeaderMap)>; 5],
}

impl From<Policy> for Cors {
    fn from(policy: Policy) -> Self {
        Cors::new(policy)
    }
}

impl Cors {
    /// Prepares `policy`'s fixed header values.
    pub fn new(policy: Policy) -> Self {
        let fixed = policy.fixed_values();
        // Compiled values are validated header text; `from_bytes` cannot
        // fail on them, and a value it refused would simply be left out.
        let value = |v: &[u8]| HeaderValue::from_bytes(v).ok();
        let max_age = fixed.max_age.and_then(value);
        let expose = fixed.expose.and_then(value);
        // `Vary` values are the crate's constants: values pointing at them
        // are cloned without touching a reference count.
        let constant =
            |v: &'static [u8]| core::str::from_utf8(v).ok().map(HeaderValue::from_static);
        let vary_preflight = constant(fixed.vary_preflight).unwrap_or(HeaderValue::from_static(""));
        Cors {
            policy,
            max_age,
            expose,
            vary_preflight,
            preflight_templates: Default::default(),
        }
    }

    /// The policy, to decide with.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// What to do with a request `decision` was made for; `request` is
    /// what [`RequestHeaders::new`] read from the same request (echoed
    /// values are cloned from its header values).
    ///
    /// For a preflight, the full response to send (its status, the CORS
    /// headers, an empty body); the application handler must not run. For
    /// anything else, the headers to add to the handler's response.
    pub fn respond(&self, decision: &Decision<'_>, request: &RequestHeaders<'_>) -> Action {
        // The decision's fields are read directly: this is the hot path,
        // and `Headers::iter` would visit every possible header.
        match decision.preflight_status {
            None => Action::Forward(self.forward_headers(decision, request)),
            Some(status) => {
                let mut response = Response::new(());
                *response.status_mut() = preflight_status(status);
                *response.headers_mut() = self.preflight_headers(&decision.headers, request);
                Action::Respond(response)
            }
        }
    }

    /// [`Action::Forward`]'s headers. The decision's fields are read
    /// directly: this is the hot path, and `Headers::iter` would visit
    /// every possible header.
    #[inline]
    pub(crate) fn forward_headers(
        &self,
        decision: &Decision<'_>,
        request: &RequestHeaders<'_>,
    ) -> CorsHeaders {
        let h = &decision.headers;
        CorsHeaders {
            allow_origin: h.allow_origin.and_then(|v| self.allow_origin(v, request)),
            allow_credentials: h.allow_credentials,
            expose: h.expose_headers.and_then(|_| self.expose.clone()),
            vary: h.vary.is_some(),
        }
    }

    /// The headers of a preflight response.
    ///
    /// A map of the same shape (the same names in the same order) is built
    /// once and kept, with the policy's values in place; each preflight
    /// clones it and puts the echoed values in. Cloning costs the same two
    /// allocations as a new map but none of the hashing and probing of
    /// inserting each header.
    pub(crate) fn preflight_headers(
        &self,
        h: &Headers<'_>,
        request: &RequestHeaders<'_>,
    ) -> HeaderMap {
        // The template fits one non-empty requested-headers line (what
        // browsers send) or none.
        let mut non_empty = (h.allow_headers.iter().enumerate())
            .filter(|(_, line)| !trim_ows(line).is_empty())
            .map(|(i, _)| i);
        let acah = non_empty.next();
        let template = match non_empty.next() {
            None => self.preflight_template(h, acah.is_some()),
            Some(_) => None,
        };
        let Some(mut headers) = template else {
            return self.build_preflight_headers(h, request);
        };
        // The template holds `h`'s headers in `Headers::iter` order, one
        // entry each, and the echoed ones come first: walk to them.
        let mut values = headers.values_mut();
        let mut put = |value: Option<HeaderValue>| {
            if let (Some(slot), Some(value)) = (values.next(), value) {
                *slot = value;
            }
        };
        if let Some(origin) = h.allow_origin {
            put(self.allow_origin(origin, request));
        }
        if h.allow_credentials {
            put(None);
        }
        if let Some(method) = h.allow_methods {
            put(echo(method, request.request_method));
        }
        if let Some(i) = acah {
            let line = request.line_values.get(i).copied();
            put(echo(trim_ows(h.allow_headers[i]), line));
        }
        headers
    }

    /// The kept map for the shape of `h` (at most one
    /// `Access-Control-Allow-Headers` line), building it on first use; `None`
    /// once every slot holds another shape.
    fn preflight_template(&self, h: &Headers<'_>, acah: bool) -> Option<HeaderMap> {
        let shape = u8::from(h.allow_origin.is_some())
            | u8::from(h.allow_credentials) << 1
            | u8::from(h.allow_methods.is_some()) << 2
            | u8::from(acah) << 3
            | u8::from(h.max_age.is_some()) << 4
            | u8::from(h.allow_private_network) << 5
            | u8::from(h.expose_headers.is_some()) << 6
            | u8::from(h.vary.is_some()) << 7;
        self.preflight_templates.iter().find_map(|slot| {
            let (kept, map) = slot.get_or_init(|| (shape, self.template(h)));
            (*kept == shape).then(|| map.clone())
        })
    }

    /// A map with `h`'s names in order: the policy's values, and an empty
    /// placeholder for each value echoed from the request.
    fn template(&self, h: &Headers<'_>) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(h.len());
        for header in h {
            let value = self
                .fixed_value(header.name)
                .unwrap_or(HeaderValue::from_static(""));
            map.append(http_name(header.name), value);
        }
        map
    }

    /// For requests the template does not fit: `h` header by header.
    fn build_preflight_headers(&self, h: &Headers<'_>, request: &RequestHeaders<'_>) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(h.len());
        let mut lines = request.line_values.iter();
        for header in h {
            let value = match header.name {
                HeaderName::AllowOrigin => self.allow_origin(header.value, request),
                HeaderName::AllowMethods => echo(header.value, request.request_method),
                // Each echoed line in request order: clone the line it came
                // from when the bytes are the same.
                HeaderName::AllowHeaders => echo(
                    header.value,
                    lines.find(|l| l.as_bytes() == header.value).copied(),
                ),
                name => self.fixed_value(name),
            };
            if let Some(value) = value {
                map.append(http_name(header.name), value);
            }
        }
        map
    }

    /// The value of a header that does not come from the request.
    fn fixed_value(&self, name: HeaderName) -> Option<HeaderValue> {
        match name {
            HeaderName::AllowCredentials | HeaderName::AllowPrivateNetwork => Some(TRUE),
            HeaderName::MaxAge => self.max_age.clone(),
            HeaderName::ExposeHeaders => self.expose.clone(),
            HeaderName::Vary => Some(self.vary_preflight.clone()),
            HeaderName::AllowOrigin | HeaderName::AllowMethods | HeaderName::AllowHeaders => None,
        }
    }

    /// Adds `add` to the response of the handler: `Access-Control-*`
    /// values replace any the application set (the CORS layer decides
    /// them); CORS's `Vary` names join the application's `Vary`, whose
    /// names are all kept.
    pub fn apply(&self, add: CorsHeaders, headers: &mut HeaderMap) {
        add.apply(headers);
    }

    #[inline]
    fn allow_origin(&self, value: &[u8], request: &RequestHeaders<'_>) -> Option<HeaderValue> {
        if let [b'*'] = value {
            Some(STAR)
        } else {
            echo(value, request.origin)
        }
    }
}

/// The status of a preflight response (the policy's are 200, 204 and 403).
pub(crate) fn preflight_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN)
}

/// An echoed value: the request's own `HeaderValue` when its bytes are the
/// decided ones (no copy), otherwise a new value from the decided bytes
/// (which the policy has validated).
#[inline]
fn echo(decided: &[u8], from_request: Option<&HeaderValue>) -> Option<HeaderValue> {
    match from_request {
        // The core echoes the request's own bytes, so the pointers are
        // usually equal and no comparison is needed.
        Some(v) if core::ptr::eq(v.as_bytes(), decided) || v.as_bytes() == decided => {
            Some(v.clone())
        }
        _ => HeaderValue::from_bytes(decided).ok(),
    }
}

fn http_name(name: HeaderName) -> ::http::HeaderName {
    match name {
        HeaderName::AllowOrigin => ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderName::AllowCredentials => ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderName::AllowMethods => ACCESS_CONTROL_ALLOW_METHODS,
        HeaderName::AllowHeaders => ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderName::MaxAge => ACCESS_CONTROL_MAX_AGE,
        HeaderName::AllowPrivateNetwork => ACAPN,
        HeaderName::ExposeHeaders => ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderName::Vary => VARY,
    }
}

/// What a CORS layer does with a request.
#[derive(Debug)]
pub enum Action {
    /// A preflight: send this response (status and headers; the body is
    /// empty) and do not run the application handler.
    Respond(Response<()>),
    /// Run the application handler, then add these headers to whatever
    /// response it produces, error responses included.
    Forward(CorsHeaders),
}

/// The CORS headers for the response of a request that reaches the
/// application, waiting for the handler: give them to [`Cors::apply`].
#[derive(Clone, Debug, Default)]
pub struct CorsHeaders {
    allow_origin: Option<HeaderValue>,
    allow_credentials: bool,
    expose: Option<HeaderValue>,
    /// Whether to add `Vary: Origin` (the policy depends on the origin). A
    /// flag rather than the value keeps a response future small.
    vary: bool,
}

impl CorsHeaders {
    /// Whether there is no `Access-Control-*` header to add (`Vary` is
    /// added whenever the policy depends on the origin).
    pub fn is_empty(&self) -> bool {
        self.allow_origin.is_none() && !self.allow_credentials && self.expose.is_none()
    }

    /// See [`Cors::apply`]. Everything needed travels with the headers, so
    /// a response future holds no reference to the shared [`Cors`].
    pub(crate) fn apply(self, headers: &mut HeaderMap) {
        // `Vary` first: joining the application's line adds no entry.
        let new_vary = if self.vary {
            add_vary(headers, VARY_ORIGIN)
        } else {
            None
        };
        // Room for the new entries only; reserving more than needed could
        // grow the map for nothing.
        let added = usize::from(self.allow_origin.is_some())
            + usize::from(self.allow_credentials)
            + usize::from(self.expose.is_some())
            + usize::from(new_vary.is_some());
        if added == 0 {
            return;
        }
        headers.reserve(added);
        if let Some(v) = self.allow_origin {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, v);
        }
        if self.allow_credentials {
            headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        if let Some(v) = self.expose {
            headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, v);
        }
        if let Some(v) = new_vary {
            headers.insert(VARY, v);
        }
    }
}

std::thread_local! {
    /// The application's `Vary` line last joined on this thread. Per
    /// thread, so that reading it takes no lock and cloning the joined
    /// value counts on a reference no other thread touches; the key holds
    /// CORS's names too, so layers with different policies can share it.
    static LAST_JOIN: core::cell::RefCell<vary::LastJoin<HeaderValue>> =
        const { core::cell::RefCell::new(vary::LastJoin::new()) };
}

/// Adds CORS's `Vary` names (`ours`) to the application's `Vary` (see
/// [`vary::join_first_line`]). Returns the value to insert when the
/// application set no `Vary`.
///
/// The line is changed in place: `insert` or `append` on a full map grow
/// it even when no entry is added.
fn add_vary(headers: &mut HeaderMap, ours: HeaderValue) -> Option<HeaderValue> {
    let Some(first) = headers.get_mut(VARY) else {
        return Some(ours);
    };
    if !vary::join_first_line(first, &ours, &LAST_JOIN) {
        headers.append(VARY, ours);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use alloc::vec::Vec;

    fn cors(config: &Config<'_, '_>) -> Cors {
        Cors::new(Policy::compile(config).unwrap())
    }

    fn map(lines: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (n, v) in lines {
            m.append(*n, HeaderValue::from_static(v));
        }
        m
    }

    /// A response's header lines, in order.
    fn listed(headers: &HeaderMap) -> Vec<(&str, Vec<u8>)> {
        headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes().to_vec()))
            .collect()
    }

    /// What an adapter does with a request whose headers are `h`: read
    /// them, decide, respond. With the action, the decision's headers in
    /// order (spelt as `listed` spells them) and whether it allows.
    fn answer(
        c: &Cors,
        method: &Method,
        h: &HeaderMap,
    ) -> (Action, Vec<(&'static str, Vec<u8>)>, bool) {
        let read = RequestHeaders::new(method, h);
        let decision = c.policy().decide(&read.descriptor());
        let decided = (decision.headers().iter())
            .map(|h| (h.name.as_lowercase(), h.value.to_vec()))
            .collect();
        (c.respond(&decision, &read), decided, decision.is_allowed())
    }

    #[test]
    fn every_acrh_line_is_read_and_repeats_are_noted() {
        let h = map(&[
            ("origin", "https://a.example"),
            ("access-control-request-headers", "x-a"),
            ("access-control-request-headers", "x-b, x-c"),
            ("access-control-request-method", "PUT"),
            ("origin", "https://b.example"),
        ]);
        let read = RequestHeaders::new(&Method::OPTIONS, &h);
        let d = read.descriptor();
        assert_eq!(d.origin, Some(&b"https://a.example"[..]));
        assert_eq!(d.request_headers, [&b"x-a"[..], b"x-b, x-c"]);
        assert_eq!(d.repeated, Some(SingleHeader::Origin));
        assert_eq!(d.method, b"OPTIONS");
    }

    #[test]
    fn lines_beyond_the_cap_plus_one_are_not_kept_but_deny() {
        let mut h = map(&[
            ("origin", "https://a.example"),
            ("access-control-request-method", "PUT"),
        ]);
        for _ in 0..100 {
            h.append(
                ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_static("x"),
            );
        }
        let read = RequestHeaders::new(&Method::OPTIONS, &h);
        assert_eq!(
            read.descriptor().request_headers.len(),
            MAX_REQUEST_HEADER_LINES + 1
        );
        let c = cors(
            &Config::new()
                .allowed_origins(&["https://a.example"])
                .allowed_headers(&["*"]),
        );
        let decision = c.policy().decide(&read.descriptor());
        assert!(!decision.is_allowed());
    }

    #[test]
    fn preflight_response_clones_request_values_and_has_the_status() {
        let c = cors(
            &Config::new()
                .allowed_origins(&["https://a.example"])
                .allowed_methods(&["PUT"])
                .allowed_headers(&["x-a", "x-b"])
                .max_age(600)
                .preflight_success_status(200),
        );
        let h = map(&[
            ("origin", "https://a.example"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "x-a"),
            ("access-control-request-headers", ""),
            ("access-control-request-headers", "X-B"),
        ]);
        let (Action::Respond(response), decided, _) = answer(&c, &Method::OPTIONS, &h) else {
            panic!("a preflight is answered by the layer");
        };
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(listed(response.headers()), decided);
        assert_eq!(response.headers()[ACCESS_CONTROL_MAX_AGE], "600");
    }

    #[test]
    fn preflight_headers_are_the_decision_s_in_order_whichever_shape() {
        let c = cors(
            &Config::new()
                .allowed_origins(&["https://a.example"])
                .allowed_methods(&["PUT"])
                .allowed_headers(&["x-a", "x-b"])
                .allow_credentials(true)
                .allow_private_network(true)
                .max_age(600),
        );
        type Lines = &'static [(&'static str, &'static str)];
        let requests: [Lines; 9] = [
            &[("access-control-request-headers", "x-a, X-B")],
            &[],
            &[("access-control-request-private-network", "true")],
            &[
                ("access-control-request-headers", "x-b"),
                ("access-control-request-private-network", "true"),
            ],
            &[("access-control-request-headers", "x-nope")],
            // Not the template's: several lines, an empty one, padding.
            &[
                ("access-control-request-headers", "x-a"),
                ("access-control-request-headers", ""),
                ("access-control-request-headers", "x-b"),
            ],
            &[
                ("access-control-request-headers", " "),
                ("access-control-request-headers", "x-b"),
            ],
            &[("access-control-request-headers", " x-a ")],
            &[("access-control-request-headers", "x-a, X-B")],
        ];
        // Twice: building each shape's template, then using it.
        for lines in requests.iter().chain(&requests) {
            let mut h = map(&[
                ("origin", "https://a.example"),
                ("access-control-request-method", "PUT"),
            ]);
            for (n, v) in *lines {
                h.append(*n, HeaderValue::from_static(v));
            }
            let (Action::Respond(response), decided, _) = answer(&c, &Method::OPTIONS, &h) else {
                panic!("a preflight is answered by the layer");
            };
            assert_eq!(listed(response.headers()), decided, "request {lines:?}");
        }
    }

    #[test]
    fn denied_preflight_is_403_with_vary_only() {
        let c = cors(&Config::new().allowed_origins(&["https://a.example"]));
        let h = map(&[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "PUT"),
        ]);
        let (Action::Respond(response), _, _) = answer(&c, &Method::OPTIONS, &h) else {
            panic!("a preflight is answered by the layer");
        };
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let names: Vec<_> = response.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["vary"]);
    }

    #[test]
    fn forwarded_headers_append_vary_and_replace_cors_values() {
        let c = cors(
            &Config::new()
                .allowed_origins(&["https://a.example"])
                .exposed_headers(&["x-total-count"])
                .allow_credentials(true),
        );
        let h = map(&[("origin", "https://a.example")]);
        let (Action::Forward(add), _, true) = answer(&c, &Method::GET, &h) else {
            panic!("an allowed actual request reaches the handler");
        };
        let mut response = map(&[
            ("vary", "Accept-Encoding"),
            ("access-control-allow-origin", "*"),
        ]);
        c.apply(add, &mut response);
        let vary: Vec<_> = response.get_all(VARY).iter().collect();
        assert_eq!(vary, ["Accept-Encoding, Origin"]);
        let acao: Vec<_> = response
            .get_all(ACCESS_CONTROL_ALLOW_ORIGIN)
            .iter()
            .collect();
        assert_eq!(acao, ["https://a.example"]);
        assert_eq!(response[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        assert_eq!(response[ACCESS_CONTROL_EXPOSE_HEADERS], "x-total-count");
    }

    #[test]
    fn vary_keeps_every_name_the_application_listed() {
        let ours = || VARY_ORIGIN;
        for (app, expected) in vary::JOIN_CASES {
            let mut h = HeaderMap::new();
            for v in *app {
                h.append(VARY, HeaderValue::from_static(v));
            }
            if let Some(v) = add_vary(&mut h, ours()) {
                h.insert(VARY, v);
            }
            let got: Vec<_> = h.get_all(VARY).iter().collect();
            assert_eq!(&got, expected, "application sent {app:?}");
        }
        let long = "x".repeat(300);
        let mut h = HeaderMap::new();
        h.insert(VARY, HeaderValue::from_str(&long).unwrap());
        assert_eq!(add_vary(&mut h, ours()), None);
        assert_eq!(
            h[VARY].as_bytes(),
            alloc::format!("{long}, Origin").as_bytes()
        );
    }

    #[test]
    fn non_utf8_and_empty_values_are_decided_not_trusted() {
        let c = cors(&Config::new().allowed_origins(&["https://a.example"]));
        let mut h = HeaderMap::new();
        h.insert(
            ORIGIN,
            HeaderValue::from_bytes(b"https://a.example\xff").unwrap(),
        );
        let (Action::Forward(add), _, false) = answer(&c, &Method::GET, &h) else {
            panic!("a denied actual request reaches the handler too");
        };
        let mut response = HeaderMap::new();
        c.apply(add, &mut response);
        assert!(response.get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
        assert_eq!(response[VARY], "Origin");
    }
}
