"""Benchmark of the audit chain (issue 12 item 6): what one append costs every service, and how
fast `verify_audit_chain` walks the chain.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench .venv/bin/python bench/bench_audit.py

Needs a scratch database with migrations applied. It appends `--events` events (default
5,000) through `record_event`, each in its own transaction as a service does, with the
before/after payload of a typical record update, then walks the whole chain as the command does
and, where the code has them, writes one checkpoint. Results are printed and written to
bench/out/bench_audit-<time>.json. The events stay in the scratch database (append-only).
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
    os.environ.setdefault("AUDIT_CHECKPOINT_DIR", str(OUT_DIR / "audit-checkpoints"))
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def append_events(count: int) -> dict:
    from django.db import transaction

    from audit.services import record_event

    before = {"违法事实": "未按规定公示年度报告" * 3, "罚款金额(万元)": "12.50", "处罚类别": ["罚款", "警告"]}
    after = {**before, "罚款金额(万元)": "15.00", "状态": "已更正"}
    walls, cpu_start, started = [], time.process_time(), time.perf_counter()
    for n in range(count):
        begun = time.perf_counter()
        with transaction.atomic():
            record_event(
                action="record.update",
                object_type="collection.creditrecord",
                object_id=str(n),
                summary=f"更新信用记录 基准-{n}",
                before=before,
                after=after,
                ip_address="10.32.6.15",
            )
        walls.append(time.perf_counter() - begun)
    elapsed = time.perf_counter() - started
    return {
        "events": count,
        "per_second": count / elapsed,
        "cpu_ms_each": (time.process_time() - cpu_start) / count * 1000,
        "p50_ms": statistics.median(walls) * 1000,
        "p95_ms": percentile(walls, 0.95) * 1000,
    }


def walk_chain() -> dict:
    from audit.verification import verify_chain

    cpu_start, started = time.process_time(), time.perf_counter()
    report = verify_chain()
    elapsed = time.perf_counter() - started
    if not report.ok:
        sys.exit(f"the chain is broken: {report}")
    return {
        "events": report.checked,
        "seconds": elapsed,
        "per_second": report.checked / elapsed,
        "cpu_seconds": time.process_time() - cpu_start,
    }


def checkpoint() -> dict | None:
    try:
        from audit.checkpoints import write_checkpoint
    except ImportError:  # code from before checkpoints
        return None
    started = time.perf_counter()
    written = write_checkpoint()
    return {"seconds": time.perf_counter() - started, "count": written.count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_audit runs on PostgreSQL only (set DATABASE_URL)")
    results = {"append": append_events(args.events), "walk": walk_chain(), "checkpoint": checkpoint()}
    print(json.dumps(results, indent=2, ensure_ascii=False))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (OUT_DIR / f"bench_audit-{stamp}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
