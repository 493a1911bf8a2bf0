"""Per-request overhead of our middlewares against Starlette's
CORSMiddleware and django-cors-headers, in one process.

Each middleware wraps a trivial application and is called directly, many
times, with browser-like requests (a dozen header lines); the bare
application's time for the same request is subtracted. The three take
turns in each repeat; reported is the fastest repeat's per-request time,
in microseconds.

    python bench/bench.py [--iterations N] [--repeats R]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import platform
import statistics
import sys
import time
import warnings
from typing import Callable

ORIGIN = "https://app.example.com"
DENIED = "https://evil.example.net"
COMMON = [
    ("host", "api.example.com"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"),
    ("accept", "*/*"),
    ("accept-language", "en-GB,en;q=0.9"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("referer", "https://app.example.com/dashboard"),
    ("sec-fetch-dest", "empty"),
    ("sec-fetch-mode", "cors"),
    ("sec-fetch-site", "cross-site"),
    ("connection", "keep-alive"),
]
SCENARIOS = {
    "allowed": ("GET", [("origin", ORIGIN), ("cookie", "session=abc")]),
    "denied": ("GET", [("origin", DENIED), ("cookie", "session=abc")]),
    "preflight": (
        "OPTIONS",
        [("origin", ORIGIN), ("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type,x-trace")],
    ),
}
POLICY = dict(origins=[ORIGIN], methods=["PUT"], headers=["content-type", "x-trace"], expose=["x-total-count"], credentials=True, max_age=600)


def measure(runners: dict[str, Callable[[int], None]], iterations: int, repeats: int) -> dict[str, float]:
    """Per-call time in µs of each runner, the bare application's
    subtracted. The runners take turns in every repeat, so that load from
    elsewhere on the machine falls on all of them alike; the fastest
    repeat of each is kept (the least disturbed one)."""
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            start = time.perf_counter()
            run(iterations)
            samples[name].append((time.perf_counter() - start) / iterations * 1e6)
    bare = min(samples.pop("bare"))
    return {name: min(values) - bare for name, values in samples.items()}


# -- ASGI ----------------------------------------------------------------------


def asgi_times(iterations: int, repeats: int) -> dict[str, dict[str, float]]:
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS

    from cors_engine.asgi import CORSMiddleware as OurCORS

    start_message = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
    body_message = {"type": "http.response.body", "body": b"ok"}

    async def app(scope, receive, send):
        # A fresh start message each time: middlewares may add to its headers.
        await send({**start_message, "headers": list(start_message["headers"])})
        await send(body_message)

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        pass

    ours = OurCORS(
        app,
        allow_origins=POLICY["origins"],
        allow_methods=POLICY["methods"],
        allow_headers=POLICY["headers"],
        expose_headers=POLICY["expose"],
        allow_credentials=POLICY["credentials"],
        max_age=POLICY["max_age"],
    )
    theirs = StarletteCORS(
        app,
        allow_origins=POLICY["origins"],
        allow_methods=POLICY["methods"],
        allow_headers=POLICY["headers"],
        expose_headers=POLICY["expose"],
        allow_credentials=POLICY["credentials"],
        max_age=POLICY["max_age"],
    )
    loop = asyncio.new_event_loop()
    out: dict[str, dict[str, float]] = {}
    for name, (method, extra) in SCENARIOS.items():
        headers = [(k.encode(), v.encode()) for k, v in COMMON + extra]
        scope = {"type": "http", "method": method, "path": "/items", "headers": headers, "query_string": b""}

        def runner(target):
            async def many(n):
                for _ in range(n):
                    await target(scope, receive, send)

            return lambda n: loop.run_until_complete(many(n))

        out[name] = measure(
            {"bare": runner(app), "cors-engine": runner(ours), "starlette": runner(theirs)}, iterations, repeats
        )
    loop.close()
    return out


# -- Django --------------------------------------------------------------------


def django_times(iterations: int, repeats: int) -> dict[str, dict[str, float]]:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        SECRET_KEY="bench",
        CORS_ALLOWED_ORIGINS=POLICY["origins"],
        CORS_ALLOW_METHODS=POLICY["methods"],
        CORS_ALLOW_HEADERS=POLICY["headers"],
        CORS_EXPOSE_HEADERS=POLICY["expose"],
        CORS_ALLOW_CREDENTIALS=POLICY["credentials"],
        CORS_PREFLIGHT_MAX_AGE=POLICY["max_age"],
    )
    django.setup()
    from corsheaders.middleware import CorsMiddleware as TheirCors
    from django.core.handlers.wsgi import WSGIRequest
    from django.http import HttpResponse

    from cors_engine.django import CorsMiddleware as OurCors

    def view(request):
        return HttpResponse("ok")

    ours = OurCors(view)
    theirs = TheirCors(view)
    out: dict[str, dict[str, float]] = {}
    for name, (method, extra) in SCENARIOS.items():
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": "/items",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "api.example.com",
            "SERVER_PORT": "443",
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
        }
        for k, v in COMMON + extra:
            environ["HTTP_" + k.upper().replace("-", "_")] = v

        def runner(target):
            def many(n):
                for _ in range(n):
                    # A request object per request, as a server makes one.
                    target(WSGIRequest(dict(environ)))

            return many

        out[name] = measure(
            {"bare": runner(view), "cors-engine": runner(ours), "django-cors-headers": runner(theirs)},
            iterations,
            repeats,
        )
    return out


def table(title: str, results: dict[str, dict[str, float]], peer: str) -> str:
    lines = [
        f"{title}: per-request overhead in µs (fastest of the repeats; bare application subtracted)",
        "",
        f"| scenario | cors-engine | {peer} | ours / theirs |",
        "|---|---:|---:|---:|",
    ]
    for scenario, row in results.items():
        ours, theirs = row["cors-engine"], row[peer]
        lines.append(f"| {scenario} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.processor() or platform.platform()}")
    print()
    print(table("ASGI (Starlette CORSMiddleware)", asgi_times(args.iterations, args.repeats), "starlette"))
    print()
    print(table("Django (django-cors-headers)", django_times(args.iterations, args.repeats), "django-cors-headers"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
