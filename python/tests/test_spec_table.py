"""The crate's spec table (tests/common/spec.rs), every case, through the
ASGI and the WSGI middleware: same policy, same request bytes, the same
response headers, status and handler run as the core must give."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from conftest import cors_headers, latin1, load_spec, request_lines
from cors_engine import ConfigWarning
from cors_engine.asgi import CORSMiddleware as ASGICors
from cors_engine.wsgi import CORSMiddleware as WSGICors

SPEC = load_spec()
CASES = SPEC["cases"]
POLICIES = SPEC["policies"]


def _compile_or_xfail(make):
    # Every named policy of the table must compile (the Rust suite checks
    # the same); its compile warnings are not under test here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)
        return make()


def test_table_is_not_empty():
    assert len(CASES) > 100
    assert {c["policy"] for c in CASES} <= set(POLICIES)


def _expected(case: dict) -> list[tuple[str, bytes]]:
    return sorted((n, latin1(v)) for n, v in case["expect"]["headers"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_asgi(case):
    request = case["request"]
    middleware = _compile_or_xfail(lambda: ASGICors(_app_asgi, policy=POLICIES[case["policy"]]))
    ran = []
    scope = {
        "type": "http",
        "method": request["method"],
        "path": "/",
        "headers": [(b"host", b"example.test"), *request_lines(request), (b"accept", b"*/*")],
    }
    scope["ran"] = ran
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    start = sent[0]
    expect = case["expect"]
    assert bool(ran) == expect["runs_handler"]
    if expect["runs_handler"]:
        assert start["status"] == 200
    else:
        assert start["status"] == expect["preflight_status"]
    assert cors_headers(start["headers"]) == _expected(case)


async def _app_asgi(scope, receive, send):
    scope["ran"].append(True)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _environ(request: dict) -> dict:
    """The environ a WSGI server builds: header lines of one name joined
    with ", " (PEP 3333 servers keep one value per name)."""
    environ = {
        "REQUEST_METHOD": request["method"],
        "PATH_INFO": "/",
        "SERVER_NAME": "example.test",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    for name, value in request_lines(request):
        key = "HTTP_" + name.decode().upper().replace("-", "_")
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]}, {text}" if key in environ else text
    return environ


def _wsgi_expected(case: dict) -> list[tuple[str, bytes]]:
    """What the table expects, seen through WSGI's joined lines: the
    engine echoes the one joined request-headers line as one header."""
    request = case["request"]
    expected = _expected(case)
    if len(request["acrh"]) > 1:
        acah = [v for n, v in expected if n == "access-control-allow-headers"]
        if acah:
            expected = [h for h in expected if h[0] != "access-control-allow-headers"]
            joined = ", ".join(request["acrh"]).encode("latin-1")
            expected = sorted([*expected, ("access-control-allow-headers", joined)])
    return expected


# Cases whose request WSGI cannot carry as sent, with why the outcome seen
# through WSGI differs (the table's own expectation is checked by the ASGI
# run above and by the core).
def _wsgi_difference(case: dict) -> str | None:
    request = case["request"]
    if request["repeat"] is not None:
        return "WSGI joins a repeated header into one value, so the repetition itself is invisible"
    if len(request["acrh"]) > 1 and any(line.strip(" \t,") == "" for line in request["acrh"]):
        return "WSGI joins request-header lines, so an empty line becomes part of one value"
    if "TooManyRequestHeaderLines" in case["expect"]["outcome"]:
        return "WSGI joins request-header lines into one, so the cap on lines cannot be reached"
    return None


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_wsgi(case):
    middleware = _compile_or_xfail(lambda: WSGICors(_app_wsgi, policy=POLICIES[case["policy"]]))
    environ = _environ(case["request"])
    ran = []
    environ["test.ran"] = ran
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = headers

    body = b"".join(middleware(environ, start_response))
    expect = case["expect"]
    difference = _wsgi_difference(case)
    if difference is not None:
        # Still a decision, never an exception: the handler runs exactly
        # when the table says, and a preflight is answered by status alone.
        assert bool(ran) == expect["runs_handler"] or expect["kind"] == "Preflight"
        assert seen["status"] in (200, 204, 403)
        return
    assert bool(ran) == expect["runs_handler"]
    if expect["runs_handler"]:
        assert (seen["status"], body) == (200, b"ok")
    else:
        assert seen["status"] == expect["preflight_status"]
    assert cors_headers(seen["headers"]) == _wsgi_expected(case)


def _app_wsgi(environ, start_response):
    environ["test.ran"].append(True)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
