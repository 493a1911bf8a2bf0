//! The caps that bound the work of deciding one request. A request beyond a
//! cap is denied with a [`Reason`](crate::Reason) naming it — never slowed
//! down, never truncated silently.

pub use crate::origin::MAX_ORIGIN_LEN;

/// The longest `Access-Control-Request-Method` value accepted.
pub const MAX_METHOD_LEN: usize = 64;

/// The most `Access-Control-Request-Headers` lines a preflight may carry.
pub const MAX_REQUEST_HEADER_LINES: usize = 8;

/// The most bytes all `Access-Control-Request-Headers` lines may hold
/// together. Browsers send sorted, de-duplicated lower-case names, so real
/// preflights stay far below this.
pub const MAX_REQUEST_HEADERS_LEN: usize = 2048;

/// The most header names a preflight may request.
pub const MAX_REQUESTED_HEADERS: usize = 64;

/// The most empty list elements (`a,,b`, stray commas) tolerated.
pub const MAX_EMPTY_ELEMENTS: usize = 16;

/// How many configuration problems a build without the `alloc` feature
/// lists in full; any beyond are counted in
/// [`ConfigErrors::len`](crate::ConfigErrors::len). With `alloc`, all are kept.
pub const MAX_REPORTED_PROBLEMS: usize = 16;

/// The longest request path a [`PolicySet`](crate::PolicySet) matches
/// against its routes; a longer one is not routed and gets no CORS headers
/// (a browser then refuses the response).
pub const MAX_PATH_LEN: usize = 8192;
