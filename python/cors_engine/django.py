"""Django middleware reading django-cors-headers' settings.

Replace ``"corsheaders.middleware.CorsMiddleware"`` with
``"cors_engine.django.CorsMiddleware"`` in ``MIDDLEWARE`` (same place: as
high as possible, above anything that can answer a response); the
``CORS_*`` settings move unchanged. Settings whose behaviour the engine
refuses (``CORS_ALLOW_ALL_ORIGINS`` with ``CORS_ALLOW_CREDENTIALS``, for
one) stop the server at start-up with every problem listed.
"""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any, Awaitable, Callable, Optional, Union

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from . import ConfigError, ConfigWarning, compile_policy
from ._translate import NEVER_PREFLIGHTED, as_list, prefix_match_regex, without

# django-cors-headers' defaults, as data: what an unset setting means there.
_DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with")
_DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
_DEFAULT_MAX_AGE = 86400
_DEFAULT_URLS_REGEX = r"^.*$"

# Every setting read here, with the older names django-cors-headers still
# honours; any other CORS_* setting is reported (a typo must not pass).
_KNOWN = {
    "CORS_ALLOWED_ORIGINS",
    "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGIN_REGEX_WHITELIST",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ORIGIN_ALLOW_ALL",
    "CORS_ALLOW_CREDENTIALS",
    "CORS_ALLOW_METHODS",
    "CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS",
    "CORS_PREFLIGHT_MAX_AGE",
    "CORS_ALLOW_PRIVATE_NETWORK",
    "CORS_URLS_REGEX",
    "CORS_POLICY",
    "CORS_LOG_DENIALS",
}


_SETTING_OF_KEY = ", ".join(
    f"{key} = {setting}"
    for key, setting in (
        ("allowed_origins", "CORS_ALLOWED_ORIGINS / CORS_ALLOW_ALL_ORIGINS"),
        ("allowed_origin_regexes", "CORS_ALLOWED_ORIGIN_REGEXES"),
        ("allowed_methods", "CORS_ALLOW_METHODS"),
        ("allowed_headers", "CORS_ALLOW_HEADERS"),
        ("exposed_headers", "CORS_EXPOSE_HEADERS"),
        ("allow_credentials", "CORS_ALLOW_CREDENTIALS"),
        ("max_age", "CORS_PREFLIGHT_MAX_AGE"),
        ("allow_private_network", "CORS_ALLOW_PRIVATE_NETWORK"),
        ("routes[0]", "CORS_URLS_REGEX"),
    )
)


def _pattern_text(value: Any) -> str:
    return value.pattern if isinstance(value, re.Pattern) else value


def policy_from_settings(source: Any = None) -> dict[str, Any]:
    """Policy-file keys for django-cors-headers' settings in ``source``
    (default: ``django.conf.settings``).

    ``CORS_POLICY``, when set, is a policy dict used as it is (routes
    included) and the other settings must not be set.
    """
    source = settings if source is None else source

    def get(name: str, old: Optional[str] = None, default: Any = None) -> Any:
        if hasattr(source, name):
            return getattr(source, name)
        if old is not None and hasattr(source, old):
            return getattr(source, old)
        return default

    unknown = sorted(n for n in dir(source) if n.startswith("CORS_") and n not in _KNOWN)
    for name in unknown:
        warnings.warn(f"unknown setting {name} is ignored", ConfigWarning, stacklevel=3)

    explicit = getattr(source, "CORS_POLICY", None)
    if explicit is not None:
        return dict(explicit)

    if get("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", False):
        origins = ["*"]
    else:
        origins = as_list(get("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", ()), "CORS_ALLOWED_ORIGINS")
    regexes = as_list(get("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST", ()), "CORS_ALLOWED_ORIGIN_REGEXES")
    if isinstance(regexes, list):
        regexes = [_pattern_text(r) for r in regexes]
    if hasattr(source, "CORS_ALLOW_METHODS"):
        methods = as_list(source.CORS_ALLOW_METHODS, "CORS_ALLOW_METHODS")
    else:
        methods = without(_DEFAULT_METHODS, NEVER_PREFLIGHTED)
    headers = as_list(get("CORS_ALLOW_HEADERS", default=_DEFAULT_HEADERS), "CORS_ALLOW_HEADERS")
    # Values of the wrong type are passed on as they are: the engine reports
    # them with every other problem.
    listed = isinstance(origins, list)
    policy: dict[str, Any] = {
        "allowed_origins": [o for o in origins if o != "null"] if listed else origins,
        "allowed_origin_regexes": regexes,
        "allowed_methods": methods,
        "allowed_headers": headers,
        "exposed_headers": as_list(get("CORS_EXPOSE_HEADERS", default=()), "CORS_EXPOSE_HEADERS"),
        "allow_credentials": get("CORS_ALLOW_CREDENTIALS", default=False),
        "allow_private_network": get("CORS_ALLOW_PRIVATE_NETWORK", default=False),
    }
    if listed and "null" in origins:
        # django-cors-headers allows the opaque origin when "null" is listed.
        policy["allow_null_origin"] = True
    max_age = get("CORS_PREFLIGHT_MAX_AGE", default=_DEFAULT_MAX_AGE)
    # django-cors-headers sends no max-age header for 0 (or None).
    if max_age:
        policy["max_age"] = max_age
    urls = _pattern_text(get("CORS_URLS_REGEX", default=_DEFAULT_URLS_REGEX))
    if urls != _DEFAULT_URLS_REGEX:
        # CORS only for the paths the regex matches (Python's re.match: at
        # the start): a policy file with routes and nothing at its top level
        # means no CORS on any other path.
        policy = {"routes": [{"path_regexes": [prefix_match_regex(urls)], **policy}]}
    return policy


