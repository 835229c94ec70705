"""gunicorn settings; each can be overridden from the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sync workers suit a CPU-bound, database-light site; keep-alive lets a proxy reuse connections.
worker_class = "sync"
keepalive = 5
timeout = 30
accesslog = "-"
errorlog = "-"
