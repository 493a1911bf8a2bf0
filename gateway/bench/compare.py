#!/usr/bin/env python3
"""Sends the same requests to ingress-nginx's CORS setup and to the gateway
and prints a markdown table of what each answered.

    compare.py NGINX_HOST:PORT GATEWAY_HOST:PORT

Exits 1 when the gateway's answer breaks a rule of the behaviour contract
(DESIGN §3); nginx's answers are reported, never judged by the exit code.
"""

import socket
import sys

APP = "https://app.example.com"


def send(authority, method, headers):
    host, port = authority.rsplit(":", 1)
    lines = [f"{method} /api/items HTTP/1.1", f"Host: {authority}"]
    lines += [f"{n}: {v}" for n, v in headers]
    lines += ["Connection: close", "", ""]
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall("\r\n".join(lines).encode("latin-1"))
        raw = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split(" ")[1])
    got = []
    for line in head[1:]:
        name, _, value = line.partition(":")
        got.append((name.strip().lower(), value.strip()))
    return status, got


def values(headers, name):
    return [v for n, v in headers if n == name]


def vary_has_origin(headers):
    return any(
        e.strip().lower() == "origin" for v in values(headers, "vary") for e in v.split(",")
    )


def describe(status, headers, preflight):
    parts = [str(status)]
    cors = [(n, v) for n, v in headers if n.startswith("access-control-")]
    if cors:
        names = ", ".join(
            n.replace("access-control-", "").replace("allow-", "A-").replace("expose-", "E-")
            for n, _ in cors
        )
        parts.append(f"CORS: {names}")
    else:
        parts.append("no CORS header")
    acao = values(headers, "access-control-allow-origin")
    if acao:
        parts.append(f"ACAO `{acao[0]}`")
    parts.append("Vary: Origin" if vary_has_origin(headers) else "**no Vary: Origin**")
    if values(headers, "x-upstream-saw"):
        # Expected for everything but a preflight.
        parts.append("**preflight reached upstream**" if preflight else "reached upstream")
    return "; ".join(parts)


PREFLIGHT = [("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type")]

SCENARIOS = [
    ("actual, allowed origin", "GET", [("Origin", APP)]),
    ("actual, denied origin", "GET", [("Origin", "https://evil.example")]),
    ("no Origin (cacheable answer)", "GET", []),
    ("preflight, allowed", "OPTIONS", [("Origin", APP)] + PREFLIGHT),
    ("preflight, denied origin", "OPTIONS", [("Origin", "https://evil.example")] + PREFLIGHT),
    (
        "preflight, method not allowed (PATCH)",
        "OPTIONS",
        [("Origin", APP), ("Access-Control-Request-Method", "PATCH")],
    ),
    (
        "preflight, header not allowed (x-evil)",
        "OPTIONS",
        [("Origin", APP), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-evil")],
    ),
    ("OPTIONS without ACRM (not a preflight)", "OPTIONS", [("Origin", APP)]),
    ("origin in upper case", "GET", [("Origin", "HTTPS://APP.EXAMPLE.COM")]),
    ("origin with a prefix", "GET", [("Origin", "http://x.https://app.example.com")]),
]


def gateway_problems(name, method, req, status, headers):
    """The rules of DESIGN §3 a gateway answer must keep."""
    problems = []
    origin = dict(req).get("Origin")
    is_preflight = method == "OPTIONS" and any(n == "Access-Control-Request-Method" for n, _ in req)
    allowed = origin == APP
    cors = [n for n, _ in headers if n.startswith("access-control-")]
    if origin is not None and not allowed and cors:
        problems.append(f"{name}: CORS headers {cors} for a denied origin")
    if is_preflight and not allowed and status != 403:
        problems.append(f"{name}: denied preflight answered {status}")
    if is_preflight and values(headers, "x-upstream-saw"):
        problems.append(f"{name}: a preflight reached the upstream")
    if not vary_has_origin(headers):
        problems.append(f"{name}: no Vary: Origin")
    if method == "OPTIONS" and not is_preflight and not values(headers, "x-upstream-saw"):
        problems.append(f"{name}: a non-preflight OPTIONS did not reach the upstream")
    return problems


def main():
    nginx, gateway = sys.argv[1], sys.argv[2]
    print("| request | ingress-nginx CORS annotations | cors-gateway |")
    print("|---|---|---|")
    problems = []
    for name, method, req in SCENARIOS:
        n_status, n_headers = send(nginx, method, req)
        g_status, g_headers = send(gateway, method, req)
        preflight = method == "OPTIONS" and any(n == "Access-Control-Request-Method" for n, _ in req)
        n_text = describe(n_status, n_headers, preflight)
        g_text = describe(g_status, g_headers, preflight)
        print(f"| {name} | {n_text} | {g_text} |")
        problems += gateway_problems(name, method, req, g_status, g_headers)
    if problems:
        print("\ngateway answers that break DESIGN §3:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
