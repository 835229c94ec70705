"""Load with concurrent editing, then a database outage mid-load. Not a test: prints results.

    .venv/bin/python bench/load_and_fault.py [--seconds 60] [--connections 32] [--outage 5]
                                             [--cluster main]

1. Load: `--connections` keep-alive clients read public pages for `--seconds` against gunicorn
   (2 workers, Redis page cache, PostgreSQL) while another process edits and publishes conditions
   through the ORM. Each edit is read back from the public site at once (a stale page counts as a
   failure). Afterwards every edit must be in the database and its history. Reports 5xx (want 0).
   (404s are expected: every fifth edit unpublishes a condition for a moment.)
2. Fault: the same load for 30 s with PostgreSQL stopped for `--outage` seconds in the middle.
   Reports what patients got meanwhile (cached pages, or the friendly 503 page, never a 500),
   what /healthz said, and how long the site took to recover by itself.

By default it runs its own throwaway PostgreSQL server (port 54329), so other work on this
machine's server is not disturbed; `--cluster main` stops and starts the machine's cluster with
pg_ctlcluster instead. Redis database 13 holds the cache.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from run import base_env, start_gunicorn

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8766
OWN_PG_PORT = 54329
REDIS_URL = "redis://127.0.0.1:6379/13"
# The 503 page's heading, in English and in Spanish (the load reads /es/ pages too).
FRIENDLY = ("not available just now", "no está disponible en este momento")


class PostgreSQL:
    """The server the site uses, which this script may stop and start."""

    def __init__(self, cluster):
        self.cluster = cluster
        if cluster:
            version = os.listdir("/etc/postgresql")[0]
            self.ctl = ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster]
            self.url = "postgres://postgres@127.0.0.1:5432/kneeinfo_fault"
        else:
            self.dir = Path(tempfile.mkdtemp(prefix="kneeinfo-fault-pg-"))
            shutil.chown(self.dir, "postgres", "postgres")
            bindir = next(Path("/usr/lib/postgresql").glob("*/bin"))
            self.bindir = bindir
            self.as_postgres(
                [bindir / "initdb", "-D", self.dir / "data", "-A", "trust", "-U", "postgres"]
            )
            self.url = f"postgres://postgres@127.0.0.1:{OWN_PG_PORT}/kneeinfo_fault"

    def as_postgres(self, command):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)], check=True, capture_output=True
        )

    def start(self):
        if self.cluster:
            subprocess.run([*self.ctl, "start"], check=True)
        else:
            self.as_postgres(
                [
                    self.bindir / "pg_ctl",
                    "-D",
                    self.dir / "data",
                    "-w",
                    "-l",
                    self.dir / "log",
                    "-o",
                    f"-p {OWN_PG_PORT} -k /tmp",
                    "start",
                ]
            )

    def stop(self):
        if self.cluster:
            subprocess.run([*self.ctl, "stop"], check=True)
        else:
            self.as_postgres(
                [self.bindir / "pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w", "stop"]
            )

    def remove(self):
        if not self.cluster:
            self.stop()
            shutil.rmtree(self.dir, ignore_errors=True)


def site_env(database_url):
    """The benchmark's production-like settings, with the Redis page cache on."""
    env = base_env(database_url)
    # Quiet: the outage makes every worker log its database errors.
    env.update(REDIS_URL=REDIS_URL, PAGE_CACHE="1", LOG_LEVEL="CRITICAL", DB_CONNECT_TIMEOUT="2")
    return env


def prepare(pg):
    import psycopg

    server_url = pg.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server_url, autocommit=True) as server:
        server.execute("DROP DATABASE IF EXISTS kneeinfo_fault WITH (FORCE)")
        server.execute("CREATE DATABASE kneeinfo_fault")
    env = site_env(pg.url)
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["seed_site"]):
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True
        )
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=True, capture_output=True)


