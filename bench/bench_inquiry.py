"""Benchmark of the public search and subject pages (issue 4), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres nantong_bench_inquiry
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench_inquiry
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/generate_bench_data.py --subjects 1000000 --records 5000000 --no-revisions
    .venv/bin/python bench/bench_inquiry.py

Not a test and not part of the suite. What it measures:

1. server time in-process (Django's test client through every middleware, the view and the
   template; no network): p50/p95 of the search for 1-, 2-, 3- and 4-character name terms cut
   from random subjects' names (so common characters such as 南 and 司 come up as often as
   people would type them) and for exact codes, and of the subject page of random companies;
   the database part of the search alone (`search_subjects`) too. A warm-up set of other
   terms runs first, so that the figures are those of a warm server. Then the same random
   terms with and without random filters of the search form (主体类别, 所属地区, 登记状态),
   side by side, and the filtered searches and fragments of issue 12 repeated, each as a
   ratio of its p95 to that of the unfiltered terms;
2. requests per second under gunicorn (sync workers, persistent database connections, the
   cache in Redis as in production) with `wrk` as the load generator on the same machine: a
   trivial Django view (the ceiling of the stack on this machine, measured in the same run),
   the search with a mix of all term lengths and codes, and subject pages.

The rate limits stay on in the load test, raised so that they never refuse: their cost (two
Redis round trips per request) is part of what is measured. Results are printed and written to
bench/out/bench_inquiry-<time>.json. Goals (issue 4): search p95 < 30 ms for every term
length at 1,000,000 subjects and 5,000,000 records, subject page p95 < 30 ms, >= 150 searches/s.
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
STATIC_DIR = OUT_DIR / "static"
SITE_MODULE = "inquiry_bench_site"
GOALS = {"search_p95_ms": 30, "subject_p95_ms": 30, "searches_per_s": 150}

# Settings and URLs of the server under load: the project's, plus a trivial view for the
# baseline, and rate limits high enough never to refuse (but still counted).
SITE = """
from nantong_credit.settings import *  # noqa: F401,F403

PUBLIC_SEARCH_RATE = "100000000/m"
PUBLIC_SUBJECT_RATE = "100000000/m"
ROOT_URLCONF = "inquiry_bench_urls"
"""
SITE_URLS = """
from django.http import HttpResponse
from django.urls import path

from nantong_credit.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]
"""


def environment() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "False",  # as in production: no SQL kept per request, the compressed static files
            "SECURE_SSL_REDIRECT": "False",
            "STATIC_ROOT": str(STATIC_DIR),
            "CONN_MAX_AGE": env.get("CONN_MAX_AGE", "600"),
            "REDIS_URL": env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def setup_django() -> None:
    os.environ.update(environment())
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_inquiry needs PostgreSQL: set DATABASE_URL (see bench/README.md)")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(times_s: list[float]) -> dict:
    ms = [t * 1000 for t in times_s]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "max_ms": round(max(ms), 2),
    }


# --- Samples -------------------------------------------------------------------------------------


def sample_subjects(rng: random.Random, count: int) -> list:
    """Random companies and shops, by random ids (ORDER BY random() would read the whole table)."""
    from collection.models import Subject
    from inquiry.search import public_subjects

    top = Subject.objects.order_by("-pk").values_list("pk", flat=True).first()
    found: list = []
    while len(found) < count:
        ids = [rng.randint(1, top) for _ in range(count * 2)]
        found += list(public_subjects().filter(pk__in=ids).values("code", "name"))
    return found[:count]


def name_terms(rng: random.Random, subjects: list[dict], length: int) -> list[str]:
    terms = []
    for subject in subjects:
        name = subject["name"]
        start = rng.randrange(0, max(1, len(name) - length + 1))
        terms.append(name[start : start + length])
    return terms


def term_sets(rng: random.Random, per_set: int) -> dict[str, list[str]]:
    subjects = sample_subjects(rng, per_set)
    sets = {f"{n} 字": name_terms(rng, subjects, n) for n in (1, 2, 3, 4)}
    sets["代码"] = [s["code"] for s in sample_subjects(rng, per_set)]
    return sets


# --- 1. Server time in-process -------------------------------------------------------------------


def time_requests(client, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return times


def search_path(term: str, filters: dict | None = None) -> str:
    return "/subjects/?" + urllib.parse.urlencode({"q": term, **(filters or {})})


# Issue 12, item 8: searches with the form's own filters that read every subject, and fragments
# on which the planner's estimate flipped between a 3 ms and a 20 ms plan.
ISSUE_FILTERED = [
    ("有限", {"kind": "individual_business"}),
    ("店", {"kind": "legal_person"}),
    ("公", {"status": "撤销"}),
    ("南", {"district": "海安市", "status": "迁出"}),
]
FLIPPING_FRAGMENTS = ["工程有", "股份有", "程有限公"]


def random_filters(rng: random.Random) -> dict:
    """One, two or three of the form's filters, with values a visitor could choose."""
    from inquiry.search import DISTRICTS, REGISTRATION_STATUSES

    choices = {"kind": ["legal_person", "individual_business"], "district": DISTRICTS, "status": REGISTRATION_STATUSES}
    chosen = rng.sample(sorted(choices), rng.randint(1, 3))
    return {name: rng.choice(choices[name]) for name in chosen}


