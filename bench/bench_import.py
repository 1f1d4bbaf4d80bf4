"""Benchmark of bulk collection (issue 3): a 100,000-row 行政处罚 file through the real pipeline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench .venv/bin/python bench/bench_import.py

Needs a scratch PostgreSQL database with migrations applied and `seed_demo` loaded (the
published catalog, 市市场监管局 `scjgj` and the `provider_staff` account). It is not a test and
not part of the suite. What it does, each measurement in a fresh child process so that its peak
memory is its own:

1. generates N realistic `admin_penalty` rows (70 % companies, 20 % 个体工商户, 10 % natural
   persons; valid codes; several authorities, penalty types, dates, amounts) and writes them as
   an XLSX and as a CSV (UTF-8 with BOM) with the template's columns, into bench/out/;
2. imports each file through `create_import` + `run_import` (exactly what the Celery worker
   runs; the web request is not measured), after removing the previous run's records, and
   reports rows/s, CPU seconds, the time spent checking vs. storing, and peak RSS;
3. imports the CSV once more: every row is unchanged (the idempotent re-upload);
4. loads the same CSV into a scratch table with PostgreSQL `COPY` in the same run: the ratio
   pipeline/COPY says what the pipeline costs over the database's raw loading speed;
5. calls `submit_record` for M single new records (what one API request does, without HTTP);
6. POSTs M new records to /api/v1/records/ over real HTTP: gunicorn (gthread workers, keep-alive,
   persistent database connections, the Redis cache when one answers on 127.0.0.1:6379) and a
   few keep-alive client connections, with GET /healthz (one SELECT 1) in the same run as the
   floor of a request through the same stack.

Goals (issue 3): >= 5,000 rows/s for CSV, peak memory < 300 MB, >= 500 single records/s.
Results are printed and written to bench/out/bench_import-<time>.json.
"""

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from http_load import free_port, load, reachable_redis, wait_for  # bench/, the folder of the script
from import_rows import KEY_PREFIX, NAME_PREFIX, generate_rows
from process_memory import peak_rss_mb, rss_mb

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
PROVIDER, USER, ITEM = "scjgj", "provider_staff", "admin_penalty"

GOALS = {"csv_rows_per_s": 5_000, "peak_rss_mb": 300, "api_records_per_s": 500}


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("MEDIA_ROOT", str(OUT_DIR / "media"))
    # As a Celery worker runs in production; DEBUG would also keep every query's SQL in memory.
    os.environ.setdefault("DEBUG", "False")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_import needs PostgreSQL: set DATABASE_URL (see bench/README.md)")


