"""The benchmark's reference: a minimal Django project answering b"ok\n" from one view.

No database, no cache, no templates, no apps; the security and common middleware only, as any
Django site has. bench/run.py serves it with the site's gunicorn settings in the same virtualenv
and divides each page's throughput by its own.
"""

SECRET_KEY = "benchmark-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
DATABASES = {}

# As the site, which has its pages in English and Spanish.
USE_I18N = True
USE_TZ = True
