"""Measure the site's throughput against a bare Django project, in one run. Not a test: figures.

    .venv/bin/python bench/run.py [--databases sqlite,postgresql] [--scales seed,10000]
                                  [--caches none,files,redis] [--pages condition,search]
                                  [--duration 5] [--connections 16] [--repeat 1]
                                  [--port 8765]

For each database (SQLite, and PostgreSQL if it answers), each content scale (the seed article,
and the seed plus `generate_content --conditions 10000`) and each cache mode (none: no page
cache; files: the file cache `make run` uses; redis: Redis), it builds a fresh database, starts
the site with gunicorn (gunicorn.conf.py, 2 workers, DEBUG off, no access log) and drives each
page with wrk. Beside it, on the next port, the same gunicorn settings in the same virtualenv
serve the bare project (bench/bare/: one view answering b"ok\\n" behind the security and common
middleware, no database, no cache), measured the same way just before each page: a ratio
compares two runs seconds apart, which matters on a machine whose load changes.

Each row: requests/s and p50/p99 latency at --connections, the tail (p99 ÷ p50), the p50
latency at 1 connection, and the throughput as a ratio of the bare project's just before it.
The bare project's row per configuration gives its first run, and its ratio column the spread
of its runs in that configuration (slowest ÷ fastest). With --repeat N each page runs N times,
each right after a bare run, and its ratio is the median of the N (the other columns are from
its first run).
A subset runs with fewer --databases, --scales, --caches or --pages (labels as printed, or their
first word). Pages whose URL does not answer 200 are skipped. Installs wrk with apt-get if needed.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BARE = "bare project"
PAGES = [
    ("home", "/"),
    ("A–Z list", "/conditions/"),
    ("condition", "/conditions/bakers-cyst/"),
    # The same page in Spanish: seed_site loads its translation (translations/content/es.toml).
    ("Spanish condition", "/es/conditions/bakers-cyst/"),
    ("tag", "/tags/knee/"),
    ("search", "/search/?q=swelling"),
    ("symptom checker", "/symptom-checker/?symptom=swelling&area=back"),
]
CACHE_LABELS = {"none": "none", "files": "files", "redis": "Redis"}


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("installing wrk ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)


def base_env(database_url=None):
    unset = {"REDIS_URL", "PAGE_CACHE", "DEBUG", "CACHE_DIR", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        SECRET_KEY="benchmark-only-not-secret",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        ACCESS_LOG="",
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env, *args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True
    )


def fresh_database(engine, scale, pg_url, workdir, port):
    """Create an empty database of the engine and fill it; return its URL."""
    if engine == "sqlite":
        url = f"sqlite:///{workdir / f'{scale}.sqlite3'}"
    else:
        import psycopg

        name = f"kneeinfo_bench_{port}_{scale}"
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


def start_gunicorn(env, port, config="gunicorn.conf.py", app="kneeinfo.wsgi", probe="/healthz"):
    """gunicorn with `config` and 2 workers serving `app` (the site) on `port`, once `probe`
    answers."""
    process = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/gunicorn"), "--config", config, app],
        cwd=BASE_DIR,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=10)
            return process
        except OSError:  # not listening yet, or still loading under load
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn did not start {app}")


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
    """(requests/s, p50 ms, p99 ms, non-2xx/3xx responses) of `connections` for `duration` s."""
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def measure(url, args):
    """Warm up, then throughput and latency at --connections, then latency at 1 connection."""
    wrk(url, 1, args.connections)  # connections, the page cache, values kept per generation
    rps, p50, p99, errors = wrk(url, args.duration, args.connections)
    single = wrk(url, args.single_duration, 1)[1]
    return rps, p50, p99, single, errors


def throughput(url, args):
    wrk(url, 1, args.connections)
    return wrk(url, args.duration, args.connections)[0]


def row(cells):
    print("| " + " | ".join(str(cell) for cell in cells) + " |", flush=True)


def report(config, label, figures, ratio):
    rps, p50, p99, single, errors = figures
    note = f" ({errors} non-2xx)" if errors else ""
    row(
        [
            *config,
            label + note,
            f"{rps:.0f}",
            f"{p50:.1f}",
            f"{p99:.1f}",
            f"{p99 / p50:.1f}",
            f"{single:.2f}",
            ratio,
        ]
    )


def measure_configuration(config, site, bare, pages, args):
    """Print the bare project's row, then each page's, each page run right after a bare run."""
    rows, bare_runs, first_bare = [], [], None
    for label, path in pages:
        page_url = site + path
        if status_of(page_url) != 200:
            continue  # a page another issue has not built yet
        ratios = []
        for _ in range(args.repeat):
            if first_bare is None:
                first_bare = measure(bare, args)
                bare_runs.append(first_bare[0])
            else:
                bare_runs.append(throughput(bare, args))
            if ratios:
                ratios.append(throughput(page_url, args) / bare_runs[-1])
            else:
                figures = measure(page_url, args)
                ratios.append(figures[0] / bare_runs[-1])
        rows.append((label, figures, f"{statistics.median(ratios):.2f}"))
    if first_bare:
        report(config, BARE, first_bare, f"({min(bare_runs) / max(bare_runs):.2f})")
    for label, figures, ratio in rows:
        report(config, label, figures, ratio)


def site_env(url, cache, args, workdir):
    env = base_env(url)
    if cache == "none":
        env["PAGE_CACHE"] = "0"
    elif cache == "redis":
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        env["REDIS_URL"] = args.redis_url
    # The file cache is the default without REDIS_URL: values derived from content are kept there
    # when the page cache is off too.
    env["CACHE_DIR"] = tempfile.mkdtemp(dir=workdir, prefix=f"cache-{cache}-")
    return env


def run_configurations(workdir, pages, bare, args):
    """Build each database and scale, and measure each cache mode's pages on it."""
    for engine in args.databases.split(","):
        if engine == "postgresql":
            try:
                import psycopg

                psycopg.connect(args.pg_url, connect_timeout=3).close()
            except Exception:
                row([engine, "–", "–", f"skipped: {args.pg_url} does not answer"])
                continue
        for scale in args.scales.split(","):
            url = fresh_database(engine, scale, args.pg_url, workdir, args.port)
            for cache in args.caches.split(","):
                server = start_gunicorn(site_env(url, cache, args, workdir), args.port)
                try:
                    config = (engine, scale, CACHE_LABELS[cache])
                    site = f"http://127.0.0.1:{args.port}"
                    measure_configuration(config, site, bare, pages, args)
                finally:
                    stop(server)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="Seconds per page (default 5).")
    parser.add_argument(
        "--single-duration",
        type=int,
        default=2,
        help="Seconds per page at 1 connection (default 2).",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="Runs of each page, each after a run of the bare project; the ratio is their median.",
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scales", default="seed,10000")
    parser.add_argument("--caches", default="none,files,redis")
    parser.add_argument("--pages", default=",".join(label for label, _ in PAGES))
    parser.add_argument("--port", type=int, default=8765, help="For the servers under test.")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="A Redis database the run may empty (default %(default)s).",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()
    wanted = {name.strip().lower() for name in args.pages.split(",")}
    pages = [
        (label, path) for label, path in PAGES if {label.lower(), label.split()[0].lower()} & wanted
    ]
    ensure_wrk()
    manage(base_env("sqlite://:memory:"), "collectstatic", "--noinput")

    row(
        [
            *("database", "content", "cache", "page", "req/s", "p50 ms", "p99 ms"),
            *("p99 ÷ p50", "1-conn. p50 ms", "× bare"),
        ]
    )
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
    bare_server = start_gunicorn(
        {**base_env(), "DJANGO_SETTINGS_MODULE": "bench.bare.settings"},
        args.port + 1,
        "bench/bare/gunicorn.conf.py",
        "bench.bare.wsgi",
        probe="/",
    )
    bare = f"http://127.0.0.1:{args.port + 1}/"
    try:
        with tempfile.TemporaryDirectory(prefix="kneeinfo-bench-") as tmp:
            run_configurations(Path(tmp), pages, bare, args)
    finally:
        stop(bare_server)


if __name__ == "__main__":
    main()
