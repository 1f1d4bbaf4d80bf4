"""The rule "insert or update a record", shared by the single (`records`) and the batch
(`batch`) path: the content hash, the columns derived from a checked row, the status.
"""

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

from catalog.models import Openness
from nantong_credit.workdays import add_workdays

from ..models import Channel, CreditRecord, RecordStatus, Severity
from .checks import CheckedSubmission

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEVERITIES = frozenset(Severity.values)


def content_hash(subject_hash: str, data: dict) -> str:
    """The hash that tells an identical re-submission from a changed one: SHA-256 of
    `{"data": ..., "subject": ...}` as canonical JSON (sorted keys, no spaces, UTF-8)."""
    return _hash_content(subject_hash, canonical_json(data))


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _hash_content(subject_hash: str, data_text: str) -> str:
    """`content_hash` from the data's canonical JSON, spelled out as `json.dumps` of the whole
    object writes it (its keys sorted: "data" before "subject"), so a batch serialises once."""
    subject = f'"{subject_hash}"' if subject_hash.isalnum() else canonical_json(subject_hash)  # hex: as is
    canonical = f'{{"data":{data_text},"subject":{subject}}}'
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _columns(checked: CheckedSubmission, received_at: dt.datetime, *, self_declared: bool = False) -> dict:
    """The indexed columns derived from the item and the checked data. A subject's own
    declaration (Art. 10) has no submission deadline: timeliness (Art. 22) binds providers."""
    item, decided, window = checked.item, checked.decision_date, checked.window
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
        "category": item.category,
        "is_public": item.openness == Openness.PUBLIC,
        "is_dishonesty": item.is_dishonesty,
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


CHANGED_RECORD_FIELDS = (
    "subject", "catalog_item", "data", "content_hash", "channel", "revision", "status",
    "decision_date", "severity", "disclosure_ends_on", "repairable_from", "publication_withheld", "due_on",
    "is_late", "category", "is_public", "is_dishonesty",
)


def _apply_change(record: CreditRecord, checked: CheckedSubmission, subject_id: int, digest: str, channel: str,
                  today: dt.date) -> None:
    record.subject_id = subject_id
    record.catalog_item = checked.item
    record.data = checked.data
    record.content_hash = digest
    record.channel = channel
    record.revision += 1
    # A correction is not a new submission: timeliness stays measured from the first receipt.
    columns = _columns(checked, record.received_at,
                       self_declared=record.self_declared or channel == Channel.SELF_DECLARATION)
    for name, value in columns.items():
        setattr(record, name, value)
    record.status = _live_status(record.status, record.disclosure_ends_on, today)
