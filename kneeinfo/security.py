"""Admin login lockout (django-axes): the backend, the client address and the lockout page; and
the hourly limit on what one address may send through the public forms."""

import logging
from dataclasses import dataclass

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

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


def address_key(scope, address):
    """A cache key for `address` under `scope` that does not reveal the address.

    Keyed with SECRET_KEY: a plain hash of an IPv4 address is undone by hashing all four billion.
    """
    return f"{scope}:{salted_hmac(scope, str(address)).hexdigest()}"


@dataclass(frozen=True)
class AddressLimit:
    """At most the number in setting `setting` of sends from one address in `window` seconds.

    Counted in the cache (shared by every server with Redis; per worker with local memory).
    Without a working cache the limit cannot be kept, and patients must still reach the clinic:
    the send is let through.
    """

    scope: str
    setting: str
    window: int = 3600

    def reached(self, address):
        """Whether `address` has used up its sends for now."""
        try:
            sent = cache.get(address_key(self.scope, address), 0)
        except Exception:
            logger.exception("Cache unavailable: the %s limit is not applied", self.scope)
            return False
        return sent >= getattr(settings, self.setting)

    def count(self, address):
        """Count one send from `address`; the count lapses `window` seconds after the first."""
        key = address_key(self.scope, address)
        try:
            cache.add(key, 0, timeout=self.window)
            cache.incr(key)
        except Exception:
            logger.exception("Cache unavailable: a send was not counted for %s", self.scope)


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
