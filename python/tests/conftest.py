"""Shared fixtures: the crate's spec table, exported as JSON by
`spec-export` (never copied into this repository), and helpers to drive
the middlewares directly."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

PYTHON_DIR = pathlib.Path(__file__).resolve().parent.parent


def load_spec() -> dict:
    # test.sh exports the table once; a developer run builds it here.
    path = os.environ.get("CORS_ENGINE_SPEC_JSON")
    if path:
        return json.loads(pathlib.Path(path).read_text())
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", "spec-export"],
        cwd=PYTHON_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)




def latin1(text: str | None) -> bytes | None:
    return None if text is None else text.encode("latin-1")


def request_lines(request: dict) -> list[tuple[bytes, bytes]]:
    """Every CORS request header line, in order, as the crate's
    `Request::header_lines` sends them."""
    lines = []
    if request["origin"] is not None:
        lines.append((b"origin", latin1(request["origin"])))
    if request["acrm"] is not None:
        lines.append((b"access-control-request-method", latin1(request["acrm"])))
    for line in request["acrh"]:
        lines.append((b"access-control-request-headers", latin1(line)))
    if request["acrpn"] is not None:
        lines.append((b"access-control-request-private-network", latin1(request["acrpn"])))
    if request["repeat"] is not None:
        name, value = request["repeat"]
        lines.append((name.encode(), latin1(value)))
    return lines


def cors_headers(pairs) -> list[tuple[str, bytes]]:
    """The CORS headers of a response (lower-case names), `vary` included."""
    out = []
    for name, value in pairs:
        name = name.decode("latin-1") if isinstance(name, bytes) else name
        value = value if isinstance(value, bytes) else value.encode("latin-1")
        name = name.lower()
        if name.startswith("access-control-") or name == "vary":
            out.append((name, value))
    return sorted(out)
