"""ASGI middleware: Starlette, FastAPI and any ASGI application.

``app.add_middleware(CORSMiddleware, allow_origins=[...], ...)`` takes
Starlette's argument names where they mean the same thing; ``policy=``
takes policy-file keys directly (routes included).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Iterable, Mapping, MutableMapping, Optional, Sequence

from . import ConfigError, compile_policy
from ._vary import join_bytes_kept

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Starlette always allows these request headers, whatever allow_headers
# says; a Starlette app that moves here keeps working.
_STARLETTE_ALWAYS_ALLOWED = ("accept", "accept-language", "content-language", "content-type")

_NOT_GIVEN: Any = object()


def starlette_policy(
    allow_origins: Sequence[str] = (),
    allow_methods: Sequence[str] = _NOT_GIVEN,
    allow_headers: Sequence[str] = (),
    allow_credentials: bool = False,
    allow_origin_regex: Optional[str] = None,
    expose_headers: Sequence[str] = (),
    max_age: int = 600,
    allow_private_network: bool = False,
    preflight_success_status: int = 204,
) -> dict[str, Any]:
    """Policy-file keys for Starlette's ``CORSMiddleware`` arguments."""
    headers = list(allow_headers)
    if "*" not in headers:
        headers += [h for h in _STARLETTE_ALWAYS_ALLOWED if h not in {x.lower() for x in headers}]
    # Starlette's default ("GET",) only restates a safelisted method.
    methods = [] if allow_methods is _NOT_GIVEN else list(allow_methods)
    policy: dict[str, Any] = {
        "allowed_origins": list(allow_origins),
        "allowed_methods": methods,
        "allowed_headers": headers,
        "exposed_headers": list(expose_headers),
        "allow_credentials": bool(allow_credentials),
        "allow_private_network": bool(allow_private_network),
    }
    if allow_origin_regex is not None:
        policy["allowed_origin_regexes"] = [allow_origin_regex]
    if max_age is not None:
        policy["max_age"] = max_age
    if preflight_success_status != 204:
        policy["preflight_success_status"] = preflight_success_status
    return policy


class CORSMiddleware:
    """CORS for an ASGI application, decided by the engine.

    Preflights are answered here (the application does not see them); every
    other HTTP response gets the decided headers, error responses included,
    and the engine's ``Vary`` names are joined into the application's.
    """

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Sequence[str] = (),
        allow_methods: Sequence[str] = _NOT_GIVEN,
        allow_headers: Sequence[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: Optional[str] = None,
        expose_headers: Sequence[str] = (),
        max_age: int = 600,
        allow_private_network: bool = False,
        *,
        preflight_success_status: int = 204,
        policy: Optional[Mapping[str, Any]] = None,
        log_denials: bool = False,
    ) -> None:
        self.app = app
        if policy is None:
            policy = starlette_policy(
                allow_origins,
                allow_methods,
                allow_headers,
                allow_credentials,
                allow_origin_regex,
                expose_headers,
                max_age,
                allow_private_network,
                preflight_success_status,
            )
        self.engine = compile_policy(policy, text=False, reasons=log_denials)
        self._decide = self.engine.decide_scope
        # Denials are logged (their reasons escaped by the engine) only
        # when asked: formatting a reason costs more than deciding.
        self._log = logging.getLogger("cors_engine") if log_denials else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # Browsers do not apply CORS to WebSocket or lifespan events.
            await self.app(scope, receive, send)
            return
        try:
            status, headers, vary, _denial = self._decide(scope["method"], scope["headers"], scope["path"])
        except Exception:
            # Only a scope without an HTTP scope's keys gets here: no CORS.
            await self.app(scope, receive, send)
            return
        if status is not None:
            # A 204 carries no Content-Length (RFC 9110 §8.6); 200 and 403 say 0.
            preflight = [*headers] if status == 204 else [*headers, _NO_BODY]
            await send({"type": "http.response.start", "status": status, "headers": preflight})
            await send(_EMPTY_BODY)
            if self._log is not None and _denial is not None:
                self._log.info("CORS denied %s %s: %s", scope["method"], scope["path"], _denial)
            return
        if self._log is not None and _denial is not None:
            self._log.info("CORS denied %s %s: %s", scope["method"], scope["path"], _denial)
        if not headers and vary is None:
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_cors(message: Message) -> None:
            nonlocal started
            if not started and message["type"] == "http.response.start":
                started = True
                message["headers"] = _with_cors(message.get("headers", ()), headers, vary)
            await send(message)

        try:
            await self.app(scope, receive, send_with_cors)
        except Exception:
            if started:
                raise
            # The server's own 500 would carry no CORS headers and the
            # browser would hide the error from the page; answer the 500
            # here and let the exception go on to be logged.
            started = True
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": _with_cors(list(_ERROR_HEADERS), headers, vary),
                }
            )
            await send({"type": "http.response.body", "body": _ERROR_BODY})
            raise


_NO_BODY = (b"content-length", b"0")
_EMPTY_BODY = {"type": "http.response.body", "body": b""}
_ERROR_BODY = b"Internal Server Error"
_ERROR_HEADERS = ((b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"21"))


def _with_cors(app_headers: Iterable[Any], headers: tuple, vary: Any) -> list:
    # A new list: an application may send the same list object every time.
    out = [*app_headers, *headers]
    if vary is not None:
        # ASGI header names are lower case; the application's first `vary`
        # line is extended in place, else ours is added.
        for pair in out:
            if pair[0] == b"vary":
                out[out.index(pair)] = (b"vary", join_bytes_kept(bytes(pair[1]), vary))
                break
        else:
            out.append((b"vary", vary))
    return out


__all__ = ["CORSMiddleware", "ConfigError", "starlette_policy"]
