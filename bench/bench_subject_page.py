"""Benchmark of the public subject page's first view (issue 16 §1), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres nantong_bench_subject
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench_subject
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/bench_subject_page.py
    # the same data served by another checkout (e.g. the code before the change):
    .venv/bin/python bench/bench_subject_page.py --code-dir /tmp/before

Not a test and not part of the suite. It builds (again on every run: the previous run's rows are
removed first) two companies of the demo catalog: one with 1,000 public records spread over the
items as a large builder's are (penalties, 行政强制, licences, a few list entries, commendations,
ratings; one in ten with a mark), and one with 144 (the size of issue 16's example). Then it
measures server time in-process, Django's test client through every middleware, the view and
the template (no network), `DEBUG=False`, rate limits off:

- the first view of each company's page, and the 1,000-record company's penalties at page 5;
- `/healthz` (one `SELECT 1` through the same stack): the floor, in the same run;

requests interleaved round-robin, so that the machine's load falls on all of them alike; p50/p95
over `--requests` each after a warm-up, the p95 as a ratio to the floor's, the queries of one
view, and the page's size. Results are printed and written to bench/out/bench_subject_page-<time>.json.
Goal: the 1,000-record company's first view under 30 ms p95.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
GOAL_P95_MS = 30
BIG_CODE = "91320602MABENCH01X"
MID_CODE = "91320602MABENCH02X"
# item code → share of the records (of those the demo catalog has).
MIX = {
    "admin_penalty": 0.45,
    "admin_coercion": 0.10,
    "admin_license": 0.20,
    "enterprise_qualification": 0.05,
    "serious_dishonesty_list": 0.03,
    "commendation": 0.07,
    "social_rating": 0.05,
    "business_registration": 0.05,
}


def setup_django(code_dir: Path) -> None:
    os.environ.update(
        {
            "DEBUG": "False",
            "SECURE_SSL_REDIRECT": "False",
            "HTTPS_ONLY": "False",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")),
        }
    )
    os.chdir(code_dir)
    sys.path.insert(0, str(code_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_subject_page needs PostgreSQL: set DATABASE_URL (see bench/README.md)")


def build(code: str, name: str, count: int, rng: random.Random):
    """A company with `count` public records of the published catalog, as if submitted."""
    from django.db import transaction
    from django.utils import timezone

    from catalog.models import CatalogItem, CatalogVersion, SubjectKind
    from collection.identifiers import identifier_family
    from collection.models import Annotation, Channel, CreditRecord, RecordRevision, Subject
    from collection.personal_data import identifier_hash

    version = CatalogVersion.objects.filter(status="published").order_by("-number").first()
    if version is None:
        sys.exit("no published catalog: run manage.py seed_demo first")
    items = {i.code: i for i in CatalogItem.objects.filter(version=version, code__in=MIX).prefetch_related("providers")}
    today = timezone.localdate()
    with transaction.atomic():
        old = Subject.objects.filter(code=code).first()
        if old is not None:
            records = CreditRecord.objects.filter(subject=old)
            Annotation.objects.filter(record__in=records).delete()
            RecordRevision.objects.filter(record__in=records).delete()
            records.delete()
            old.delete()
        subject = Subject.objects.create(
            kind=SubjectKind.LEGAL_PERSON,
            name=name,
            code=code,
            identifier_hash=identifier_hash(identifier_family(SubjectKind.LEGAL_PERSON), code),
            identifier_masked=code,
            legal_representative="张建国",
            district="崇川区",
            registration_status="存续（在营、开业、在册）",
            established_on=dt.date(2003, 5, 1),
        )
        rows, codes = [], [c for c in MIX if c in items]
        weights = [MIX[c] for c in codes]
        for n in range(count):
            item = items[rng.choices(codes, weights)[0]]
            decided = today - dt.timedelta(days=rng.randint(0, 700))
            long_term = item.category in ("registration", "qualification")
            rows.append(
                CreditRecord(
                    subject=subject,
                    provider=item.providers.all()[0],
                    item_code=item.code,
                    catalog_item=item,
                    source_key=f"BENCH-{code[-4:]}-{n:05d}",
                    category=item.category,
                    is_public=item.openness == "public",
                    is_dishonesty=item.is_dishonesty,
                    severity="general" if item.is_dishonesty else "",
                    decision_date=decided,
                    disclosure_ends_on=None if long_term else today + dt.timedelta(days=rng.randint(30, 1000)),
                    repairable_from=decided + dt.timedelta(days=90) if item.is_dishonesty else None,
                    data={
                        "decision_date": decided.isoformat(),
                        "subject_name": name,
                        "uscc": code,
                        "penalty_document_number": f"通市监罚〔2026〕{n}号",
                        "penalty_content": "责令改正，罚款人民币贰万元整。" * 3,
                        "illegal_facts": "未按规定办理施工许可擅自施工。" * 4,
                    },
                    content_hash=f"{n:064d}",
                    channel=Channel.API,
                    received_at=timezone.now(),
                )
            )
        CreditRecord.objects.bulk_create(rows, batch_size=1000)
        marks = [
            Annotation(record=r, kind=rng.choice(list(Annotation.Kind.values)[:3]), text="附注声明：已整改。")
            for r in rows
            if rng.random() < 0.1
        ]
        Annotation.objects.bulk_create(marks)
    return subject


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(times_s: list[float]) -> dict:
    ms = [t * 1000 for t in times_s]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 0.95), 2)}


def measure(paths: dict[str, str], requests: int, warm_up: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    times: dict[str, list[float]] = {label: [] for label in paths}
    cpu: dict[str, list[float]] = {label: [] for label in paths}
    facts: dict[str, dict] = {}
    with override_settings(PUBLIC_SUBJECT_RATE="off", PUBLIC_SEARCH_RATE="off"):
        for label, path in paths.items():
            client.get(path)  # the per-process caches (catalog items) filled, as on a warm server
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            facts[label] = {"queries": len(queries), "bytes": len(response.content)}
        for round_number in range(warm_up + requests):
            for label, path in paths.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(path)
                if round_number >= warm_up:
                    times[label].append(time.perf_counter() - started)
                    cpu[label].append(time.process_time() - started_cpu)
    # Wall time, and this process's CPU time (steadier on a shared machine: waiting for the
    # database or for a core is not in it, the database's own work is not either).
    results = {
        label: {
            **summary(values),
            **{f"cpu_{k}": v for k, v in summary(cpu[label]).items() if k != "n"},
            **facts[label],
        }
        for label, values in times.items()
    }
    floor = results["healthz"]["p95_ms"]
    for figures in results.values():
        figures["p95_ratio_to_healthz"] = round(figures["p95_ms"] / floor, 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="measured requests per page (>= 200)")
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument("--code-dir", type=Path, default=BASE_DIR, help="the checkout whose code serves the pages")
    parser.add_argument("--no-build", action="store_true", help="measure the companies built by an earlier run")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    setup_django(args.code_dir.resolve())
    from collection.models import CreditRecord

    if not args.no_build:
        rng = random.Random(args.seed)
        build(BIG_CODE, "南通基准建设集团有限公司", 1000, rng)
        build(MID_CODE, "南通基准装饰工程有限公司", 144, rng)
    paths = {
        "healthz": "/healthz",
        "subject_1000": f"/subjects/{BIG_CODE}/",
        "subject_144": f"/subjects/{MID_CODE}/",
        "subject_1000_penalty_p5": f"/subjects/{BIG_CODE}/?section=penalty&page=5",
    }
    report = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "code_dir": str(args.code_dir.resolve()),
        "records": {code: CreditRecord.objects.filter(subject__code=code).count() for code in (BIG_CODE, MID_CODE)},
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "goal_p95_ms": GOAL_P95_MS,
    }
    print(f"code {report['code_dir']}; records {report['records']}; load {report['load_average_at_start']}")
    report["results"] = measure(paths, args.requests, args.warm_up)
    for label, figures in report["results"].items():
        print(f"  {label}: {figures}", flush=True)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    target = OUT_DIR / f"bench_subject_page-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
