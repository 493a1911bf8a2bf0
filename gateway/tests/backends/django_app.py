"""A Django application with no CORS code: the gateway adds it."""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="test-only-not-secret",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

NAME = "django"


def hello(request):
    response = JsonResponse({"hello": NAME})
    response["X-Total-Count"] = "42"
    return response


@csrf_exempt
def items(request):
    return JsonResponse({"method": request.method, "custom": request.headers.get("X-Custom", "")})


def login(request):
    response = JsonResponse({"logged_in": True})
    response.set_cookie("session", f"{NAME}-user", samesite="Lax", httponly=True)
    return response


def whoami(request):
    user = request.COOKIES.get("session")
    if user is None:
        return JsonResponse({"user": None}, status=401)
    return JsonResponse({"user": user})


def boom(request):
    return HttpResponse("the application failed", status=500)


urlpatterns = [
    path("api/hello", hello),
    path("api/items", items),
    path("api/login", login),
    path("api/whoami", whoami),
    path("api/boom", boom),
]

from django.core.wsgi import get_wsgi_application  # noqa: E402

app = get_wsgi_application()
