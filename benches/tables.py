#!/usr/bin/env python3
"""Prints the instruction and time tables of benches/README-perf.md side by
side (called by benches/tables.sh, which runs the benchmarks first).

    benches/tables.py COUNTS CRITERION_DIR

COUNTS holds `function id instructions` lines (benches/instructions/counts.sh,
or the committed baseline.txt); CRITERION_DIR is criterion's output
(target/criterion), read for each benchmark's fastest sample: on a shared
machine interference only adds time, so the fastest sample is the one
closest to the code's own cost.
"""

import json
import pathlib
import sys

# Scenario ids of benches/common/peers.rs and their names.
SCENARIOS = [
    ("not_cors", "not CORS"),
    ("actual_allowed", "actual, allowed"),
    ("actual_denied", "actual, denied"),
    ("preflight_allowed", "preflight, 3 headers"),
    ("preflight_denied", "preflight, denied"),
]
FRAMEWORKS = [("tower", "tower-http"), ("actix", "actix-cors")]
# benches/instructions.rs and benches/decide.rs use the same ids.
CORE = [
    ("not_cors", "no `Origin`"),
    ("actual_allowed_10", "actual, allowed, 10 origins"),
    ("actual_allowed_1000", "actual, allowed, 1,000 origins"),
    ("actual_denied_10", "actual, denied, 10 origins + pattern + regex"),
    ("actual_denied_1000", "actual, denied, 1,000 origins + regex"),
    ("actual_pattern", "actual, allowed by a subdomain pattern"),
    ("actual_regex", "actual, allowed by a regex"),
    ("preflight_0", "preflight, no requested header"),
    ("preflight_1", "preflight, 1 header"),
    ("preflight_3", "preflight, 3 headers as browsers send them"),
    ("preflight_3_spaced", "preflight, 3 headers, spaced and capitalised"),
    ("preflight_denied_method", "preflight denied: method"),
    ("preflight_denied_header", "preflight denied: header"),
    ("preflight_8kib_commas", "preflight denied: 8 KiB of commas"),
    ("preflight_8kib_name", "preflight denied: one 8 KiB name"),
]


def counts(path):
    table = {}
    for line in pathlib.Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            table[(parts[0], parts[1])] = int(parts[2])
    return table


def fastest_ns(criterion, group, bench_id):
    """The fastest sample of a benchmark in ns per iteration, or None."""
    safe = "".join("_" if c in '?"/\\*<>:|^' else c for c in bench_id)
    path = pathlib.Path(criterion, group, safe, "new", "sample.json")
    try:
        sample = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    per = [t / n for n, t in zip(sample["iters"], sample["times"]) if n]
    return min(per) if per else None


def time(ns, sign=False):
    if ns is None:
        return "–"
    text = f"{ns:+.0f} ns" if sign else f"{ns:.0f} ns"
    return text if abs(ns) < 10_000 else f"{ns / 1000:{'+' if sign else ''}.1f} µs"


def ratio(num, den):
    if num is None or den is None:
        return "–"
    if den <= 0:
        return "below baseline"
    return f"{num / den:.1f}×"


def adapters(n, criterion):
    print("| framework | scenario | baseline | floor | cors-engine | peer "
          "| peer ÷ ours | ours ÷ floor |")
    print("|---|---|---|---|---|---|---|---|")
    for framework, peer in FRAMEWORKS:
        for sid, name in SCENARIOS:
            ins = {i: n.get((f"{framework}_{i}", sid))
                   for i in ("baseline", "floor", "ours", "peer")}
            ns = {i: fastest_ns(criterion, f"peers-{framework}", f"{name}/{i}")
                  for i in ins}

            def over(table, i):
                if table[i] is None or table["baseline"] is None:
                    return None
                return table[i] - table["baseline"]

            def cell(i):
                if ins[i] is None:
                    return "–"
                return f"{over(ins, i):+,} · {time(over(ns, i), sign=True)}"

            def both(f, a, b):
                return f"{f(over(ins, a), over(ins, b))} · {f(over(ns, a), over(ns, b))}"

            floor = "–" if ins["floor"] is None else both(ratio, "ours", "floor")
            print(f"| {framework} ({peer}) | {name} "
                  f"| {ins['baseline']:,} · {time(ns['baseline'])} "
                  f"| {cell('floor')} | {cell('ours')} | {cell('peer')} "
                  f"| {both(ratio, 'peer', 'ours')} | {floor} |")


def core(n, criterion):
    print("| scenario | id | instructions | time |")
    print("|---|---|---|---|")
    for sid, name in CORE:
        count = n.get(("decide", sid))
        ns = fastest_ns(criterion, "decide", sid)
        shown = "–" if count is None else f"{count:,}"
        print(f"| {name} | `{sid}` | {shown} | {time(ns)} |")


def main():
    n = counts(sys.argv[1])
    criterion = sys.argv[2]
    print("## Adapters: overhead per request over the framework's own baseline")
    print()
    print("Each cell: instructions (callgrind) · time (criterion's fastest "
          "sample). Browser-like requests: the 13 header lines Chromium sends "
          "with a `fetch`, plus the scenario's CORS lines; the preflight asks "
          "for `authorization,content-type,x-request-id` as browsers send it. "
          "Every implementation is one boxed \"serve this request\" function "
          "(`benches/common/peers.rs`), so each pays the same harness cost. "
          "The design asks \"peer ÷ ours\" ≥ 5 and, on requests that reach "
          "the application, \"ours ÷ floor\" ≤ 1.3.")
    print()
    adapters(n, criterion)
    print()
    print("## The core: one decision (`Policy::decide`)")
    print()
    print("The policy of `benches/decide.rs`: 10 or 1,000 exact origins, a "
          "subdomain pattern (10 only), a regex, four methods, three headers.")
    print()
    core(n, criterion)


if __name__ == "__main__":
    main()
