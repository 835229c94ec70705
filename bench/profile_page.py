"""Profile one uncached page: where a request's time goes. Not a test: prints a profile.

    DATABASE_URL=... .venv/bin/python bench/profile_page.py [/conditions/bakers-cyst/] [--n 200]

Uses the database in DATABASE_URL (default the project's SQLite file, which `make run` seeds).
"""

import argparse
import cProfile
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kneeinfo.settings")
os.environ.setdefault("SECRET_KEY", "profile-only-not-secret")
os.environ["PAGE_CACHE"] = "0"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default="/conditions/bakers-cyst/")
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    import time

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    assert client.get(args.path).status_code == 200, f"{args.path} does not answer 200"
    spent = {"queries": 0, "seconds": 0.0}

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["queries"] += 1
            spent["seconds"] += time.perf_counter() - start

    profile = cProfile.Profile()
    with connection.execute_wrapper(timed):
        profile.enable()
        for _ in range(args.n):
            client.get(args.path)
        profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt / args.n * 1000
    print(
        f"{args.path}: {total:.1f} ms per request (profiled), "
        f"{spent['queries'] / args.n:.0f} queries taking {spent['seconds'] / args.n * 1000:.1f} ms"
    )
    stats.sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
