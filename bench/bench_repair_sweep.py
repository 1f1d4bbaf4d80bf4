"""Benchmark of the credit repair deadline sweep (issue 5): 100,000 open applications.

    createdb -h 127.0.0.1 -U postgres nantong_bench_repair
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/nantong_bench_repair
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/bench_repair_sweep.py [--open 100000] [--due 1000] [--catch-up 5000]

Needs a scratch PostgreSQL database with migrations applied and `seed_demo` loaded (the
published 行政处罚 item, 市市场监管局 `scjgj` with its staff, the center's clerk). Not a test and
not part of the suite. It removes its own earlier data (numbers starting `XFB`), then:

1. stores N open applications (1,000 subjects, one 行政处罚 record per application) whose
   deadlines are spread as in steady operation: most within their period, `--due` close to the
   deadline and not yet reminded, `--due` just past it and not yet escalated, and some already
   escalated earlier;
2. runs `repair.tasks.sweep` (what the beat task runs) and times it: it must remind and escalate
   exactly the due ones;
3. runs it again at once: nothing to do (idempotence), timed — the cost of a sweep over N open
   applications when nothing is due, i.e. of every five-minute run;
4. "catch-up": makes `--catch-up` applications newly overdue at once (beat was down for days)
   and times their escalation: cases per second of the full escalation (timeline step, audit
   event, three inbox messages and their queued emails).

Emails are queued as in production (Celery's in-memory broker here), not sent. Results are
printed and written to bench/out/bench_repair_sweep-<time>.json.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "bench" / "out"
PREFIX = "XFB"
KEY_PREFIX = "基准修复"


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("DEBUG", "False")
    # Queue emails as a worker deployment does instead of sending them inside the sweep.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_repair_sweep needs PostgreSQL: set DATABASE_URL (see the docstring)")


def clean() -> None:
    from collection.models import CreditRecord, Subject
    from nantong_credit.models import Notification
    from repair.models import RepairApplication

    apps = RepairApplication.objects.filter(number__startswith=PREFIX)
    Notification.objects.filter(title__contains=PREFIX).delete()
    apps.delete()
    CreditRecord.objects.filter(source_key__startswith=KEY_PREFIX).delete()
    Subject.objects.filter(identifier_hash__startswith="bench-repair-").delete()


def build(n_open: int, n_due: int, now: dt.datetime) -> dict:
    """N open applications; returns how many of each kind were stored."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from catalog.models import CatalogItem, Provider
    from catalog.selectors import published_version
    from collection.models import Channel, CreditRecord, Severity, Subject
    from nantong_credit.workdays import deadline_end
    from repair.models import RepairApplication

    provider = Provider.objects.get(code="scjgj")
    item = CatalogItem.objects.get(version=published_version(), code="admin_penalty")
    applicant = get_user_model().objects.get(username="subject_user")
    today = now.date()
    with transaction.atomic():
        subjects = Subject.objects.bulk_create(
            [
                Subject(
                    kind="legal_person",
                    name=f"基准修复主体{i}",
                    identifier_hash=f"bench-repair-{i:06d}",
                    identifier_masked="9132************",
                )
                for i in range(1000)
            ]
        )
        records = []
        for i in range(n_open):
            records.append(
                CreditRecord(
                    subject=subjects[i % 1000],
                    provider=provider,
                    item_code=item.code,
                    catalog_item=item,
                    source_key=f"{KEY_PREFIX}{i:07d}",
                    category=item.category,
                    is_dishonesty=True,
                    severity=Severity.GENERAL,
                    decision_date=today - dt.timedelta(days=200),
                    disclosure_ends_on=today + dt.timedelta(days=165),
                    repairable_from=today - dt.timedelta(days=110),
                    data={},
                    content_hash="bench",
                    channel=Channel.SEED,
                    received_at=now - dt.timedelta(days=199),
                )
            )
        records = CreditRecord.objects.bulk_create(records, batch_size=5000)
        # Deadlines: filed today or yesterday (5 working days left) for most; `n_due` filed so that
        # 2 are left (due for the reminder); `n_due` whose deadline just passed; 2 % escalated.
        kinds = {"within": 0, "remind": 0, "escalate": 0, "escalated": 0}
        apps = []
        for i, record in enumerate(records):
            if i < n_due:
                kind, filed = "remind", today - dt.timedelta(days=6)
            elif i < 2 * n_due:
                kind, filed = "escalate", today - dt.timedelta(days=9)
            elif i < 2 * n_due + n_open // 50:
                kind, filed = "escalated", today - dt.timedelta(days=20)
            else:
                kind, filed = "within", today - dt.timedelta(days=i % 2)
            kinds[kind] += 1
            submitted = dt.datetime.combine(filed, dt.time(10), tzinfo=now.tzinfo)
            due = deadline_end(filed, 5)
            apps.append(
                RepairApplication(
                    number=f"{PREFIX}{i:012d}",
                    follow_up_code_hash="0" * 64,
                    subject=record.subject,
                    record=record,
                    provider=provider,
                    applicant=applicant,
                    rectification="基准",
                    not_intentional=True,
                    status="submitted",
                    submitted_at=submitted,
                    due_at=due,
                    decision_workdays=5,
                    reminded_at=submitted if kind == "escalated" else None,
                    overdue_at=due if kind == "escalated" else None,
                )
            )
        RepairApplication.objects.bulk_create(apps, batch_size=5000)
    return kinds


