"""Admin login lockout (django-axes): the backend, the client address and the lockout page."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpResponse
from django.template import engines

LOCKOUT_PAGE = """{% load static %}<!doctype html>
<html lang="en-US">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign-in locked</title>
  <link rel="stylesheet" href="{% static 'css/site.css' %}">
</head>
<body>
  <main id="main" class="wrap">
    <h1>Sign-in locked after too many failed attempts</h1>
    <p class="lead">To protect clinical content, signing in{% if username %} as
      <strong>{{ username }}</strong>{% endif %} from this address is blocked for
      {{ minutes }} minute{{ minutes|pluralize }} after {{ limit }} wrong passwords.</p>
    <p>Wait and try again, or ask another administrator to unlock you
      (Admin › Axes › Access attempts).</p>
    <p><a href="/">Go to the home page</a></p>
  </main>
</body>
</html>
"""


class LockoutBackend(AxesStandaloneBackend):
    """Refuse logins from locked-out accounts and addresses; ignore calls with no request.

    Every web login (the admin's) passes its request. Calls without one come from code on the
    server (the test client's `login()`, management commands), which no attacker can reach.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        # Each trusted proxy appends the address it saw; anything further left is client-made.
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the login form while an account or address is locked out."""
    cool_off = get_cool_off(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    html = (
        engines["django"]
        .from_string(LOCKOUT_PAGE)
        .render(
            {
                "username": username,
                "minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
                "limit": settings.AXES_FAILURE_LIMIT,
            }
        )
    )
    response = HttpResponse(html, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
