"""Fixtures of the 关注 tests: a follower, a company with an approved agent (王建国, through the
real binding services), records stored as every channel stores them (a record and its revision),
and the sweep's watermark set to "now" before a test writes."""

import pytest
from django.db import connection

from collection.models import CreditRecord, RecordRevision
from inquiry.follows.models import FollowSweepState
from nantong_credit import roles

from .authorization_support import (  # noqa: F401  (fixtures re-exported)
    add_record,
    agent,
    company,
    inquiry_catalog,
    provider,
)


def watermark_now() -> None:
    """Start the sweep after every revision id given out so far, also those of rolled-back tests
    (sequences do not roll back: the ids they took would be gaps the sweep waits at)."""
    table = RecordRevision._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last, called = cursor.fetchone()
        newest = last if called else last - 1
    else:
        newest = RecordRevision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    FollowSweepState.objects.update_or_create(
        pk=1, defaults={"last_revision_id": newest, "gap_at": None, "gap_seen_at": None, "gap_horizon": None}
    )


@pytest.fixture
def from_now(db):
    watermark_now()


@pytest.fixture
def follower(user_with_role):
    """周婷: a requester who follows companies."""
    return user_with_role("zhout", roles.REQUESTER, real_name="周婷", email="zhout@example.com")


def change(record: CreditRecord, **data) -> CreditRecord:
    """A provider's update: new values, the next revision, as `submit_record` stores it."""
    record.data = {**record.data, **data}
    record.revision += 1
    record.save()
    RecordRevision.objects.create(
        record=record,
        number=record.revision,
        status=record.status,
        decision_date=record.decision_date,
        data=record.data,
        content_hash=record.content_hash,
        channel=record.channel,
        reason="更正",
    )
    return record
