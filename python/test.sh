#!/usr/bin/env bash
# Builds and tests the Python package on a fresh Debian machine:
#   python/test.sh            (from anywhere; needs cargo and python3)
# Creates a venv, installs maturin, pytest and the frameworks from PyPI,
# `pip install ./python`, exports the crate's spec table, downloads the
# Starlette, django-cors-headers and flask-cors sdists, and runs every
# Python suite.
# Fails on any failure; under CI=true nothing may skip, and a run that
# collects no test fails too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/cors-engine-python.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# System packages: venv support and the browser. Installed only when
# missing, and only where we may (root with apt-get).
need=()
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if ((${#need[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "missing: ${need[*]} (install them, or run as root on Debian)" >&2
        exit 1
    fi
fi

python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install -q --upgrade pip
"$py" -m pip install -q \
    'maturin>=1.5,<2' 'pytest>=8' \
    'starlette>=0.40' 'httpx>=0.27' httpx2 'anyio>=4' trio uvicorn \
    'django>=4.2' django-cors-headers 'flask>=3' flask-cors 'selenium>=4.20'
"$py" -m pip install -q "$here"

# The crate's shared spec table, as data (tests/common/spec.rs -> JSON),
# unless the caller already exported it.
if [[ -z "${CORS_ENGINE_SPEC_JSON:-}" ]]; then
    cargo run --quiet --release --manifest-path "$here/Cargo.toml" -p spec-export >"$work/spec.json"
    export CORS_ENGINE_SPEC_JSON="$work/spec.json"
fi

# Peer sources, at test time, for the installed versions (never stored here).
version() { "$py" -c "import importlib.metadata as m; print(m.version('$1'))"; }
mkdir -p "$work/sdists"
"$py" -m pip download -q --no-binary :all: --no-deps -d "$work/sdists" \
    "starlette==$(version starlette)" "django-cors-headers==$(version django-cors-headers)" \
    "flask-cors==$(version flask-cors)"
tar -xzf "$work"/sdists/starlette-*.tar.gz -C "$work/sdists"
tar -xzf "$work"/sdists/flask_cors-*.tar.gz -C "$work/sdists"
starlette_src="$(echo "$work"/sdists/starlette-*/)"
flask_cors_src="$(echo "$work"/sdists/flask_cors-*/)"

export CORS_ENGINE_DJANGO_CORS_SDIST="$(echo "$work"/sdists/django_cors_headers-*.tar.gz)"

# Run from outside the source folder so that the installed package (with
# its compiled extension) is the one imported.
cd "$work"
status=0
PYTHONPATH="$here/tests" "$py" -m pytest -q -p ci_no_skip -p no:cacheprovider \
    --rootdir "$here" -c /dev/null "$here/tests" || status=$?
# Starlette's own CORS tests against our ASGI middleware, with the strict
# list of expected differences (tests/peers/starlette_swap.py).
(cd "$starlette_src" && PYTHONPATH="$here/tests:$here/tests/peers" "$py" -m pytest -q \
    -p ci_no_skip -p starlette_swap -p no:cacheprovider tests/middleware/test_cors.py) || status=$?
# flask-cors' own tests of its app extension against our Flask extension
# (its decorator tests test @cross_origin, which we do not provide).
(cd "$flask_cors_src" && PYTHONPATH="$here/tests:$here/tests/peers" "$py" -m pytest -q \
    -p ci_no_skip -p flask_swap -p no:cacheprovider tests/extension/test_app_extension.py) || status=$?
exit "$status"
