#!/usr/bin/env bash
# Everything the gateway needs, on a fresh Debian machine, then every
# gateway check and test. Fails on the first failure; under CI=true no test
# may skip (the browser test fails instead of skipping).
#
#   gateway/test.sh
#
# Installs (apt, as root or through sudo): cmake (Pingora's build),
# chromium and chromium-driver (the real-browser test), python3-venv,
# nginx-light, libnginx-mod-http-headers-more-filter and wrk (the benchmark
# harness's smoke run); pip installs the backends into target/gateway-venv.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never
step() { printf '\n==> %s\n' "$*"; }

step "system packages"
need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
[ -f /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so ] ||
  need+=(libnginx-mod-http-headers-more-filter)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ "${#need[@]}" -gt 0 ]; then
  as_root=""
  if [ "$(id -u)" != 0 ]; then as_root="sudo"; fi
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi
cmake --version | head -1
chromium --version
chromedriver --version

step "python venv with Django, FastAPI, uvicorn, Flask"
GATEWAY_TEST_PYTHON=$(gateway/test-backends.sh --venv)
export GATEWAY_TEST_PYTHON
"$GATEWAY_TEST_PYTHON" --version

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -p cors-gateway (all targets, -D warnings)"
cargo clippy -p cors-gateway --all-targets -- -D warnings

step "cargo doc -p cors-gateway (-D warnings)"
RUSTDOCFLAGS=-Dwarnings cargo doc -p cors-gateway --no-deps

step "gateway tests (unit, proxy, lifecycle, shared spec table, real backends in Chromium)"
cargo test -p cors-gateway -- --nocapture

step "benchmark harness smoke run (correctness table, 1 s of load per case)"
gateway/bench/run.sh --smoke

echo
echo "gateway: all checks passed"