# --- Files ---------------------------------------------------------------------------------------
def write_files(rows: list[dict[str, str]]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from collection.bulk.layout import layout_for
    from collection.selectors import PublishedItems

    columns = layout_for(PublishedItems().get(ITEM)).columns
    header = [column.label for column in columns]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = OUT_DIR / f"{ITEM}-{len(rows)}.csv", OUT_DIR / f"{ITEM}-{len(rows)}.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.writer(target, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column.key, "") for column in columns])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column.key, "") for column in columns])
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


# --- Measurements (each in its own process) ------------------------------------------------------


def clean_previous_run() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM collection_recordrevision WHERE record_id IN "
            "(SELECT id FROM collection_creditrecord WHERE source_key LIKE %s)",
            [KEY_PREFIX + "%"],
        )
        cursor.execute("DELETE FROM collection_creditrecord WHERE source_key LIKE %s", [KEY_PREFIX + "%"])
        cursor.execute(
            "DELETE FROM collection_subject s WHERE s.name LIKE %s AND NOT EXISTS "
            "(SELECT 1 FROM collection_creditrecord r WHERE r.subject_id = s.id)",
            [NAME_PREFIX + "%"],
        )
        # Without this the next run's inserts wade through the index entries of the rows just
        # deleted (same keys): a cost a real import of new records never has.
        for table in ("collection_recordrevision", "collection_creditrecord", "collection_subject"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def measure_import(path: Path, *, clean: bool, profile: str = "") -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import Provider
    from collection import tasks
    from collection.bulk import imports as bulk_imports
    from collection.bulk import store as bulk_store
    from collection.bulk import uploads as bulk_uploads

    if clean:
        clean_previous_run()
    tasks.process_bulk_import.delay = lambda *args, **kwargs: None  # the bench runs the worker's part itself
    phases: dict[str, float] = {}
    # Rows are checked and stored chunk by chunk in one pass: time spent in each, and how long
    # Python waited for PostgreSQL to finish writing the previous chunk (the rest overlapped).
    _time_phase(bulk_imports._Checker, "check_chunk", "check", phases)
    _time_phase(bulk_imports.BatchWriter, "store", "store", phases)
    _time_phase(bulk_store.CopyPipe, "wait", "wait", phases)
    provider = Provider.objects.get(code=PROVIDER)
    user = get_user_model().objects.get(username=USER)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    bulk_import = bulk_uploads.create_import(provider=provider, item_code=ITEM, upload=upload, actor=user)
    del upload
    rss_before = rss_mb()
    profiler = _start_profile(profile)
    cpu, wall = time.process_time(), time.perf_counter()
    bulk_import = bulk_imports.run_import(import_id=bulk_import.pk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    _save_profile(profiler, profile)
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "status": bulk_import.status,
        "error": bulk_import.last_error or (bulk_import.error_count and f"{bulk_import.error_count} row errors") or "",
        "rows": bulk_import.total_rows,
        "created": bulk_import.created_count,
        "updated": bulk_import.updated_count,
        "unchanged": bulk_import.unchanged_count,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_s": round(bulk_import.total_rows / wall),
        "check_seconds": round(phases.get("check", 0), 2),
        "store_seconds": round(phases.get("store", 0), 2),
        "wait_seconds": round(phases.get("wait", 0), 2),
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def _start_profile(target: str):
    if not target:
        return None
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def _save_profile(profiler, target: str) -> None:
    """cProfile's statistics, for `python -m pstats` (the timings include its own overhead)."""
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(target)


def _time_phase(owner, name: str, label: str, phases: dict) -> None:
    real = getattr(owner, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            phases[label] = phases.get(label, 0) + time.perf_counter() - started

    setattr(owner, name, timed)


def measure_copy(path: Path) -> dict:
    """The same CSV loaded into a scratch table of text columns with COPY: the database's floor."""
    from django.db import connection

    with path.open(encoding="utf-8-sig") as source:
        width = len(next(csv.reader(source)))
    columns = ", ".join(f"c{i} text" for i in range(width))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_scratch")
        cursor.execute(f"CREATE TABLE bench_copy_scratch ({columns})")
    wall = time.perf_counter()
    with connection.cursor() as cursor, path.open("rb") as source:
        source.read(3)  # the BOM
        cursor.copy_expert("COPY bench_copy_scratch FROM STDIN WITH (FORMAT csv, HEADER true)", source)
        cursor.execute("SELECT count(*) FROM bench_copy_scratch")
        rows = cursor.fetchone()[0]
    wall = time.perf_counter() - wall
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_scratch")
    return {"rows": rows, "seconds": round(wall, 3), "rows_per_s": round(rows / wall)}


def measure_api(count: int, profile: str = "") -> dict:
    """Single submissions, one after another, as the API's view makes them (without HTTP)."""
    from django.contrib.auth import get_user_model

    from catalog.models import Provider
    from collection.bulk.layout import layout_for, row_to_submission
    from collection.models import Channel
    from collection.selectors import PublishedItems
    from collection.services.records import submit_record

    clean_previous_run()  # every submission below is a new record, as in the HTTP measurement
    provider = Provider.objects.get(code=PROVIDER)
    user = get_user_model().objects.get(username=USER)
    layout = layout_for(PublishedItems().get(ITEM))
    submissions = []
    for n, row in enumerate(generate_rows(count, seed=7)):
        row["penalty_document_number"] = f"{KEY_PREFIX}API〕{n}号"
        submissions.append(row_to_submission(layout, row))
    profiler = _start_profile(profile)
    wall, cpu = time.perf_counter(), time.process_time()
    for submission in submissions:
        submit_record(
            provider=provider,
            item_code=ITEM,
            source_key=submission.source_key,
            subject=submission.subject,
            data=submission.data,
            actor=user,
            channel=Channel.API,
        )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    _save_profile(profiler, profile)
    return {
        "records": count,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "records_per_s": round(count / wall),
        "ms_per_record": round(wall * 1000 / count, 2),
    }


def _api_bodies(count: int, seed: int, label: str) -> list[bytes]:
    """JSON bodies of `count` new single records, as a department's system would POST them."""
    from collection.bulk.layout import layout_for, row_to_submission
    from collection.selectors import PublishedItems

    layout = layout_for(PublishedItems().get(ITEM))
    bodies = []
    for n, row in enumerate(generate_rows(count, seed=seed)):
        row["penalty_document_number"] = f"{KEY_PREFIX}{label}〕{n}号"
        submission = row_to_submission(layout, row)
        bodies.append(
            json.dumps(
                {
                    "item": ITEM,
                    "source_key": submission.source_key,
                    "subject": submission.subject,
                    "data": submission.data,
                },
                ensure_ascii=False,
            ).encode()
        )
    return bodies


def measure_http(count: int, *, workers: int, clients: int) -> dict:
    """Real HTTP: gunicorn (gthread workers, keep-alive, persistent database connections) serving
    POST /api/v1/records/ to `clients` keep-alive connections, and GET /healthz (one SELECT 1:
    the floor of a request through the same stack) in the same run for the ratio."""
    from catalog.models import Provider
    from collection.models import ApiToken
    from collection.services.tokens import create_api_token

    clean_previous_run()
    token, key = create_api_token(provider=Provider.objects.get(code=PROVIDER), name="基准测试（bench_import）")
    warm_up = _api_bodies(4 * workers, seed=5, label="HTTP预热")
    bodies = _api_bodies(count, seed=9, label="HTTP")
    port, redis_url = free_port(), reachable_redis()
    env = {
        **os.environ,
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "600",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "nantong_credit.wsgi:application",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "1",
        "--keep-alive",
        "60",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    # Behind the TLS proxy of a deployment: without this header DEBUG=False redirects to https.
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    api_headers = {**headers, "Authorization": f"Token {key}", "Content-Type": "application/json"}
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603 — our own venv's gunicorn
    try:
        wait_for(port, headers)
        load(port, [("GET", "/healthz", None, headers)] * (20 * workers), clients)
        load(port, [("POST", "/api/v1/records/", body, api_headers) for body in warm_up], clients)
        trivial = load(port, [("GET", "/healthz", None, headers)] * count, clients)
        api = load(port, [("POST", "/api/v1/records/", body, api_headers) for body in bodies], clients)
    finally:
        server.terminate()
        server.wait(timeout=60)
        ApiToken.objects.filter(pk=token.pk).delete()
    return {
        "workers": workers,
        "clients": clients,
        "cache": "redis" if redis_url else "locmem",
        "healthz": trivial,
        "records": api,
        "records_per_s": api["per_s"],
        "ratio_to_healthz": round(trivial["per_s"] / max(api["per_s"], 1), 1),
    }


def child(args: argparse.Namespace) -> None:
    setup_django()
    if args.child == "generate":
        csv_path, xlsx_path = write_files(generate_rows(args.rows))
        result = {"csv": str(csv_path), "xlsx": str(xlsx_path)}
    elif args.child == "import":
        result = measure_import(Path(args.file), clean=not args.keep, profile=args.profile)
    elif args.child == "copy":
        result = measure_copy(Path(args.file))
    elif args.child == "http":
        result = measure_http(args.api_records, workers=args.http_workers, clients=args.http_clients)
    else:
        result = measure_api(args.api_records, profile=args.profile)
    print("RESULT " + json.dumps(result, ensure_ascii=False))


def run_child(*arguments: str) -> dict:
    command = [sys.executable, __file__, "--child", *arguments]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=BASE_DIR, check=False)
    for line in finished.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    sys.exit(f"{' '.join(arguments)} failed:\n{finished.stdout}\n{finished.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--api-records", type=int, default=2_000)
    parser.add_argument("--child", choices=["generate", "import", "copy", "api", "http"])
    parser.add_argument("--http-workers", type=int, default=4, help="gunicorn workers for the HTTP measurement")
    parser.add_argument("--http-clients", type=int, default=8, help="keep-alive client connections")
    parser.add_argument("--file")
    parser.add_argument("--keep", action="store_true", help="import over the previous run's records")
    parser.add_argument("--profile", default="", help="with --child import or api: write cProfile stats here")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    started = dt.datetime.now()
    print(f"generating {args.rows} rows …", flush=True)
    files = run_child("generate", "--rows", str(args.rows))
    results = {"rows": args.rows, "started": started.isoformat(timespec="seconds"), "load": os.getloadavg()}
    for label, path, keep in (
        ("xlsx", files["xlsx"], False),
        ("csv", files["csv"], False),
        ("csv_again", files["csv"], True),
    ):
        print(f"importing {label} …", flush=True)
        results[label] = run_child("import", "--file", path, *(["--keep"] if keep else []))
        print("  ", results[label], flush=True)
    results["copy"] = run_child("copy", "--file", files["csv"])
    print("   COPY:", results["copy"], flush=True)
    print(f"{args.api_records} single submissions …", flush=True)
    results["api"] = run_child("api", "--api-records", str(args.api_records))
    print("  ", results["api"], flush=True)
    print(
        f"{args.api_records} HTTP POSTs to /api/v1/records/ ({args.http_workers} gunicorn workers, "
        f"{args.http_clients} keep-alive clients) …",
        flush=True,
    )
    results["http"] = run_child(
        "http",
        "--api-records",
        str(args.api_records),
        "--http-workers",
        str(args.http_workers),
        "--http-clients",
        str(args.http_clients),
    )
    print("  ", results["http"], flush=True)
    results["load_at_end"] = os.getloadavg()
    report(results)


def report(results: dict) -> None:
    copy_seconds = results["copy"]["seconds"]
    lines = [
        f"\n{results['rows']} rows of {ITEM}, PostgreSQL, load average at start {results['load'][0]:.1f}",
        f"{'run':<10} {'rows/s':>8} {'seconds':>8} {'check':>7} {'store':>7} {'CPU s':>7} {'peak MB':>8} {'×COPY':>7}",
    ]
    for label in ("xlsx", "csv", "csv_again"):
        r = results[label]
        lines.append(
            f"{label:<10} {r['rows_per_s']:>8} {r['seconds']:>8} {r['check_seconds']:>7} {r['store_seconds']:>7} "
            f"{r['cpu_seconds']:>7} {r['peak_rss_mb']:>8} {r['seconds'] / copy_seconds:>7.1f}"
        )
    lines.append(f"{'COPY':<10} {results['copy']['rows_per_s']:>8} {copy_seconds:>8}")
    api, http = results["api"], results["http"]
    lines.append(
        f"submit_record in a loop: {api['records_per_s']} records/s ({api['ms_per_record']} ms each, "
        f"{api['cpu_seconds'] * 1000 / api['records']:.2f} ms CPU)"
    )
    lines.append(
        f"HTTP POST /api/v1/records/: {http['records_per_s']} records/s "
        f"(GET /healthz in the same run: {http['healthz']['per_s']}/s, × {http['ratio_to_healthz']}; "
        f"{http['workers']} workers, {http['clients']} clients, cache {http['cache']}, "
        f"statuses {http['records']['statuses']})"
    )
    csv_run = results["csv"]
    lines.append(
        f"goals: CSV >= {GOALS['csv_rows_per_s']} rows/s: {csv_run['rows_per_s']}; "
        f"peak < {GOALS['peak_rss_mb']} MB: {max(results[k]['peak_rss_mb'] for k in ('xlsx', 'csv', 'csv_again'))}; "
        f"API >= {GOALS['api_records_per_s']}/s: {api['records_per_s']} (loop), {http['records_per_s']} (HTTP)"
    )
    lines.append(f"load average at the end {results['load_at_end'][0]:.1f}")
    print("\n".join(lines))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    target = OUT_DIR / f"bench_import-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {target.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
