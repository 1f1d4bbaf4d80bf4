"""The home page against a search, side by side in one run (issue 16 §1), on PostgreSQL.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench_inquiry   # >= 100,000 subjects
    .venv/bin/python bench/bench_home.py                      # 400 requests of each
    .venv/bin/python bench/bench_home.py --profile bench/out/home.prof --path /

Not a test and not part of the suite. In-process (Django's test client: every middleware, the
view, the template, no network), DEBUG=False, the cache in Redis as in production
(`BENCH_REDIS_URL`, default db 9). An anonymous visitor asks alternately for `/` and for
`/subjects/?q=<term>` (a common name fragment), so that whatever load the machine carries falls
on both alike; after a warm-up of each, it reports per page the CPU time of the request (the
process's, `time.process_time`, which the database's own work in its server process is not part
of) and the wall-clock server time, p50 and p95, and the ratio of home to search. Results are
printed and written to bench/out/bench_home-<time>.json.
"""

import argparse
import cProfile
import datetime as dt
import json
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inquiry import OUT_DIR, collect_static, environment, percentile, setup_django  # noqa: E402


def figures(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 3), "p95_ms": round(percentile(ms, 0.95), 3)}


def one(client, path: str) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return cpu, wall


def side_by_side(client, paths: dict[str, str], requests: int, warm_up: int) -> dict:
    for _ in range(warm_up):
        for path in paths.values():
            one(client, path)
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    wall: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(requests):
        for name, path in paths.items():
            c, w = one(client, path)
            cpu[name].append(c)
            wall[name].append(w)
    results = {
        name: {"path": path, "cpu": figures(cpu[name]), "server": figures(wall[name])} for name, path in paths.items()
    }
    results["ratio_home_to_search"] = {
        "cpu_p50": round(results["home"]["cpu"]["p50_ms"] / results["search"]["cpu"]["p50_ms"], 2),
        "server_p50": round(results["home"]["server"]["p50_ms"] / results["search"]["server"]["p50_ms"], 2),
        "server_p95": round(results["home"]["server"]["p95_ms"] / results["search"]["server"]["p95_ms"], 2),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="measured requests of each page")
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--term", default="建设", help="the search term (a common name fragment)")
    parser.add_argument("--profile", help="write cProfile statistics of --path (500 requests) to this file")
    parser.add_argument("--path", default="/", help="the page --profile profiles")
    args = parser.parse_args()
    collect_static(environment())  # DEBUG=False serves the hashed names of the manifest
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from collection.models import Subject

    client = Client()
    paths = {"home": "/", "search": "/subjects/?" + urllib.parse.urlencode({"q": args.term})}
    with override_settings(PUBLIC_SEARCH_RATE="off", PUBLIC_SUBJECT_RATE="off"):
        if args.profile:
            for _ in range(args.warm_up):
                one(client, args.path)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(500):
                one(client, args.path)
            profiler.disable()
            profiler.dump_stats(args.profile)
            print(f"profile of 500 × {args.path} in {args.profile}")
            return
        subjects = Subject.objects.count()
        print(f"{subjects:,} subjects; {args.requests} requests of each page, alternating", flush=True)
        results = side_by_side(client, paths, args.requests, args.warm_up)
    results["subjects"] = subjects
    results["database"] = connection.settings_dict["NAME"]
    for name in ("home", "search"):
        r = results[name]
        print(f"  {name:6} {r['path']}: CPU {r['cpu']}  server {r['server']}")
    print(f"  home ÷ search: {results['ratio_home_to_search']}")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"bench_home-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
