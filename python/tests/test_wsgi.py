"""The WSGI middleware around a plain WSGI application."""

from __future__ import annotations

import io

import pytest

from cors_engine import ConfigError
from cors_engine.wsgi import CORSMiddleware

ORIGIN = "https://app.example.com"


def app(environ, start_response):
    if environ["PATH_INFO"] == "/boom":
        raise RuntimeError("view failed")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")])
    return [b"ok"]


def call(middleware, method="GET", path="/", **headers):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.errors": io.StringIO()}
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"] = status
        seen["headers"] = response_headers

    body = b"".join(middleware(environ, start_response))
    return seen["status"], seen["headers"], body, environ


def test_allowed_request_and_vary_join():
    m = CORSMiddleware(app, allowed_origins=[ORIGIN], allow_credentials=True)
    status, headers, body, _ = call(m, ORIGIN=ORIGIN)
    assert status == "200 OK" and body == b"ok"
    assert ("Access-Control-Allow-Origin", ORIGIN) in headers
    assert ("Access-Control-Allow-Credentials", "true") in headers
    assert [v for n, v in headers if n.lower() == "vary"] == ["Accept-Encoding, Origin"]


def test_preflight_and_denial():
    m = CORSMiddleware(app, policy={"allowed_origins": [ORIGIN], "allowed_methods": ["PUT"]})
    status, headers, body, _ = call(m, "OPTIONS", ORIGIN=ORIGIN, ACCESS_CONTROL_REQUEST_METHOD="PUT")
    assert status == "204 No Content" and body == b""
    assert ("Access-Control-Allow-Methods", "PUT") in headers
    status, headers, _, _ = call(m, "OPTIONS", ORIGIN=ORIGIN, ACCESS_CONTROL_REQUEST_METHOD="PATCH")
    assert status == "403 Forbidden"
    assert [n for n, _ in headers if n.startswith("Access-Control")] == []


def test_error_of_the_app_is_a_500_with_cors_headers_and_a_logged_traceback():
    m = CORSMiddleware(app, allowed_origins=[ORIGIN])
    status, headers, body, environ = call(m, path="/boom", ORIGIN=ORIGIN)
    assert status.startswith("500")
    assert ("Access-Control-Allow-Origin", ORIGIN) in headers
    assert "RuntimeError: view failed" in environ["wsgi.errors"].getvalue()


def test_non_cors_request_passes_untouched_for_origin_dependent_policy():
    m = CORSMiddleware(app, allowed_origins=[ORIGIN])
    status, headers, _, _ = call(m)
    assert [n for n, _ in headers if n.startswith("Access-Control")] == []
    assert [v for n, v in headers if n == "Vary"] == ["Accept-Encoding, Origin"]


@pytest.mark.parametrize(
    "origin", ["https://ex\u00e4mple.com", "https://\udcff", "\x00", "https://" + "a" * 100_000, "https://a.com, https://b.com"]
)
def test_bad_origins_are_decided(origin):
    m = CORSMiddleware(app, allowed_origins=[ORIGIN])
    status, headers, _, _ = call(m, ORIGIN=origin)
    assert status == "200 OK"
    assert [n for n, _ in headers if n.startswith("Access-Control")] == []


def test_config_errors_and_argument_misuse():
    with pytest.raises(ConfigError) as error:
        CORSMiddleware(app, allowed_origin=[ORIGIN])
    assert "allowed_origins" in str(error.value)  # the crate's "did you mean"
    with pytest.raises(TypeError):
        CORSMiddleware(app, policy={}, allowed_origins=[ORIGIN])
    with pytest.raises(ConfigError):
        CORSMiddleware(app, policy={"allowed_origins": [object()]})
