"""Settings for kneeinfo, read from the environment (see .env.example).

Defaults suit a laptop: a SQLite file and a local-memory cache. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and ALLOWED_HOSTS; with DEBUG off every security setting is on.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable; refuse anything ambiguous."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def env_int(name, default):
    """Read a whole-number environment variable; refuse anything else."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "simple_history",
    "axes",
    "csp",
    "kneeinfo.apps.KneeinfoConfig",
    "conditions",
    "faq",
    "search",
    "clinic",
    "appointments",
    "links",
    "feedback",
    "translations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages come from the shared cache before sessions, auth or the database are touched.
    "kneeinfo.cache.PageCacheMiddleware",
    # The page's language from its address, before anything renders or resolves a URL.
    "kneeinfo.languages.LanguageFromPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kneeinfo.urls"
WSGI_APPLICATION = "kneeinfo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when PostgreSQL is down, so patients get the 503 page rather than a hung worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 3)
    )
    # Server settings for each connection. The default tells the planner that random reads cost
    # little more than sequential ones (SSD storage): otherwise it scans whole tables for search's
    # trigram tests instead of using the indexes.
    if PG_OPTIONS := os.environ.get("PG_OPTIONS", "-c random_page_cost=1.1"):
        DATABASES["default"]["OPTIONS"].setdefault("options", PG_OPTIONS)
    # Parameters sent apart from the SQL, and each statement prepared on the server from its second
    # run on a connection (Django leaves psycopg's preparing off): the public pages repeat the same
    # SQL on every request, and planning it is most of what a small query costs the server.
    prepared = env_bool("DB_PREPARED_STATEMENTS", True)
    DATABASES["default"]["OPTIONS"].update(
        server_side_binding=prepared, prepare_threshold=2 if prepared else None
    )

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps one client per process; Django's own Redis backend builds one
            # for every cache call, a large share of what a page-cache hit costs.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A dead Redis must cost a request milliseconds, not a worker timeout.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    # Files every gunicorn worker on this machine reads and writes; the content generation that
    # keeps them from going stale is in the database (kneeinfo/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", "") or str(BASE_DIR / "var" / "cache"),
            # Each write lists the directory to keep it under this many files (Django's default,
            # 300, is fewer than the site's pages).
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Whole-page cache for anonymous visitors (kneeinfo/cache.py), on with either cache: both are
# shared by every worker, and neither serves a page older than the last content change.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# How long a stored page may live at most; every content change makes stored pages unused at once.
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 3600)
# How long browsers and a CDN may keep an anonymous page without asking again.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before its password is checked.
    "kneeinfo.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en-us"
# English at today's addresses, Spanish under /es/ (kneeinfo/languages.py): the language comes
# from the address alone, so every page can be cached by its URL.
LANGUAGES = [("en-us", "English"), ("es", "Español")]
USE_I18N = True
# The Spanish interface, compiled by `manage.py compile_translations` (make run, serve and test).
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as US readers write them ("December 3, 2026"); Spanish keeps Django's own formats.
FORMAT_MODULE_PATH = ["kneeinfo.formats"]
TIME_ZONE = "America/New_York"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin lives at a configurable path so production can move it off the well-known one.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"

# Security. Everything is on when DEBUG is off; plain-HTTP development keeps working because
# browsers ignore HSTS over HTTP and accept Secure cookies from 127.0.0.1 and localhost.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# The admin reads the CSRF token from its forms, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Off by default because the reverse proxy usually redirects to HTTPS itself; on in production
# costs nothing. The health check stays reachable over plain HTTP for the load balancer.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
if env_bool("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# A patient's path through the site is health information: tell other sites nothing.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): our pages and the admin need no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# django-axes: lock an account, or an address, out of the admin after repeated failed logins.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kneeinfo.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kneeinfo.security.client_ip"
# How many reverse proxies append to X-Forwarded-For in front of the app (0: use REMOTE_ADDR).
# Behind one nginx this is 1, or every patient would share nginx's address and its lockout.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# One tag vocabulary for every content type; "Knee" and "knee" are the same tag.
TAGGIT_CASE_INSENSITIVE = True

# How long a clinical sign-off stays current (3 years, as health-information standards ask).
REVIEW_INTERVAL_DAYS = env_int("REVIEW_INTERVAL_DAYS", 3 * 365)
# The US school grade patient pages should read at or below (NIH and AMA ask for grades 6–8);
# signing off wording above it asks for a confirmation.
READABILITY_TARGET_GRADE = env_int("READABILITY_TARGET_GRADE", 8)

# Appointment requests: days a request is kept after it arrives (manage.py
# purge_appointment_requests deletes older ones), and how many one address may send an hour.
APPOINTMENT_RETENTION_DAYS = env_int("APPOINTMENT_RETENTION_DAYS", 90)
APPOINTMENT_REQUESTS_PER_HOUR = env_int("APPOINTMENT_REQUESTS_PER_HOUR", 5)

# "Was this page helpful?": how many answers one address may send an hour; and when a page goes
# into the admin's review box: at least this many "No" answers (and no more "Yes" than "No")
# over this many days, counted since the page's last sign-off.
FEEDBACK_PER_HOUR = env_int("FEEDBACK_PER_HOUR", 20)
FEEDBACK_REVIEW_NO_ANSWERS = env_int("FEEDBACK_REVIEW_NO_ANSWERS", 5)
FEEDBACK_REVIEW_DAYS = env_int("FEEDBACK_REVIEW_DAYS", 90)

# Email (the notice that an appointment request arrived): printed to the console unless an SMTP
# server is configured.
# An empty variable (as in .env.example) means the default.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# A mail server that does not answer must cost a patient's request seconds, not a worker timeout.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "webmaster@localhost"
# The site's address as staff reach it, for links in emails sent without a request (reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # A request for a host we do not serve is a scanner's, answered with the 400 page; a
    # traceback for each would bury real errors.
    "loggers": {"django.security.DisallowedHost": {"handlers": ["null"], "propagate": False}},
}
