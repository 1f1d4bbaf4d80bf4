"""What an agency's API call may read: a subject's public data, as the public API shows it, and,
while a consent given to the agency lasts, the records in its scope (`authorized_view`)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from collection.models import Subject

from ..authorizations.services import authorized_view, live_authorizations
from ..models import Authorization
from ..search import SubjectDisclosure, subject_disclosure
from ..selectors import Section, record_sections
from .models import AgencyApiKey, CreditAgency


@dataclass
class AgencyDisclosure(SubjectDisclosure):
    authorization: Authorization | None = None
    authorized_sections: list[Section] = field(default_factory=list)


def live_agency_authorization(agency: CreditAgency, subject: Subject, today: dt.date) -> Authorization | None:
    """The newest live consent the subject gave the agency; a refused, revoked or expired one
    counts as none."""
    return live_authorizations(today).filter(agency=agency, subject=subject).order_by("-decided_at", "-pk").first()


def agency_disclosure(subject: Subject, agency: CreditAgency, today: dt.date | None = None) -> AgencyDisclosure:
    today = today or timezone.localdate()
    public = subject_disclosure(subject, today)
    authorization = live_agency_authorization(agency, subject, today)
    sections = []
    if authorization is not None:
        sections = record_sections(authorized_view(authorization, today), include_private=True, today=today)
    return AgencyDisclosure(
        subject=public.subject,
        sections=public.sections,
        commitments=public.commitments,
        authorization=authorization,
        authorized_sections=sections,
    )


def keys_of(agency: CreditAgency) -> QuerySet[AgencyApiKey]:
    return AgencyApiKey.objects.filter(agency=agency).select_related("created_by", "revoked_by")


def agencies_for_review(status: str) -> QuerySet[CreditAgency]:
    agencies = CreditAgency.objects.select_related("registered_by", "decided_by")
    if status:
        agencies = agencies.filter(status=status)
    return agencies.order_by("registered_at", "pk")
