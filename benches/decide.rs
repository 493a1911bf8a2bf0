//! Criterion benchmarks of the core decision (DESIGN §4).
//!
//! `cargo bench --bench decide` — targets on one core: actual ≤ 15 ns,
//! preflight with three headers ≤ 50 ns, 1,000 origins ≈ 10 origins,
//! adversarial 8 KiB ACRH ≤ 2 µs.

use std::hint::black_box;

use cors_engine::{Config, FixedPolicy, Policy, RequestDescriptor};
use criterion::{criterion_group, criterion_main, Criterion};

fn origins(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://app{i}.example.com"))
        .collect()
}

fn policy(origins: &[&str]) -> Policy {
    let config = Config::new()
        .allowed_origins(origins)
        .allowed_origin_regexes(&[r"^https://[a-z0-9-]+\.preview\.example\.net$"])
        .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(&["content-type", "authorization", "x-request-id"])
        .exposed_headers(&["x-total-count"])
        .allow_credentials(true)
        .max_age(600);
    Policy::compile(&config).expect("valid benchmark policy")
}

fn bench(c: &mut Criterion) {
    let ten = origins(10);
    let thousand = origins(1000);
    let mut ten: Vec<&str> = ten.iter().map(String::as_str).collect();
    ten.push("https://*.example.org");
    let thousand: Vec<&str> = thousand.iter().map(String::as_str).collect();
    let p10 = policy(&ten);
    let p1000 = policy(&thousand);

    let allowed = RequestDescriptor::new(b"GET").origin(b"https://app7.example.com");
    let allowed_1000 = RequestDescriptor::new(b"GET").origin(b"https://app777.example.com");
    let denied = RequestDescriptor::new(b"GET").origin(b"https://app7.example.com.evil.com");
    let pattern = RequestDescriptor::new(b"GET").origin(b"https://a.b.example.org");
    let regex = RequestDescriptor::new(b"GET").origin(b"https://pr-42.preview.example.net");
    let preflight = |lines: &'static [&'static [u8]]| {
        RequestDescriptor::new(b"OPTIONS")
            .origin(b"https://app7.example.com")
            .request_method(b"PUT")
            .request_headers(lines)
    };
    // As browsers send it: lower case, sorted, no spaces.
    let preflight3 = preflight(&[b"authorization,content-type,x-request-id"]);
    let preflight1 = preflight(&[b"content-type"]);
    let preflight_denied = preflight1.request_method(b"PATCH");
    let commas: &'static [u8] = vec![b','; 8192].leak();
    let long_name: &'static [u8] = vec![b'a'; 8192].leak();
    let not_cors = RequestDescriptor::new(b"GET");

    const FIXED: Config<'static, 'static> = Config::new()
        .allowed_origins(&["https://app7.example.com", "https://*.example.org"])
        .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(&["content-type", "authorization", "x-request-id"])
        .allow_credentials(true)
        .max_age(600);
    let fixed = FixedPolicy::<512, 32>::compile(&FIXED).expect("fits");

    let mut g = c.benchmark_group("decide");
    // The same scenarios and names as the instruction counts
    // (`benches/instructions.rs`), so `benches/tables.sh` can put the two
    // side by side; the 8 KiB name is one more adversarial case.
    let cases: [(&str, &Policy, RequestDescriptor<'_>); 15] = [
        ("not_cors", &p10, not_cors),
        ("actual_allowed_10", &p10, allowed),
        ("actual_allowed_1000", &p1000, allowed_1000),
        ("actual_denied_10", &p10, denied),
        ("actual_denied_1000", &p1000, denied),
        ("actual_pattern", &p10, pattern),
        ("actual_regex", &p10, regex),
        ("preflight_0", &p10, preflight(&[])),
        ("preflight_1", &p10, preflight1),
        ("preflight_3", &p10, preflight3),
        // As a hand-written client might: the general parser.
        (
            "preflight_3_spaced",
            &p10,
            preflight(&[b"Content-Type, Authorization, X-Request-ID"]),
        ),
        ("preflight_denied_method", &p10, preflight_denied),
        (
            "preflight_denied_header",
            &p10,
            preflight(&[b"content-type,x-other"]),
        ),
        (
            "preflight_8kib_commas",
            &p10,
            preflight(vec![commas].leak()),
        ),
        (
            "preflight_8kib_name",
            &p10,
            preflight(vec![long_name].leak()),
        ),
    ];
    for (name, policy, request) in cases {
        g.bench_function(name, |b| {
            b.iter(|| black_box(policy.decide(black_box(&request))))
        });
    }
    g.bench_function("fixed_capacity/actual_allowed", |b| {
        b.iter(|| black_box(fixed.decide(black_box(&allowed))))
    });
    g.bench_function("fixed_capacity/preflight_3", |b| {
        b.iter(|| black_box(fixed.decide(black_box(&preflight3))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
