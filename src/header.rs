//! Header names a configuration may list.

use crate::error::Problem;
use crate::token::is_token;

/// Request header names scripts can never set (Fetch "forbidden request-header
/// names"), so a browser never asks for them in a preflight.
const FORBIDDEN_REQUEST: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "access-control-request-private-network",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Validates one configured request header name (other than `*`).
pub(crate) fn check_request(name: &str) -> Result<(), Problem> {
    check_token(name)?;
    let forbidden = FORBIDDEN_REQUEST
        .iter()
        .any(|f| f.eq_ignore_ascii_case(name))
        || starts_with_ignore_case(name, "proxy-")
        || starts_with_ignore_case(name, "sec-");
    if forbidden {
        return Err(Problem::ForbiddenRequestHeader);
    }
    Ok(())
}

/// Validates one configured exposed response header name (other than `*`).
pub(crate) fn check_exposed(name: &str) -> Result<(), Problem> {
    check_token(name)?;
    // Fetch filters these out of every response a script can read.
    if ["set-cookie", "set-cookie2"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(name))
    {
        return Err(Problem::ForbiddenResponseHeader);
    }
    Ok(())
}

fn check_token(name: &str) -> Result<(), Problem> {
    if name.is_empty() {
        Err(Problem::Empty)
    } else if !is_token(name.as_bytes()) {
        Err(Problem::InvalidToken)
    } else {
        Ok(())
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_names() {
        assert_eq!(check_request("Content-Type"), Ok(()));
        assert_eq!(check_request("x-requested-with"), Ok(()));
        assert_eq!(check_request("authorization"), Ok(()));
        assert_eq!(
            check_request("Cookie"),
            Err(Problem::ForbiddenRequestHeader)
        );
        assert_eq!(
            check_request("Sec-Fetch-Mode"),
            Err(Problem::ForbiddenRequestHeader)
        );
        assert_eq!(
            check_request("proxy-authorization"),
            Err(Problem::ForbiddenRequestHeader)
        );
        assert_eq!(check_request("x header"), Err(Problem::InvalidToken));
        assert_eq!(check_request("x-a\r\nx-b"), Err(Problem::InvalidToken));
        assert_eq!(check_request(""), Err(Problem::Empty));
    }

    #[test]
    fn exposed_names() {
        assert_eq!(check_exposed("X-Total-Count"), Ok(()));
        assert_eq!(
            check_exposed("Set-Cookie"),
            Err(Problem::ForbiddenResponseHeader)
        );
        assert_eq!(check_exposed("a,b"), Err(Problem::InvalidToken));
    }
}
