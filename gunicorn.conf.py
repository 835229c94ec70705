"""gunicorn settings; each can be overridden from the environment (see .env.example)."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sync workers suit a CPU-bound, database-light site; keep-alive lets a proxy reuse connections.
worker_class = "sync"
keepalive = 5
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Restart a worker now and then, so a slow leak can never take the site down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* only from the reverse proxy on this machine (or FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# "-" logs each request to stdout; ACCESS_LOG= (empty) turns the access log off.
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
