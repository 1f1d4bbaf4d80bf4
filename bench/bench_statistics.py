"""Benchmark of the monthly statistical report (issue 15 §1): how long its figures take over a
large database, stated as a ratio to a plain `SELECT COUNT(*)` of the records table measured in
the same run (the machine's own speed at reading that table).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nt_stats_bench .venv/bin/python bench/bench_statistics.py

Needs a database filled by `bench/generate_bench_data.py` (1M subjects / 5M records) with
this branch's migrations applied. Each run computes every section of the report for one month
and the month before it (what `issue_report` computes before it stores the JSON; storing and
archiving are a few inserts), section by section, and `COUNT(*)` before and after. The first
run warms the caches and is reported apart. It also times what the nightly sweep of
/statistics/ reads (24 months and the headline). `--explain` prints EXPLAIN ANALYZE of the one query
that reads the records table. Results are printed and written to
bench/out/bench_statistics-<time>.json. It writes nothing to the database.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("DEBUG", "False")
    import django

    django.setup()


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def count_records() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM collection_creditrecord")
        return cursor.fetchone()[0]


def one_run(period) -> dict[str, float]:
    """Each section timed apart, under the settings `report_figures` runs them with."""
    from django.db import transaction

    from supervision.statistics.figures import SECTIONS, _without_jit

    times = {}
    with transaction.atomic(), _without_jit():
        for key, _title, build in SECTIONS:
            times[key], _tables = timed(lambda build=build: build(period))
    times["total"] = sum(times.values())
    return times


def explain(period) -> str:
    from django.db import connection, transaction

    from supervision.statistics.figures import _without_jit, record_groups_query

    sql, params = record_groups_query(period).query.sql_with_params()
    with transaction.atomic(), _without_jit(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def public_figures_seconds() -> float:
    """What the nightly sweep reads for /statistics/ (it then writes 25 rows)."""
    from django.utils import timezone

    from supervision.statistics.public import headline, monthly_trends, trend_months

    seconds, _figures = timed(lambda: (monthly_trends(trend_months(timezone.localdate())), headline(timezone.now())))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--month", help="YYYY-MM (default: the last complete month)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from supervision.statistics.periods import Period

    if connection.vendor != "postgresql":
        sys.exit("bench_statistics needs PostgreSQL (set DATABASE_URL)")
    start = dt.date.fromisoformat(args.month + "-01") if args.month else None
    period = Period.of("monthly", start) if start else Period.last_complete("monthly", timezone.localdate())
    if args.explain:
        print(explain(period))
    records = count_records()
    cold = one_run(period)
    counts, runs = [], []
    for _ in range(args.runs):
        counts.append(timed(count_records)[0])
        runs.append(one_run(period))
        counts.append(timed(count_records)[0])
    count_p50 = statistics.median(counts)
    nightly = public_figures_seconds()
    sections = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "period": period.label,
        "records": records,
        "count_seconds_p50": count_p50,
        "cold_seconds": cold,
        "report_seconds_p50": sections,
        "ratio_to_count": sections["total"] / count_p50,
        "public_figures_seconds": nightly,
        "runs": args.runs,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"bench_statistics-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"{records:,} records; monthly report of {period.label} (with {period.previous.label} beside it)")
    print(f"SELECT COUNT(*) p50 {count_p50:.3f} s over {len(counts)} runs")
    print(f"cold run: {cold['total']:.2f} s")
    for key, seconds in sections.items():
        print(f"  {key:<13} {seconds:7.3f} s")
    print(f"report p50 {sections['total']:.2f} s = {result['ratio_to_count']:.1f} × COUNT(*)")
    print(f"public figures (the nightly sweep's reads, 24 months and the headline): {nightly:.2f} s")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
