//! The adapters side by side with the libraries people use today, timed:
//! the same implementations, browser-like requests and harness as the
//! instruction counts of `benches/instructions.rs` (all from
//! `benches/common/peers.rs`), so `benches/tables.sh` can put time and
//! instructions side by side.
//!
//! * `tower`: no CORS (baseline) · the floor · `cors_engine::tower::CorsLayer` ·
//!   `tower_http::cors::CorsLayer`;
//! * `actix`: no CORS (baseline) · the floor · `cors_engine::actix::Cors` ·
//!   `actix_cors::Cors`, through `actix_web::test` services.
//!
//! The *floor* is not a CORS implementation: it writes the scenario's
//! response headers, with constant values, into the application's
//! response, and joins `Origin` into its `Vary` line, deciding nothing.
//! That header-map work is what any CORS layer on the framework's types
//! must do for a request that reaches the application, so the floor's
//! overhead bounds how cheap one can be. Preflights have no floor: the
//! layer answers them without the application, so the baseline is not a
//! lower bound either.
//!
//! ```text
//! cargo bench --bench peers --all-features
//! ```
//!
//! After criterion's own report, a table gives each implementation's
//! fastest sample (see [`fastest_ns`]), its overhead over the baseline and
//! its heap allocations per request (a counting allocator, one request
//! after warm-up).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion};

#[path = "../tests/common/app.rs"]
mod app;

#[path = "../tests/common/counting.rs"]
#[allow(dead_code)]
mod counting;

#[path = "common/peers.rs"]
mod peers;

use peers::{Scenario, IMPLEMENTATIONS, SCENARIOS};

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

/// (framework, scenario, implementation) → allocations per request.
type Allocs = BTreeMap<(&'static str, &'static str, &'static str), usize>;

/// Counts the allocations of one request served by `serve` (warmed up
/// already), then benchmarks it on fresh requests from `request`, which
/// are made outside the measurement.
fn measure<R, O>(
    c: &mut Criterion,
    allocs: &mut Allocs,
    (framework, scenario, implementation): (&'static str, Scenario, &'static str),
    request: impl Fn(Scenario) -> R,
    mut serve: peers::Serve<R, O>,
) {
    let req = request(scenario);
    let (n, served) = counting::allocations_during(|| serve(req));
    drop(served);
    allocs.insert((framework, scenario.0, implementation), n);
    c.benchmark_group(format!("peers-{framework}"))
        .bench_function(format!("{}/{implementation}", scenario.0), |b| {
            b.iter_batched(|| request(scenario), &mut serve, BatchSize::SmallInput)
        });
}

/// One benchmark's fastest sample, in ns per request, if it ran.
///
/// Each of criterion's samples is the mean of many requests. On a shared
/// machine interference only ever adds time, and it comes and goes within
/// a benchmark: the fastest sample is the closest to the code's own cost,
/// and the least noisy statistic to subtract a baseline from (criterion's
/// report above has the medians and their spread).
fn fastest_ns(group: &str, id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    // Criterion turns characters that are unsafe in paths into `_`.
    let dir: String = id
        .chars()
        .map(|c| if "?\"/\\*<>:|^".contains(c) { '_' } else { c })
        .collect();
    let path = target
        .join("criterion")
        .join(group)
        .join(dir)
        .join("new/sample.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let (iters, times) = (json["iters"].as_array()?, json["times"].as_array()?);
    iters
        .iter()
        .zip(times)
        .filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()?))
        .min_by(f64::total_cmp)
}

fn print_table(allocs: &Allocs) {
    println!();
    println!(
        "| framework | scenario | baseline | floor (overhead) | cors-engine (overhead) \
         | peer (overhead) | peer's overhead ÷ ours | peer's ÷ floor's |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (framework, peer) in [("tower", "tower-http"), ("actix", "actix-cors")] {
        let group = format!("peers-{framework}");
        for (scenario, ..) in SCENARIOS {
            let [base, floor, ours, theirs] = IMPLEMENTATIONS.map(|implementation| {
                let ns = fastest_ns(&group, &format!("{scenario}/{implementation}"));
                let n = allocs.get(&(framework, scenario, implementation));
                (ns, n)
            });
            let base_ns = base.0;
            let overhead = |ns: Option<f64>| Some(ns? - base_ns?);
            // Time, overhead over the baseline, allocations.
            let show = |(ns, n): (Option<f64>, Option<&usize>)| match (ns, n, overhead(ns)) {
                (Some(ns), Some(n), Some(extra)) => format!("{ns:.0} ns ({extra:+.0}), {n} alloc"),
                _ => "-".to_owned(),
            };
            let ratio = |over: Option<f64>| match (overhead(theirs.0), over) {
                (Some(p), Some(o)) if o > 0.0 && p > 0.0 => format!("{:.1}×", p / o),
                (Some(_), Some(o)) if o <= 0.0 => "below baseline".to_owned(),
                _ => "-".to_owned(),
            };
            println!(
                "| {framework} ({peer}) | {scenario} | {} | {} | {} | {} | {} | {} |",
                base.0.map_or("-".to_owned(), |ns| format!("{ns:.0} ns")),
                show(floor),
                show(ours),
                show(theirs),
                ratio(overhead(ours.0)),
                ratio(overhead(floor.0)),
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut allocs = Allocs::new();
    // Scenario by scenario, the implementations one after the other: a
    // machine whose speed drifts during the run then shifts them alike,
    // and the overheads stay comparable.
    for scenario in SCENARIOS {
        for implementation in IMPLEMENTATIONS {
            if let Some(serve) = peers::tower::serve(implementation, scenario) {
                let key = ("tower", scenario, implementation);
                measure(&mut c, &mut allocs, key, peers::tower::request, serve);
            }
        }
    }
    for scenario in SCENARIOS {
        for implementation in IMPLEMENTATIONS {
            if let Some(serve) = peers::actix::serve(implementation, scenario) {
                let key = ("actix", scenario, implementation);
                measure(&mut c, &mut allocs, key, peers::actix::request, serve);
            }
        }
    }
    c.final_summary();
    print_table(&allocs);
}
