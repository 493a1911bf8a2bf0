#!/usr/bin/env bash
# Prints the adapter tables of benches/README-perf.md from instruction
# counts (`function id count` lines, as in baseline.txt; default: the
# committed baseline): per scenario, each implementation's overhead over
# the framework's baseline, and the ratios the design targets.
#
#   benches/instructions/table.sh [counts-file]
set -euo pipefail
cd "$(dirname "$0")/../.."
counts=${1:-benches/instructions/baseline.txt}
awk '
  $1 !~ /^#/ { n[$1 " " $2] = $3 }
  END {
    split("not_cors actual_allowed actual_denied preflight_allowed preflight_denied", sc, " ")
    split("not CORS|actual, allowed|actual, denied|preflight, 3 headers|preflight, denied", label, "|")
    print "| framework | scenario | baseline | floor | cors-engine | peer | peer ÷ ours | ours ÷ floor |"
    print "|---|---|---|---|---|---|---|---|"
    split("tower actix", fw, " ")
    for (f = 1; f <= 2; f++) for (s = 1; s <= 5; s++) {
      k = sc[s]; b = n[fw[f] "_baseline " k]
      floor = (fw[f] "_floor " k) in n ? n[fw[f] "_floor " k] - b : ""
      ours = n[fw[f] "_ours " k] - b; peer = n[fw[f] "_peer " k] - b
      ratio = ours > 0 ? sprintf("%.1f×", peer / ours) : "below baseline"
      vs = (floor != "" && floor > 0) ? sprintf("%.2f×", ours / floor) : "–"
      printf "| %s | %s | %d | %s | %+d | %+d | %s | %s |\n", fw[f], label[s], b, \
        (floor == "" ? "–" : sprintf("%+d", floor)), ours, peer, ratio, vs
    }
    print ""
    print "| core scenario | instructions |"
    print "|---|---|"
    for (key in n) if (key ~ /^decide /) { split(key, p, " "); rows[p[2]] = n[key] }
    m = split("not_cors actual_allowed_10 actual_allowed_1000 actual_denied_10 actual_denied_1000 actual_pattern actual_regex preflight_0 preflight_1 preflight_3 preflight_3_spaced preflight_denied_method preflight_denied_header preflight_8kib_commas", order, " ")
    for (i = 1; i <= m; i++) if (order[i] in rows) printf "| %s | %d |\n", order[i], rows[order[i]]
  }
' "$counts"