class Load:
    """Keep-alive clients reading public pages until stopped; counts statuses per second."""

    def __init__(self, paths, connections):
        self.paths, self.connections = paths, connections
        self.stop_at = None
        self.by_second = {}
        self.bad_bodies = []
        self.lock = threading.Lock()

    def client(self, offset):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        i = offset
        while time.monotonic() < self.stop_at:
            path = self.paths[i % len(self.paths)]
            i += 1
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read().decode(errors="replace")
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                status, body = "error", ""
            second = int(time.monotonic() - self.started)
            with self.lock:
                self.by_second.setdefault(second, Counter())[status] += 1
                if (
                    status == 503
                    and not any(words in body for words in FRIENDLY)
                    or status in (500, 502, 504)
                ):
                    self.bad_bodies.append((status, path, body[:200]))

    def run(self, seconds):
        self.started = time.monotonic()
        self.stop_at = self.started + seconds
        threads = [threading.Thread(target=self.client, args=(n,)) for n in range(self.connections)]
        for thread in threads:
            thread.start()
        return threads

    def total(self):
        return sum(self.by_second.values(), Counter())


def editor(seconds, database_url):
    """Run in a child process: edit and publish conditions through the ORM for `seconds`."""
    import django

    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(site_env(database_url), DJANGO_SETTINGS_MODULE="kneeinfo.settings")
    django.setup()
    from django.db import DatabaseError, close_old_connections

    from conditions.models import Condition, Status

    slugs = list(Condition.objects.published().order_by("slug").values_list("slug", flat=True))
    edits, stale, retries, n = [], 0, 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        slug = slugs[n % len(slugs)]
        marker = f"[edit {n}]"
        unpublish = n % 5 == 4
        while True:
            try:
                condition = Condition.objects.get(slug=slug)
                condition.summary = condition.summary.split(" [edit")[0] + " " + marker
                if hasattr(condition, "reviewed_fingerprint") and condition.reviewed_fingerprint:
                    condition.reviewed_fingerprint = condition.clinical_fingerprint()
                condition.status = Status.UNPUBLISHED if unpublish else Status.PUBLISHED
                condition.save()
                break
            except DatabaseError:
                retries += 1  # the database is down: keep the edit and try again
                close_old_connections()
                time.sleep(0.5)
        edits.append([slug, marker, not unpublish])
        try:
            page = urllib.request.urlopen(f"http://127.0.0.1:{PORT}/conditions/{slug}/", timeout=30)
            fresh = not unpublish and marker in page.read().decode()
        except urllib.error.HTTPError as error:
            fresh = unpublish and error.code == 404
        stale += not fresh
        if unpublish:  # publish it again, so patients do not lose the page for long
            while True:
                try:
                    condition.status = Status.PUBLISHED
                    condition.save()
                    break
                except DatabaseError:
                    retries += 1
                    close_old_connections()
                    time.sleep(0.5)
        n += 1
        time.sleep(0.2)
    print(json.dumps({"edits": edits, "stale": stale, "retries": retries}))


def start_editor(seconds, pg):
    return subprocess.Popen(
        [PYTHON, __file__, "--editor", str(seconds), "--database-url", pg.url],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )


def verify_edits(result, pg):
    """Every edit is in the history; each condition ends with its last edit, published."""
    env = {**site_env(pg.url), "EDITS": json.dumps(result["edits"])}
    check = (
        "import json, os\n"
        "from conditions.models import Condition\n"
        "edits = json.loads(os.environ['EDITS'])\n"
        "missing = [m for s, m, _ in edits if not Condition.history.filter(slug=s, "
        "summary__endswith=' ' + m).exists()]\n"
        "last = {s: m for s, m, _ in edits}\n"
        "wrong = [s for s, m in last.items() if not Condition.objects.get(slug=s).summary"
        ".endswith(m) or not Condition.objects.get(slug=s).is_published]\n"
        "print(json.dumps({'missing': missing, 'wrong_final': wrong}))\n"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", check],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def sitemap_paths(path):
    """The paths a sitemap lists: those of its sections' pages when it is an index."""
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}") as sitemap:
        text = sitemap.read().decode()
    paths = [loc.split("</loc>")[0].split(f":{PORT}")[-1] for loc in text.split("<loc>")[1:]]
    if "<sitemapindex" in text:
        return [page for section in paths for page in sitemap_paths(section)]
    return paths


