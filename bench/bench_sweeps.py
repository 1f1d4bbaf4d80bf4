"""Benchmark of the objection deadline sweep (issue 5): `sweep_objection_deadlines` over 100,000
open cases on PostgreSQL.

    .venv/bin/python bench/bench_sweeps.py            # DATABASE_URL defaults to the scratch DB below

Uses its own scratch database `nantong_bench_sweeps` on 127.0.0.1 (created, migrated and loaded
with `seed_demo` when missing). It is not a test and not part of the suite. What it does:

1. removes the previous run's cases, records and subjects, then creates N open cases (default
   100,000) with one record each, in bulk: 60 % waiting for the center, 40 % referred to the
   provider, their periods computed by the real `workflow.center_due`/`provider_due` from receipt
   and referral times spread over the last weeks. Cases whose reminder or consequence already
   fell due are marked done, as earlier sweeps would have left them — except `--due-reminders`
   center and as many provider cases that are due for their reminder now, and `--due-overdue`
   referred cases whose provider deadline has just passed: what the midnight sweep meets;
2. times the sweep exactly as the Celery worker runs it (emails are only queued, on a memory
   broker, as a worker would hand them to Redis), with its query count;
3. times the sweep again: nothing is due any more (the state every other run of the day sees);
4. prints EXPLAIN of the three "what is due" queries, to show they use the (status, *_due_at)
   indexes rather than scanning 100,000 cases.

Goal (issue 5): "a sweep of 100,000 open cases takes seconds". Results go to
bench/out/bench_sweeps-<time>.json.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
DATABASE = "nantong_bench_sweeps"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
PREFIX = "YYBENCH"  # every benchmark case number starts so; records' keys and subjects' names too
NAME_PREFIX = "基准异议"


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("MEDIA_ROOT", str(OUT_DIR / "media"))
    os.environ.setdefault("DEBUG", "False")
    # As in production: the sweep queues email tasks for the worker instead of sending them.
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "False")
    _create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_sweeps needs PostgreSQL")
    call_command("migrate", verbosity=0)
    from catalog.selectors import published_version

    if published_version() is None:
        call_command("seed_demo", verbosity=0)


def _create_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


# --- Data ------------------------------------------------------------------------------------------


def remove_previous() -> None:
    from django.db import transaction

    from collection.models import CreditRecord, Subject
    from nantong_credit.models import Notification
    from objections.models import Objection

    with transaction.atomic():
        Notification.objects.filter(title__contains=PREFIX).delete()
        Objection.objects.filter(number__startswith=PREFIX).delete()
        CreditRecord.objects.filter(source_key__startswith=PREFIX).delete()
        Subject.objects.filter(name__startswith=NAME_PREFIX).delete()


def create_cases(count: int, due_reminders: int, due_overdue: int, now: dt.datetime, seed: int = 5) -> dict:
    from django.db import transaction

    from collection.bulk.store import insert_many
    from collection.models import Annotation, Channel, CreditRecord, Subject
    from nantong_credit.models import User
    from objections import workflow
    from objections.models import Objection, ObjectionRecord

    rng = random.Random(seed)
    demo = _demo_objects()
    applicant = User.objects.get(username="subject_user")
    subjects = [
        Subject(
            kind="legal_person",
            name=f"{NAME_PREFIX}{n}有限公司",
            code=None,
            identifier_hash=f"{PREFIX}-{n:08d}",
            identifier_masked=f"{PREFIX}{n:08d}"[:18],
        )
        for n in range(max(1, count // 10))
    ]
    cutoff = workflow.reminder_cutoff(now)
    cases, records, counts = [], [], {"submitted": 0, "referred": 0}
    reminders_left, overdue_left = {"center": due_reminders, "provider": due_reminders}, due_overdue
    for n in range(count):
        subject = subjects[n % len(subjects)]
        record = CreditRecord(
            subject=subject,
            provider=demo["provider"],
            item_code=demo["item"].code,
            catalog_item=demo["item"],
            source_key=f"{PREFIX}-{n:08d}",
            category=demo["item"].category,
            is_public=True,
            is_dishonesty=True,
            data={},
            content_hash="0" * 64,
            channel=Channel.SEED,
            received_at=now - dt.timedelta(days=60),
            decision_date=(now - dt.timedelta(days=60)).date(),
        )
        referred = n % 10 >= 6
        case = _case(
            rng,
            n,
            now,
            cutoff,
            referred=referred,
            reminders_left=reminders_left,
            overdue_left=overdue_left if referred else 0,
        )
        if referred and case.provider_overdue_at is None and case.provider_due_at <= now:
            overdue_left -= 1
        case.subject, case.applicant, case.provider = subject, applicant, demo["provider"]
        cases.append(case)
        records.append(record)
        counts["referred" if referred else "submitted"] += 1
    with transaction.atomic():
        insert_many(Subject, subjects)
        for record in records:
            record.subject_id = record.subject.pk
        insert_many(CreditRecord, records)
        for case in cases:
            case.subject_id = case.subject.pk
        insert_many(Objection, cases)
        insert_many(
            ObjectionRecord,
            [
                ObjectionRecord(objection_id=case.pk, record_id=record.pk)
                for case, record in zip(cases, records, strict=True)
            ],
        )
        insert_many(
            Annotation, [Annotation(record_id=r.pk, kind="under_objection", text="", is_active=True) for r in records]
        )
    return counts


def _demo_objects() -> dict:
    from catalog.models import Provider
    from catalog.selectors import published_version

    provider = Provider.objects.get(code="scjgj")
    item = published_version().items.get(code="admin_penalty")
    return {"provider": provider, "item": item}


def _case(
    rng, n: int, now: dt.datetime, cutoff: dt.datetime, *, referred: bool, reminders_left: dict, overdue_left: int
):
    """One open case. Periods come from real receipt/referral times; whatever an earlier sweep
    would already have done is marked done, except the quotas left due for this sweep."""
    from objections import workflow
    from objections.models import Objection

    received = now - dt.timedelta(days=rng.randrange(0, 14), minutes=rng.randrange(0, 24 * 60))
    case = Objection(
        number=f"{PREFIX}{n:08d}",
        follow_up_code_hash="0" * 64,
        statement="基准测试异议",
        status="referred" if referred else "submitted",
        received_at=received,
        center_due_at=workflow.center_due(received),
    )
    if not referred:
        if case.center_due_at <= cutoff:
            if reminders_left["center"] > 0 and case.center_due_at > now:
                reminders_left["center"] -= 1
            else:
                case.center_reminded_at = now - dt.timedelta(hours=1)
        return case
    referred_at = min(received + dt.timedelta(days=rng.randrange(0, 6)), now - dt.timedelta(minutes=1))
    case.referred_at, case.provider_due_at = referred_at, workflow.provider_due(referred_at)
    if case.provider_due_at <= cutoff:
        if reminders_left["provider"] > 0 and case.provider_due_at > now:
            reminders_left["provider"] -= 1
        else:
            case.provider_reminded_at = now - dt.timedelta(hours=1)
    if case.provider_due_at <= now and overdue_left <= 0:
        case.provider_overdue_at = now - dt.timedelta(hours=1)
    return case


# --- Measuring -------------------------------------------------------------------------------------


def timed_sweep(profile: str = "") -> dict:
    from django.db import connection

    from objections.tasks import sweep_objection_deadlines

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        counts = sweep_objection_deadlines()
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "queries": len(queries), "done": counts}


def explain(now: dt.datetime) -> dict[str, str]:
    from django.db import connection

    from objections import selectors

    plans = {}
    for name, queryset in (
        ("center reminders", selectors.due_center_reminders(now)),
        ("provider reminders", selectors.due_provider_reminders(now)),
        ("provider overdue", selectors.due_provider_overdue(now)),
    ):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--due-reminders",
        type=int,
        default=1_000,
        help="center cases and provider cases each left due for their reminder",
    )
    parser.add_argument("--due-overdue", type=int, default=300, help="referred cases whose deadline has just passed")
    parser.add_argument("--profile", default="", help="write cProfile stats of the first sweep here")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from objections.models import Objection

    remove_previous()
    now = timezone.now()
    started = time.perf_counter()
    counts = create_cases(args.cases, args.due_reminders, args.due_overdue, now)
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE objections_objection")
    open_cases = Objection.objects.filter(status__in=["submitted", "referred", "answered"]).count()
    print(f"{open_cases} open cases ({counts}) built in {built:.1f} s")
    first = timed_sweep(args.profile)
    print(f"first sweep (the midnight run): {first}")
    second = timed_sweep()
    print(f"second sweep (nothing due):     {second}")
    plans = explain(timezone.now())
    for name, plan in plans.items():
        print(f"\n-- {name}\n{plan}")
    OUT_DIR.mkdir(exist_ok=True)
    result = {
        "open_cases": open_cases,
        "build_s": round(built, 1),
        "first": first,
        "second": second,
        "plans": plans,
        "args": vars(args),
    }
    out = OUT_DIR / f"bench_sweeps-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
