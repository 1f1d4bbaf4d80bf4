"""Who may see which authorization, subject area and batch check of the inquiry app.

Object-level rules live here and nowhere else. Outsiders get 404, so that they cannot even learn
which ids exist; role checks (403) are the views' `permission_required` or `require_any_perm`.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from collection.bindings import bound_subjects
from collection.models import Subject

from .models import AgencyApiKey, AgencyMember, Authorization, BatchCheck, CreditAgency

# Requester: ask for and read its own authorizations (Art. 11).
REQUEST_AUTHORIZATION = "inquiry.add_authorization"
VIEW_AUTHORIZATION = "inquiry.view_authorization"
# Subject user: grant, refuse and revoke consents of the subjects it acts for.
ANSWER_AUTHORIZATION = "inquiry.change_authorization"
# Clerk of the 市公共信用信息中心: check signed letters.
REVIEW_LETTER = "inquiry.review_letter"
# Government user (Art. 12).
RUN_BATCH_CHECK = "inquiry.add_batchcheck"
VIEW_BATCH_CHECK = "inquiry.view_batchcheck"
RECORD_COMMITMENT = "inquiry.add_creditcommitment"
VIEW_COMMITMENTS = "inquiry.view_creditcommitment"


def require_any_perm(*perms: str):
    """403 unless the user holds at least one of `perms` (the view is also `login_required`)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_own_authorization(user, pk: int) -> Authorization:
    """The requester's own authorization; 404 for everyone else, clerks included (they review
    letters in the back office, they do not run the requester's query)."""
    return get_object_or_404(Authorization.objects.select_related("subject", "requester"), pk=pk, requester=user)


def get_own_subject(user, pk: int) -> Subject:
    """A subject the account acts for now (an approved binding)."""
    return get_object_or_404(bound_subjects(user), pk=pk)


def get_subject_authorization(user, subject_pk: int, pk: int) -> Authorization:
    subject = get_own_subject(user, subject_pk)
    return get_object_or_404(
        Authorization.objects.select_related("subject", "requester", "decided_by"), pk=pk, subject=subject
    )


def get_letter_for_review(pk: int) -> Authorization:
    return get_object_or_404(
        Authorization.objects.select_related("subject", "requester", "decided_by"),
        pk=pk,
        method=Authorization.Method.LETTER,
    )


def get_own_batch_check(user, pk: int) -> BatchCheck:
    """A batch check is the business of the official who ran it."""
    return get_object_or_404(BatchCheck, pk=pk, requested_by=user)


# --- Credit service agencies (Art. 12 para. 3) ------------------------------------------------

# Requester: register an agency, see the agencies it acts for, manage their keys if admin.
REGISTER_AGENCY = "inquiry.add_creditagency"
VIEW_AGENCY = "inquiry.view_creditagency"
# Clerk of the 市公共信用信息中心: approve or refuse agencies; set key quotas and revoke keys.
REVIEW_AGENCY = "inquiry.review_creditagency"
MANAGE_AGENCY_KEYS = "inquiry.change_agencyapikey"


def get_own_agency(user, pk: int) -> CreditAgency:
    """An agency the account acts for; 404 for everyone else, other agencies' accounts included."""
    return get_object_or_404(CreditAgency.objects.select_related("decided_by"), pk=pk, members__user=user)


def get_own_agency_key(user, agency_pk: int, pk: int) -> AgencyApiKey:
    """A key of an agency the account acts for (404 otherwise); only its admins may manage it (403)."""
    agency = get_own_agency(user, agency_pk)
    key = get_object_or_404(AgencyApiKey.objects.select_related("agency"), pk=pk, agency=agency)
    if not AgencyMember.objects.filter(agency=agency, user=user, is_admin=True).exists():
        raise PermissionDenied
    return key


def get_agency_for_review(pk: int) -> CreditAgency:
    return get_object_or_404(CreditAgency.objects.select_related("registered_by", "decided_by"), pk=pk)


def get_key_for_center(pk: int) -> AgencyApiKey:
    return get_object_or_404(AgencyApiKey.objects.select_related("agency"), pk=pk)
