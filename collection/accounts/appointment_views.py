"""实名核验 for the person (/account/identity/): where and when, and an appointment at the window."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nantong_credit.case_workflow import TransitionNotAllowed

from ..models import IdentityAppointment
from . import appointments
from .forms import AppointmentForm


@login_required
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    user = request.user
    window = appointments.service_window()
    days = appointments.bookable_days(window)
    day = _chosen_day(request, days)
    slots = appointments.slots_on(window, day) if day else []
    form = AppointmentForm(request.POST or None, days=days, slots=slots, initial={"day": day})
    if request.method == "POST":
        if not appointments.may_book(user):
            raise PermissionDenied
        if form.is_valid():
            try:
                appointments.book_appointment(
                    user=user, day=form.cleaned_data["day"], starts_at=form.cleaned_data["slot"]
                )
            except appointments.AppointmentError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("预约成功，请按时携带居民身份证原件到窗口办理"))
                return redirect("account:identity")
    return render(
        request,
        "collection/account/identity.html",
        {
            "window": window,
            "hours": appointments.opening_hours(window),
            "may_book": appointments.may_book(user),
            "open_appointment": appointments.open_appointment(user),
            "history": appointments.appointments_of(user).exclude(status=IdentityAppointment.Status.BOOKED)[:5],
            "days": days,
            "day": day,
            "slots": slots,
            "form": form,
        },
    )


def _chosen_day(request: HttpRequest, days: list[dt.date]) -> dt.date | None:
    raw = request.POST.get("day") or request.GET.get("day") or ""
    try:
        chosen = dt.date.fromisoformat(raw)
    except ValueError:
        chosen = None
    if chosen in days:
        return chosen
    return days[0] if days else None


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        appointments.cancel_appointment(user=request.user, pk=pk)
    except IdentityAppointment.DoesNotExist:
        raise Http404 from None
    except TransitionNotAllowed as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("已取消预约"))
    return redirect("account:identity")
