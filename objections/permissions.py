"""Who may see and act on which case (SPEC §1), in one place.

- The applicant side: the accounts acting for the case's subject (not only the one that filed).
- The center's clerks (`objections.review_objection`): every case.
- A provider's staff (`objections.answer_objection`): the cases of their providers once
  referred to them, or once the center corrected their records.

Outsiders get 404, so that they cannot even learn which case numbers exist; role checks (403)
are the views' `permission_required`.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from catalog.selectors import providers_of
from collection.bindings import bound_subjects
from collection.models import CreditRecord, RecordStatus

from . import selectors
from .models import Objection, ObjectionEvidence

FILE = "objections.add_objection"
VIEW = "objections.view_objection"
REVIEW = "objections.review_objection"
ANSWER = "objections.answer_objection"


def get_case_for_applicant(user, pk: int) -> Objection:
    return get_object_or_404(selectors.cases_for_account(user), pk=pk)


def office_cases(user) -> QuerySet[Objection]:
    if user.has_perm(REVIEW):
        return Objection.objects.select_related("subject", "provider", "applicant", "received_by")
    if user.has_perm(ANSWER):
        return selectors.provider_cases(providers_of(user))
    return Objection.objects.none()


def get_case_for_office(user, pk: int) -> Objection:
    return get_object_or_404(office_cases(user), pk=pk)


def get_case_for_answer(user, pk: int) -> Objection:
    """A case of one of the user's providers; 404 to every other provider's staff."""
    if not user.has_perm(ANSWER):
        raise Http404("not a provider's staff")
    return get_object_or_404(selectors.provider_cases(providers_of(user)), pk=pk)


def get_evidence(cases: QuerySet[Objection], case_pk: int, pk: int) -> ObjectionEvidence:
    case = get_object_or_404(cases, pk=case_pk)
    return get_object_or_404(ObjectionEvidence, pk=pk, objection=case)


def can_object(user, record: CreditRecord) -> bool:
    """Whether the account may file an objection against the record (not whether one is open)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.has_perm(FILE)
        and record.status != RecordStatus.REVOKED
        and bound_subjects(user).filter(pk=record.subject_id).exists()
    )


def get_own_record(user, pk) -> CreditRecord:
    """A record of a subject the account acts for (to start an objection from it)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("no such record") from None
    return get_object_or_404(
        CreditRecord.objects.select_related("subject", "provider", "catalog_item").exclude(status=RecordStatus.REVOKED),
        pk=pk,
        subject__in=bound_subjects(user),
    )
