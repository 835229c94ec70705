"""Asking other sites whether the pages our content links to still answer.

Polite by construction: a few threads at a time, a timeout on every request, a User-Agent that
says who asks and where to read about it, and no host asked more than once per HOST_INTERVAL
seconds, whichever thread asks. HEAD first, as it fetches no page; a GET where HEAD is refused or
fails, since some servers answer HEAD wrongly. Redirects are followed by hand, so that each hop
waits its host's turn too.
"""

import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from itertools import chain, zip_longest
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.utils.encoding import iri_to_uri

HOST_INTERVAL = 1.0
MAX_REDIRECTS = 5


def status_text(status_code, error=""):
    """An answer as an editor reads it: '404 Not Found', or why there was none."""
    if error:
        return error
    try:
        return f"{status_code} {HTTPStatus(status_code).phrase}"
    except ValueError:
        return str(status_code)


@dataclass(frozen=True)
class LinkResult:
    """What asking for a link found: the final HTTP status, or why there was none."""

    status_code: int | None = None
    error: str = ""
    redirected_to: str = ""

    @property
    def is_broken(self):
        return bool(self.error) or self.status_code is None or self.status_code >= 400

    def __str__(self):
        return status_text(self.status_code, self.error)


class HostThrottle:
    """Spaces the requests to each host `interval` seconds apart, across threads.

    Each caller books the host's next free moment under the lock, then sleeps until it outside
    the lock, so threads waiting for one host never hold up those asking another.
    """

    def __init__(self, interval):
        self.interval = interval
        self._next = {}
        self._lock = threading.Lock()

    def wait(self, host):
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        time.sleep(start - now)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx comes back as an HTTPError, to be followed by _fetch


_opener = urllib.request.build_opener(_NoRedirects)


def _request_url(url):
    """The address as a request line carries it: host in IDNA, the rest percent-encoded."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError("no host")
    host = parts.hostname.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    netloc = f"{host}:{parts.port}" if parts.port else host
    return iri_to_uri(urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")))


def _error_text(error):
    """A short, plain reason for a failed request."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"certificate not valid: {reason.verify_message}"
    if isinstance(reason, ssl.SSLError):
        return "secure connection failed"
    if isinstance(reason, socket.gaierror):
        return "no such host"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError | http.client.HTTPException):
        return "the server closed the connection"
    return str(reason)[:200] or type(reason).__name__


class LinkChecker:
    def __init__(self, user_agent, *, timeout=10, workers=4, host_interval=HOST_INTERVAL):
        self.user_agent = user_agent
        self.timeout = timeout
        self.workers = workers
        self.throttle = HostThrottle(host_interval)

    def _request(self, url, method):
        """(status, Location header) of one request; raises OSError or HTTPException."""
        self.throttle.wait(urlsplit(url).hostname)
        request = urllib.request.Request(
            _request_url(url), method=method, headers={"User-Agent": self.user_agent}
        )
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                return response.status, None
        except urllib.error.HTTPError as error:
            error.close()
            return error.code, error.headers.get("Location")

    def _fetch(self, url, method):
        location = url
        for _ in range(MAX_REDIRECTS + 1):
            status, next_location = self._request(location, method)
            if not (300 <= status < 400 and next_location):
                return LinkResult(status, redirected_to="" if location == url else location)
            location = urljoin(location, next_location)
            if urlsplit(location).scheme not in ("http", "https"):
                return LinkResult(status, error=f"redirects to {location[:150]}")
        return LinkResult(status, error="too many redirects")

    def check(self, url):
        """Ask for one link: HEAD, then GET if HEAD was refused or the server hung up on it."""
        try:
            try:
                result = self._fetch(url, "HEAD")
                head_refused = result.status_code >= 400
            except (ConnectionResetError, http.client.HTTPException):
                head_refused = True
            if head_refused:
                result = self._fetch(url, "GET")
        except (OSError, http.client.HTTPException) as error:
            return LinkResult(error=_error_text(error))
        except (ValueError, UnicodeError):
            return LinkResult(error="not a valid address")
        return result

    def check_all(self, urls):
        """{url: LinkResult} for each of `urls`, asked a few at a time."""
        by_host = defaultdict(list)
        for url in urls:
            by_host[urlsplit(url).hostname].append(url)
        # One host's links spread through the queue, so the threads seldom wait on one host.
        order = [url for url in chain(*zip_longest(*by_host.values())) if url is not None]
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return dict(zip(order, pool.map(self.check, order), strict=True))
