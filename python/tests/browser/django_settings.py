"""Settings of the Django project the browser test serves with runserver.

The allowed origin comes from the test (the page server's real port)."""

import os

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = "browser-test"
ROOT_URLCONF = "django_urls"
MIDDLEWARE = ["cors_engine.django.CorsMiddleware"]
INSTALLED_APPS: list = []
DATABASES: dict = {}
# django-cors-headers' names, as a settings.py would have them.
CORS_ALLOWED_ORIGINS = [os.environ["CORS_TEST_ALLOWED_ORIGIN"]]
CORS_ALLOW_METHODS = ["PUT"]
CORS_ALLOW_HEADERS = ["x-trace"]
CORS_EXPOSE_HEADERS = ["x-total-count"]
