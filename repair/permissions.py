"""Who may see and do what with credit repair applications; the object-level rules live here and
nowhere else. Outsiders get 404, so that ids reveal nothing; role checks (403) are the views'
`permission_required`.

- The subject side: accounts acting for the application's subject now (any of its approved
  agents, not only the one who filed it) see the case, its documents, and may withdraw it.
- The provider side: staff of the provider that made the record (谁认定、谁修复) see and decide.
  Staff of another provider get 404.
- The center: clerks (`center_clerk` role) see every application, decide none.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from catalog.selectors import providers_of
from collection.bindings import bound_subjects
from collection.models import CreditRecord
from collection.visibility import own_records

from .models import RepairApplication, RepairEvidence
from .selectors import all_applications, applications_of, provider_applications

APPLY = "repair.add_repairapplication"
DECIDE = "repair.decide_repair"
VIEW = "repair.view_repairapplication"


OVERSEE = "repair.oversee_repair"


def oversees_all(user) -> bool:
    """The center's view of every application (provider staff see only their provider's)."""
    return getattr(user, "is_authenticated", False) and user.has_perm(OVERSEE)


def get_record_for_applicant(user, pk: int) -> CreditRecord:
    """A record of a subject the account acts for, as the subject sees it; 404 otherwise."""
    records = own_records(CreditRecord.objects.filter(subject__in=bound_subjects(user)))
    return get_object_or_404(records.select_related("subject", "provider", "catalog_item"), pk=pk)


def get_application_for_applicant(user, pk: int) -> RepairApplication:
    return get_object_or_404(applications_of(user), pk=pk)


def office_applications(user) -> QuerySet[RepairApplication]:
    """What the back office shows this account: everything to the center, else its providers'."""
    if oversees_all(user):
        return all_applications()
    return provider_applications(user)


def get_application_for_office(user, pk: int) -> RepairApplication:
    return get_object_or_404(office_applications(user), pk=pk)


def can_decide(user, application: RepairApplication) -> bool:
    return user.has_perm(DECIDE) and providers_of(user).filter(pk=application.provider_id).exists()


def get_application_to_decide(user, pk: int) -> RepairApplication:
    """An application of one of the user's providers; 404 to staff of other providers and to the
    center (which oversees but does not decide)."""
    application = get_object_or_404(provider_applications(user), pk=pk)
    if not can_decide(user, application):
        raise Http404("not a decider of this application")
    return application


def can_view(user, application: RepairApplication) -> bool:
    return (
        applications_of(user).filter(pk=application.pk).exists()
        or office_applications(user).filter(pk=application.pk).exists()
    )


def get_evidence_for_viewer(user, pk: int, evidence_pk: int) -> RepairEvidence:
    """A document of an application the user may see from either side."""
    evidence = get_object_or_404(
        RepairEvidence.objects.select_related("application"), pk=evidence_pk, application_id=pk
    )
    if not can_view(user, evidence.application):
        raise Http404("no such document for this user")
    return evidence
