from django.http import HttpResponse
from django.urls import path


def api(request):
    response = HttpResponse(f"ok {request.method}")
    response["X-Total-Count"] = "42"
    return response


urlpatterns = [path("api", api)]
