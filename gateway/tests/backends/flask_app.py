"""A Flask application with no CORS code: the gateway adds it."""

from flask import Flask, jsonify, make_response, request

NAME = "flask"
app = Flask(__name__)


@app.get("/api/hello")
def hello():
    response = jsonify(hello=NAME)
    response.headers["X-Total-Count"] = "42"
    return response


@app.route("/api/items", methods=["GET", "PUT", "POST", "DELETE"])
def items():
    return jsonify(method=request.method, custom=request.headers.get("X-Custom", ""))


@app.get("/api/login")
def login():
    response = jsonify(logged_in=True)
    response.set_cookie("session", f"{NAME}-user", samesite="Lax", httponly=True)
    return response


@app.get("/api/whoami")
def whoami():
    user = request.cookies.get("session")
    if user is None:
        return jsonify(user=None), 401
    return jsonify(user=user)


@app.get("/api/boom")
def boom():
    return make_response("the application failed", 500)
