"""WSGI middleware: any WSGI application (Flask's extension is built on it).

``CORSMiddleware(app, policy={...})`` with policy-file keys, or
``CORSMiddleware(app, allowed_origins=[...], ...)`` with the same keys as
keyword arguments.
"""

from __future__ import annotations

import logging
import sys
import traceback
from http import HTTPStatus
from typing import Any, Callable, Iterable, List, Mapping, Optional, Tuple

from . import ConfigError, compile_policy
from ._vary import join_text_kept

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]

_STATUS_LINES = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


def status_line(status: int) -> str:
    return _STATUS_LINES.get(status, f"{status} Unknown")


class CORSMiddleware:
    """CORS for a WSGI application, decided by the engine.

    Preflights are answered here; every other response gets the decided
    headers, error responses included, with the engine's ``Vary`` names
    joined into the application's. WSGI servers join repeated header lines
    into one, so a repeated ``Origin`` reaches the engine as one malformed
    value (denied) rather than as a repetition.
    """

    def __init__(
        self, app: WSGIApp, policy: Optional[Mapping[str, Any]] = None, *, log_denials: bool = False, **keys: Any
    ) -> None:
        if policy is not None and keys:
            raise TypeError("give either policy= or policy keys as arguments, not both")
        self.app = app
        self.engine = compile_policy(policy if policy is not None else keys, text=True, reasons=log_denials)
        self._decide = self.engine.decide
        # Denials are logged (their reasons escaped by the engine) only
        # when asked: formatting a reason costs more than deciding.
        self._log = logging.getLogger("cors_engine") if log_denials else None

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        get = environ.get
        try:
            status, headers, vary, denial = self._decide(
                get("REQUEST_METHOD", ""),
                get("HTTP_ORIGIN"),
                get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
                get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                get("PATH_INFO", ""),
            )
        except Exception:  # pragma: no cover - the engine does not raise on input
            return self.app(environ, start_response)
        if denial is not None and self._log is not None:
            self._log.info("CORS denied %s %s: %s", get("REQUEST_METHOD", ""), get("PATH_INFO", ""), denial)
        if status is not None:
            # A 204 carries no Content-Length (RFC 9110 §8.6); 200 and 403 say 0.
            start_response(status_line(status), [*headers] if status == 204 else [*headers, ("Content-Length", "0")])
            return []
        if not headers and vary is None:
            return self.app(environ, start_response)

        started = False

        def start_with_cors(status: str, app_headers: List[Tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal started
            started = True
            return start_response(status, add_cors(app_headers, headers, vary), exc_info)

        try:
            return self.app(environ, start_with_cors)
        except Exception:
            if started:
                raise
            # The server's own 500 would carry no CORS headers, and the
            # browser would hide the error from the page. Answer the 500
            # here; the traceback goes where the server logs errors.
            errors = get("wsgi.errors") or sys.stderr
            traceback.print_exc(file=errors)
            start_response(
                "500 Internal Server Error",
                add_cors([("Content-Type", "text/plain; charset=utf-8")], headers, vary),
                sys.exc_info(),
            )
            return [b"Internal Server Error"]


def add_cors(app_headers: List[Tuple[str, str]], headers: tuple, vary: Any) -> List[Tuple[str, str]]:
    """The application's headers with the decided ones added and ``Vary`` joined."""
    app_headers = list(app_headers)
    app_headers.extend(headers)
    if vary is not None:
        for i, (name, value) in enumerate(app_headers):
            if name.lower() == "vary":
                app_headers[i] = (name, join_text_kept(value, vary))
                break
        else:
            app_headers.append(("Vary", vary))
    return app_headers


__all__ = ["CORSMiddleware", "ConfigError", "add_cors", "status_line"]
