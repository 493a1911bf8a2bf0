//! Deciding never touches the heap: a counting global allocator watches
//! every request of the shared spec table, adversarial ones included,
//! across policies that use each matching mechanism (exact table, patterns,
//! regexes, wildcards).

mod common;

use std::collections::{HashMap, HashSet};

use common::counting::{self, Counting};
use common::spec::{CASES, POLICIES};
use cors_engine::{Config, FixedPolicy, Policy};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations `f` makes (its result is only needed by other tests).
fn allocations_during(f: impl FnOnce()) -> usize {
    counting::allocations_during(f).0
}

#[test]
fn deciding_never_allocates() {
    // Every case of the shared spec table: each kind of request, allowed
    // and denied at every stage, adversarial and at-the-cap inputs, against
    // policies using every matching mechanism (table, patterns, regexes).
    let policies: HashMap<&str, Policy> = POLICIES
        .iter()
        .map(|p| (p.name, Policy::compile(&p.config).expect("named policy")))
        .collect();
    let mut kinds = HashSet::new();
    for case in CASES {
        let policy = &policies[case.policy.name];
        let request = case.request.descriptor();
        let mut seen = None;
        let n = allocations_during(|| {
            let d = policy.decide(&request);
            // Reading the decision is free too.
            for h in d.headers() {
                std::hint::black_box(h);
            }
            seen = Some((d.kind(), d.is_allowed()));
        });
        assert_eq!(n, 0, "{}: {n} allocation(s) while deciding", case.name);
        kinds.extend(seen);
    }
    assert_eq!(
        kinds.len(),
        5,
        "not-cors, actual and preflight, allowed and denied: {kinds:?}"
    );
}

#[test]
fn fixed_policy_never_allocates_either() {
    let config = Config::new()
        .allowed_origins(&["https://app.example.com", "https://*.example.org"])
        .allowed_methods(&["PUT"])
        .allowed_headers(&["content-type"]);
    let policy = FixedPolicy::<512, 32>::compile(&config).expect("fits");
    for case in CASES {
        let request = case.request.descriptor();
        let n = allocations_during(|| {
            std::hint::black_box(policy.decide(&request));
        });
        assert_eq!(n, 0, "{}", case.name);
    }
}

#[test]
fn the_counter_counts() {
    // Guards the guard: a test that can never see an allocation proves nothing.
    let n = allocations_during(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert!(n >= 1);
}
