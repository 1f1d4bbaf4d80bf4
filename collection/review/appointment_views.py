"""The service window's day for the center's clerks (/office/collection/review/appointments/):
the day's appointments, completing one by the identity check, a no-show; and the window's
address, hours and slots (/office/collection/review/window/)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from nantong_credit.case_workflow import TransitionNotAllowed

from ..accounts import appointments
from ..accounts.forms import ServiceWindowForm, VerifyIdentityForm
from ..accounts.registration import RegistrationError, duplicate_account_message
from ..models import IdentityAppointment
from .permissions import EDIT_SERVICE_WINDOW, VERIFY_IDENTITY


@login_required
@permission_required(VERIFY_IDENTITY, raise_exception=True)
def day_list(request: HttpRequest) -> HttpResponse:
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    return render(
        request,
        "collection/review/appointments.html",
        {
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "today": timezone.localdate(),
            "appointments": appointments.appointments_on(day),
            "window": appointments.service_window(),
        },
    )


def _appointment(pk: int) -> IdentityAppointment:
    return get_object_or_404(IdentityAppointment.objects.select_related("user", "closed_by"), pk=pk)


@sensitive_post_parameters("id_number")
@login_required
@permission_required(VERIFY_IDENTITY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    account = appointment.user
    form = VerifyIdentityForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            appointments.complete_appointment(clerk=request.user, pk=appointment.pk)
        except (TransitionNotAllowed, RegistrationError) as error:
            messages.warning(request, error.message)
        else:
            messages.success(
                request,
                _("已核验%(name)s（%(username)s）的实名身份，预约已办结。")
                % {"name": account.real_name, "username": account.username},
            )
        return redirect(f"{reverse('collection_office:appointments')}?day={appointment.day:%Y-%m-%d}")
    return render(
        request,
        "collection/review/appointment_detail.html",
        {
            "appointment": appointment,
            "account": account,
            "form": form,
            "duplicate": duplicate_account_message(account) if account.id_number_duplicate_of_id else "",
        },
    )


@login_required
@permission_required(VERIFY_IDENTITY, raise_exception=True)
@require_POST
def no_show(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    try:
        appointments.mark_no_show(clerk=request.user, pk=appointment.pk)
    except (TransitionNotAllowed, appointments.AppointmentError) as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("已登记未到场"))
    return redirect(f"{reverse('collection_office:appointments')}?day={appointment.day:%Y-%m-%d}")


@login_required
@permission_required(EDIT_SERVICE_WINDOW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def service_window(request: HttpRequest) -> HttpResponse:
    window = appointments.service_window()
    form = ServiceWindowForm(request.POST or None, instance=window)
    if request.method == "POST" and form.is_valid():
        # The form only checks; the service saves and audits (the instance is reloaded there).
        appointments.update_service_window(actor=request.user, changes=form.cleaned_data)
        messages.success(request, _("已保存服务窗口信息"))
        return redirect("collection_office:service_window")
    return render(request, "collection/review/service_window.html", {"form": form, "window": window})
