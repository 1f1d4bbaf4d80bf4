"""Who may order which credit report, and who may see one (the one place of these rules).

- An account bound to the subject (`collection.bindings.acts_for`) orders the subject's own
  report: every category, private fields included (what the subject itself may see).
- A requester with a live authorization (granted, `valid_until` today or later; Art. 11)
  orders a report covering exactly the authorization's categories.
- A report is seen and downloaded only by the account that ordered it; to anyone else it does
  not exist (404).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category, SubjectKind
from collection.bindings import acts_for
from collection.models import Subject
from inquiry.models import Authorization, CreditReport

ORDER_PERM = "inquiry.add_creditreport"


class ReportRefused(Exception):
    """A report that may not be ordered; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReportScope:
    subject: Subject
    authorization: Authorization | None
    categories: list[str]
    include_private: bool
    purpose: str


def live_authorizations(user, today: dt.date | None = None) -> QuerySet[Authorization]:
    """The requester's authorizations in force today. `inquiry.authorizations.services` (written alongside)
    states the same condition for authorized queries; a report follows the same rule."""
    if not getattr(user, "is_authenticated", False):
        return Authorization.objects.none()
    return Authorization.objects.filter(
        requester=user,
        status=Authorization.Status.GRANTED,
        valid_until__gte=today or timezone.localdate(),
    ).select_related("subject")


def scope_for_subject(user, subject: Subject) -> ReportScope:
    if not user.has_perm(ORDER_PERM) or not acts_for(user, subject):
        raise ReportRefused(_("您的账号未绑定“%(name)s”，不能申请该主体的信用报告。") % {"name": subject.name})
    return ReportScope(
        subject=subject,
        authorization=None,
        categories=list(Category.values),
        include_private=True,
        purpose=_("信息主体查询本主体信用报告"),
    )


def scope_for_special(user, subject: Subject) -> ReportScope:
    """A special credit report (信用代证) is ordered by the agent of an organisation for it: the
    certificates it replaces were issued to companies and other organisations."""
    if not user.has_perm(ORDER_PERM) or not acts_for(user, subject):
        raise ReportRefused(_("您的账号未绑定“%(name)s”，不能申请该主体的专项信用报告。") % {"name": subject.name})
    if subject.kind == SubjectKind.NATURAL_PERSON:
        raise ReportRefused(_("专项信用报告（信用代证）面向企业等经营主体和其他组织，自然人请申请个人信用报告。"))
    return ReportScope(
        subject=subject,
        authorization=None,
        categories=[],
        include_private=False,
        purpose=_("信息主体申请专项信用报告（信用代证）"),
    )


def get_own_subject(user, pk) -> Subject:
    """A subject the user acts for; any other is not found (404), so that an agent learns
    nothing of other subjects by trying numbers."""
    subject = get_subject(pk)
    if not acts_for(user, subject):
        raise Http404
    return subject


def scope_for_authorization(user, authorization: Authorization, today: dt.date | None = None) -> ReportScope:
    if not user.has_perm(ORDER_PERM) or authorization.requester_id != user.pk:
        raise ReportRefused(_("该授权不属于您的账号。"))
    today = today or timezone.localdate()
    if authorization.status != Authorization.Status.GRANTED:
        raise ReportRefused(
            _("该授权当前状态为“%(status)s”，不能据以申请信用报告。") % {"status": authorization.get_status_display()}
        )
    if authorization.valid_until is None or authorization.valid_until < today:
        raise ReportRefused(_("该授权已过有效期，不能据以申请信用报告，请重新申请授权。"))
    categories = [code for code in Category.values if code in (authorization.categories or [])]
    if not categories:
        raise ReportRefused(_("该授权未包含任何信息类别。"))
    return ReportScope(
        subject=authorization.subject,
        authorization=authorization,
        categories=categories,
        include_private=True,
        purpose=authorization.purpose,
    )


def get_own_authorization(user, pk) -> Authorization:
    """The requester's own authorization; another's is not found (404)."""
    authorization = (
        Authorization.objects.select_related("subject").filter(pk=pk, requester=user).first()
        if str(pk).isdigit()
        else None
    )
    if authorization is None:
        raise Http404
    return authorization


def get_subject(pk) -> Subject:
    subject = Subject.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if subject is None:
        raise Http404
    return subject


def get_own_report(user, number: str) -> CreditReport:
    report = (
        (CreditReport.objects.select_related("subject", "authorization").filter(number=number, ordered_by=user).first())
        if getattr(user, "is_authenticated", False)
        else None
    )
    if report is None:
        raise Http404
    return report


def reports_of(user) -> QuerySet[CreditReport]:
    return CreditReport.objects.filter(ordered_by=user).select_related("subject").order_by("-created_at", "-id")
