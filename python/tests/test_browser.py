"""Real browser, real servers: headless Chromium loads a page from one
origin and fetches from our middlewares served by uvicorn (ASGI) and by
Django's runserver (WSGI). An allowed origin's fetch succeeds; a denied
origin's fetch is blocked by the browser itself."""

from __future__ import annotations

import http.server
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI") == "true":
        raise RuntimeError("chromium and chromium-driver must be installed under CI")
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
PAGE = b"<!doctype html><title>page</title><p>page</p>"

# The script the page runs: a non-simple request (PUT with a custom header,
# so the browser preflights), reporting what the page may read.
FETCH = """
const [url, done] = arguments;
fetch(url, {method: 'PUT', headers: {'X-Trace': '1'}})
  .then(async r => done({ok: true, status: r.status, body: await r.text(),
                         total: r.headers.get('x-total-count')}))
  .catch(e => done({ok: false, error: String(e)}));
"""


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pages():
    """Two page origins on 127.0.0.1, each on its own port 0 socket."""
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page) for _ in range(2)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    for s in servers:
        s.shutdown()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    data_dir = tempfile.mkdtemp(prefix="cors-engine-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={data_dir}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_script_timeout(20)
    yield driver
    driver.quit()
    shutil.rmtree(data_dir, ignore_errors=True)


def _fetch_from(browser, page: str, url: str) -> dict:
    browser.get(page + "/")
    return browser.execute_async_script(FETCH, url)


def _check(browser, pages, api_url):
    allowed, denied = pages
    result = _fetch_from(browser, allowed, api_url)
    assert result == {"ok": True, "status": 200, "body": "ok PUT", "total": "42"}, result
    result = _fetch_from(browser, denied, api_url)
    assert result["ok"] is False and "Failed to fetch" in result["error"], result


def test_uvicorn_asgi(browser, pages):
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from cors_engine.asgi import CORSMiddleware

    async def api(request):
        return PlainTextResponse(f"ok {request.method}", headers={"X-Total-Count": "42"})

    app = Starlette(routes=[Route("/api", api, methods=["GET", "PUT"])])
    app.add_middleware(
        CORSMiddleware, allow_origins=[pages[0]], allow_methods=["PUT"], allow_headers=["x-trace"], expose_headers=["x-total-count"]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        _check(browser, pages, f"http://127.0.0.1:{port}/api")
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _announced_port(server: subprocess.Popen, deadline: float) -> int:
    """The port runserver got for port 0, from its start-up line."""
    found: list[int] = []

    def read():
        for line in server.stdout:
            match = re.search(rb"Starting development server at http://127\.0\.0\.1:(\d+)/", line)
            if match:
                found.append(int(match.group(1)))
        # Keep draining so that the server never blocks on a full pipe.

    threading.Thread(target=read, daemon=True).start()
    while not found:
        assert time.monotonic() < deadline and server.poll() is None, "runserver did not start"
        time.sleep(0.05)
    return found[0]


def test_django_runserver(browser, pages):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "django_settings",
        "PYTHONPATH": str(HERE / "browser"),
        "CORS_TEST_ALLOWED_ORIGIN": pages[0],
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", "--skip-checks", "127.0.0.1:0"],
        env=env,
        # Not the package's source folder: `-m` puts the working directory
        # first on sys.path, and the installed package must be the one used.
        cwd=HERE / "browser",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        port = _announced_port(server, time.monotonic() + 30)
        _check(browser, pages, f"http://127.0.0.1:{port}/api")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)
