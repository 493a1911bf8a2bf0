"""Serves one of the test backends on 127.0.0.1, on a port the kernel
picks, and prints `listening on http://127.0.0.1:PORT` when ready.

    python serve.py django|flask|fastapi

Django and Flask run on a WSGI server (Django's and Werkzeug's development
servers are built the same way), FastAPI on uvicorn, each on a socket bound
here so that port 0 works and the port is known before the first request.
"""

import socket
import sys


def bound_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def announce(port):
    print(f"listening on http://127.0.0.1:{port}", flush=True)


def serve_wsgi(app):
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):  # the gateway logs every request already
            pass

    class Threaded(__import__("socketserver").ThreadingMixIn, WSGIServer):
        daemon_threads = True

    server = make_server("127.0.0.1", 0, app, server_class=Threaded, handler_class=Quiet)
    announce(server.server_port)
    server.serve_forever()


def serve_asgi(app):
    import uvicorn

    sock = bound_socket()
    sock.listen(128)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    announce(sock.getsockname()[1])
    server.run(sockets=[sock])


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which == "django":
        from django_app import app

        serve_wsgi(app)
    elif which == "flask":
        from flask_app import app

        serve_wsgi(app)
    elif which == "fastapi":
        from fastapi_app import app

        serve_asgi(app)
    else:
        sys.exit("usage: serve.py django|flask|fastapi")


if __name__ == "__main__":
    main()
