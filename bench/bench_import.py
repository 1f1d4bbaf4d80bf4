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
import random
import subprocess
import sys
import time
from pathlib import Path

from process_memory import peak_rss_mb, rss_mb  # bench/, the folder of the script

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
PROVIDER, USER, ITEM = "scjgj", "provider_staff", "admin_penalty"
KEY_PREFIX = "通市监罚〔基准"  # every benchmark record's key starts so; removed before each run
NAME_PREFIX = "基准"  # and every subject's name: subjects left without records are removed too

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


# --- Data ---------------------------------------------------------------------------------------

AUTHORITIES = [
    ("南通市市场监督管理局", "320600"),
    ("南通市崇川区市场监督管理局", "320602"),
    ("南通市通州区市场监督管理局", "320612"),
    ("南通市海门区市场监督管理局", "320614"),
    ("如东县市场监督管理局", "320623"),
    ("启东市市场监督管理局", "320681"),
    ("如皋市市场监督管理局", "320682"),
    ("海安市市场监督管理局", "320685"),
]
VIOLATIONS = [
    ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条第一款", "对其商品的性能、销售状况作虚假的商业宣传"),
    ("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条第一款", "经营超过保质期的预包装食品"),
    ("未按规定公示年度报告", "《企业信息公示暂行条例》第十八条", "未按规定期限公示年度报告"),
    ("价格违法", "《中华人民共和国价格法》第四十二条", "未按规定明码标价"),
    ("无照经营", "《无证无照经营查处办法》第十三条", "未依法取得营业执照从事经营活动"),
    ("计量违法", "《中华人民共和国计量法》第二十六条", "使用未经检定的计量器具"),
    ("商标侵权", "《中华人民共和国商标法》第六十条第二款", "销售侵犯注册商标专用权的商品"),
    ("特种设备违法", "《中华人民共和国特种设备安全法》第八十四条", "使用未经定期检验的特种设备"),
]
PENALTY_TYPES = [
    ["警告"],
    ["罚款"],
    ["警告", "罚款"],
    ["罚款", "没收违法所得"],
    ["没收违法所得", "没收非法财物", "罚款"],
    ["责令停产停业", "罚款"],
    ["通报批评"],
]
SURNAMES, GIVEN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡",
    ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"],
)
TRADES = ["贸易", "食品", "建材", "电子科技", "服饰", "餐饮管理", "物流", "机械制造", "医药", "装饰工程"]
# Divisions of the 公民身份号码 (Nantong's districts and counties).
PERSON_DIVISIONS = ["320602", "320611", "320612", "320614", "320623", "320681", "320682", "320685"]


def generate_rows(count: int, seed: int = 20260401) -> list[dict[str, str]]:
    from stdnum.cn import ric, uscc

    rng = random.Random(seed)
    stems = {name: f"11{division}MB{rng.randrange(10**7):07d}" for name, division in AUTHORITIES}
    organs = {name: stem + uscc.calc_check_digit(stem) for name, stem in stems.items()}
    rows = []
    start = dt.date(2024, 1, 2)
    for n in range(count):
        authority = rng.choice(AUTHORITIES)[0]
        violation, basis, fact = rng.choice(VIOLATIONS)
        types = rng.choice(PENALTY_TYPES)
        decided = start + dt.timedelta(days=rng.randrange(0, 900))
        fine = f"{rng.randrange(1, 500) / 10:g}" if "罚款" in types else ""
        row = {
            "penalty_document_number": f"{KEY_PREFIX}{decided.year}〕{n + 1}号",
            "violation_type": violation,
            "violation_facts": f"经查，当事人{fact}，违法经营额{rng.randrange(1000, 200000)}元。",
            "penalty_basis": basis,
            "penalty_types": "；".join(types),
            "penalty_content": f"{'、'.join(types)}" + (f"，罚款{fine}万元" if fine else "") + "。",
            "fine_amount": fine,
            "decision_date": decided.isoformat(),
            "valid_until": (decided + dt.timedelta(days=365)).isoformat(),
            "authority": authority,
            "authority_uscc": organs[authority],
            "source_unit": "南通市市场监督管理局",
            "source_unit_uscc": organs["南通市市场监督管理局"],
        }
        row.update(_subject(rng, n, ric, uscc))
        rows.append(row)
    return rows


def _subject(rng: random.Random, n: int, ric, uscc) -> dict[str, str]:
    share = rng.random()
    district = rng.choice(PERSON_DIVISIONS)
    if share < 0.10:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
        stem = f"{district}{born:%Y%m%d}{n % 1000:03d}"
        return {
            "subject_name": NAME_PREFIX + rng.choice(SURNAMES) + rng.choice(GIVEN),
            "subject_category": "自然人",
            "id_type": "身份证",
            "id_number": stem + ric.calc_check_digit(stem + "0"),
        }
    if share < 0.30:
        stem = f"92{district}MA{n:07d}"
        return {
            "subject_name": f"{NAME_PREFIX}{_district_name(district)}{rng.choice(SURNAMES)}记{rng.choice(TRADES)}店",
            "subject_category": "个体工商户",
            "uscc": stem + uscc.calc_check_digit(stem),
            "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
        }
    stem = f"91{district}MA{n:07d}"
    return {
        "subject_name": f"{NAME_PREFIX}南通{_word(rng)}{rng.choice(TRADES)}有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": stem + uscc.calc_check_digit(stem),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
    }


def _district_name(code: str) -> str:
    return {
        "320602": "崇川区",
        "320611": "港闸区",
        "320612": "通州区",
        "320614": "海门区",
        "320623": "如东县",
        "320681": "启东市",
        "320682": "如皋市",
        "320685": "海安市",
    }[code]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("通海江恒瑞华鑫泰源盛达宏信诚博远") for _ in range(2))


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
    port, redis_url = _free_port(), _reachable_redis()
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
        _wait_for(port, headers)
        _load(port, [("GET", "/healthz", None, headers)] * (20 * workers), clients)
        _load(port, [("POST", "/api/v1/records/", body, api_headers) for body in warm_up], clients)
        trivial = _load(port, [("GET", "/healthz", None, headers)] * count, clients)
        api = _load(port, [("POST", "/api/v1/records/", body, api_headers) for body in bodies], clients)
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


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reachable_redis() -> str:
    """A Redis on this machine if one answers (as in production), else "" (local memory)."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return "redis://127.0.0.1:6379/14"
    except OSError:
        return ""


def _wait_for(port: int, headers: dict, seconds: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers=headers)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not come up")


def _load(port: int, requests: list[tuple], clients: int, seconds: float = 600) -> dict:
    """Send `requests` over `clients` keep-alive connections, as fast as they are answered;
    bounded in count and in time (it stops by itself after `seconds`)."""
    import http.client
    import threading

    pending = iter(requests)
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                request = next(pending, None)
            if request is None:
                break
            method, path, body, headers = request
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    done = sum(statuses.values())
    return {
        "requests": done,
        "seconds": round(wall, 2),
        "per_s": round(done / wall),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
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
