"""The ASGI middleware in a Starlette app and on raw ASGI input."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from cors_engine import ConfigError, ConfigWarning
from cors_engine.asgi import CORSMiddleware

ORIGIN = "https://app.example.com"


def _ok(request):
    return PlainTextResponse("ok", headers={"Vary": "Accept-Encoding", "X-Total-Count": "42"})


def _boom(request):
    raise RuntimeError("view failed")


def make_app(**kwargs) -> Starlette:
    app = Starlette(routes=[Route("/", _ok, methods=["GET", "POST", "PUT", "OPTIONS"]), Route("/boom", _boom)])
    app.add_middleware(CORSMiddleware, **kwargs)
    return app


def client(**kwargs) -> TestClient:
    return TestClient(make_app(**kwargs), raise_server_exceptions=False)


def test_allowed_actual_request_echoes_origin_and_appends_vary():
    c = client(allow_origins=[ORIGIN], expose_headers=["x-total-count"], allow_credentials=True)
    r = c.get("/", headers={"Origin": ORIGIN})
    assert r.status_code == 200 and r.text == "ok"
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["access-control-expose-headers"] == "x-total-count"
    # The application's Vary is kept and joined, never replaced.
    assert r.headers.get_list("vary") == ["Accept-Encoding, Origin"]


def test_denied_actual_request_runs_handler_without_cors_headers():
    r = client(allow_origins=[ORIGIN]).get("/", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and r.text == "ok"
    assert "access-control-allow-origin" not in r.headers
    assert r.headers["vary"] == "Accept-Encoding, Origin"


def test_preflight_allowed_is_answered_without_the_handler():
    c = client(allow_origins=[ORIGIN], allow_methods=["PUT"], allow_headers=["x-trace"], max_age=300)
    r = c.options(
        "/",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "X-Trace, content-type",
        },
    )
    assert r.status_code == 204 and r.content == b""
    assert r.headers["access-control-allow-methods"] == "PUT"
    # content-type is allowed by Starlette whatever allow_headers says; kept.
    assert r.headers["access-control-allow-headers"] == "X-Trace, content-type"
    assert r.headers["access-control-max-age"] == "300"


def test_preflight_denied_is_403_with_vary_only():
    c = client(allow_origins=[ORIGIN], allow_methods=["PUT"])
    r = c.options("/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"})
    assert r.status_code == 403
    assert [k for k in r.headers if k.startswith("access-control-")] == []
    assert "Origin" in r.headers["vary"]


def test_error_response_of_the_view_carries_cors_headers():
    r = client(allow_origins=[ORIGIN]).get("/boom", headers={"Origin": ORIGIN})
    assert r.status_code == 500
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert "Origin" in r.headers["vary"]


def test_any_origin_answers_star():
    r = client(allow_origins=["*"]).get("/", headers={"Origin": "https://anywhere.example"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_star_with_credentials_is_refused_at_start_up():
    with pytest.raises(ConfigError) as error:
        CORSMiddleware(_ok, allow_origins=["*"], allow_credentials=True)
    assert "credentials" in str(error.value)


def test_every_problem_is_reported_in_one_exception():
    with pytest.raises(ConfigError) as error:
        CORSMiddleware(_ok, allow_origins=["https://a.example/", "HTTPS://B.example"], allow_methods=["TRACE"], max_age=10**6)
    problems = error.value.problems
    assert len(problems) >= 4, problems
    text = str(error.value)
    assert all(p in text for p in problems)


def test_origin_regex_matches_the_whole_origin():
    c = client(allow_origin_regex=r"https://[a-z]+\.example\.org")
    assert c.get("/", headers={"Origin": "https://app.example.org"}).headers["access-control-allow-origin"]
    r = c.get("/", headers={"Origin": "https://app.example.org.evil.com"})
    assert "access-control-allow-origin" not in r.headers


def test_websocket_and_lifespan_pass_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    middleware = CORSMiddleware(app, allow_origins=[ORIGIN])
    asyncio.run(middleware({"type": "lifespan"}, None, None))
    asyncio.run(middleware({"type": "websocket", "headers": [(b"origin", b"https://x")]}, None, None))
    assert seen == ["lifespan", "websocket"]


# -- bad input never raises into a request ---------------------------------


def _run_raw(middleware, method, headers):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    asyncio.run(middleware({"type": "http", "method": method, "path": "/", "headers": headers}, receive, send))
    return sent[0]


async def _raw_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"vary", b"Cookie")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize(
    "headers",
    [
        [(b"origin", "https://ex\u00e4mple.com".encode())],  # non-ASCII bytes
        [(b"origin", b"\xff\xfe")],
        [(b"origin", "https://app.example.com")],  # str instead of bytes
        [(b"origin", 42)],  # not a header value at all
        [(b"origin",)],  # not a pair
        [42, None, (b"origin", b"https://app.example.com", b"extra")],
        [(b"origin", b"https://" + b"a" * 100_000)],  # huge
        [(b"origin", b"https://app.example.com"), (b"origin", b"https://evil.example")],  # repeated
        [(b"access-control-request-headers", b"x" * 100_000)],
        [(b"ORIGIN", b"https://app.example.com")],  # upper-case name from a lax server
    ],
)
def test_bad_input_gets_a_decision_never_an_exception(headers):
    middleware = CORSMiddleware(_raw_app, allow_origins=[ORIGIN], allow_methods=["PUT"])
    start = _run_raw(middleware, "GET", headers)
    assert start["status"] == 200
    names = [n for n, _ in start["headers"]]
    assert names.count(b"vary") == 1


def test_repeated_origin_is_denied():
    middleware = CORSMiddleware(_raw_app, allow_origins=[ORIGIN])
    start = _run_raw(middleware, "GET", [(b"origin", ORIGIN.encode()), (b"origin", ORIGIN.encode())])
    assert (b"access-control-allow-origin", ORIGIN.encode()) not in start["headers"]
    start = _run_raw(middleware, "GET", [(b"origin", ORIGIN.encode())])
    assert (b"access-control-allow-origin", ORIGIN.encode()) in start["headers"]


def test_huge_preflight_is_denied_not_slowed():
    # The engine's compile warning reaches Python's warnings module.
    with pytest.warns(ConfigWarning, match="authorization"):
        middleware = CORSMiddleware(_raw_app, allow_origins=[ORIGIN], allow_methods=["PUT"], allow_headers=["*"])
    headers = [(b"origin", ORIGIN.encode()), (b"access-control-request-method", b"PUT")]
    headers += [(b"access-control-request-headers", b"," * 8192)] * 50
    start = _run_raw(middleware, "OPTIONS", headers)
    assert start["status"] == 403


def test_str_header_values_are_decided_like_bytes():
    middleware = CORSMiddleware(_raw_app, allow_origins=[ORIGIN])
    start = _run_raw(middleware, "GET", [("origin", ORIGIN)])
    assert dict(start["headers"])[b"access-control-allow-origin"] == ORIGIN.encode()


def test_routes_choose_the_policy_by_path():
    policy = {
        "allowed_origins": [ORIGIN],
        "routes": [
            {"paths": ["/public/*"], "allowed_origins": ["*"]},
            {"paths": ["/internal"], "cors": False},
        ],
    }
    middleware = CORSMiddleware(_raw_app, policy=policy)

    def acao(path, origin):
        sent = []

        async def send(m):
            sent.append(m)

        scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"origin", origin)]}
        asyncio.run(middleware(scope, None, send))
        return dict(sent[0]["headers"]).get(b"access-control-allow-origin")

    assert acao("/public/x", b"https://other.example") == b"*"
    assert acao("/public", b"https://other.example") == b"*"
    assert acao("/publicity", b"https://other.example") is None
    assert acao("/internal", ORIGIN.encode()) is None
    assert acao("/api", ORIGIN.encode()) == ORIGIN.encode()


def test_strict_turns_warnings_into_errors():
    policy = {"allowed_origins": [ORIGIN], "allowed_methods": ["GET", "PUT"], "strict": True}
    with pytest.raises(ConfigError, match="GET"):
        CORSMiddleware(_raw_app, policy=policy)
    with pytest.warns(ConfigWarning, match="GET"):
        CORSMiddleware(_raw_app, policy={**policy, "strict": False})


def test_denials_are_logged_only_when_asked(caplog):
    quiet = CORSMiddleware(_raw_app, allow_origins=[ORIGIN])
    loud = CORSMiddleware(_raw_app, allow_origins=[ORIGIN], log_denials=True)
    evil = [(b"origin", b"https://evil.example\r\nX-Forged: 1")]
    with caplog.at_level("INFO", logger="cors_engine"):
        _run_raw(quiet, "GET", evil)
        assert caplog.records == []
        _run_raw(loud, "GET", evil)
    (record,) = caplog.records
    # The engine escapes request bytes: the log line cannot be forged.
    assert "\\x0d\\x0a" in record.getMessage() or "\\r\\n" in record.getMessage()
    assert "\r" not in record.getMessage()


def test_preflight_content_length():
    for status in (204, 200):
        m = CORSMiddleware(_raw_app, allow_origins=[ORIGIN], allow_methods=["PUT"], preflight_success_status=status)
        start = _run_raw(m, "OPTIONS", [(b"origin", ORIGIN.encode()), (b"access-control-request-method", b"PUT")])
        assert start["status"] == status
        assert (dict(start["headers"]).get(b"content-length")) == (None if status == 204 else b"0")
