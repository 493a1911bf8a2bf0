//! Origin regexes: all of them compiled into one anchored DFA that can only
//! match a whole origin.
//!
//! Each pattern is wrapped as `^(?:pattern)$`, so `https://a\.com` cannot
//! match `https://a.com.evil.net` even though the user did not anchor it.
//! A dense DFA searches in time linear in the origin, needs no cache and never
//! allocates — which is what a per-request path needs. Patterns are parsed
//! without Unicode (origins are ASCII), which also keeps the DFA small.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::Anchored;

use crate::error::Problem;

/// Upper bound on the DFA's size and on the memory used to build it.
const SIZE_LIMIT: usize = 1 << 20;

/// A compiled set of origin regexes.
#[derive(Clone, Debug)]
pub(crate) struct OriginRegexes {
    dfa: Box<dense::DFA<Vec<u32>>>,
    /// The anchored start state, computed once.
    start: StateID,
}

/// ASCII-only parsing: origins are ASCII, and it keeps the DFA small.
fn syntax() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
}

fn build(patterns: &[&str]) -> Result<dense::DFA<Vec<u32>>, Problem> {
    let wrapped: Vec<_> = patterns.iter().map(|p| format!("^(?:{p})$")).collect();
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(SIZE_LIMIT))
                .determinize_size_limit(Some(SIZE_LIMIT)),
        )
        .syntax(syntax())
        .thompson(regex_automata::nfa::thompson::Config::new().nfa_size_limit(Some(SIZE_LIMIT)))
        .build_many(&wrapped)
        .map_err(|e| {
            if e.is_size_limit_exceeded() {
                Problem::RegexTooLarge
            } else {
                // The builder reports the wrapped pattern; the message after
                // "error:" is about the user's own text.
                Problem::InvalidRegex(e.to_string())
            }
        })
}

/// Checks one pattern on its own, so each bad pattern is reported by name.
pub(crate) fn check(pattern: &str) -> Result<(), Problem> {
    if pattern.is_empty() {
        return Err(Problem::Empty);
    }
    if !pattern.is_ascii() {
        return Err(Problem::NonAsciiRegex);
    }
    // Parse the pattern as written before wrapping it: `a)|(.*` is invalid
    // alone but would wrap into the valid, match-everything `^(?:a)|(.*)$`.
    // A pattern that parses alone is a complete group once wrapped.
    regex_automata::util::syntax::parse_with(pattern, &syntax())
        .map_err(|e| Problem::InvalidRegex(one_line(&e.to_string())))?;
    build(&[pattern]).map(|_| ())
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
