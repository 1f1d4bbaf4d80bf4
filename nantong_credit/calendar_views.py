"""Back-office pages of the working-day calendar (/office/calendar/).

Anyone holding `core.view_workdayoverride` or `core.manage_calendar` sees which years are known,
the month grids and the overrides; only `core.manage_calendar` may enter a notice or change days.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import calendar_services as services
from .calendar_forms import HolidayNoticeForm, OverrideForm, RemoveOverrideForm, notice_initial
from .models import HolidayNotice, WorkdayOverride
from .workdays import DayInfo, WorkdayCalendar, current_calendar, library_knows

MANAGE = "core.manage_calendar"
VIEW = "core.view_workdayoverride"
MONTHS = [
    gettext_lazy("一月"),
    gettext_lazy("二月"),
    gettext_lazy("三月"),
    gettext_lazy("四月"),
    gettext_lazy("五月"),
    gettext_lazy("六月"),
    gettext_lazy("七月"),
    gettext_lazy("八月"),
    gettext_lazy("九月"),
    gettext_lazy("十月"),
    gettext_lazy("十一月"),
    gettext_lazy("十二月"),
]


def calendar_viewer_required(view):
    """Login for anonymous users, 403 for users who may neither view nor manage the calendar."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.has_perm(VIEW) or request.user.has_perm(MANAGE)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


manager_required = permission_required(MANAGE, raise_exception=True)


@dataclass(frozen=True)
class YearStatus:
    year: int
    in_library: bool
    notice: HolidayNotice | None

    @property
    def known(self) -> bool:
        return self.in_library or self.notice is not None


def _year_statuses(shown: list[int], today: dt.date) -> list[YearStatus]:
    notices = {n.year: n for n in HolidayNotice.objects.select_related("entered_by")}
    years = sorted({today.year - 1, today.year, today.year + 1, *shown, *notices})
    return [YearStatus(year, library_knows(year), notices.get(year)) for year in years]


@dataclass(frozen=True)
class GridCell:
    """One day of a month grid, with its texts prepared here (the grid has ~800 cells)."""

    day: str
    css: str
    title: str
    description: str
    mark: str


def _cell(info: DayInfo, today: dt.date) -> GridCell:
    css = "cal-off" if info.is_holiday else "cal-makeup" if info.is_makeup else "" if info.is_workday else "cal-weekend"
    css += " cal-override" if info.source == "override" else ""
    css += " cal-presumed" if info.source == "statutory" else ""
    css += " cal-today" if info.date == today else ""
    label = _("%(m)s月%(d)s日") % {"m": info.date.month, "d": info.date.day}
    status = _("工作日") if info.is_workday else _("休息日")
    parts = [
        label,
        status,
        info.note,
        _("手工调整") if info.source == "override" else "",
        info.source_label if info.source == "statutory" else "",
    ]
    return GridCell(
        day=str(info.date.day),
        css=css.strip(),
        title=" ".join(p for p in (label, info.weekday_label, info.status_label, info.note) if p)
        + f"（{info.source_label}）",
        description="，".join(p for p in parts if p),
        mark=info.status_label if info.is_holiday or info.is_makeup else "",
    )


def _month_weeks(cal: WorkdayCalendar, year: int, month: int, today: dt.date) -> list[list[GridCell | None]]:
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[_cell(cal.describe(day), today) if day.month == month else None for day in week] for week in weeks]


def _year_grid(cal: WorkdayCalendar, year: int, today: dt.date) -> dict:
    months = [(MONTHS[m - 1], _month_weeks(cal, year, m, today)) for m in range(1, 13)]
    return {"year": year, "known": cal.year_is_known(year), "months": months}


def _shown_years(request: HttpRequest, today: dt.date) -> list[int]:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return [today.year, today.year + 1]
    return [year] if 2000 <= year <= 2100 else [today.year, today.year + 1]


def _render_overview(request: HttpRequest, *, notice_form=None, override_form=None) -> HttpResponse:
    today = timezone.localdate()
    cal = current_calendar()
    shown = _shown_years(request, today)
    if notice_form is not None and notice_form.is_bound and notice_form.is_valid():
        shown = sorted({*shown, notice_form.cleaned_data["year"]})
    can_manage = request.user.has_perm(MANAGE)
    context = {
        "today": today,
        "statuses": _year_statuses(shown, today),
        "missing_years": cal.years_needing_notice(today),
        "grids": [_year_grid(cal, year, today) for year in shown],
        "overrides": WorkdayOverride.objects.filter(date__year__in=shown).select_related("notice"),
        "shown_years": shown,
        "can_manage": can_manage,
    }
    if can_manage:
        next_unknown = next((y for y in (today.year, today.year + 1) if not cal.year_is_known(y)), today.year + 1)
        context["notice_form"] = notice_form or HolidayNoticeForm(initial=notice_initial(next_unknown))
        context["override_form"] = override_form or OverrideForm()
    return render(request, "calendar/overview.html", context)


@calendar_viewer_required
def overview(request: HttpRequest) -> HttpResponse:
    return _render_overview(request)


@require_POST
@login_required
@manager_required
def enter_notice(request: HttpRequest) -> HttpResponse:
    """Preview first; save only the very text that was previewed."""
    form = HolidayNoticeForm(request.POST)
    if not form.is_valid():
        return _render_overview(request, notice_form=form)
    if request.POST.get("action") != "save" or not form.was_previewed():
        if request.POST.get("action") == "save":
            messages.warning(request, _("内容在预览后有改动，请核对下面的预览后再保存。"))
        # Show the preview, and remember which text it showed.
        data = request.POST.copy()
        data["previewed"] = form.digest
        previewed = HolidayNoticeForm(data)
        previewed.is_valid()
        return _render_overview(request, notice_form=previewed)
    cleaned = form.cleaned_data
    notice = services.enter_holiday_notice(
        year=cleaned["year"],
        title=cleaned["title"],
        document_number=cleaned["document_number"],
        published_on=cleaned["published_on"],
        text=cleaned["text"],
        actor=request.user,
    )
    messages.success(
        request,
        _("已保存%(year)s年节假日安排（%(n)s天），期限计算立即按新安排执行。")
        % {"year": notice.year, "n": len(form.preview.days)},  # type: ignore[union-attr]  # was_previewed()
    )
    return redirect(f"{reverse('calendar:overview')}?year={notice.year}")


@require_POST
@login_required
@manager_required
def add_override(request: HttpRequest) -> HttpResponse:
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _render_overview(request, override_form=form)
    data = form.cleaned_data
    services.set_override(date=data["date"], is_workday=data["is_workday"], note=data["note"], actor=request.user)
    messages.success(
        request,
        _("已将%(date)s设为%(status)s。")
        % {"date": data["date"].isoformat(), "status": _("工作日") if data["is_workday"] else _("休息日")},
    )
    return redirect(f"{reverse('calendar:overview')}?year={data['date'].year}")


@require_POST
@login_required
@manager_required
def remove_override(request: HttpRequest) -> HttpResponse:
    form = RemoveOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要删除的调整。"))
        return redirect("calendar:overview")
    date = form.cleaned_data["date"]
    try:
        services.remove_override(date=date, actor=request.user)
    except services.CalendarError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已删除%(date)s的调整。") % {"date": date.isoformat()})
    return redirect(f"{reverse('calendar:overview')}?year={date.year}")
