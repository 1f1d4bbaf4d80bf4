"""Benchmark of the 关注 sweep (issue 16 §3): what a bulk import of N records about subjects
nobody follows costs the every-minute sweep, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a seeded scratch DB> .venv/bin/python bench/bench_follow_sweep.py

Not a test. What it does, in one run:

1. inserts N records (default 100,000) with their first revisions about twenty subjects that no
   account follows or acts for, in bulk (as an import leaves them), and ANALYZEs;
2. as the floor: reads the ids of those revisions by the primary key, one range scan — the least
   any sweep that looks at every new revision must do;
3. times `tell_followers` over the backlog (it reads the same range in chunks and loads the
   revisions of watched subjects only: none here), with its query count, and prints EXPLAIN of
   one chunk's query for watched revisions;
4. removes what it inserted.
"""

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PREFIX = "FOLLOWBENCH-"


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "False")
    import django

    django.setup()


def insert_backlog(rows: int) -> None:
    from django.db import connection

    from collection.models import SubjectBinding
    from inquiry.follows.models import Follow

    watched = set(Follow.objects.values_list("subject_id", flat=True)) | set(
        SubjectBinding.objects.values_list("subject_id", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM collection_subject WHERE kind <> 'natural_person' ORDER BY id")
        subjects = [pk for (pk,) in cursor.fetchall() if pk not in watched][:20]
        cursor.execute("SELECT id FROM collection_creditrecord ORDER BY id LIMIT 1")
        (template,) = cursor.fetchone()
        columns = [
            "provider_id", "item_code", "catalog_item_id", "category", "is_public", "is_dishonesty", "severity",
            "status", "decision_date", "disclosure_ends_on", "repairable_from", "publication_withheld", "data",
            "content_hash", "revision", "channel", "self_declared", "received_at", "due_on", "is_late",
            "repaired_at", "suspended_since", "created_at", "updated_at",
        ]  # fmt: skip
        cursor.execute(
            f"INSERT INTO collection_creditrecord (subject_id, source_key, {', '.join(columns)}) "
            f"SELECT (%s::bigint[])[1 + g %% {len(subjects)}], %s || g, {', '.join('r.' + c for c in columns)} "
            "FROM collection_creditrecord r, generate_series(1, %s) g WHERE r.id = %s",
            [subjects, PREFIX, rows, template],
        )
        cursor.execute(
            "INSERT INTO collection_recordrevision (record_id, number, status, decision_date, data, content_hash,"
            " channel, reason, created_at) SELECT id, 1, status, decision_date, data, content_hash, channel, '', now()"
            " FROM collection_creditrecord WHERE source_key LIKE %s ORDER BY id",
            [PREFIX + "%"],
        )
        cursor.execute("ANALYZE collection_creditrecord")
        cursor.execute("ANALYZE collection_recordrevision")


def remove_backlog() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM collection_recordrevision WHERE record_id IN"
            " (SELECT id FROM collection_creditrecord WHERE source_key LIKE %s)",
            [PREFIX + "%"],
        )
        cursor.execute("DELETE FROM collection_creditrecord WHERE source_key LIKE %s", [PREFIX + "%"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from collection.models import RecordRevision
    from inquiry.follows import sweep
    from inquiry.follows.models import FollowSweepState

    # Start after every id given out so far (earlier runs' deleted rows would be gaps to wait at):
    # the run below meets only the backlog.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM collection_recordrevision_id_seq")
        (start,) = cursor.fetchone()
    FollowSweepState.objects.update_or_create(pk=1, defaults={"last_revision_id": start, "gap_at": None})
    insert_backlog(args.rows)
    try:
        began = time.perf_counter()
        ids = list(RecordRevision.objects.filter(pk__gt=start).order_by("pk").values_list("pk", flat=True))
        floor = time.perf_counter() - began

        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = sweep.tell_followers()
        took = time.perf_counter() - began
        end = FollowSweepState.objects.get().last_revision_id

        chunk_end = ids[min(sweep.CHUNK, len(ids)) - 1]
        plan = sweep._watched_queryset(start, chunk_end).explain(analyze=True)
    finally:
        remove_backlog()
    print(f"{len(ids)} revisions of unwatched subjects; watermark {start} -> {end} (last id {ids[-1]})")
    print(f"floor, one range scan of their ids: {floor * 1000:.0f} ms")
    print(f"tell_followers: {took * 1000:.0f} ms, {len(queries)} queries, result {result}; ratio {took / floor:.1f}")
    print("EXPLAIN ANALYZE of one chunk's watched revisions:\n" + plan)


if __name__ == "__main__":
    main()
