"""Which credit records may be shown to whom, decided when a page, report, count or API answer
is served (Art. 8, 11, 14, 17; SPEC §2). The one place of this rule: every read of records for
anyone but the provider that submitted them goes through one of these functions.

- Public (anyone, no login): public items only, of legal persons and individual businesses,
  while the disclosure period runs (`disclosure_ends_on` empty means long term: registration and
  qualification), never revoked, never suspended from query (Art. 14), never after repair
  (Art. 17 终止公示), never when withheld (轻微·不公示, SPEC §2).
- Authorized (a requester with a live authorization, or a credit report for that scope): the
  same, for the scope's categories, including authorized-query items and natural persons.
- The subject itself (its bound accounts): all its records except revoked ones, with their marks,
  so that it can object to or apply to repair what others see or saw.

Expiry is by date at serve time, so a record disappears at midnight of its last day without
waiting for any sweep.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from catalog.models import SubjectKind

from .models import Annotation, CreditRecord, RecordStatus

SHOWN_STATUSES = (RecordStatus.ACTIVE, RecordStatus.CORRECTED)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def in_period(today: dt.date | None = None) -> Q:
    """Records within their period today: live status, not suspended, not repaired, not expired."""
    return Q(status__in=SHOWN_STATUSES, suspended_since__isnull=True, repaired_at__isnull=True) & (
        Q(disclosure_ends_on__isnull=True) | Q(disclosure_ends_on__gte=_today(today))
    )


def in_disclosure(today: dt.date | None = None) -> Q:
    """Records that are published today: within their period and not withheld (轻微·不公示)."""
    return in_period(today) & Q(publication_withheld=False)


def withheld_in_period(today: dt.date | None = None) -> Q:
    """Records never published but within their period: what a government check shows marked
    轻微·不公示 (Art. 12 use by agencies; the public never sees them)."""
    return in_period(today) & Q(publication_withheld=True)


def public_filter(today: dt.date | None = None) -> Q:
    return in_disclosure(today) & Q(is_public=True) & ~Q(subject__kind=SubjectKind.NATURAL_PERSON)


def withheld_public_filter(today: dt.date | None = None) -> Q:
    """What the public would see but for being withheld (轻微·不公示): for government checks only."""
    return withheld_in_period(today) & Q(is_public=True) & ~Q(subject__kind=SubjectKind.NATURAL_PERSON)


def authorized_filter(categories: Iterable[str], today: dt.date | None = None) -> Q:
    return in_disclosure(today) & Q(category__in=list(categories))


def special_report_filter(today: dt.date | None = None) -> Q:
    """What a special credit report (专项信用报告, 信用代证) may list: what a credit report lists
    today, and records repaired under Art. 17 (shown marked 已修复; the report keeps one only while
    its rule's own period would still run, `inquiry.reports.special`). Never a revoked, suspended
    or withheld (轻微·不公示) record, nor one whose period is over."""
    repaired = Q(
        repaired_at__isnull=False,
        status__in=(*SHOWN_STATUSES, RecordStatus.EXPIRED),
        suspended_since__isnull=True,
        publication_withheld=False,
    )
    return in_disclosure(today) | repaired


def public_records(queryset: QuerySet[CreditRecord] | None = None, today: dt.date | None = None):
    return _base(queryset).filter(public_filter(today))


def authorized_records(
    categories: Iterable[str], queryset: QuerySet[CreditRecord] | None = None, today: dt.date | None = None
):
    """What an authorization (or a credit report) for `categories` shows: the public records and
    the authorized-query records of those categories."""
    return _base(queryset).filter(authorized_filter(categories, today))


def own_records(queryset: QuerySet[CreditRecord] | None = None):
    """What a subject sees of itself: everything but revoked records, marks included."""
    return _base(queryset).exclude(status=RecordStatus.REVOKED)


def is_publicly_disclosed(record: CreditRecord, today: dt.date | None = None) -> bool:
    return CreditRecord.objects.filter(pk=record.pk).filter(public_filter(today)).exists()


def with_marks(queryset: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    """Prefetch the active annotations (异议处理中, 异议人声明, 附注声明, 已修复) shown with each record
    as `record.marks`."""
    return queryset.prefetch_related(
        Prefetch(
            "annotations", queryset=Annotation.objects.filter(is_active=True).order_by("created_at"), to_attr="marks"
        )
    )


def _base(queryset: QuerySet[CreditRecord] | None) -> QuerySet[CreditRecord]:
    return queryset if queryset is not None else CreditRecord.objects.all()
