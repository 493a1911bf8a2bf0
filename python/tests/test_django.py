"""The Django middleware, reading django-cors-headers' settings names."""

from __future__ import annotations

import asyncio
import re
import warnings

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["cors_engine.django.CorsMiddleware"],
        SECRET_KEY="tests",
        CORS_ALLOWED_ORIGINS=["https://app.example.com"],
    )
    django.setup()

from django.http import HttpResponse  # noqa: E402
from django.test import AsyncClient, Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from cors_engine import ConfigError, ConfigWarning  # noqa: E402
from cors_engine.django import CorsMiddleware, policy_from_settings  # noqa: E402

ORIGIN = "https://app.example.com"


@pytest.fixture(autouse=True)
def _urls_and_origins():
    # Another module may have configured Django first in this process.
    with override_settings(
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["cors_engine.django.CorsMiddleware"],
        CORS_ALLOWED_ORIGINS=[ORIGIN],
    ):
        yield


def view(request):
    response = HttpResponse("ok")
    response["Vary"] = "Cookie"
    return response


def boom(request):
    raise RuntimeError("view failed")


urlpatterns = [path("", view), path("api/items", view), path("boom", boom)]


def client() -> Client:
    return Client(raise_request_exception=False)


def test_allowed_request_appends_to_vary():
    r = client().get("/api/items", HTTP_ORIGIN=ORIGIN)
    assert r["Access-Control-Allow-Origin"] == ORIGIN
    assert r["Vary"] == "Cookie, Origin"


def test_preflight_with_django_cors_headers_defaults():
    r = client().options(
        "/api/items",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-csrftoken, content-type",
    )
    assert r.status_code == 204
    assert r["Access-Control-Allow-Methods"] == "PATCH"
    assert r["Access-Control-Allow-Headers"] == "x-csrftoken, content-type"
    assert r["Access-Control-Max-Age"] == "86400"


def test_denied_preflight_is_403():
    r = client().options("/", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT")
    assert r.status_code == 403
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]


def test_500_from_the_view_has_cors_headers():
    r = client().get("/boom", HTTP_ORIGIN=ORIGIN)
    assert r.status_code == 500
    assert r["Access-Control-Allow-Origin"] == ORIGIN


def test_async_stack():
    async def get_response(request):
        return HttpResponse("ok")

    middleware = CorsMiddleware(get_response)
    assert asyncio.iscoroutinefunction(middleware) or middleware.async_mode
    r = asyncio.run(AsyncClient().get("/", headers={"Origin": ORIGIN}))
    assert r["Access-Control-Allow-Origin"] == ORIGIN


@override_settings(CORS_ALLOWED_ORIGINS=[], CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True)
def test_all_origins_with_credentials_is_refused_at_start_up():
    with pytest.raises(ConfigError, match="credentials"):
        CorsMiddleware(view)


@override_settings(CORS_ALLOWED_ORIGINS=["https://a.example/"], CORS_ALLOW_METHODS=["TRACE"], CORS_PREFLIGHT_MAX_AGE=10**6)
def test_every_problem_in_one_exception():
    with pytest.raises(ConfigError) as error:
        CorsMiddleware(view)
    text = str(error.value)
    assert "TRACE" in text and "a.example/" in text and "86400" in text


@override_settings(CORS_URLS_REGEX=r"^/api/")
def test_urls_regex_becomes_a_route():
    middleware = CorsMiddleware(view)
    assert middleware.engine.has_routes
    from django.test import RequestFactory

    rf = RequestFactory()
    assert middleware(rf.get("/api/items", HTTP_ORIGIN=ORIGIN))["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in middleware(rf.get("/", HTTP_ORIGIN=ORIGIN))


@override_settings(
    CORS_ALLOWED_ORIGIN_REGEXES=[re.compile(r"^https://\w+\.example\.org$")],
    CORS_ALLOWED_ORIGINS=["https://app.example.com", "null"],
    CORS_ORIGIN_WHITLIST=["typo"],
    CORS_PREFLIGHT_MAX_AGE=0,
)
def test_translation_of_settings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        policy = policy_from_settings()
    assert any("CORS_ORIGIN_WHITLIST" in str(w.message) and w.category is ConfigWarning for w in caught)
    assert policy["allowed_origin_regexes"] == [r"^https://\w+\.example\.org$"]
    assert policy["allowed_origins"] == ["https://app.example.com"]
    assert policy["allow_null_origin"] is True
    assert "max_age" not in policy


@override_settings(
    CORS_ALLOWED_ORIGINS=["https://a.example/", 42],
    CORS_EXPOSE_HEADERS=7,
    CORS_PREFLIGHT_MAX_AGE="x",
    CORS_ALLOW_CREDENTIALS="yes",
    CORS_ALLOW_METHODS="TRACE",
)
def test_wrong_types_and_bad_values_in_one_exception_naming_the_settings():
    with pytest.raises(ConfigError) as error:
        CorsMiddleware(view)
    problems = error.value.problems
    assert len(problems) == 6, problems
    text = str(error.value)
    for word in ("allowed_origins", "exposed_headers", "allow_credentials", "max_age", "TRACE", "CORS_PREFLIGHT_MAX_AGE"):
        assert word in text
