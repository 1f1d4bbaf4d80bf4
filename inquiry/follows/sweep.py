"""Telling followers and agents of new and changed records (issue 16 §3, 关注).

Beat runs `tell_followers` every minute. It reads the record revisions (`RecordRevision`, only
ever added) after a stored watermark, in chunks of ids, each chunk in one transaction with the
messages it writes and the watermark it moves: a worker killed mid-chunk rolls back both, and the
retry tells the same people once. Only revisions of watched subjects (followed, or with an
approved agent) are loaded; the rest cost one range scan of the revisions' primary key.

- Followers: one message per follower and subject per chunk, naming the records that appeared or
  changed and are public today (`collection.visibility`).
- Agents (approved bindings): one message per new record about their subject, public or not,
  with the day from which they may object (at once) and apply for repair (its repairable_from).
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from collection.models import CreditRecord, RecordRevision, SubjectBinding
from collection.visibility import public_filter
from nantong_credit.case_files import cn_date
from nantong_credit.notifications import absolute_url, notify

from .models import Follow, FollowSweepState

CHUNK = 5000  # revision ids per transaction
MAX_CHUNKS = 40  # per run: a backlog is worked off over the next runs, never in one long task
GAP_SETTLE = dt.timedelta(seconds=60)
LISTED_PER_MESSAGE = 20


def tell_followers() -> dict[str, int]:
    totals: Counter[str] = Counter()
    for _chunk in range(MAX_CHUNKS):
        if _one_chunk(totals):
            break
    return dict(totals)


def _one_chunk(totals: Counter[str]) -> bool:
    """Tell about one chunk of revisions; True when there is nothing more to read now."""
    with transaction.atomic():
        # Read before the lock: a PostgreSQL transaction id is given at the first write.
        xmin, xmax = _transaction_horizon()
        FollowSweepState.objects.get_or_create(pk=1, defaults={"last_revision_id": newest_revision_id()})
        state = FollowSweepState.objects.select_for_update().get(pk=1)
        start = state.last_revision_id
        ids = list(RecordRevision.objects.filter(pk__gt=start).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        end = _settled_end(state, ids, xmin=xmin, xmax=xmax)
        if end > start:
            _tell(start, end, totals)
            state.last_revision_id = end
            totals["chunks"] += 1
        state.save()
    return len(ids) < CHUNK or end != ids[-1]


def newest_revision_id() -> int:
    """Where a missing state row starts (the migration makes it): from now on, not from the start."""
    return RecordRevision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _settled_end(state: FollowSweepState, ids: list[int], *, xmin: int | None, xmax: int | None) -> int:
    """The highest id up to which every revision is visible or will never be (see the model)."""
    end = state.last_revision_id
    expected = end + 1
    for pk in ids:
        if pk != expected and not _gap_passable(state, expected, xmin=xmin, xmax=xmax):
            break
        end, expected = pk, pk + 1
    return end


def _gap_passable(state: FollowSweepState, gap: int, *, xmin: int | None, xmax: int | None) -> bool:
    if xmin is None or xmax is None:  # SQLite: one writer at a time, a gap is a rollback
        return True
    now = timezone.now()
    if state.gap_at != gap:
        state.gap_at, state.gap_seen_at, state.gap_horizon = gap, now, None
        return False
    if state.gap_horizon is None:
        # A minute on, the transaction that took the missing ids surely has its id: below xmax.
        if state.gap_seen_at is not None and now - state.gap_seen_at >= GAP_SETTLE:
            state.gap_horizon = xmax
        return False
    if xmin < state.gap_horizon:
        return False
    state.gap_at, state.gap_seen_at, state.gap_horizon = None, None, None
    return True


def _transaction_horizon() -> tuple[int | None, int | None]:
    """(xmin, xmax) of this database's transactions: every one below xmin has ended, none at or
    above xmax had started. Only this database's sessions count (the cluster-wide snapshot xmin
    would wait on other databases' long transactions); the sessions are those the platform's own
    role can see, which include every web process and worker."""
    if connection.vendor != "postgresql":
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, ARRAY("
            " SELECT backend_xid::text::bigint FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())"
        )
        xmax, running = cursor.fetchone()
    # pg_stat_activity shows 32-bit ids; each running one is less than 2^31 below xmax.
    full = [xmax - ((xmax - xid) % 2**32) for xid in running]
    return min(full, default=xmax), xmax


def _watched_queryset(start: int, end: int) -> QuerySet[RecordRevision]:
    """The revisions of followed or bound subjects in (start, end]. The subjects are read first
    and given as a list: the planner then walks the range of revision ids and looks each one's
    record up by key, where a subquery made it read every record to filter them."""
    followed = Follow.objects.values_list("subject_id", flat=True)
    bound = SubjectBinding.objects.filter(status=SubjectBinding.Status.APPROVED).values_list("subject_id", flat=True)
    watched = sorted(set(followed) | set(bound))
    return RecordRevision.objects.filter(pk__gt=start, pk__lte=end, record__subject_id__in=watched).order_by()


def _watched_revisions(start: int, end: int) -> list[tuple[int, int]]:
    return list(_watched_queryset(start, end).values_list("record_id", "number"))


def _tell(start: int, end: int, totals: Counter[str]) -> None:
    revisions = _watched_revisions(start, end)
    if not revisions:
        return
    new = {record_id for record_id, number in revisions if number == 1}
    changed = {record_id for record_id, _number in revisions} - new
    records = {
        record.pk: record
        for record in CreditRecord.objects.filter(pk__in=new | changed).select_related(
            "subject", "provider", "catalog_item"
        )
    }
    public = set(CreditRecord.objects.filter(pk__in=records).filter(public_filter()).values_list("pk", flat=True))
    totals["revisions"] += len(revisions)
    totals["follower_messages"] += _tell_followers(records, public, new)
    totals["agent_messages"] += _tell_agents([records[pk] for pk in sorted(new) if pk in records])


def _tell_followers(records: dict[int, CreditRecord], public: set[int], new: set[int]) -> int:
    by_subject: dict[int, list[CreditRecord]] = defaultdict(list)
    for pk in sorted(public):
        by_subject[records[pk].subject_id].append(records[pk])
    if not by_subject:
        return 0
    followers: dict[int, list[Follow]] = defaultdict(list)
    for follow in Follow.objects.filter(subject_id__in=by_subject).select_related("user").order_by("pk"):
        followers[follow.subject_id].append(follow)
    sent, told = 0, []
    for subject_id, subject_records in by_subject.items():
        follows = followers.get(subject_id, [])
        if not follows:
            continue
        subject = subject_records[0].subject
        messages = notify(
            [follow.user for follow in follows],
            title=f"您关注的{subject.name}有公开信用信息新增或变更",
            body=_follower_body(subject_records, new),
            link=reverse("subjects:detail", args=[subject.code]),
        )
        sent += len(messages)
        told += [follow.pk for follow in follows]
    Follow.objects.filter(pk__in=told).update(last_notified_at=timezone.now())
    return sent


def _follower_body(records: list[CreditRecord], new: set[int]) -> str:
    lines = [
        f"{'新增' if record.pk in new else '变更'}：{record.catalog_item.name}　{record.source_key}"
        f"（{record.provider.name}，决定日期{cn_date(record.decision_date) or '未载明'}）"
        for record in records[:LISTED_PER_MESSAGE]
    ]
    if len(records) > LISTED_PER_MESSAGE:
        lines.append(f"另有{len(records) - LISTED_PER_MESSAGE}条，请到该主体的信用信息页面查看。")
    return "\n".join(lines) + "\n\n您可在“我的关注”中取消关注。"


def _tell_agents(records: Iterable[CreditRecord]) -> int:
    records = list(records)
    agents: dict[int, list] = defaultdict(list)
    bindings = SubjectBinding.objects.filter(
        status=SubjectBinding.Status.APPROVED, subject_id__in={record.subject_id for record in records}
    ).select_related("user")
    for binding in bindings.order_by("pk"):
        agents[binding.subject_id].append(binding.user)
    sent = 0
    for record in records:
        if not agents.get(record.subject_id):
            continue
        sent += len(
            notify(
                agents[record.subject_id],
                title=f"新增信用记录：{record.subject.name}　{record.catalog_item.name}",
                body=agent_body(record),
                link=reverse("my_credit:subject", args=[record.subject_id]) + f"#record-{record.pk}",
            )
        )
    return sent


def agent_body(record: CreditRecord, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    lines = [
        f"信息主体：{record.subject.name}",
        f"信息事项：{record.catalog_item.name}（{record.source_key}）",
        f"信息提供单位：{record.provider.name}",
        f"决定日期：{cn_date(record.decision_date) or '未载明'}",
        "",
        f"自即日起可对该信息提出异议：{absolute_url(reverse('objections:new'))}?record={record.pk}",
    ]
    repair = _repair_line(record, today)
    if repair:
        lines.append(f"{repair}：{absolute_url(reverse('repair:new'))}?record={record.pk}")
    return "\n".join(lines)


def _repair_line(record: CreditRecord, today: dt.date) -> str:
    if not record.is_dishonesty or record.publication_withheld or record.repairable_from is None:
        return ""
    if record.repairable_from > today:
        return f"自{cn_date(record.repairable_from)}起可申请信用修复"
    return "自即日起可申请信用修复"
