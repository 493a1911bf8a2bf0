//! Origin regexes: all of them compiled into one anchored DFA that can only
//! match a whole origin.
//!
//! Each parsed pattern is anchored at both ends, so `https://a\.com` cannot
//! match `https://a.com.evil.net` even though the user did not anchor it.
//! A dense DFA searches in time linear in the origin, needs no cache and never
//! allocates — which is what a per-request path needs. Patterns are parsed
//! without Unicode (origins are ASCII), which also keeps the DFA small.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::Anchored;

use regex_syntax::hir::{Hir, Look};

use crate::error::Problem;

/// Upper bound on the DFA's size and on the memory used to build it.
pub(crate) const SIZE_LIMIT: usize = 1 << 20;

/// A compiled set of origin regexes.
#[derive(Clone, Debug)]
pub(crate) struct OriginRegexes {
    dfa: Box<dense::DFA<Vec<u32>>>,
    /// The anchored start state, computed once.
    start: StateID,
}

/// ASCII-only parsing: origins are ASCII, and it keeps the DFA small.
pub(crate) fn syntax() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
}

/// Parses one pattern and anchors the parsed expression at both ends.
///
/// Anchoring the parsed pattern rather than its text matters: in verbose
/// mode (`(?x)`) a trailing `# comment` would swallow a `)$` appended to
/// the string, and `a)|(.*` would wrap into a valid match-everything regex.
pub(crate) fn anchored(pattern: &str) -> Result<Hir, Problem> {
    let hir = regex_automata::util::syntax::parse_with(pattern, &syntax())
        .map_err(|e| Problem::InvalidRegex(one_line(&e.to_string())))?;
    Ok(Hir::concat(vec![
        Hir::look(Look::Start),
        hir,
        Hir::look(Look::End),
    ]))
}

fn build(patterns: &[&str]) -> Result<dense::DFA<Vec<u32>>, Problem> {
    let hirs = patterns
        .iter()
        .map(|p| anchored(p))
        .collect::<Result<Vec<_>, _>>()?;
    // Every pattern parsed, so only a size limit can fail the builds.
    let nfa = thompson::Compiler::new()
        .syntax(syntax())
        .configure(thompson::Config::new().nfa_size_limit(Some(SIZE_LIMIT)))
        .build_many_from_hir(&hirs)
        .map_err(|_| Problem::RegexTooLarge)?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(SIZE_LIMIT))
                .determinize_size_limit(Some(SIZE_LIMIT)),
        )
        .build_from_nfa(&nfa)
        .map_err(|_| Problem::RegexTooLarge)
}

/// Origins no policy means to allow: names under the reserved `.invalid`
/// top-level domain (RFC 6761), a made-up `.com` name and documentation
/// addresses. A regex that matches one of them matches unrelated sites too
/// (`.*`, `https?://.*`, `https://[a-z]+\.com`).
const CANARIES: [&[u8]; 8] = [
    b"https://x.invalid",
    b"http://x.invalid",
    b"https://x.invalid:8443",
    b"https://a.b.invalid",
    b"https://x-y.invalid",
    b"https://corsenginecanary.com",
    b"http://192.0.2.1",
    b"http://[2001:db8::1]",
];

/// Checks one pattern on its own, so each bad pattern is reported by name.
pub(crate) fn check(pattern: &str) -> Result<(), Problem> {
    if pattern.is_empty() {
        return Err(Problem::Empty);
    }
    if !pattern.is_ascii() {
        return Err(Problem::NonAsciiRegex);
    }
    let alone = OriginRegexes::new(&[pattern])?;
    if CANARIES.iter().any(|c| alone.is_match(c)) {
        return Err(Problem::RegexTooBroad);
    }
    Ok(())
}

/// The parser's message without its multi-line drawing of the pattern
/// (`error: unclosed group`, the pattern and a caret), fit for one log line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error:"))
        .unwrap_or(message)
        .trim()
        .to_string()
}

impl OriginRegexes {
    /// Compiles patterns that each passed [`check`].
    pub(crate) fn new(patterns: &[&str]) -> Result<Self, Problem> {
        let dfa = build(patterns)?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .map_err(|_| Problem::RegexTooLarge)?;
        Ok(OriginRegexes {
            dfa: Box::new(dfa),
            start,
        })
    }

    /// Does some pattern match the whole of `origin`?
    ///
    /// Walks the DFA by hand: one table lookup per byte, no search set-up.
    /// Every pattern ends in `$`, so a match can only show at the end of
    /// input, which a DFA reports after its end-of-input transition.
    #[inline]
    pub(crate) fn is_match(&self, origin: &[u8]) -> bool {
        let dfa = &*self.dfa;
        let mut state = self.start;
        for &b in origin {
            state = dfa.next_state(state, b);
            // Special states are dead, quit, match or accelerated ones; only
            // dead and quit can appear before the end here, and both mean no.
            if dfa.is_special_state(state) && (dfa.is_dead_state(state) || dfa.is_quit_state(state))
            {
                return false;
            }
        }
        dfa.is_match_state(dfa.next_eoi_state(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_origin_only() {
        let r = OriginRegexes::new(&[r"https://[a-z]+\.example\.com"]).unwrap();
        assert!(r.is_match(b"https://app.example.com"));
        assert!(!r.is_match(b"https://app.example.com.evil.net"));
        assert!(!r.is_match(b"xhttps://app.example.com"));
        let anchored = OriginRegexes::new(&[r"^https://a\.com$"]).unwrap();
        assert!(anchored.is_match(b"https://a.com"));
        assert!(!anchored.is_match(b"https://a.com:1"));
    }

    #[test]
    fn alternation_is_wrapped_as_a_whole() {
        // Unwrapped, `a|b$` would match anything that starts with `a`.
        let r = OriginRegexes::new(&["https://a.com|https://b.com"]).unwrap();
        assert!(r.is_match(b"https://a.com"));
        assert!(!r.is_match(b"https://a.com.evil.net"));
    }

    #[test]
    fn shorter_alternative_does_not_hide_a_longer_one() {
        let r = OriginRegexes::new(&[r"https://(a|ab)\.com"]).unwrap();
        assert!(r.is_match(b"https://a.com") && r.is_match(b"https://ab.com"));
        assert!(!r.is_match(b"https://abc.com") && !r.is_match(b"https://a.co"));
        assert!(!r.is_match(b""));
    }

    #[test]
    fn several_patterns_one_automaton() {
        let r = OriginRegexes::new(&[r"https://a\.com", r"https://b\.com"]).unwrap();
        assert!(r.is_match(b"https://a.com") && r.is_match(b"https://b.com"));
        assert!(!r.is_match(b"https://c.com"));
    }

    #[test]
    fn bad_patterns_reported() {
        assert_eq!(
            check("https://(a"),
            Err(Problem::InvalidRegex("unclosed group".to_string()))
        );
        assert_eq!(check("https://é"), Err(Problem::NonAsciiRegex));
        assert_eq!(check(""), Err(Problem::Empty));
        // Valid only once wrapped; would match every origin.
        assert!(matches!(
            check(r"https://a\.com)|(.*"),
            Err(Problem::InvalidRegex(_))
        ));
        assert!(matches!(check(r"x)|(?:.*"), Err(Problem::InvalidRegex(_))));
        assert_eq!(
            check(r"https://[ab]*a[ab]{24}\.com"),
            Err(Problem::RegexTooLarge)
        );
    }
}
