"""Per-request overhead of our middlewares against Starlette's
CORSMiddleware and django-cors-headers, in one process.

Each middleware wraps a trivial application and is called directly, many
times, with browser-like requests (a dozen header lines); the bare
application's time for the same request is subtracted. Reported: the
median over repeats of the per-request time, in microseconds.

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


def per_call(run, iterations: int, repeats: int) -> float:
    """Median over `repeats` of the time per call of `run(iterations)`, in µs."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(iterations)
        samples.append((time.perf_counter() - start) / iterations * 1e6)
    return statistics.median(samples)


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

        bare = per_call(runner(app), iterations, repeats)
        out[name] = {
            "cors-engine": per_call(runner(ours), iterations, repeats) - bare,
            "starlette": per_call(runner(theirs), iterations, repeats) - bare,
        }
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

        bare = per_call(runner(view), iterations, repeats)
        out[name] = {
            "cors-engine": per_call(runner(ours), iterations, repeats) - bare,
            "django-cors-headers": per_call(runner(theirs), iterations, repeats) - bare,
        }
    return out


def table(title: str, results: dict[str, dict[str, float]], peer: str) -> str:
    lines = [
        f"{title}: per-request overhead in µs (median; bare application subtracted)",
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
    parser.add_argument("--iterations", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=7)
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
