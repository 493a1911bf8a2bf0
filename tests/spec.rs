//! Runs the shared spec table (`tests/common/spec.rs`) through the core:
//! `Policy::compile` + `Policy::decide`, the configuration-error table
//! through `Policy::compile` and the warning table through
//! `Policy::compile_with_warnings` (and `strict`).

mod common;

use std::collections::{HashMap, HashSet};

use common::spec::{
    check_invariants, problem_matches, Case, ConfigCase, ExpectedProblem, Observed, Outcome, CASES,
    CONFIG_CASES, POLICIES, VALID_EDGE_CONFIGS, WARNING_CASES,
};
use cors_engine::{ConfigError, Decision, Policy, Value, Verdict};

/// What the core exposes, in the table's framework-neutral terms.
fn observe(decision: &Decision<'_>) -> Observed {
    Observed {
        kind: Some(decision.kind()),
        outcome: Some(match decision.verdict() {
            Verdict::Allowed => Outcome::Allowed,
            Verdict::Denied(d) => Outcome::Denied(d.reason()),
        }),
        preflight_status: decision.preflight_status(),
        runs_handler: decision.runs_handler(),
        headers: decision
            .headers()
            .iter()
            .map(|h| (h.name.as_lowercase().to_string(), h.value.to_vec()))
            .collect(),
    }
}

fn compiled_policies() -> HashMap<&'static str, Policy> {
    POLICIES
        .iter()
        .map(|p| {
            let policy = Policy::compile(&p.config)
                .unwrap_or_else(|e| panic!("named policy {} does not compile: {e}", p.name));
            (p.name, policy)
        })
        .collect()
}

