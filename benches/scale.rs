//! Scale (DESIGN §4, issue 12): deciding with 10, 1,000 and 1,000,000
//! exact origins; compiling 1,000,000; the heap a policy keeps per origin;
//! and deciding through a live handle (an `ArcSwap`'d `PolicySet`, as the
//! `tower` layer reads it) against a bare `Policy`.
//!
//! ```text
//! cargo bench --bench scale --all-features
//! ```
//!
//! Targets: 1,000,000 origins decide within 1.5× of 10; compile ≤ 1 s;
//! ≤ 100 bytes per origin beyond the origin's own bytes. After criterion's
//! report, a table gives the figures (decide: fastest sample, as in
//! `benches/peers.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use cors_engine::{Config, Policy, PolicySet, RequestDescriptor};
use criterion::Criterion;

/// Counts the bytes live on the heap, to measure what a policy keeps.
struct Live;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Live {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Live = Live;

const SIZES: [usize; 3] = [10, 1_000, 1_000_000];

fn origins(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://app{i}.example.com"))
        .collect()
}

/// What compiling `n` origins costs: the policy, the time, and the heap it
/// keeps beyond the origins' own bytes, per origin.
fn compile(n: usize) -> (Policy, Duration, f64) {
    let list = origins(n);
    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
    let own: usize = list.iter().map(String::len).sum();
    let config = Config::new()
        .allowed_origins(&refs)
        .allowed_methods(&["GET", "PUT"])
        .allowed_headers(&["content-type"]);
    let before = LIVE.load(Relaxed);
    let start = Instant::now();
    let policy = Policy::compile(&config).expect("valid policy");
    let took = start.elapsed();
    let kept = LIVE.load(Relaxed) - before;
    let beyond = (kept as f64 - own as f64) / n as f64;
    (policy, took, beyond)
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut rows = Vec::new();
    let mut g = c.benchmark_group("scale");
    for n in SIZES {
        let (policy, took, beyond) = compile(n);
        // An origin from the middle of the list: in a table of a million,
        // its entry is nowhere near the cache after compiling.
        let origin = format!("https://app{}.example.com", n / 2 + 1);
        let request = RequestDescriptor::new(b"GET").origin(origin.as_bytes());
        assert!(policy.decide(&request).is_allowed());
        g.bench_function(format!("decide/{n}_origins"), |b| {
            b.iter(|| black_box(policy.decide(black_box(&request))))
        });
        // Many origins, each asked once in turn: the cache misses of a
        // large table, as a server with many tenants sees them.
        let asked: Vec<String> = (0..4096)
            .map(|i| format!("https://app{}.example.com", (i * 7919) % n))
            .collect();
        let asked: Vec<RequestDescriptor<'_>> = asked
            .iter()
            .map(|o| RequestDescriptor::new(b"GET").origin(o.as_bytes()))
            .collect();
        let mut next = 0;
        g.bench_function(format!("decide_spread/{n}_origins"), |b| {
            b.iter(|| {
                next = (next + 1) % asked.len();
                black_box(policy.decide(black_box(&asked[next])))
            })
        });
        if n == 10 {
            // The live handle, as the tower layer reads it per request.
            let live = ArcSwap::from_pointee(PolicySet::from(policy.clone()));
            g.bench_function("live/10_origins", |b| {
                b.iter(|| {
                    let set = live.load();
                    let route = set.route(black_box(b"/items"));
                    let decision = set.policy(route).map(|p| p.decide(black_box(&request)));
                    black_box(decision.map(|d| d.is_allowed()))
                })
            });
        }
        rows.push((n, took, beyond));
    }
    g.finish();
    c.final_summary();
    println!();
    println!("| origins | decide (one origin) | decide (spread over 4,096) | compile | heap beyond the origins' bytes |");
    println!("|---|---|---|---|---|");
    for (n, took, beyond) in rows {
        let ns = |id: &str| {
            peers_fastest("scale", &format!("{id}/{n}_origins"))
                .map_or("-".to_owned(), |ns| format!("{ns:.1} ns"))
        };
        println!(
            "| {n} | {} | {} | {:.3} s | {beyond:.0} B/origin |",
            ns("decide"),
            ns("decide_spread"),
            took.as_secs_f64()
        );
    }
    let live = peers_fastest("scale", "live/10_origins");
    let bare = peers_fastest("scale", "decide/10_origins");
    if let (Some(live), Some(bare)) = (live, bare) {
        println!("\nlive handle (ArcSwap'd PolicySet, route, decide): {live:.1} ns; bare policy: {bare:.1} ns");
    }
}

/// One benchmark's fastest sample, in ns (see `benches/peers.rs`).
fn peers_fastest(group: &str, id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "target".into());
    let dir: String = id
        .chars()
        .map(|c| if "?\"/\\*<>:|^".contains(c) { '_' } else { c })
        .collect();
    let text = std::fs::read_to_string(
        target
            .join("criterion")
            .join(group)
            .join(dir)
            .join("new/sample.json"),
    )
    .ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let (iters, times) = (json["iters"].as_array()?, json["times"].as_array()?);
    iters
        .iter()
        .zip(times)
        .filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()?))
        .min_by(f64::total_cmp)
}