#: Sent with the request when a request's origin is not allowed by the
#: settings; a receiver returning a true value allows it (django-cors-headers'
#: ``corsheaders.signals.check_request_enabled``, which is honoured too when
#: that package is installed). Consulted only on paths where CORS applies,
#: only for well-formed origins the settings refuse.
check_request_enabled = Signal()


def _signals() -> list[Signal]:
    signals = [check_request_enabled]
    try:
        from corsheaders.signals import check_request_enabled as theirs
    except ImportError:
        pass
    else:
        signals.append(theirs)
    return signals


class CorsMiddleware:
    """CORS for a Django project, decided by the engine (sync and async)."""

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Union[
            Callable[[HttpRequest], HttpResponseBase], Callable[[HttpRequest], Awaitable[HttpResponseBase]]
        ],
    ) -> None:
        self.get_response = get_response
        log_denials = bool(getattr(settings, "CORS_LOG_DENIALS", False))
        try:
            self.engine = compile_policy(policy_from_settings(), text=True, reasons=log_denials)
        except ConfigError as error:
            # The engine names policy keys; say which setting each one is.
            problems = getattr(error, "problems", [str(error)])
            raised = ConfigError(f"{error}\n(the keys are these settings: {_SETTING_OF_KEY})")
            raised.problems = problems  # type: ignore[attr-defined]
            raise raised from None
        self._decide = self.engine.decide
        self._signals = _signals()
        # Denials are logged (their reasons escaped by the engine) only
        # when asked (setting CORS_LOG_DENIALS): formatting costs.
        self._log = logging.getLogger("cors_engine") if log_denials else None
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        status, headers, vary, _denial = self._decide_request(request)
        if status is not None:
            return _preflight(status, headers)
        response = self.get_response(request)
        _apply(response, headers, vary)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        status, headers, vary, _denial = self._decide_request(request)
        if status is not None:
            return _preflight(status, headers)
        response = await self.get_response(request)  # type: ignore[misc]
        _apply(response, headers, vary)
        return response

    def _decide_request(self, request: HttpRequest) -> tuple:
        meta = request.META
        allow = None
        if any(signal.has_listeners() for signal in self._signals):
            signals = self._signals

            def allow(origin: str) -> bool:
                return any(value for signal in signals for _, value in signal.send(sender=None, request=request))

        answer = self._decide(
            request.method or "",
            meta.get("HTTP_ORIGIN"),
            meta.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            meta.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            meta.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
            request.path_info,
            allow,
        )
        if answer[3] is not None and self._log is not None:
            self._log.info("CORS denied %s %s: %s", request.method, request.path_info, answer[3])
        return answer


def _preflight(status: int, headers: tuple) -> HttpResponse:
    response = HttpResponse(status=status)
    # A 204 carries no Content-Length (RFC 9110 §8.6); 200 and 403 say 0.
    if status != 204:
        response["Content-Length"] = "0"
    _set_headers(response, headers)
    return response


def _set_headers(response: HttpResponseBase, headers: tuple) -> None:
    for name, value in headers:
        # A Django response holds one line per name; the engine gives
        # Access-Control-Allow-Headers once per requested line, which
        # browsers read joined with commas anyway.
        if name in response and name == "Access-Control-Allow-Headers":
            response[name] = f"{response[name]}, {value}"
        else:
            response[name] = value


def _apply(response: HttpResponseBase, headers: tuple, vary: Optional[str]) -> None:
    # Django turns a view's exception into a 500 response before it comes
    # back here, so error responses get their CORS headers too.
    _set_headers(response, headers)
    if vary is not None:
        patch_vary_headers(response, vary.split(", "))


__all__ = ["ConfigError", "CorsMiddleware", "check_request_enabled", "policy_from_settings"]
