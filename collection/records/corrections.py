"""Correcting a record on the center's side (更正): a technical error of the platform found when
an objection is reviewed (Art. 14 para. 1), or the correction a provider gives after finding its
record wrong (Art. 14(一), "书面通知市信用信息中心予以更正").

A correction is a submission of the record's own provider with the corrected values, through the
one pipeline (`collection.services.records.submit_record`): the same catalog validation as every other
channel, a new revision with every earlier one kept, the derived columns (decision date,
disclosure window, repair date) recomputed from the corrected values. What differs from the
provider updating its own record: the channel is the center, and the record becomes 已更正.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import FieldType

from ..declarations.services import subject_payload
from ..models import Channel, CreditRecord, RecordRevision, RecordStatus
from ..personal_data import DecryptionFailed, decrypt_identifier
from ..selectors import PublishedItems
from ..services.checks import REASON_MAX
from ..services.errors import ProviderNotResponsible, SubmissionInvalid
from ..services.records import snapshot, submit_record

NON_FIELD = "__all__"


class CorrectionError(Exception):
    """A correction that cannot be made; `errors` maps data keys (or "__all__") to messages."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NothingToCorrect(CorrectionError):
    """The corrected values are those the record already has."""


def correct_record(*, record: CreditRecord, data: dict, actor, reason: str) -> CreditRecord:
    """Store `data` (the changed field values, by key) over the record's values as a new revision
    with status 已更正; `CorrectionError` and nothing changed when the values do not pass the
    catalog's validation or change nothing."""
    reason = _checked_reason(reason)
    with transaction.atomic():
        locked = (
            CreditRecord.objects.select_for_update(of=("self",)).select_related("subject", "provider").get(pk=record.pk)
        )
        if locked.status == RecordStatus.REVOKED:
            raise CorrectionError(_("该记录已由信息提供单位撤销，不能更正"))
        before = snapshot(locked)
        merged = _merged_values(locked, data)
        result = _submit(locked, merged, actor=actor, reason=reason)
        if result.outcome == "unchanged":
            raise NothingToCorrect(_("更正后的内容与现有记录相同，没有需要更正的内容"))
        corrected = result.record
        # The pipeline keeps the record's status; a correction is what makes it 已更正. The revision
        # it has just added is the corrected content, so it carries that status too.
        CreditRecord.objects.filter(pk=corrected.pk).update(status=RecordStatus.CORRECTED, updated_at=timezone.now())
        RecordRevision.objects.filter(record_id=corrected.pk, number=corrected.revision).update(
            status=RecordStatus.CORRECTED
        )
        corrected.status = RecordStatus.CORRECTED
        record_event(
            action="record.correct",
            actor=actor,
            obj=corrected,
            summary=f"更正{corrected.catalog_item.name} {corrected.source_key}（{corrected.subject.name}）",
            before=before,
            after={**snapshot(corrected), "reason": reason},
        )
    return corrected


def _checked_reason(reason: str) -> str:
    reason = str(reason or "").strip()
    if not reason:
        raise CorrectionError(_("请填写更正原因"), {NON_FIELD: [_("请填写更正原因")]})
    if len(reason) > REASON_MAX:
        # The reason is kept with the revision, whose column is this long.
        reason = reason[: REASON_MAX - 1] + "…"
    return reason


def _merged_values(record: CreditRecord, data: dict) -> dict:
    """The record's values with the changes over them. A natural person's ID number is stored
    masked; the record's own subject's number is put back from its encrypted copy (as the
    provider's edit form does), any other masked number must be typed in full."""
    merged = {**record.data, **data}
    item = PublishedItems().get(record.item_code) or record.catalog_item
    identifier_keys = {f.key for f in item.fields.all() if f.type == FieldType.IDENTIFIER}
    clear = _own_identifier(record)
    errors: dict[str, list[str]] = {}
    for key in identifier_keys:
        value = merged.get(key)
        if not isinstance(value, str) or "*" not in value:
            continue
        if clear and value == record.subject.identifier_masked:
            merged[key] = clear
        else:
            errors[key] = [_("该号码已脱敏保存，无法原样再次报送，请填写完整号码")]
    if errors:
        raise CorrectionError(_("更正内容有误，请按提示修改"), errors)
    return merged


def _own_identifier(record: CreditRecord) -> str:
    subject = record.subject
    if not subject.is_natural_person or not subject.identifier_encrypted:
        return ""
    try:
        return decrypt_identifier(subject.identifier_encrypted)
    except DecryptionFailed:
        return ""


def _submit(record: CreditRecord, data: dict, *, actor, reason: str):
    try:
        return submit_record(
            provider=record.provider,
            item_code=record.item_code,
            source_key=record.source_key,
            subject=subject_payload(record.subject),
            data=data,
            actor=actor,
            channel=Channel.CENTER,
            reason=reason,
        )
    except SubmissionInvalid as exc:
        raise CorrectionError(_("更正内容未通过目录校验，记录未作任何变更"), _by_field(exc.errors)) from None
    except ProviderNotResponsible as exc:
        raise CorrectionError(
            _("现行目录中%(provider)s已不负责该事项，无法按目录校验更正内容：%(detail)s")
            % {"provider": record.provider.name, "detail": exc}
        ) from None


def _by_field(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The pipeline's paths ("data.penalty_amount") as data keys; anything else for the whole form."""
    routed: dict[str, list[str]] = {}
    for path, messages in errors.items():
        key = path[len("data.") :] if path.startswith("data.") else NON_FIELD
        routed.setdefault(key, []).extend(str(m) for m in messages)
    return routed
