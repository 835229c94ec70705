"""A local web server that the link checker asks instead of the internet."""

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

# Longer than any test's timeout: the checker gives up before /slow answers.
SLOW_SECONDS = 5


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    host: str
    user_agent: str
    at: float  # time.monotonic()


class _Handler(BaseHTTPRequestHandler):
    """/ok… 200; /missing 404; /moved 301 to /ok; /loop 302 to itself; /slow answers after
    SLOW_SECONDS; /no-head refuses HEAD (405) and answers GET; anything else 404."""

    def _answer(self):
        self.server.seen.append(
            Seen(
                self.command,
                self.path,
                self.headers.get("Host", ""),
                self.headers.get("User-Agent", ""),
                time.monotonic(),
            )
        )
        path = urlsplit(self.path).path
        headers = {}
        if path.startswith("/ok"):
            status = 200
        elif path == "/moved":
            status, headers = 301, {"Location": "/ok"}
        elif path == "/loop":
            status, headers = 302, {"Location": "/loop"}
        elif path == "/slow":
            self.server.released.wait(SLOW_SECONDS)
            status = 200
        elif path == "/no-head":
            status = 405 if self.command == "HEAD" else 200
        else:
            status = 404
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        body = b"" if self.command == "HEAD" else b"<p>A page.</p>"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET = _answer

    def log_message(self, format, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # the checker hangs up on /slow before it answers


@pytest.fixture
def link_server():
    """The server's address (http://127.0.0.1:PORT) and `seen`, each request it got, in order."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.seen = []
    server.released = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port():
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
