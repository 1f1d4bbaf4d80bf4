"""实名核验 by appointment: the service window (where, when, how many per slot) and the steps of
an appointment — booked by the person, completed or marked no-show by a clerk.

A slot's limit holds under concurrent bookings because every booking locks the window's row
first; the window row is the one place all bookings meet. Completing an appointment is the
existing identity check (`registration.verify_identity`, the clerk having seen the card and
typed its number), in the same transaction as the step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from nantong_credit.notifications import notify
from nantong_credit.workdays import is_workday

from ..models import IdentityAppointment, ServiceWindow
from .appointment_workflow import WORKFLOW
from .registration import IdentityAlreadyVerified, IdentityMethod, verify_identity

User = get_user_model()
Status = IdentityAppointment.Status
WINDOW_FIELDS = (
    "name",
    "address",
    "phone",
    "opens_at",
    "break_starts_at",
    "break_ends_at",
    "closes_at",
    "slot_minutes",
    "per_slot",
    "booking_days",
    "notes",
)


class AppointmentError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Slot:
    starts_at: dt.time
    ends_at: dt.time
    left: int

    @property
    def key(self) -> str:
        return self.starts_at.strftime("%H:%M")

    @property
    def label(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


# --- The window ---------------------------------------------------------------------------------


def service_window() -> ServiceWindow:
    window, created = ServiceWindow.objects.get_or_create(pk=1)
    if created:  # the times' defaults are strings ("09:00") until read back as times
        window.refresh_from_db()
    return window


def opening_hours(window: ServiceWindow) -> str:
    """ "工作日 09:00–12:00、13:30–17:00" for the pages."""
    if window.break_starts_at and window.break_ends_at:
        spans = [(window.opens_at, window.break_starts_at), (window.break_ends_at, window.closes_at)]
    else:
        spans = [(window.opens_at, window.closes_at)]
    return _("工作日（法定节假日除外）") + "、".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in spans)


@transaction.atomic
def update_service_window(*, actor, changes: dict) -> ServiceWindow:
    window = ServiceWindow.objects.select_for_update().get(pk=service_window().pk)
    before = {key: getattr(window, key) for key in WINDOW_FIELDS}
    for key in WINDOW_FIELDS:
        if key in changes:
            setattr(window, key, changes[key])
    window.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    window.save()
    after = {key: getattr(window, key) for key in WINDOW_FIELDS}
    changed = [key for key in WINDOW_FIELDS if before[key] != after[key]]
    record_event(
        action="service_window.update",
        actor=actor,
        obj=window,
        summary=f"修改实名核验服务窗口信息：{'、'.join(_field_label(key) for key in changed) or '无变化'}",
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return window


def _field_label(key: str) -> str:
    return str(getattr(ServiceWindow._meta.get_field(key), "verbose_name", key))


def slot_starts(window: ServiceWindow) -> list[tuple[dt.time, dt.time]]:
    """The window's slots of a day: every `slot_minutes` from opening to closing, none across the break."""
    day = dt.date(2000, 1, 3)
    step = dt.timedelta(minutes=max(window.slot_minutes, 5))
    closes = dt.datetime.combine(day, window.closes_at)
    at = dt.datetime.combine(day, window.opens_at)
    slots = []
    while at + step <= closes:
        if not _in_break(window, at.time(), (at + step).time()):
            slots.append((at.time(), (at + step).time()))
        at += step
    return slots


def _in_break(window: ServiceWindow, start: dt.time, end: dt.time) -> bool:
    if not (window.break_starts_at and window.break_ends_at):
        return False
    return start < window.break_ends_at and end > window.break_starts_at


# --- What may be booked -----------------------------------------------------------------------


def bookable_days(window: ServiceWindow, today: dt.date | None = None) -> list[dt.date]:
    """The next `booking_days` working days after today (today's slots may have passed)."""
    day = today or timezone.localdate()
    days: list[dt.date] = []
    for _step in range(window.booking_days * 4 + 30):  # weekends and the longest holidays
        if len(days) >= window.booking_days:
            break
        day += dt.timedelta(days=1)
        if is_workday(day):
            days.append(day)
    return days


def slots_on(window: ServiceWindow, day: dt.date) -> list[Slot]:
    taken = dict(
        IdentityAppointment.objects.filter(day=day, status=Status.BOOKED)
        .values("starts_at")
        .annotate(n=Count("pk"))
        .values_list("starts_at", "n")
    )
    return [Slot(start, end, max(window.per_slot - taken.get(start, 0), 0)) for start, end in slot_starts(window)]


