"""One public record with its history (`/subjects/<code>/records/<id>/`, SPEC §6).

Which record may be shown is `collection.visibility.public_records`, the rule of the subject
page and the public API: a record withheld, suspended (Art. 14), repaired, expired, revoked, of
an authorized-query item or of a natural person is not found. Its history lists every revision
with the public fields it changed, as the catalog labels them today (a non-public field is never
named, its values never shown), and why it changed, read from what each change records:

- the first revision is the provider's submission;
- a revision on the center's channel is a correction after an objection: the only writer of that
  channel is `collection.records.corrections.correct_record`, called by the objection services
  for a platform error and for a provider's answer (一) (Art. 14);
- a revision the provider sent by form, file or API (or loaded as seed data) is its update, or
  its revocation and later re-submission;
- a repair (Art. 17) writes no revision: it ends publication and leaves the 已修复 mark, which is
  shown with its date like the other active marks (异议处理中, 异议人声明, 附注声明).
Anything else reads plainly 更新.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CatalogItem
from collection.identifiers import mask_id_numbers_in_text
from collection.models import Annotation, Channel, CreditRecord, RecordRevision, RecordStatus, Subject
from collection.selectors import PublishedItems
from collection.visibility import public_records, with_marks

from ..selectors import RecordView, disclosure_notes, public_fields

PROVIDER_CHANNELS = frozenset({Channel.FORM, Channel.FILE, Channel.API, Channel.SEED})
MARK_REASONS = {
    Annotation.Kind.UNDER_OBJECTION: _("信息主体提出异议，异议处理中（第十三条）"),
    Annotation.Kind.OBJECTOR_STATEMENT: _("异议人声明随记录披露（第十四条第二款第（二）项）"),
    Annotation.Kind.APPENDED_NOTE: _("无法核实，附注声明（第十四条第二款第（三）项）"),
    Annotation.Kind.REPAIRED: _("信用修复（第十七条）"),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    moment: dt.datetime
    reason: str
    revision: int | None = None  # None for a mark
    changes: list[Change] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return timezone.localdate(self.moment)


@dataclass
class PublicRecord:
    subject: Subject
    item_name: str
    view: RecordView
    history: list[HistoryEntry]


def public_record(subject: Subject, pk: int, today: dt.date | None = None) -> PublicRecord | None:
    """The record `pk` of `subject` if the public may see it today, laid out as on the subject page."""
    queryset = subject.records.select_related("provider", "catalog_item").filter(pk=pk)
    record = with_marks(public_records(queryset, today)).first()
    if record is None:
        return None
    item = PublishedItems().get(record.item_code) or record.catalog_item
    view = RecordView(record, public_fields(record, item), disclosure_notes(record, today))
    return PublicRecord(subject, item.name, view, record_history(record, item))


def record_history(record: CreditRecord, item: CatalogItem) -> list[HistoryEntry]:
    """Newest first: each revision with the public fields it changed and why, and the active marks."""
    labels = {f.key: f.label for f in item.fields.all() if f.is_public}
    revisions = list(RecordRevision.objects.filter(record=record).order_by("number"))
    entries, previous = [], None
    for revision in revisions:
        entries.append(
            HistoryEntry(
                _revision_moment(record, revision),
                revision_reason(revision, previous),
                revision.number,
                _changes(labels, previous, revision),
            )
        )
        previous = revision
    for mark in getattr(record, "marks", []):
        entries.append(HistoryEntry(mark.created_at, str(MARK_REASONS.get(mark.kind, mark.kind))))
    entries.sort(key=lambda e: (e.moment, e.revision or 0), reverse=True)
    return entries


def revision_reason(revision: RecordRevision, previous: RecordRevision | None) -> str:
    if previous is None:
        return _("信息提供单位报送")
    if revision.status == RecordStatus.REVOKED:
        return _("信息提供单位撤销")
    if previous.status == RecordStatus.REVOKED:
        return _("信息提供单位重新报送")
    if revision.channel == Channel.CENTER:
        return _("异议核查后更正（第十四条）")
    if revision.channel in PROVIDER_CHANNELS:
        return _("信息提供单位更新")
    return _("更新")


def _revision_moment(record: CreditRecord, revision: RecordRevision) -> dt.datetime:
    # The first revision of data loaded from an earlier system is written when loaded; the
    # record's receipt is when the platform got it.
    return record.received_at if revision.number == 1 else revision.created_at


def _changes(labels: dict[str, str], previous: RecordRevision | None, revision: RecordRevision) -> list[Change]:
    if previous is None:
        return []
    changes = []
    for key, label in labels.items():
        old, new = _shown(previous.data.get(key)), _shown(revision.data.get(key))
        if old != new:
            changes.append(Change(label, old, new))
    return changes


def _shown(value) -> str:
    """A value as the subject page shows it; an ID number that reached a text value is masked."""
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    return mask_id_numbers_in_text(str(value))
