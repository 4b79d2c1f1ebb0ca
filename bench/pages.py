"""Time the public pages of a contract with Django's test client.

    export DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false \
        STATIC_ROOT=/tmp/bench-static STATIC_PRECOMPRESS=false
    .venv/bin/quartiers collectstatic --noinput -v0   # pages name hashed static files
    .venv/bin/python bench/pages.py

Imports the demo protocol into a fresh temporary SQLite database (or, with --existing, uses
the configured database and its `coeur-de-loriol` contract), warms up, then requests each
page N times and prints the median and 95th percentile in milliseconds, and the number of
SQL queries of one request.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page")
    parser.add_argument(
        "--existing", action="store_true", help="use the configured database as it is"
    )
    return parser.parse_args()


def setup(existing: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not existing:
        directory = tempfile.mkdtemp(prefix="quartiers-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    import django

    django.setup()
    if not existing:
        from django.core.management import call_command

        from quartiers.demo import services as demo

        call_command("migrate", verbosity=0)
        demo.load(apply=True)  # the published Loriol contract and one fictitious person per role


def pages(slug: str) -> dict[str, str]:
    base = f"/contrats/{slug}"
    return {
        "liste des contrats": "/contrats/",
        "contrat": f"{base}/",
        "matrice": f"{base}/engagements/",
        "matrice, filtre CAF": f"{base}/engagements/?partner=CAF",
        "partenaire CAF": f"{base}/partenaires/CAF/",
        "glossaire": f"{base}/glossaire/",
        "document source": f"{base}/document/",
        "export xlsx": f"{base}/engagements/export.xlsx",
        "export ods": f"{base}/engagements/export.ods",
        "export csv": f"{base}/engagements/export.csv",
    }


def lead_pages(slug: str) -> dict[str, str]:
    """Pages of the chef de projet (import warnings, history, journal, roles)."""
    base = f"/contrats/{slug}"
    return {
        "contrat (chef·fe)": f"{base}/",
        "engagement + historique": f"{base}/engagements/5/",
        "journal": f"{base}/journal/",
        "rôles": f"{base}/roles/",
        "mon compte": "/mon-compte/",
    }


def measure(client, url: str, n: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, secure=True)  # secure: production redirects plain HTTP
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    query_count = len(queries.captured_queries)  # read now: each request resets the log
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url, secure=True)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)],
        "queries": query_count,
        "size": len(response.content),
    }


def main() -> None:
    args = parse_args()
    setup(args.existing)
    from django.conf import settings
    from django.test import Client

    client = Client()
    print(f"DEBUG={settings.DEBUG}, {settings.DATABASES['default']['ENGINE']}, N={args.n}")
    print(f"{'page':<24} {'médiane ms':>10} {'p95 ms':>8} {'requêtes':>9} {'Ko':>7}")
    from quartiers.accounts.models import User
    from quartiers.demo.catalogue import DEMO_DOMAIN

    def run(table):
        for name, url in table.items():
            r = measure(client, url, args.n, args.warmup)
            print(
                f"{name:<24} {r['median']:>10.1f} {r['p95']:>8.1f} {r['queries']:>9} "
                f"{r['size'] / 1024:>7.1f}"
            )

    run(pages("coeur-de-loriol"))
    client.force_login(User.objects.get(email=f"cheffe-de-projet@{DEMO_DOMAIN}"))
    run(lead_pages("coeur-de-loriol"))


if __name__ == "__main__":
    main()