def may_book(user) -> bool:
    """A registered person whose identity nobody has verified yet, and who can be verified."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.id_number_hash
        and not user.id_number_duplicate_of_id
        and user.identity_verified_at is None
    )


def open_appointment(user) -> IdentityAppointment | None:
    return IdentityAppointment.objects.filter(user=user, status=Status.BOOKED).first()


def appointments_of(user) -> QuerySet:
    return IdentityAppointment.objects.filter(user=user).order_by("-day", "-starts_at", "-pk")


def appointments_on(day: dt.date) -> QuerySet:
    return IdentityAppointment.objects.filter(day=day).select_related("user", "closed_by").order_by("starts_at", "pk")


# --- Steps --------------------------------------------------------------------------------------


def book_appointment(*, user, day: dt.date, starts_at: dt.time) -> IdentityAppointment:
    if not may_book(user):
        raise AppointmentError(_("本账号无需或不能预约实名核验"))
    with transaction.atomic():
        window = ServiceWindow.objects.select_for_update().get(pk=service_window().pk)
        if day not in bookable_days(window):
            raise AppointmentError(_("请在可预约的日期中选择"))
        slot = next((slot for slot in slots_on(window, day) if slot.starts_at == starts_at), None)
        if slot is None:
            raise AppointmentError(_("请在窗口办公时间内选择时段"))
        if slot.left <= 0:
            raise AppointmentError(_("该时段已约满，请选择其他时段"))
        if open_appointment(user) is not None:
            raise AppointmentError(_("您已有一个预约，如需改期请先取消原预约"))
        try:
            with transaction.atomic():
                appointment = IdentityAppointment.objects.create(
                    user=user, day=day, starts_at=slot.starts_at, ends_at=slot.ends_at
                )
        except IntegrityError:  # a second tab booked at the same moment
            raise AppointmentError(_("您已有一个预约，如需改期请先取消原预约")) from None
        WORKFLOW.apply(
            appointment, "book", actor=user, summary=_summary(appointment, "预约实名核验"), after=_when(appointment)
        )
        notify(
            [user],
            title=_("实名核验预约成功"),
            body=_("您已预约%(when)s到%(window)s（%(address)s）办理实名核验。%(notes)s")
            % {
                "when": _label(appointment),
                "window": window.name,
                "address": window.address or "—",
                "notes": window.notes,
            },
            link=reverse("account:identity"),
        )
    return appointment


def cancel_appointment(*, user, pk: int) -> IdentityAppointment:
    with transaction.atomic():
        appointment = WORKFLOW.lock(_own(user, pk).pk, "cancel")
        WORKFLOW.apply(
            appointment,
            "cancel",
            actor=user,
            summary=_summary(appointment, "取消实名核验预约"),
            fields={"closed_at": timezone.now(), "closed_by": user},
            after=_when(appointment),
        )
    return appointment


def complete_appointment(*, clerk, pk: int) -> IdentityAppointment:
    """The clerk has checked the identity card at the counter (the view's form compared its
    number with the account's): the identity is verified, which completes the appointment."""
    with transaction.atomic():
        appointment = WORKFLOW.lock(pk, "complete")
        try:
            verify_identity(user=appointment.user, actor=clerk, method=IdentityMethod.PAPERS)
        except IdentityAlreadyVerified:
            close_open_appointment(user=appointment.user, actor=clerk)  # verified meanwhile
        appointment.refresh_from_db()
        notify(
            [appointment.user],
            title=_("您已通过实名核验"),
            body=_("您于%(when)s在窗口完成实名核验，账号已绑定您本人的信用主体，可以办理自主申报、授权查询等业务。")
            % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
            link=reverse("account:home"),
        )
    return appointment


def close_open_appointment(*, user, actor) -> IdentityAppointment | None:
    """The identity is verified — by appointment, as a walk-in or by a connector — so the
    person's open appointment is done. In the caller's transaction (`verify_identity`'s)."""
    found = open_appointment(user)
    if found is None:
        return None
    appointment = WORKFLOW.lock(found.pk, "complete")
    WORKFLOW.apply(
        appointment,
        "complete",
        actor=actor,
        summary=_summary(appointment, "完成实名核验"),
        fields={"closed_at": timezone.now(), "closed_by": actor if getattr(actor, "is_authenticated", False) else None},
        after=_when(appointment),
    )
    return appointment


def mark_no_show(*, clerk, pk: int) -> IdentityAppointment:
    with transaction.atomic():
        appointment = WORKFLOW.lock(pk, "no_show")
        if appointment.day > timezone.localdate():
            raise AppointmentError(_("预约日期未到，不能登记未到场"))
        WORKFLOW.apply(
            appointment,
            "no_show",
            actor=clerk,
            summary=_summary(appointment, "登记实名核验预约未到场"),
            fields={"closed_at": timezone.now(), "closed_by": clerk},
            after=_when(appointment),
        )
        notify(
            [appointment.user],
            title=_("实名核验预约：未到场"),
            body=_("您预约的%(when)s实名核验，窗口登记为未到场。您可以重新预约其他时间。")
            % {"when": _label(appointment)},
            link=reverse("account:identity"),
        )
    return appointment


def _own(user, pk: int) -> IdentityAppointment:
    """The user's own appointment, else `IdentityAppointment.DoesNotExist` (a 404 to the view)."""
    return IdentityAppointment.objects.get(pk=pk, user=user)


def _label(appointment: IdentityAppointment) -> str:
    return f"{appointment.day:%Y-%m-%d} {appointment.starts_at:%H:%M}–{appointment.ends_at:%H:%M}"


def _when(appointment: IdentityAppointment) -> dict:
    return {"day": appointment.day, "slot": f"{appointment.starts_at:%H:%M}–{appointment.ends_at:%H:%M}"}


def _summary(appointment: IdentityAppointment, what: str) -> str:
    user = appointment.user
    return f"{what}：{user.username}（{user.real_name}），{_label(appointment)}"
