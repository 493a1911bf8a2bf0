"""cors-engine for Python: the Rust CORS policy engine as ASGI, WSGI, Django
and Flask middleware.

A policy is a dict with the keys of the policy file (DESIGN §5 of the
project: ``allowed_origins``, ``allowed_methods``, ``allowed_headers``,
``exposed_headers``, ``allow_credentials``, ``max_age``, ...; ``routes`` for
per-path policies). It is compiled once, at start-up; a bad one raises one
:class:`ConfigError` listing every problem, in the engine's own words.

* :mod:`cors_engine.asgi` -- ``CORSMiddleware`` (Starlette, FastAPI, any ASGI app)
* :mod:`cors_engine.wsgi` -- ``CORSMiddleware`` (any WSGI app)
* :mod:`cors_engine.django` -- ``CorsMiddleware`` (django-cors-headers' settings)
* :mod:`cors_engine.flask` -- ``CORS(app, resources=...)``
"""

from __future__ import annotations

import json
import warnings
from typing import Any, Mapping

from ._engine import ConfigError, Engine

__all__ = ["ConfigError", "ConfigWarning", "Engine", "compile_policy"]


class ConfigWarning(UserWarning):
    """A configuration entry that is harmless but can never matter or may
    surprise (the engine's compile warnings)."""


def compile_policy(policy: Mapping[str, Any], *, text: bool, reasons: bool = False, stacklevel: int = 2) -> Engine:
    """Compiles ``policy`` (policy-file keys) into an :class:`Engine`.

    ``text`` selects what ``decide`` returns: ``str`` header names in their
    usual capitalisation (WSGI and the frameworks on it) or lower-case
    ``bytes`` (ASGI). Raises :class:`ConfigError` listing every problem;
    sends every compile warning to :mod:`warnings`.
    """
    try:
        document = json.dumps(policy, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"invalid CORS configuration: {error}") from None
    engine = Engine(document, text, reasons)
    for message in engine.warnings:
        warnings.warn(message, ConfigWarning, stacklevel=stacklevel + 1)
    return engine
