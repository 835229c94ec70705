"""Measure the site's throughput against a bare Django view, in one run. Not a test: figures.

    .venv/bin/python bench/run.py [--duration 8] [--connections 16] [--databases sqlite,postgresql]
                                  [--scales seed,10000] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

For each database (SQLite, and PostgreSQL if it answers), each content scale (the seed article,
and the seed plus `generate_content --conditions 10000`) and each cache mode (uncached; cached
in Redis), it builds a fresh database, starts gunicorn (2 workers, gunicorn.conf.py, DEBUG off,
no access log) and drives each page with wrk. It prints requests/s, p50 and p99 latency and each
page's throughput as a ratio of the bare view's (BENCHMARK=1 routes /bench/bare) in the same
configuration. Pages whose URL does not exist yet are skipped. Installs wrk with apt-get if needed.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8765
REDIS_URL = "redis://127.0.0.1:6379/14"
PAGES = [
    ("bare view", "/bench/bare"),
    ("home", "/"),
    ("A–Z list", "/conditions/"),
    ("condition", "/conditions/bakers-cyst/"),
    ("tag", "/tags/knee/"),
    ("search", "/search/?q=swelling"),
    ("symptom navigator", "/symptom-checker/?symptom=swelling&area=back"),
]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("installing wrk ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)


def base_env(database_url):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PAGE_CACHE", "DEBUG"}}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="benchmark-only-not-secret",
        DEBUG="0",
        BENCHMARK="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        ACCESS_LOG="",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True
    )


def fresh_database(engine, scale, pg_url):
    """Create an empty database of the engine and fill it; return its URL."""
    if engine == "sqlite":
        path = Path(f"/tmp/kneeinfo-bench-{scale}.sqlite3")
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        name = f"kneeinfo_bench_{scale}"
        with psycopg.connect(pg_url, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{name}"')
        url = pg_url.rsplit("/", 1)[0] + f"/{name}"
    env = base_env(url)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_site")
    if scale != "seed":
        manage(env, "generate_content", "--conditions", scale)
    if engine == "postgresql":
        manage(
            env,
            "shell",
            "-c",
            "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
        )
    return url


def start_gunicorn(env, port=PORT):
    """gunicorn with gunicorn.conf.py and 2 workers on `port`, once /healthz answers."""
    process = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "kneeinfo.wsgi"],
        cwd=BASE_DIR,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)
            return process
        except OSError:  # not listening yet, or still loading under load
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def status_of(url):
    try:
        return urllib.request.urlopen(url, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="Seconds per page.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scales", default="seed,10000")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()
    ensure_wrk()
    manage(base_env("sqlite:////tmp/kneeinfo-bench-static.sqlite3"), "collectstatic", "--noinput")

    rows = []
    print("| database | content | cache | page | req/s | p50 ms | p99 ms | × bare |")
    print("|---|---|---|---|---:|---:|---:|---:|", flush=True)
    for engine in args.databases.split(","):
        if engine == "postgresql":
            try:
                import psycopg

                psycopg.connect(args.pg_url, connect_timeout=3).close()
            except Exception:
                print(f"| {engine} | – | – | skipped: {args.pg_url} does not answer |")
                continue
        for scale in args.scales.split(","):
            url = fresh_database(engine, scale, args.pg_url)
            for cached in (False, True):
                env = base_env(url)
                if cached:
                    env.update(REDIS_URL=REDIS_URL, PAGE_CACHE="1")
                    subprocess.run(["redis-cli", "-n", "14", "flushdb"], capture_output=True)
                else:
                    env["PAGE_CACHE"] = "0"
                server = start_gunicorn(env)
                try:
                    bare = None
                    for label, path in PAGES:
                        page_url = f"http://127.0.0.1:{PORT}{path}"
                        if status_of(page_url) != 200:
                            continue  # a page another issue has not built yet
                        wrk(page_url, 1, args.connections)  # warm up: connections, cache
                        rps, p50, p99, errors = wrk(page_url, args.duration, args.connections)
                        bare = bare or rps
                        row = (
                            engine,
                            scale,
                            "Redis" if cached else "none",
                            label,
                            rps,
                            p50,
                            p99,
                            rps / bare,
                            errors,
                        )
                        rows.append(row)
                        note = f" ({errors} non-2xx)" if errors else ""
                        print(
                            f"| {engine} | {scale} | {row[2]} | {label}{note} | {rps:.0f} | "
                            f"{p50:.1f} | {p99:.1f} | {rps / bare:.2f} |",
                            flush=True,
                        )
                finally:
                    stop(server)
    return rows


if __name__ == "__main__":
    main()
