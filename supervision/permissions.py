"""Who may see and do what in supervision; the object-level rules live here and nowhere else.
Outsiders get 404 (ids reveal nothing); a role without the permission gets 403 from the views'
`permission_required`.

- The commission (`catalog_admin`: open_accountability_case, review_filing) sees every case and
  every filing.
- A department's staff (`Provider.staff`; provider_staff, and a government_user an administrator
  made staff of a department) see their own department's cases once issued (a draft is the
  commission's working paper) and their own filings.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from catalog.selectors import providers_of

from .accountability.models import AccountabilityAttachment, AccountabilityCase
from .filings.models import Filing

VIEW_CASE = "supervision.view_accountabilitycase"
OPEN_CASE = "supervision.open_accountability_case"
RESPOND_CASE = "supervision.respond_accountability_case"
VIEW_FILING = "supervision.view_filing"
SUBMIT_FILING = "supervision.submit_filing"
REVIEW_FILING = "supervision.review_filing"


def is_commission(user) -> bool:
    return user.has_perm(OPEN_CASE)


def office_cases(user) -> QuerySet[AccountabilityCase]:
    cases = AccountabilityCase.objects.select_related("provider")
    if is_commission(user):
        return cases
    return cases.filter(provider__in=providers_of(user)).exclude(status=AccountabilityCase.Status.DRAFT)


def get_case(user, pk: int) -> AccountabilityCase:
    return get_object_or_404(office_cases(user), pk=pk)


def get_case_to_respond(user, pk: int) -> AccountabilityCase:
    """A case of the user's own department; 404 to everyone else, the commission included."""
    cases = AccountabilityCase.objects.select_related("provider").filter(provider__in=providers_of(user))
    return get_object_or_404(cases, pk=pk)


def can_respond(user, case: AccountabilityCase) -> bool:
    return (
        user.has_perm(RESPOND_CASE)
        and case.status == AccountabilityCase.Status.ISSUED
        and providers_of(user).filter(pk=case.provider_id).exists()
    )


def get_attachment(user, pk: int, attachment_pk: int) -> AccountabilityAttachment:
    case = get_case(user, pk)
    return get_object_or_404(AccountabilityAttachment, pk=attachment_pk, case=case)


def office_filings(user) -> QuerySet[Filing]:
    filings = Filing.objects.select_related("provider", "filed_by")
    if user.has_perm(REVIEW_FILING):
        return filings
    return filings.filter(provider__in=providers_of(user))


def get_filing(user, pk: int) -> Filing:
    return get_object_or_404(office_filings(user), pk=pk)
