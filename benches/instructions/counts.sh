#!/usr/bin/env bash
# Reads gungraun's report (stdin) and prints one line per benchmark:
# `function id instructions`, e.g. `tower_ours actual_allowed 3012`.
set -euo pipefail
awk '
  /^instructions::/ {
    split($1, path, "::"); fn = path[3]
    id = $2; sub(/:.*/, "", id)
    next
  }
  fn != "" && $1 == "Instructions:" {
    n = $2; sub(/\|.*/, "", n)
    print fn, id, n
    fn = ""
  }
'
