"""The center's side (/office/agencies/): approve or refuse credit service agencies, set their
keys' daily quotas and revoke keys."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collection.accounts.forms import ReasonForm

from ..models import CreditAgency
from ..permissions import MANAGE_AGENCY_KEYS, REVIEW_AGENCY, get_agency_for_review, get_key_for_center
from .forms import QuotaForm
from .quota import calls_today
from .selectors import agencies_for_review, keys_of
from .services import AgencyError, approve_agency, refuse_agency, revoke_agency_key, set_key_quota

PAGE_SIZE = 100


@login_required
@permission_required(REVIEW_AGENCY, raise_exception=True)
def agencies(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CreditAgency.Status.PENDING)
    if status not in CreditAgency.Status.values and status != "":
        status = CreditAgency.Status.PENDING
    return render(
        request,
        "inquiry/agencies/office_list.html",
        {
            "agencies": agencies_for_review(status)[:PAGE_SIZE],
            "status": status,
            "statuses": CreditAgency.Status.choices,
        },
    )


@login_required
@permission_required(REVIEW_AGENCY, raise_exception=True)
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_agency_for_review(pk))


def _page(request, agency, *, reject_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "inquiry/agencies/office_detail.html",
        {
            "agency": agency,
            "members": agency.members.select_related("user"),
            "keys": [
                (key, calls_today(key), QuotaForm(initial={"daily_quota": key.daily_quota})) for key in keys_of(agency)
            ],
            "reject_form": reject_form or ReasonForm(),
            "default_quota": settings.AGENCY_API_DAILY_QUOTA,
        },
        status=status,
    )


@login_required
@permission_required(REVIEW_AGENCY, raise_exception=True)
@require_POST
def agency_approve(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_review(pk)
    try:
        approve_agency(agency=agency, actor=request.user, note=request.POST.get("note", ""))
    except AgencyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准信用服务机构：%(n)s") % {"n": agency.name})
    return redirect("agency_office:detail", pk=pk)


@login_required
@permission_required(REVIEW_AGENCY, raise_exception=True)
@require_POST
def agency_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_review(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _page(request, agency, reject_form=form, status=400)
    try:
        refuse_agency(agency=agency, actor=request.user, reason=form.cleaned_data["reason"])
    except AgencyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已不予批准：%(n)s") % {"n": agency.name})
    return redirect("agency_office:detail", pk=pk)


@login_required
@permission_required(MANAGE_AGENCY_KEYS, raise_exception=True)
@require_POST
def key_quota(request: HttpRequest, key_pk: int) -> HttpResponse:
    key = get_key_for_center(key_pk)
    form = QuotaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("每日调用限额应为0至10000000的整数，或留空使用默认限额"))
    else:
        try:
            set_key_quota(key=key, actor=request.user, quota=form.cleaned_data["daily_quota"])
        except AgencyError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已将“%(k)s”的每日调用限额设为%(q)d次") % {"k": key.name, "q": key.quota})
    return redirect("agency_office:detail", pk=key.agency_id)


@login_required
@permission_required(MANAGE_AGENCY_KEYS, raise_exception=True)
@require_POST
def key_revoke(request: HttpRequest, key_pk: int) -> HttpResponse:
    key = get_key_for_center(key_pk)
    try:
        revoke_agency_key(key=key, actor=request.user)
    except AgencyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已吊销接口密钥“%(k)s”") % {"k": key.name})
    return redirect("agency_office:detail", pk=key.agency_id)
