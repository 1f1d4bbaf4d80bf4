"""Read queries of the subject's own area (我的信用): its records as it sees them, and who looked
at them (Art. 11: every query is logged; the subject may know who asked, when and why)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from collection.bindings import accounts_acting_for
from collection.models import CreditRecord, Subject
from collection.visibility import own_records, with_marks

from ..models import QueryLog
from ..selectors import Section, record_sections

# Anonymous public views are counted over this window, not listed: nobody can be named.
ANONYMOUS_WINDOW_DAYS = 365
ANONYMOUS = "anonymous"


def own_sections(subject: Subject, today: dt.date | None = None) -> list[Section]:
    """Everything the subject may see of itself, all fields, with marks."""
    records = own_records(CreditRecord.objects.filter(subject=subject)).select_related("catalog_item", "provider")
    return record_sections(with_marks(records), include_private=True, today=today)


@dataclass
class Look:
    occurred_at: dt.datetime
    kind: str
    who: str
    purpose: str


def who_looked(subject: Subject) -> QuerySet[QueryLog]:
    """Queries of the subject by identified people and by credit service agencies' systems,
    newest first. Its own accounts looking at it are left out: the subject wants to know who
    else looked."""
    own = accounts_acting_for(subject).values("pk")
    return (
        QueryLog.objects.filter(Q(actor__isnull=False) | Q(agency__isnull=False), subject=subject)
        .exclude(actor__in=own)
        .select_related("actor", "agency")
        .order_by("-occurred_at", "-id")
    )


def as_looks(entries) -> list[Look]:
    return [Look(entry.occurred_at, entry.get_kind_display(), who_label(entry), entry.purpose) for entry in entries]


def who_label(entry: QueryLog) -> str:
    """A person's name; for a batch check by an agency (Art. 12) also that it was an agency."""
    user = entry.actor
    if entry.agency_id is not None and user is None:
        return _("信用服务机构 %(name)s（接口查询）") % {"name": entry.agency.name}
    if user is None:
        return entry.actor_label if entry.actor_label and entry.actor_label != ANONYMOUS else _("匿名公众")
    name = user.real_name or user.get_username()
    if entry.kind == QueryLog.Kind.GOVERNMENT:
        return _("政府部门用户 %(name)s") % {"name": name}
    return name


def anonymous_view_count(subject: Subject, now: dt.datetime | None = None) -> int:
    since = (now or timezone.now()) - dt.timedelta(days=ANONYMOUS_WINDOW_DAYS)
    return QueryLog.objects.filter(
        subject=subject, actor__isnull=True, agency__isnull=True, occurred_at__gte=since
    ).count()
