"""What each public request costs in CPU, and what the data costs on disk (deploy/CAPACITY.md).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench_inquiry   # as bench_inquiry.py
    .venv/bin/python bench/bench_capacity.py --samples 300

Not a test and not part of the suite. Capacity is planned in CPU seconds, which, unlike wall
time, do not change with what else the machine is doing: for each kind of public request it
runs `--samples` requests in-process (Django's test client through every middleware, the view
and the template, the cache in Redis, persistent database connection) and measures

- the web process's CPU per request (`time.process_time`), which is what a web node spends, and
- the PostgreSQL backend's CPU per request (utime + stime of the backend serving this
  connection, from /proc: PostgreSQL must run on this machine, and this process must be allowed
  to read its /proc entry), which is what the primary or a replica spends,

beside `/healthz` (one `SELECT 1`), the floor, as a ratio. Then the size on disk of the subject,
record, revision and audit tables with their indexes, per row. Results are printed and written
to bench/out/bench_capacity-<time>.json.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
from pathlib import Path

from bench_inquiry import OUT_DIR, collect_static, environment, sample_subjects, search_path, setup_django, term_sets

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Tables whose size grows with the data, and the rows that make them grow.
SIZED_TABLES = {
    "collection_subject": "subjects",
    "collection_creditrecord": "records",
    "collection_recordrevision": "revisions",
    "audit_auditevent": "audit events",
}


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def measure(client, backend_pid: int, paths: list[str]) -> dict:
    walls = []
    app_started, db_started = time.process_time(), backend_cpu_seconds(backend_pid)
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        walls.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    count = len(paths)
    ordered = sorted(walls)
    return {
        "n": count,
        "app_cpu_ms": round((time.process_time() - app_started) * 1000 / count, 2),
        "db_cpu_ms": round((backend_cpu_seconds(backend_pid) - db_started) * 1000 / count, 2),
        "wall_p50_ms": round(statistics.median(walls), 2),
        "wall_p95_ms": round(ordered[int(0.95 * (count - 1))], 2),
    }


def request_mix(rng: random.Random, samples: int) -> dict[str, list[str]]:
    terms = [t for ts in term_sets(rng, samples // 5 + 1).values() for t in ts]
    rng.shuffle(terms)
    codes = [s["code"] for s in sample_subjects(rng, samples)]
    return {
        "healthz": ["/healthz"] * samples,
        "home": ["/"] * samples,
        "search (1–4 characters and codes)": [search_path(t) for t in terms[:samples]],
        "subject page": [f"/subjects/{code}/" for code in codes],
        "subject API": [f"/api/v1/subjects/{code}/" for code in codes],
        "catalog page": ["/catalog/"] * samples,
        "catalog API": ["/api/v1/catalog/"] * samples,
        "report verification form": ["/reports/verify/"] * samples,
    }


def table_sizes() -> dict:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table, rows_name in SIZED_TABLES.items():
            cursor.execute(
                f'SELECT count(*), pg_total_relation_size(%s), pg_relation_size(%s) FROM "{table}"', [table, table]
            )
            rows, total, heap = cursor.fetchone()
            sizes[table] = {
                "rows": rows,
                "rows_are": rows_name,
                "total_mb": round(total / 2**20, 1),
                "heap_mb": round(heap / 2**20, 1),
                "bytes_per_row": round(total / rows) if rows else None,
            }
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes["database_mb"] = round(cursor.fetchone()[0] / 2**20, 1)
    return sizes


def query_log_bytes_per_row(rows: int = 20_000) -> int:
    """A signed-in user's searches and page views each write a query log row (Art. 11); the
    table is nearly empty in benchmark data, so rows are written in a transaction that is
    rolled back, and the table's growth (with its indexes) is measured."""
    from django.db import connection, transaction

    from inquiry.models import QueryLog

    def size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('inquiry_querylog')")
            return cursor.fetchone()[0]

    class RollBack(Exception):
        pass

    try:
        with transaction.atomic():
            before = size()
            QueryLog.objects.bulk_create(
                QueryLog(
                    kind=QueryLog.Kind.SEARCH,
                    actor_label=f"user{i % 500}",
                    terms="南通建设有限公司",
                    ip_address="203.0.113.7",
                )
                for i in range(rows)
            )
            grown = size() - before
            raise RollBack
    except RollBack:
        pass
    return round(grown / rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=300, help="requests of each kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    collect_static(environment())
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = cursor.fetchone()[0]
    report = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "requests": {},
    }
    client = Client()
    # The public rate limits stay on (their Redis round trips are part of the cost), raised so
    # that they never refuse.
    rates = {name: "100000000/m" for name in ("PUBLIC_SEARCH_RATE", "PUBLIC_SUBJECT_RATE", "PUBLIC_VERIFY_RATE")}
    with override_settings(**rates):
        mix = request_mix(rng, args.samples)
        for paths in mix.values():  # warm-up: templates, per-process caches, the pages in memory
            measure(client, backend_pid, paths[: max(20, len(paths) // 5)])
        for label, paths in mix.items():
            report["requests"][label] = measure(client, backend_pid, paths)
    floor = report["requests"]["healthz"]
    print(f"{'request':36} {'app CPU':>9} {'DB CPU':>8} {'× healthz':>10} {'p50':>8} {'p95':>8}")
    for label, figures in report["requests"].items():
        figures["cpu_ratio_to_healthz"] = round(
            (figures["app_cpu_ms"] + figures["db_cpu_ms"]) / (floor["app_cpu_ms"] + floor["db_cpu_ms"]), 1
        )
        print(
            f"{label:36} {figures['app_cpu_ms']:7.2f}ms {figures['db_cpu_ms']:6.2f}ms "
            f"{figures['cpu_ratio_to_healthz']:9.1f}× {figures['wall_p50_ms']:6.1f}ms {figures['wall_p95_ms']:6.1f}ms"
        )
    report["sizes"] = table_sizes()
    report["sizes"]["query_log_bytes_per_row"] = query_log_bytes_per_row()
    print(json.dumps(report["sizes"], ensure_ascii=False, indent=2))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    target = OUT_DIR / f"bench_capacity-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
