"""Flask extension: ``CORS(app, resources=..., origins=..., ...)``.

flask-cors' option names, translated into policy-file keys and served by
the WSGI middleware around ``app.wsgi_app`` -- so preflights are answered
before Flask routes them and error responses get CORS headers too.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from . import ConfigError
from ._translate import NEVER_PREFLIGHTED, as_list, prefix_match_regex
from .wsgi import CORSMiddleware

# flask-cors' defaults, as data.
_DEFAULT_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")

_OPTIONS = {
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "supports_credentials",
    "max_age",
    "allow_private_network",
    "send_wildcard",
    "vary_header",
    "automatic_options",
}


def _resource_keys(options: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise ConfigError(f"invalid CORS configuration: unknown option(s) {', '.join(unknown)} in {where}")
    keys: dict[str, Any] = {}
    if "origins" in options:
        origins, regexes = _origins(options["origins"])
        keys["allowed_origins"] = origins
        keys["allowed_origin_regexes"] = regexes
    if "methods" in options:
        methods = as_list(options["methods"], "methods")
        # flask-cors upper-cases methods; other values go to the engine as
        # they are, to be reported with every other problem.
        keys["allowed_methods"] = (
            [m.upper() if isinstance(m, str) else m for m in methods] if isinstance(methods, list) else methods
        )
    if "allow_headers" in options:
        keys["allowed_headers"] = as_list(options["allow_headers"], "allow_headers")
    if "expose_headers" in options:
        keys["exposed_headers"] = as_list(options["expose_headers"], "expose_headers")
    if "supports_credentials" in options:
        keys["allow_credentials"] = bool(options["supports_credentials"])
    if options.get("max_age") is not None:
        age = options["max_age"]
        keys["max_age"] = int(age.total_seconds()) if hasattr(age, "total_seconds") else int(age)
    if "allow_private_network" in options:
        keys["allow_private_network"] = bool(options["allow_private_network"])
    return keys


def policy_for(resources: Any = None, **options: Any) -> dict[str, Any]:
    """Policy-file keys for flask-cors' ``CORS(app, resources, **options)``.

    Each resource becomes a route (its regex matched like ``re.match``, from
    the start of the path); resource options override the app-wide ones; a
    path matching no resource gets no CORS, as with flask-cors.
    """
    top = {
        "allowed_origins": ["*"],
        "allowed_methods": [m for m in _DEFAULT_METHODS if m not in NEVER_PREFLIGHTED],
        # flask-cors' default "*" covers authorization too; so does ours
        # (the engine's "*" alone never does).
        "allowed_headers": ["*", "authorization"],
    }
    top.update(_resource_keys(options, "CORS()"))
    if resources is None:
        resources = {r"/*": {}}
    elif isinstance(resources, (str, re.Pattern)):
        resources = {resources: {}}
    elif isinstance(resources, Mapping):
        pass
    elif isinstance(resources, (list, tuple, set, frozenset)):
        resources = {r: {} for r in resources}
    else:
        raise ConfigError(
            f"invalid CORS configuration: resources must be a path regex, a list of them or a dict, not {resources!r}"
        )
    for pattern in resources:
        if not isinstance(pattern, (str, re.Pattern)):
            raise ConfigError(f"invalid CORS configuration: a resource must be a path regex, not {pattern!r}")
    # flask-cors tries the longest pattern first.
    ordered = sorted(resources.items(), key=lambda item: len(_text(item[0])), reverse=True)
    routes = []
    for pattern, resource_options in ordered:
        route = {**top, **_resource_keys(resource_options or {}, f"resource {_text(pattern)!r}")}
        route["path_regexes"] = [prefix_match_regex(_text(pattern))]
        routes.append(route)
    # Nothing at the top level: a path matching no resource gets no CORS.
    return {"routes": routes}


# flask-cors takes an origin for a regex when it is compiled or written with
# regex syntax. `*` alone is left out of the hint: `*` and
# `https://*.example.com` mean the same here as there (any origin, any
# subdomain), and the engine reads them as such.
_REGEX_HINTS = frozenset("\\]?$^[()+")


def _origins(value: Any) -> tuple[list[str], list[str]]:
    """flask-cors' ``origins`` split into origins and regexes (matched as
    flask-cors matches them: from the start, ignoring case)."""
    if isinstance(value, re.Pattern):
        value = [value]
    elif isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    origins: list[str] = []
    regexes: list[str] = []
    for origin in value if not isinstance(value, str) else [value]:
        if isinstance(origin, re.Pattern):
            regexes.append(f"(?i:{prefix_match_regex(origin.pattern)})")
        elif not isinstance(origin, str):
            raise ConfigError(f"invalid CORS configuration: origins must hold strings or compiled regexes, not {origin!r}")
        elif _REGEX_HINTS & set(origin) or ".*" in origin:
            regexes.append(f"(?i:{prefix_match_regex(origin)})")
        else:
            origins.append(origin)
    return origins, regexes


def _text(pattern: Any) -> str:
    return pattern.pattern if hasattr(pattern, "pattern") else str(pattern)


class CORS:
    """``CORS(app, resources=None, **options)`` or ``CORS().init_app(app)``."""

    def __init__(self, app: Optional[Any] = None, resources: Any = None, **options: Any) -> None:
        self._resources = resources
        self._options = options
        self.middleware: Optional[CORSMiddleware] = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Any, resources: Any = None, **options: Any) -> None:
        policy = policy_for(resources if resources is not None else self._resources, **{**self._options, **options})
        self.middleware = CORSMiddleware(app.wsgi_app, policy=policy)
        app.wsgi_app = self.middleware


__all__ = ["CORS", "ConfigError", "policy_for"]
