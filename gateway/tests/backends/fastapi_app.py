"""A FastAPI application with no CORS code: the gateway adds it."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

NAME = "fastapi"
app = FastAPI()


@app.get("/api/hello")
def hello():
    return JSONResponse({"hello": NAME}, headers={"X-Total-Count": "42"})


@app.api_route("/api/items", methods=["GET", "PUT", "POST", "DELETE"])
def items(request: Request):
    return {"method": request.method, "custom": request.headers.get("x-custom", "")}


@app.get("/api/login")
def login():
    response = JSONResponse({"logged_in": True})
    response.set_cookie("session", f"{NAME}-user", samesite="lax", httponly=True)
    return response


@app.get("/api/whoami")
def whoami(request: Request):
    user = request.cookies.get("session")
    if user is None:
        return JSONResponse({"user": None}, status_code=401)
    return {"user": user}


@app.get("/api/boom")
def boom():
    return PlainTextResponse("the application failed", status_code=500)