def public_paths():
    paths = ["/", "/conditions/", "/faq/", "/tags/", "/symptoms/", "/treatments/", "/tags/knee/"]
    return list(dict.fromkeys(paths + sitemap_paths("/sitemap.xml")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--outage", type=int, default=5)
    parser.add_argument("--cluster", help="stop this pg_ctlcluster cluster instead of our own")
    parser.add_argument("--editor", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.editor:
        return editor(args.editor, args.database_url)

    pg = PostgreSQL(args.cluster)
    if not args.cluster:
        pg.start()
    server = None
    try:
        prepare(pg)
        server = start_gunicorn(site_env(pg.url), port=PORT)
        paths = public_paths()
        print(
            f"== 1. {args.seconds} s of load at {args.connections} connections on "
            f"{len(paths)} pages, with an editor saving and publishing",
            flush=True,
        )
        load = Load(paths, args.connections)
        edit_process = start_editor(args.seconds, pg)
        for thread in load.run(args.seconds):
            thread.join()
        result = json.loads(edit_process.communicate()[0].strip().splitlines()[-1])
        total = load.total()
        fivexx = sum(c for s, c in total.items() if isinstance(s, int) and s >= 500)
        checked = verify_edits(result, pg)
        print(
            f"requests: {sum(total.values())} ({sum(total.values()) / args.seconds:.0f}/s), "
            f"statuses: {dict(total)}, 5xx: {fivexx}"
        )
        print(
            f"edits: {len(result['edits'])}, stale reads right after an edit: "
            f"{result['stale']}, missing from history: {len(checked['missing'])}, "
            f"final state wrong: {len(checked['wrong_final'])}",
            flush=True,
        )

        fault_seconds, stop_at = 30, 8
        print(
            f"== 2. {fault_seconds} s of load; PostgreSQL stopped at {stop_at} s for "
            f"{args.outage} s",
            flush=True,
        )
        load = Load(paths, args.connections)
        health = []
        threads = load.run(fault_seconds)
        edit_process = start_editor(fault_seconds - 2, pg)

        def watch_health():
            while time.monotonic() < load.stop_at:
                try:
                    code = urllib.request.urlopen(
                        f"http://127.0.0.1:{PORT}/healthz", timeout=5
                    ).status
                except urllib.error.HTTPError as error:
                    code = error.code
                except OSError:
                    code = "error"
                health.append((round(time.monotonic() - load.started, 1), code))
                time.sleep(0.5)

        watcher = threading.Thread(target=watch_health)
        watcher.start()
        time.sleep(stop_at)
        pg.stop()
        stopped = time.monotonic() - load.started
        time.sleep(args.outage)
        pg.start()
        started = time.monotonic() - load.started
        for thread in [*threads, watcher]:
            thread.join()
        result = json.loads(edit_process.communicate()[0].strip().splitlines()[-1])
        checked = verify_edits(result, pg)
        print(f"PostgreSQL down from {stopped:.1f} s to {started:.1f} s")
        for second in sorted(load.by_second):
            print(f"  {second:2d} s: {dict(load.by_second[second])}")
        down = [t for t, code in health if code == 503]
        back = [t for t, code in health if code == 200 and t > started]
        print(
            f"/healthz said 503 from {min(down, default=0):.1f} s to {max(down, default=0):.1f} s;"
            f" 200 again at {min(back, default=float('nan')):.1f} s "
            f"({min(back, default=float('nan')) - started:.1f} s after the restart)"
        )
        after = [load.by_second[s] for s in load.by_second if s > started + 2]
        print(
            f"500s: {load.total().get(500, 0)}, 503 pages that were not the friendly one: "
            f"{sum(1 for s, _, _ in load.bad_bodies if s == 503)}, "
            f"5xx after recovery: "
            f"{sum(c for sec in after for s, c in sec.items() if isinstance(s, int) and s >= 500)}"
        )
        print(
            f"edits during the fault phase: {len(result['edits'])} (retried {result['retries']}"
            f" times while the database was down), missing: {len(checked['missing'])}, "
            f"final state wrong: {len(checked['wrong_final'])}"
        )
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        if args.cluster:
            subprocess.run([*pg.ctl, "start"], capture_output=True)
        else:
            pg.remove()


if __name__ == "__main__":
    main()