def measure_filtered(client, rng: random.Random, samples: int) -> dict:
    """The same random terms with and without random filters, side by side, and the cases of the
    issue repeated: filtered searches should cost what unfiltered ones do."""
    terms = [term for n in (1, 2, 3, 4) for term in name_terms(rng, sample_subjects(rng, samples // 4), n)]
    filtered = [(term, random_filters(rng)) for term in terms]
    results: dict = {
        "unfiltered": summary(time_requests(client, [search_path(t) for t in terms])),
        "filtered": summary(time_requests(client, [search_path(t, f) for t, f in filtered])),
    }
    results["filtered"]["p95_ratio_to_unfiltered"] = round(
        results["filtered"]["p95_ms"] / results["unfiltered"]["p95_ms"], 2
    )
    print(f"  same terms unfiltered: {results['unfiltered']}", flush=True)
    print(f"  same terms, random filters: {results['filtered']}", flush=True)
    repeats = max(10, samples // 10)
    cases = [(term, filters) for term, filters in ISSUE_FILTERED] + [(term, {}) for term in FLIPPING_FRAGMENTS]
    for term, filters in cases:
        label = " + ".join([term, *filters.values()])
        figures = summary(time_requests(client, [search_path(term, filters)] * repeats))
        figures["p95_ratio_to_unfiltered"] = round(figures["p95_ms"] / results["unfiltered"]["p95_ms"], 2)
        results[label] = figures
        print(f"  {label}: {figures}", flush=True)
    return results


def measure_in_process(rng: random.Random, samples: int) -> dict:
    from django.test import Client
    from django.test.utils import override_settings

    from inquiry.search import COUNT_CAP, search_subjects

    client = Client()
    warm, measured = term_sets(rng, samples), term_sets(rng, samples)
    pages = [f"/subjects/{s['code']}/" for s in sample_subjects(rng, samples)]
    warm_pages = [f"/subjects/{s['code']}/" for s in sample_subjects(rng, samples)]
    results: dict = {"search": {}, "search_db_only": {}, "capped_share": {}}
    with override_settings(PUBLIC_SEARCH_RATE="off", PUBLIC_SUBJECT_RATE="off"):
        for terms in warm.values():
            time_requests(client, [search_path(t) for t in terms])
        time_requests(client, warm_pages)
        for label, terms in measured.items():
            results["search"][label] = summary(time_requests(client, [search_path(t) for t in terms]))
            db_times, capped = [], 0
            for term in terms:
                started = time.perf_counter()
                result = search_subjects(term)
                db_times.append(time.perf_counter() - started)
                capped += result.capped
            results["search_db_only"][label] = summary(db_times)
            results["capped_share"][label] = round(capped / len(terms), 3)
            print(
                f"  search {label}: {results['search'][label]}  (query only: {results['search_db_only'][label]}, "
                f"over {COUNT_CAP:,} matches: {results['capped_share'][label]:.0%})",
                flush=True,
            )
        results["subject_page"] = summary(time_requests(client, pages))
        print(f"  subject page: {results['subject_page']}", flush=True)
        print("filtered searches (issue 12):", flush=True)
        results["filtered_search"] = measure_filtered(client, rng, samples)
    return results


# --- 2. Throughput under gunicorn ----------------------------------------------------------------


def collect_static(env: dict) -> None:
    if not (STATIC_DIR / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "--skip-checks"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    (OUT_DIR / f"{SITE_MODULE}.py").write_text(SITE, encoding="utf-8")
    (OUT_DIR / "inquiry_bench_urls.py").write_text(SITE_URLS, encoding="utf-8")
    server_env = {**env, "DJANGO_SETTINGS_MODULE": SITE_MODULE}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "nantong_credit.wsgi:application",
            "--pythonpath",
            f"{OUT_DIR},{BASE_DIR}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=server_env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def wrk(port: int, paths: list[str], seconds: int, connections: int) -> dict:
    script = OUT_DIR / "wrk_paths.lua"
    quoted = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(
        f"local paths = {{\n{quoted}\n}}\n"
        "math.randomseed(42)\n"
        "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n",
        encoding="utf-8",
    )
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"load_average": round(os.getloadavg()[0], 2)}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            figures["requests_per_s"] = float(line.split()[1])
        elif line.startswith(("50%", "95%", "99%")) and len(line.split()) == 2:
            figures[f"latency_{line.split()[0].rstrip('%')}"] = line.split()[1]
        elif "Non-2xx" in line:
            figures["non_2xx"] = int(line.split()[-1])
    return figures


def measure_throughput(rng: random.Random, args) -> dict:
    if not shutil.which("wrk"):
        sys.exit("the load test needs wrk: apt-get install wrk")
    env = environment()
    sets = term_sets(rng, 200)
    searches = [search_path(term) for terms in sets.values() for term in terms]
    pages = [f"/subjects/{s['code']}/" for s in sample_subjects(rng, 1000)]
    server = start_gunicorn(env, args.port, args.workers)
    results = {"workers": args.workers, "connections": args.connections, "seconds": args.seconds}
    try:
        for label, paths in (("trivial", ["/bench/trivial/"]), ("search", searches), ("subject_page", pages)):
            wrk(args.port, paths, 3, args.connections)  # warm-up: workers connect, caches fill
            results[label] = wrk(args.port, paths, args.seconds, args.connections)
            print(f"  {label}: {results[label]}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for label in ("search", "subject_page"):
        results[label]["ratio_to_trivial"] = round(
            results[label]["requests_per_s"] / results["trivial"]["requests_per_s"], 3
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=300, help="terms per length, codes and pages, in-process")
    parser.add_argument("--seconds", type=int, default=20, help="duration of each load run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections of wrk")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-load", action="store_true", help="only the in-process server times")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    setup_django()
    from collection.models import CreditRecord, Subject

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    report = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "subjects": Subject.objects.count(),
        "records": CreditRecord.objects.count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "goals": GOALS,
    }
    print(f"{report['subjects']:,} subjects, {report['records']:,} records; load {report['load_average_at_start']}")
    collect_static(environment())
    print("server time, in-process:", flush=True)
    report["in_process"] = measure_in_process(rng, args.samples)
    if not args.skip_load:
        print(f"throughput, gunicorn {args.workers} workers, wrk {args.connections} connections:", flush=True)
        report["throughput"] = measure_throughput(rng, args)
    target = OUT_DIR / f"bench_inquiry-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