def timed(function, *args) -> tuple[float, dict]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--catch-up", type=int, default=5_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from nantong_credit.workdays import SHANGHAI
    from repair.models import RepairApplication
    from repair.tasks import reminder_cutoff, sweep

    # A Wednesday of an ordinary week: filed the Thursday before, 2 working days are left (25th, 26th).
    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
    clean()
    started = time.perf_counter()
    kinds = build(args.open, args.due, now)
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE repair_repairapplication")
    due_soon = RepairApplication.objects.filter(
        status="submitted", reminded_at__isnull=True, due_at__gt=now, due_at__lte=reminder_cutoff(now)
    ).count()
    first_s, first = timed(sweep, now)
    second_s, second = timed(sweep, now + dt.timedelta(minutes=5))
    # Catch-up: push `catch_up` within-period applications past their deadline at once.
    later = now + dt.timedelta(days=30)
    ids = list(
        RepairApplication.objects.filter(number__startswith=PREFIX, overdue_at__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)[: args.catch_up]
    )
    RepairApplication.objects.filter(pk__in=ids).update(due_at=later - dt.timedelta(hours=1), reminded_at=later)
    RepairApplication.objects.filter(number__startswith=PREFIX).exclude(pk__in=ids).update(overdue_at=timezone.now())
    catch_s, catch = timed(sweep, later)
    result = {
        "open": args.open,
        "kinds": kinds,
        "build_s": round(built, 1),
        "due_for_reminder": due_soon,
        "first_sweep": {"seconds": round(first_s, 2), **first},
        "second_sweep": {"seconds": round(second_s, 3), **second},
        "catch_up": {
            "seconds": round(catch_s, 2),
            **catch,
            "cases_per_s": round(catch["escalated"] / catch_s, 1) if catch_s else None,
        },
    }
    # The sweep also recomputes provisional deadlines and holds those past the known calendar
    # (`adjusted`, `held`); the benchmark's cases have neither.
    assert first == {"adjusted": 0, "reminded": kinds["remind"], "held": 0, "escalated": kinds["escalate"]}, first
    assert second == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}, second
    # Thirty days on, other open applications in the database (the demo's) are overdue too.
    assert RepairApplication.objects.filter(pk__in=ids, overdue_at__isnull=False).count() == len(ids), catch
    assert catch["escalated"] >= len(ids), catch
    print(json.dumps(result, ensure_ascii=False, indent=2))
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / f"bench_repair_sweep-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
