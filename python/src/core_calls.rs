//! Every call into the `cors-engine` crate, in one place, so that following
//! the crate's API as it grows touches this module only.

use cors_engine::{HeaderName, PolicyFile, PolicySet, RequestDescriptor, SingleHeader};

/// A compiled policy file: the policy set (top level and routes) and what
/// compiling had to say that does not stop it.
pub struct Compiled {
    set: PolicySet,
    routes: bool,
    /// The compile warnings, each a line of the crate's own text.
    pub warnings: Vec<String>,
}

impl Compiled {
    /// Whether deciding depends on the request path.
    pub fn has_routes(&self) -> bool {
        self.routes
    }
}

/// The parts of a request the crate looks at, borrowed from Python objects.
pub struct RequestParts<'a> {
    pub method: &'a [u8],
    pub origin: Option<&'a [u8]>,
    pub request_method: Option<&'a [u8]>,
    pub request_headers: &'a [&'a [u8]],
    pub request_private_network: Option<&'a [u8]>,
    pub repeated: Option<SingleHeader>,
    pub path: &'a [u8],
}

/// Which single-valued request header a lower-case name is.
pub fn single_header(lower_name: &[u8]) -> Option<SingleHeader> {
    [
        SingleHeader::Origin,
        SingleHeader::RequestMethod,
        SingleHeader::RequestPrivateNetwork,
    ]
    .into_iter()
    .find(|h| h.as_str().as_bytes() == lower_name)
}

/// Application code asked about an origin the policy's rules refuse.
pub type Allow = dyn Fn(&[u8]) -> bool;

/// What the extension needs of a decision.
pub struct Answer<'a> {
    /// Whether the application handles the request (else the preflight is
    /// answered with `preflight_status`).
    pub runs_handler: bool,
    pub preflight_status: Option<u16>,
    /// The response headers, `Vary` included.
    pub headers: Vec<(HeaderName, &'a [u8])>,
    /// The log-safe reason of a denial, formatted only when `reasons`.
    pub denial: Option<String>,
}

/// Decides `request`, or `None` where CORS is off on its path (nothing is
/// added, preflights reach the application). `allow`, when given, is asked
/// about an origin the policy's own rules refuse (application code deciding
/// origins, as django-cors-headers' `check_request_enabled` signal does).
pub fn decide<'a>(
    compiled: &'a Compiled,
    request: &RequestParts<'a>,
    reasons: bool,
    allow: Option<&Allow>,
) -> Option<Answer<'a>> {
    let descriptor = RequestDescriptor {
        method: request.method,
        origin: request.origin,
        request_method: request.request_method,
        request_headers: request.request_headers,
        request_private_network: request.request_private_network,
        repeated: request.repeated,
    };
    let decision = match allow {
        None => compiled.set.decide(request.path, &descriptor).decision?,
        Some(allow) => {
            let policy = compiled.set.policy(compiled.set.route(request.path))?;
            policy.decide_with(&descriptor, allow)
        }
    };
    Some(Answer {
        runs_handler: decision.runs_handler(),
        preflight_status: decision.preflight_status(),
        headers: decision
            .headers()
            .iter()
            .map(|h| (h.name, h.value))
            .collect(),
        denial: decision.denial().filter(|_| reasons).map(|d| d.to_string()),
    })
}

/// Compiles a policy written as the JSON form of the policy file (routes
/// included), or returns every problem, each a line of the crate's own text.
pub fn compile(json: &str) -> Result<Compiled, Vec<String>> {
    let file: PolicyFile = serde_json::from_str(json).map_err(|e| vec![e.to_string()])?;
    match file.compile() {
        Ok((set, warnings)) => Ok(Compiled {
            set,
            routes: file.has_routes(),
            warnings: warnings.iter().map(ToString::to_string).collect(),
        }),
        Err(errors) => {
            let mut problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
            let omitted = errors.len().saturating_sub(problems.len());
            if omitted > 0 {
                problems.push(format!("... and {omitted} more"));
            }
            Err(problems)
        }
    }
}
