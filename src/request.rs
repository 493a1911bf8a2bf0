//! The request descriptor: the few request headers CORS looks at, borrowed.

/// What [`Policy::decide`](crate::Policy::decide) needs to know about a
/// request, borrowed from wherever the server keeps it.
///
/// Values are raw header bytes: they need not be UTF-8, trimmed or valid —
/// anything malformed is denied with a reason, never trusted or echoed.
///
/// ```
/// use cors_engine::RequestDescriptor;
///
/// let acrh: &[&[u8]] = &[b"content-type, x-trace", b"authorization"];
/// let preflight = RequestDescriptor::new(b"OPTIONS")
///     .origin(b"https://app.example.com")
///     .request_method(b"PUT")
///     .request_headers(acrh);
/// assert!(preflight.origin.is_some());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestDescriptor<'a> {
    /// The request method, e.g. `b"GET"` (case-sensitive).
    pub method: &'a [u8],
    /// The `Origin` header, if present.
    pub origin: Option<&'a [u8]>,
    /// `Access-Control-Request-Method`, if present.
    pub request_method: Option<&'a [u8]>,
    /// Every `Access-Control-Request-Headers` line, in order (empty when
    /// absent). Passing more than
    /// [`MAX_REQUEST_HEADER_LINES`](crate::limits::MAX_REQUEST_HEADER_LINES)
    /// lines gets the preflight denied, so an adapter need collect at most
    /// one line beyond that cap.
    pub request_headers: &'a [&'a [u8]],
    /// `Access-Control-Request-Private-Network`, if present.
    pub request_private_network: Option<&'a [u8]>,
    /// Set when one of the single-valued CORS request headers came on more
    /// than one line. Browsers never do that, and which line to believe is
    /// ambiguous, so a CORS request carrying it is denied
    /// ([`Reason::RepeatedHeader`](crate::Reason::RepeatedHeader)) — a
    /// preflight for any of the three, any other request only for `Origin`,
    /// the one header it reads. Adapters set it (and need look at the
    /// request headers of a preflight only: a request whose method is not
    /// `OPTIONS` is decided on `Origin` alone); the other fields then hold
    /// the first line.
    pub repeated: Option<SingleHeader>,
}

/// A CORS request header that may appear on one line only.
///
/// (`Access-Control-Request-Headers` is a list and may come on several.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SingleHeader {
    /// `Origin`.
    Origin,
    /// `Access-Control-Request-Method`.
    RequestMethod,
    /// `Access-Control-Request-Private-Network`.
    RequestPrivateNetwork,
}

impl SingleHeader {
    /// The header name in lower case, as HTTP/2 and `http::HeaderName` spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            SingleHeader::Origin => "origin",
            SingleHeader::RequestMethod => "access-control-request-method",
            SingleHeader::RequestPrivateNetwork => "access-control-request-private-network",
        }
    }
}

impl<'a> RequestDescriptor<'a> {
    /// A request with this method and no CORS header.
    pub const fn new(method: &'a [u8]) -> Self {
        RequestDescriptor {
            method,
            origin: None,
            request_method: None,
            request_headers: &[],
            request_private_network: None,
            repeated: None,
        }
    }

    /// Sets the `Origin` header.
    pub const fn origin(mut self, origin: &'a [u8]) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Sets `Access-Control-Request-Method`.
    pub const fn request_method(mut self, method: &'a [u8]) -> Self {
        self.request_method = Some(method);
        self
    }

    /// Sets the `Access-Control-Request-Headers` lines.
    pub const fn request_headers(mut self, lines: &'a [&'a [u8]]) -> Self {
        self.request_headers = lines;
        self
    }

    /// Sets `Access-Control-Request-Private-Network`.
    pub const fn request_private_network(mut self, value: &'a [u8]) -> Self {
        self.request_private_network = Some(value);
        self
    }

    /// Records that `header` came on more than one line.
    pub const fn repeated(mut self, header: SingleHeader) -> Self {
        self.repeated = Some(header);
        self
    }
}
