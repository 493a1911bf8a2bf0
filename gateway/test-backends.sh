#!/usr/bin/env bash
# The gateway in front of real Django, FastAPI and Flask apps, driven by
# headless Chromium (gateway/tests/browser_backends.rs).
#
#   gateway/test-backends.sh            # make the venv, run the browser test
#   gateway/test-backends.sh --venv     # only make the venv, print its python
#
# The venv lives in target/gateway-venv (pip-installs
# gateway/tests/backends/requirements.txt). Chromium and ChromeDriver come
# from Debian (`apt-get install chromium chromium-driver`); gateway/test.sh
# installs them. Under CI=true a missing tool fails the test; elsewhere it
# is skipped with a loud message.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/gateway-venv
requirements=gateway/tests/backends/requirements.txt
stamp="$venv/.requirements"

make_venv() {
  if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
    return
  fi
  python=$(command -v python3 || true)
  if [ -z "$python" ]; then
    echo "python3 not found (Debian: apt-get install python3 python3-venv)" >&2
    exit 1
  fi
  rm -rf "$venv"
  mkdir -p target
  "$python" -m venv "$venv" || {
    echo "cannot create a venv (Debian: apt-get install python3-venv)" >&2
    exit 1
  }
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
}

make_venv
GATEWAY_TEST_PYTHON="$(cd "$venv/bin" && pwd)/python"
export GATEWAY_TEST_PYTHON

if [ "${1:-}" = "--venv" ]; then
  echo "$GATEWAY_TEST_PYTHON"
  exit 0
fi

cargo test -p cors-gateway --test browser_backends -- --nocapture
