"""The rule "insert or update a record", written once for the single (`records`) and the batch
(`batch`) path: whether a submission changes its record (`is_unchanged`), the columns of a new
record (`new_record_constants`, `new_record_values`), what a change rewrites (`changed_values`)
and what a revision keeps. The paths differ only in how they read and write: one row with its
own statements and audit event, or a chunk of rows set-based (COPY) with one event per batch.
"""

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

from catalog.models import CatalogItem, Openness
from nantong_credit.workdays import add_workdays

from ..models import Channel, CreditRecord, RecordStatus, Severity
from .checks import CheckedSubmission

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEVERITIES = frozenset(Severity.values)


def content_hash(subject_hash: str, data: dict) -> str:
    """The hash that tells an identical re-submission from a changed one: SHA-256 of
    `{"data": ..., "subject": ...}` as canonical JSON (sorted keys, no spaces, UTF-8)."""
    return hash_content(subject_hash, canonical_json(data))


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def hash_content(subject_hash: str, data_text: str) -> str:
    """`content_hash` from the data's canonical JSON, spelled out as `json.dumps` of the whole
    object writes it (its keys sorted: "data" before "subject"), so a batch serialises once."""
    subject = f'"{subject_hash}"' if subject_hash.isalnum() else canonical_json(subject_hash)  # hex: as is
    canonical = f'{{"data":{data_text},"subject":{subject}}}'
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_unchanged(record: CreditRecord, digest: str) -> bool:
    """Whether a submission with content hash `digest` leaves its existing record alone: the
    same content, and the record not revoked (a revoked record submitted again lives again)."""
    return record.content_hash == digest and record.status != RecordStatus.REVOKED


def new_record_constants(item: CatalogItem, *, provider_id: int, channel: str, received_at: dt.datetime) -> dict:
    """The columns a new record takes from its item and its submission, the same for every row
    of one item in a batch (`new_record_values` gives the rest)."""
    return {
        "provider_id": provider_id,
        "item_code": item.code,
        **_item_columns(item),
        "revision": 1,
        "channel": channel,
        "self_declared": channel == Channel.SELF_DECLARATION,
        "received_at": received_at,
    }


def new_record_values(
    checked: CheckedSubmission,
    *,
    subject_id: int,
    digest: str,
    data,
    channel: str,
    received_at: dt.datetime,
    today: dt.date,
) -> dict:
    """The columns of a new record that vary from row to row. `data` is the checked data, or
    its canonical JSON text (`JsonText`) where a batch serialised it once."""
    columns = _derived_columns(checked, received_at, self_declared=channel == Channel.SELF_DECLARATION)
    return {
        "subject_id": subject_id,
        "source_key": checked.source_key,
        "data": data,
        "content_hash": digest,
        "status": _live_status(RecordStatus.ACTIVE, columns["disclosure_ends_on"], today),
        **columns,
    }


# What a changed submission rewrites on its record (besides `updated_at`): `changed_values`' keys.
CHANGED_RECORD_FIELDS = (
    "subject",
    "catalog_item",
    "data",
    "content_hash",
    "channel",
    "revision",
    "status",
    "decision_date",
    "severity",
    "disclosure_ends_on",
    "repairable_from",
    "publication_withheld",
    "due_on",
    "is_late",
    "category",
    "is_public",
    "is_dishonesty",
)


def changed_values(
    record: CreditRecord, checked: CheckedSubmission, *, subject_id: int, digest: str, channel: str, today: dt.date
) -> dict:
    """The new values of `CHANGED_RECORD_FIELDS` (by attribute name) when `checked` changes `record`."""
    # A correction is not a new submission: timeliness stays measured from the first receipt.
    columns = _derived_columns(
        checked, record.received_at, self_declared=record.self_declared or channel == Channel.SELF_DECLARATION
    )
    return {
        "subject_id": subject_id,
        **_item_columns(checked.item),
        "data": checked.data,
        "content_hash": digest,
        "channel": channel,
        "revision": record.revision + 1,
        "status": _live_status(record.status, columns["disclosure_ends_on"], today),
        **columns,
    }


def apply_change(
    record: CreditRecord, checked: CheckedSubmission, *, subject_id: int, digest: str, channel: str, today: dt.date
) -> None:
    for name, value in changed_values(
        record, checked, subject_id=subject_id, digest=digest, channel=channel, today=today
    ).items():
        setattr(record, name, value)
    record.catalog_item = checked.item  # the instance at hand, not a query when a summary names it


def revision_values(
    *, record_id: int, number: int, status: str, decision_date: dt.date | None, data, digest: str
) -> dict:
    """What a revision keeps of its record: the state the submission left it in."""
    return {
        "record_id": record_id,
        "number": number,
        "status": status,
        "decision_date": decision_date,
        "data": data,
        "content_hash": digest,
    }


def revision_constants(*, channel: str, reason: str, actor) -> dict:
    """A revision's columns that are the submission's rather than the record's."""
    return {
        "channel": channel,
        "reason": reason,
        "created_by_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
    }


def _item_columns(item: CatalogItem) -> dict:
    """What a record copies from its catalog item, to filter by without a join."""
    return {
        "catalog_item_id": item.pk,
        "category": item.category,
        "is_public": item.openness == Openness.PUBLIC,
        "is_dishonesty": item.is_dishonesty,
    }


def _derived_columns(checked: CheckedSubmission, received_at: dt.datetime, *, self_declared: bool) -> dict:
    """The indexed columns derived from the checked data and its disclosure window. A subject's
    own declaration (Art. 10) has no submission deadline: timeliness (Art. 22) binds providers."""
    item, decided, window = checked.item, checked.decision_date, checked.window
    assert window is not None, "check_submission gives every checked submission its window"
    due_on = None
    if decided and item.submission_deadline_workdays is not None and not self_declared:
        due_on = add_workdays(decided, item.submission_deadline_workdays)
    return {
        "decision_date": decided,
        "severity": window.grade if window.grade in SEVERITIES else "",
        "disclosure_ends_on": window.ends_on,
        "repairable_from": window.repairable_from,
        "publication_withheld": window.withheld,
        "due_on": due_on,
        "is_late": bool(due_on and received_at.astimezone(SHANGHAI).date() > due_on),
    }


def _live_status(current: str, ends_on: dt.date | None, today: dt.date) -> str:
    """The status a submitted record takes: 已到期 when its period is already over (as the expiry
    sweep would set it); a revoked or expired record submitted again is live again; a corrected
    one stays corrected."""
    if ends_on is not None and ends_on < today:
        return RecordStatus.EXPIRED
    if current in (RecordStatus.REVOKED, RecordStatus.EXPIRED):
        return RecordStatus.ACTIVE
    return current
