"""Single records: `submit_record` is the one pipeline every channel goes through (web form,
API, self-declaration; a bulk file through `batch`): validate everything and report every
error at once, find or create the subject, then upsert the record keyed by the provider's own
key, keeping each revision.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import Provider

from ..models import CreditRecord, RecordRevision, RecordStatus, Subject
from ..names.matching import same_name
from ..selectors import PublishedItems
from ..validation import id_number_in_text_message
from .checks import REASON_MAX, CheckedSubmission, _check_source_key, check_submission
from .errors import SubjectKindConflict, SubmissionInvalid
from .inserts import _insert, insert_unless_taken
from .subjects import (
    NameSeen,
    _find_or_create_subject,
    _subject_facts,
    name_mismatch_warning,
    names_subject,
    note_name_mismatches,
)
from .upsert import (
    CHANGED_RECORD_FIELDS,
    apply_change,
    content_hash,
    is_unchanged,
    new_record_constants,
    new_record_values,
    revision_constants,
    revision_values,
)


@dataclass
class SubmissionResult:
    record: CreditRecord
    outcome: str  # "created", "updated", "unchanged" or "revoked"
    warnings: list[str] = field(default_factory=list)


def submit_record(
    *,
    provider: Provider,
    item_code: str,
    source_key: str,
    subject: dict | None = None,
    data: dict | None = None,
    actor=None,
    channel: str,
    revoke: bool = False,
    reason: str = "",
    items: PublishedItems | None = None,
    received_at: dt.datetime | None = None,
) -> SubmissionResult:
    """Validate and store one record; raises `SubmissionInvalid` or `ProviderNotResponsible`.

    `items` lets a caller that submits many rows (bulk import) load the catalog only once.
    `received_at` is for loading historical data only (demo data, a migration from the old
    platform): when the record really reached the platform, which decides its timeliness.
    """
    reason = str(reason or "").strip()
    if revoke:
        return _revoke_record(
            provider=provider, item_code=item_code, source_key=source_key, actor=actor, channel=channel, reason=reason
        )
    checked = check_submission(
        provider=provider,
        item_code=item_code,
        source_key=source_key,
        subject=subject or {},
        data=data or {},
        reason=reason,
        items=items or PublishedItems(),
    )
    try:
        with transaction.atomic():
            subject_obj, created = _find_or_create_subject(
                kind=checked.kind,
                name=checked.name,
                result=checked.identifier,
                actor=actor,
                fields=checked.registration,
                audit_creation=False,
                rename=names_subject(checked),
            )
            # A new subject differs from any record's old one: the record is created or updated,
            # and that one event covers the subject too.
            result = _upsert_record(
                provider=provider,
                checked=checked,
                subject=subject_obj,
                actor=actor,
                channel=channel,
                reason=reason,
                received_at=received_at,
                new_subject=created,
            )
            if not same_name(subject_obj.name, checked.name):
                note_name_mismatches(
                    provider=provider,
                    seen=[NameSeen(subject_obj.pk, checked.name, checked.item.code, checked.source_key)],
                )
                result.warnings.append(name_mismatch_warning(checked.name, subject_obj.name))
    except SubjectKindConflict as exc:
        raise SubmissionInvalid({"subject.kind": [exc.message]}) from None
    if checked.identifier.warning:
        result.warnings.insert(0, checked.identifier.warning)
    return result


def _upsert_record(
    *,
    provider: Provider,
    checked: CheckedSubmission,
    subject: Subject,
    actor,
    channel: str,
    reason: str,
    received_at: dt.datetime | None = None,
    new_subject: bool = False,
) -> SubmissionResult:
    digest = content_hash(subject.identifier_hash, checked.data)
    # Most submissions are new records: try to insert first (one statement); when the key is
    # taken (a re-submission, or a concurrent one that won), lock and compare that record.
    record = _new_record(provider, checked, subject, digest, channel, received_at or timezone.now())
    if insert_unless_taken(record):
        return _created_record(record, checked, actor=actor, reason=reason, new_subject=new_subject)
    record = CreditRecord.objects.select_for_update().get(
        provider=provider, item_code=checked.item.code, source_key=checked.source_key
    )
    if is_unchanged(record, digest):
        return SubmissionResult(record, "unchanged")
    return _update_record(record, checked, subject, digest, actor, channel, reason, new_subject=new_subject)


def _new_record(
    provider: Provider, checked: CheckedSubmission, subject: Subject, digest: str, channel: str, now: dt.datetime
) -> CreditRecord:
    record = CreditRecord(
        **new_record_values(
            checked,
            subject_id=subject.pk,
            digest=digest,
            data=checked.data,
            channel=channel,
            received_at=now,
            today=timezone.localdate(),
        ),
        **new_record_constants(checked.item, provider_id=provider.pk, channel=channel, received_at=now),
    )
    # The instances at hand: the audit event names them without a query.
    record.provider, record.subject, record.catalog_item = provider, subject, checked.item
    return record


def _created_record(
    record: CreditRecord, checked: CheckedSubmission, *, actor, reason: str, new_subject: bool
) -> SubmissionResult:
    _add_revision(record, actor=actor, reason=reason)
    # The event last: it locks the head of the audit chain, which every submission waits for.
    record_event(
        action="record.create",
        actor=actor,
        obj=record,
        summary=_summary(record, "报送", new_subject),
        after=_record_facts(record, checked, new_subject),
    )
    return SubmissionResult(record, "created", [*_lateness_warnings(record), *_withheld_warnings(record)])


def _record_facts(record: CreditRecord, checked: CheckedSubmission, new_subject: bool) -> dict:
    """The record's snapshot, and the subject's facts when this submission created it."""
    facts = snapshot(record)
    if new_subject:
        facts["new_subject"] = _subject_facts(record.subject, checked.identifier.flag)
    return facts


def _update_record(
    record: CreditRecord,
    checked: CheckedSubmission,
    subject: Subject,
    digest,
    actor,
    channel,
    reason,
    *,
    new_subject: bool = False,
):
    before = snapshot(record)
    apply_change(record, checked, subject_id=subject.pk, digest=digest, channel=channel, today=timezone.localdate())
    record.subject = subject
    record.save(update_fields=[*CHANGED_RECORD_FIELDS, "updated_at"])
    _add_revision(record, actor=actor, reason=reason)
    record_event(
        action="record.update",
        actor=actor,
        obj=record,
        summary=_summary(record, "更新", new_subject),
        before=before,
        after=_record_facts(record, checked, new_subject),
    )
    return SubmissionResult(record, "updated", _withheld_warnings(record))


def _revoke_record(*, provider: Provider, item_code: str, source_key: str, actor, channel: str, reason: str):
    errors: dict[str, list[str]] = {}
    key = _check_source_key(source_key, errors)
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("撤销原因最多%(n)d个字") % {"n": REASON_MAX}]
    elif message := id_number_in_text_message(_("撤销原因"), reason):
        errors["reason"] = [message]
    if errors:
        raise SubmissionInvalid(errors)
    with transaction.atomic():
        # A provider may always revoke its own records, even of an item no longer in the catalog.
        record = (
            CreditRecord.objects.select_for_update()
            .filter(provider=provider, item_code=item_code, source_key=key)
            .first()
        )
        if record is None:
            raise SubmissionInvalid({"source_key": [_("没有该业务编号的记录，无法撤销")]})
        if record.status == RecordStatus.REVOKED:
            return SubmissionResult(record, "unchanged")
        before = snapshot(record)
        record.status = RecordStatus.REVOKED
        record.channel = channel
        record.revision += 1
        record.save(update_fields=["status", "channel", "revision", "updated_at"])
        _add_revision(record, actor=actor, reason=reason)
        record_event(
            action="record.revoke",
            actor=actor,
            obj=record,
            summary=_summary(record, "撤销"),
            before=before,
            after=snapshot(record),
        )
    return SubmissionResult(record, "revoked")


def _add_revision(record: CreditRecord, *, actor, reason: str) -> None:
    _insert(_revision_of(record, actor=actor, reason=reason))


def _revision_of(record: CreditRecord, *, actor, reason: str) -> RecordRevision:
    return RecordRevision(
        **revision_values(
            record_id=record.pk,
            number=record.revision,
            status=record.status,
            decision_date=record.decision_date,
            data=record.data,
            digest=record.content_hash,
        ),
        **revision_constants(channel=record.channel, reason=reason, actor=actor),
    )


def snapshot(record: CreditRecord) -> dict:
    """What an audit event keeps of a record: a natural person's ID number only masked."""
    return {
        "subject": record.subject.identifier_masked,
        "subject_name": record.subject.name,
        "item": record.item_code,
        "source_key": record.source_key,
        "status": record.status,
        "revision": record.revision,
        "decision_date": record.decision_date,
        "disclosure_ends_on": record.disclosure_ends_on,
        "data": record.data,
    }


def _summary(record: CreditRecord, verb: str, new_subject: bool = False) -> str:
    subject = f"新增信息主体 {record.subject.name}" if new_subject else record.subject.name
    return f"{verb}{record.catalog_item.name} {record.source_key}（{subject}）"


def _lateness_warnings(record: CreditRecord) -> list[str]:
    if not record.is_late:
        return []
    assert record.due_on is not None, "a late record has a due date"
    return [_("逾期报送：应于%(due)s前报送") % {"due": record.due_on.isoformat()}]


def _withheld_warnings(record: CreditRecord) -> list[str]:
    if not record.publication_withheld:
        return []
    return [_("%(label)s：该记录依规不在南通信用网公示，政府部门核查时标注显示") % {"label": record.withheld_label}]
