#!/usr/bin/env bash
# The instruction-count gate (DESIGN §4, issue 14): runs the gungraun
# benchmarks (`benches/instructions.rs`) and fails when an instruction count
# of cors-engine's own code (the core's `decide` scenarios and the `*_ours`
# adapter scenarios) grows by more than 5% over the committed baseline,
# `benches/instructions/baseline.txt`. Baselines, floors and peers are
# printed but not gated: they are other people's code.
#
#   benches/instructions/gate.sh            # run and compare
#   benches/instructions/gate.sh --update   # run and rewrite the baseline
#
# An intended change commits the updated baseline with it. Counts are exact
# for one build: they move with the compiler and the dependencies' versions
# (Cargo.lock), not with the machine's load. They include glibc's `malloc`
# and `free`, whose paths depend on the heap's state, so a change to what a
# benchmark's setup allocates can move a scenario that allocates by a few
# percent without the measured code changing: check the profile
# (`target/gungraun/**/callgrind.*.out`, `callgrind_annotate`) before
# updating the baseline for such a move.
set -euo pipefail
cd "$(dirname "$0")/../.."

here=benches/instructions
baseline=$here/baseline.txt
tolerance_percent=${GATE_TOLERANCE_PERCENT:-5}

want=$(awk -F'"' '/^gungraun = /{print $2}' Cargo.toml)
have=$(gungraun-runner --version 2>/dev/null | awk '{print $2}')
case "$have" in
  "$want"*) ;;
  *)
    echo "gungraun-runner $have does not match the gungraun library $want:" >&2
    echo "  cargo install gungraun-runner --locked --version $want" >&2
    exit 2
    ;;
esac

out=$(mktemp)
trap 'rm -f "$out" "$out.counts"' EXIT
cargo bench --all-features --bench instructions >"$out" 2>&1 || {
  tail -40 "$out" >&2
  echo "the instruction benchmarks failed" >&2
  exit 1
}
"$here/counts.sh" <"$out" >"$out.counts"

if [ "${1:-}" = "--update" ]; then
  {
    echo "# Instruction counts per benchmark (function id count), written by"
    echo "# benches/instructions/gate.sh --update with $(rustc --version)."
    cat "$out.counts"
  } >"$baseline"
  echo "baseline written: $baseline ($(wc -l <"$out.counts") benchmarks)"
  exit 0
fi

awk -v tol="$tolerance_percent" '
  FNR == NR { if ($1 !~ /^#/) base[$1 " " $2] = $3; next }
  {
    key = $1 " " $2; now = $3
    gated = ($1 == "decide" || $1 ~ /_ours$/)
    if (!(key in base)) {
      printf "%-40s %8d  (new: not in the baseline)\n", key, now
      next
    }
    was = base[key]
    change = was ? 100 * (now - was) / was : 0
    flag = ""
    if (gated && change > tol) { flag = "  REGRESSED"; bad++ }
    printf "%-40s %8d  was %8d  %+6.1f%%%s\n", key, now, was, change, flag
  }
  END {
    if (bad) {
      printf "\n%d instruction count(s) of cors-engine grew by more than %s%%.\n", bad, tol
      print "If intended, run benches/instructions/gate.sh --update and commit the baseline."
      exit 1
    }
    print "\ninstruction gate: no count of cors-engine grew by more than " tol "%"
  }
' "$baseline" "$out.counts"
