"""The Flask extension: flask-cors' option names, per-path resources."""

from __future__ import annotations

import pytest
from flask import Flask

from cors_engine import ConfigError
from cors_engine.flask import CORS

ORIGIN = "https://app.example.com"


def make_app(*args, **kwargs) -> Flask:
    app = Flask(__name__)

    @app.route("/api/items", methods=["GET", "PUT"])
    def items():
        return "items", 200, {"Vary": "Cookie"}

    @app.route("/api/boom")
    def boom():
        raise RuntimeError("view failed")

    @app.route("/static-page")
    def page():
        return "page"

    CORS(app, *args, **kwargs)
    return app


def test_default_allows_any_origin():
    c = make_app().test_client()
    r = c.get("/api/items", headers={"Origin": "https://anyone.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_resources_limit_cors_to_their_paths_and_override_options():
    app = make_app(resources={r"/api/*": {"origins": [ORIGIN], "supports_credentials": True}})
    c = app.test_client()
    r = c.get("/api/items", headers={"Origin": ORIGIN})
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Vary"] == "Cookie, Origin"
    r = c.get("/static-page", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_preflight_is_answered_before_flask_routes_it():
    c = make_app(resources={r"/api/*": {"origins": [ORIGIN], "methods": ["PUT"]}}).test_client()
    r = c.options("/api/items", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "PUT"


def test_error_response_carries_cors_headers():
    c = make_app(origins=[ORIGIN]).test_client()
    r = c.get("/api/boom", headers={"Origin": ORIGIN})
    assert r.status_code == 500
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_refused_and_unknown_options():
    with pytest.raises(ConfigError, match="credentials"):
        make_app(supports_credentials=True)  # with flask-cors' default origins "*"
    with pytest.raises(ConfigError, match="orgins"):
        make_app(resources={r"/api/*": {"orgins": [ORIGIN]}})


def test_init_app_pattern():
    app = Flask(__name__)

    @app.route("/")
    def index():
        return "ok"

    cors = CORS(origins=[ORIGIN])
    cors.init_app(app)
    r = app.test_client().get("/", headers={"Origin": ORIGIN})
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
