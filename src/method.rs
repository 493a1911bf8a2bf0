//! Methods: what a configuration may list and what a preflight may ask for.

use crate::error::Problem;
use crate::token::is_token;

/// Methods a preflight never needs permission for (CORS-safelisted).
/// Compared byte-exactly: browsers upper-case these before sending.
#[inline]
pub(crate) fn is_safelisted(m: &[u8]) -> bool {
    matches!(m, b"GET" | b"HEAD" | b"POST")
}

/// Validates one configured method (other than `*`).
pub(crate) fn check(m: &str) -> Result<(), Problem> {
    if m.is_empty() {
        return Err(Problem::Empty);
    }
    if !is_token(m.as_bytes()) {
        return Err(Problem::InvalidToken);
    }
    // Fetch forbids these; browsers refuse to send them at all.
    if ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(m))
    {
        return Err(Problem::ForbiddenMethod);
    }
    // Fetch "normalizes" exactly these six to upper case, so `get` in a
    // policy could never match what a browser sends. (`patch` is not
    // normalized: browsers send it as written, so it is a valid entry.)
    let normalized = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    if normalized
        .iter()
        .any(|n| n.eq_ignore_ascii_case(m) && *n != m)
    {
        return Err(Problem::MethodCase);
    }
    if matches!(m, "OPTIONS" | "GET" | "HEAD" | "POST") {
        return Err(Problem::NeedlessMethod);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_methods() {
        assert_eq!(check("PUT"), Ok(()));
        assert_eq!(check("PATCH"), Ok(()));
        assert_eq!(check("patch"), Ok(()), "browsers send patch as written");
        assert_eq!(check("get"), Err(Problem::MethodCase));
        assert_eq!(check("Delete"), Err(Problem::MethodCase));
        assert_eq!(check("connect"), Err(Problem::ForbiddenMethod));
        assert_eq!(check("TRACK"), Err(Problem::ForbiddenMethod));
        assert_eq!(check("GE T"), Err(Problem::InvalidToken));
        assert_eq!(check("OPTIONS"), Err(Problem::NeedlessMethod));
        assert_eq!(check("GET"), Err(Problem::NeedlessMethod));
        assert_eq!(check(""), Err(Problem::Empty));
    }

    #[test]
    fn safelisted_is_case_sensitive() {
        assert!(is_safelisted(b"GET") && is_safelisted(b"HEAD") && is_safelisted(b"POST"));
        assert!(!is_safelisted(b"get") && !is_safelisted(b"PUT"));
    }
}
