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
    let three: &[&[u8]] = &[b"authorization,content-type,x-request-id"];
    let one: &[&[u8]] = &[b"content-type"];
    let preflight3 = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://app7.example.com")
        .request_method(b"PUT")
        .request_headers(three);
    let preflight1 = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://app7.example.com")
        .request_method(b"PUT")
        .request_headers(one);
    let preflight_denied = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://app7.example.com")
        .request_method(b"PATCH")
        .request_headers(one);
    let commas = vec![b','; 8192];
    let commas: &[&[u8]] = &[&commas];
    let long_name = vec![b'a'; 8192];
    let long_name: &[&[u8]] = &[&long_name];
    let adversarial_commas = RequestDescriptor::new(b"OPTIONS")
        .origin(b"https://app7.example.com")
        .request_method(b"PUT")
        .request_headers(commas);
    let adversarial_name = preflight3.request_headers(long_name);
    let not_cors = RequestDescriptor::new(b"GET");

    const FIXED: Config<'static, 'static> = Config::new()
        .allowed_origins(&["https://app7.example.com", "https://*.example.org"])
        .allowed_methods(&["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(&["content-type", "authorization", "x-request-id"])
        .allow_credentials(true)
        .max_age(600);
    let fixed = FixedPolicy::<512, 32>::compile(&FIXED).expect("fits");

    let mut g = c.benchmark_group("decide");
    let cases: [(&str, &Policy, &RequestDescriptor<'_>); 12] = [
        ("not_cors", &p10, &not_cors),
        ("actual_allowed/10_origins", &p10, &allowed),
        ("actual_allowed/1000_origins", &p1000, &allowed_1000),
        ("actual_denied/10_origins", &p10, &denied),
        ("actual_denied/1000_origins", &p1000, &denied),
        ("actual_allowed/subdomain_pattern", &p10, &pattern),
        ("actual_allowed/regex", &p10, &regex),
        ("preflight_allowed/1_header", &p10, &preflight1),
        ("preflight_allowed/3_headers", &p10, &preflight3),
        ("preflight_denied/method", &p10, &preflight_denied),
        ("preflight_denied/8KiB_commas", &p10, &adversarial_commas),
        ("preflight_denied/8KiB_name", &p10, &adversarial_name),
    ];
    for (name, policy, request) in cases {
        g.bench_function(name, |b| {
            b.iter(|| black_box(policy.decide(black_box(request))))
        });
    }
    g.bench_function("fixed_capacity/actual_allowed", |b| {
        b.iter(|| black_box(fixed.decide(black_box(&allowed))))
    });
    g.bench_function("fixed_capacity/preflight_allowed/3_headers", |b| {
        b.iter(|| black_box(fixed.decide(black_box(&preflight3))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