fn run_case(policies: &HashMap<&'static str, Policy>, case: &Case) -> Result<(), String> {
    let policy = &policies[case.policy.name];
    let decision = policy.decide(&case.request.descriptor());
    let got = observe(&decision);
    let mut problems = Vec::new();
    if let Err(e) = case.expect.check(&got) {
        problems.push(e);
    }
    if let Err(e) = check_invariants(&case.request, &got) {
        problems.push(format!("invariant: {e}"));
    }
    // §3.10: a denial explains itself in one log-safe line.
    if let Some(denial) = decision.denial() {
        let message = denial.to_string();
        if message.is_empty() || message.chars().any(|c| c.is_control()) {
            problems.push(format!("denial message not log-safe: {message:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

#[test]
fn named_policies_compile() {
    assert_eq!(compiled_policies().len(), POLICIES.len(), "duplicate names");
}

#[test]
fn table_is_large_and_names_are_unique() {
    assert!(CASES.len() >= 80, "only {} request cases", CASES.len());
    assert!(
        CONFIG_CASES.len() >= 25,
        "only {} config cases",
        CONFIG_CASES.len()
    );
    let mut seen = HashSet::new();
    for c in CASES {
        assert!(seen.insert(c.name), "duplicate case name {}", c.name);
    }
    let mut seen = HashSet::new();
    for c in CONFIG_CASES.iter().chain(WARNING_CASES) {
        assert!(seen.insert(c.name), "duplicate config case name {}", c.name);
    }
    assert!(WARNING_CASES.len() >= 8, "only {}", WARNING_CASES.len());
    for p in POLICIES {
        assert!(
            CASES.iter().any(|c| std::ptr::eq(c.policy, *p)),
            "policy {} is used by no case",
            p.name
        );
    }
}

#[test]
fn request_table_through_core() {
    let policies = compiled_policies();
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| {
            run_case(&policies, case)
                .err()
                .map(|e| format!("[{}] (policy {})\n    {e}", case.name, case.policy.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} spec cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn deciding_is_deterministic() {
    let policies = compiled_policies();
    for case in CASES {
        let policy = &policies[case.policy.name];
        let request = case.request.descriptor();
        assert_eq!(
            policy.decide(&request),
            policy.decide(&request),
            "[{}]",
            case.name
        );
    }
}

/// `Display` of one error names its field and shows its value.
fn display_names_field_and_value(e: &ConfigError<'_>) -> Result<(), String> {
    let shown = e.to_string();
    let mut missing = Vec::new();
    if !shown.contains(e.field().name()) {
        missing.push(format!("field {}", e.field().name()));
    }
    let value_shown = match e.value() {
        Value::Str(s) => shown.contains(s) || shown.contains(&s.escape_debug().to_string()),
        Value::Number(n) => shown.contains(&n.to_string()),
        _ => true,
    };
    if !value_shown {
        missing.push(format!("value {:?}", e.value()));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("`{shown}` does not name {}", missing.join(" or ")))
    }
}

/// Compares reported problems with the expected ones (order-free, nothing
/// missing, nothing extra) and checks each is displayed with its field and
/// value and listed in `summary`.
fn compare_problems<'e>(
    expected: &[ExpectedProblem],
    got: Vec<&ConfigError<'e>>,
    len: usize,
    summary: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    if len != got.len() {
        problems.push(format!("len() {len} but {} listed", got.len()));
    }
    let mut unmatched: Vec<&ConfigError<'_>> = got.clone();
    for (field, value, problem) in expected {
        let hit = unmatched.iter().position(|e| {
            e.field() == *field && e.value() == *value && problem_matches(problem, e.problem())
        });
        match hit {
            Some(i) => {
                unmatched.remove(i);
            }
            None => problems.push(format!("missing ({field:?}, {value:?}, {problem:?})")),
        }
    }
    for e in unmatched {
        problems.push(format!(
            "unexpected ({:?}, {:?}, {:?})",
            e.field(),
            e.value(),
            e.problem()
        ));
    }
    // §3.9: each problem names the field and the value; the summary lists
    // them all.
    for e in &got {
        if let Err(m) = display_names_field_and_value(e) {
            problems.push(m);
        }
        if !summary.contains(&e.to_string()) {
            problems.push(format!("summary does not list `{e}`"));
        }
    }
    problems
}

fn report(table: &str, failures: Vec<String>, total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {total} {table} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn config_error_table_through_core() {
    let mut failures = Vec::new();
    for case in CONFIG_CASES {
        let errors = match Policy::compile_with_warnings(&case.config) {
            Ok(_) => {
                failures.push(format!("[{}] compiled, expected errors", case.name));
                continue;
            }
            Err(errors) => errors,
        };
        let summary = errors.to_string();
        let problems = compare_problems(
            case.problems,
            errors.iter().collect(),
            errors.len(),
            &summary,
        );
        if !problems.is_empty() {
            failures.push(format!(
                "[{}]\n    {}\n    reported:\n{summary}",
                case.name,
                problems.join("\n    ")
            ));
        }
    }
    report("config", failures, CONFIG_CASES.len());
}

fn warning_case(case: &ConfigCase) -> Vec<String> {
    let mut out = Vec::new();
    match Policy::compile_with_warnings(&case.config) {
        Err(errors) => out.push(format!("did not compile:\n{errors}")),
        Ok((_, warnings)) => {
            let summary = warnings.to_string();
            assert!(!warnings.is_empty(), "[{}] no warning", case.name);
            for p in compare_problems(
                case.problems,
                warnings.iter().collect(),
                warnings.len(),
                &summary,
            ) {
                out.push(format!("warnings: {p}"));
            }
            if !summary.contains("warning") {
                out.push(format!("summary does not say `warning`: {summary}"));
            }
        }
    }
    // `strict(true)`: the very same problems, as errors.
    match Policy::compile_with_warnings(&case.config.strict(true)) {
        Ok(_) => out.push("compiled under strict(true)".to_string()),
        Err(errors) => {
            let summary = errors.to_string();
            for p in compare_problems(
                case.problems,
                errors.iter().collect(),
                errors.len(),
                &summary,
            ) {
                out.push(format!("strict: {p}"));
            }
        }
    }
    // `compile` keeps the policy and drops the warnings.
    if Policy::compile(&case.config).is_err() {
        out.push("Policy::compile failed".to_string());
    }
    out
}

#[test]
fn warning_table_through_core() {
    let failures: Vec<String> = WARNING_CASES
        .iter()
        .filter_map(|case| {
            let problems = warning_case(case);
            (!problems.is_empty())
                .then(|| format!("[{}]\n    {}", case.name, problems.join("\n    ")))
        })
        .collect();
    report("warning", failures, WARNING_CASES.len());
}

#[test]
fn all_problems_reported_at_once() {
    let case = CONFIG_CASES
        .iter()
        .max_by_key(|c| c.problems.len())
        .expect("config table is empty");
    let errors = Policy::compile(&case.config).expect_err(case.name);
    assert!(case.problems.len() >= 10, "{}", case.name);
    assert_eq!(errors.len(), case.problems.len(), "{errors}");
    let summary = errors.to_string();
    assert!(
        summary.contains(&format!("({} problems)", case.problems.len())),
        "{summary}"
    );
}

#[test]
fn valid_edge_configs_compile_without_warnings() {
    for (name, config) in VALID_EDGE_CONFIGS {
        match Policy::compile_with_warnings(config) {
            Err(e) => panic!("[{name}] should compile: {e}"),
            Ok((_, warnings)) => assert!(warnings.is_empty(), "[{name}] {warnings}"),
        }
        // Nothing to warn about, so nothing for strict mode to refuse.
        if let Err(e) = Policy::compile(&config.strict(true)) {
            panic!("[{name}] should compile strictly: {e}");
        }
    }
}
