"""The calendar pages at /office/calendar/: who may see and change what, and what they see."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from nantong_credit.models import HolidayNotice, WorkdayOverride
from nantong_credit.workdays import add_workdays, is_workday

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

OVERVIEW = reverse("calendar:overview")
NOTICE = reverse("calendar:enter_notice")
ADD = reverse("calendar:add_override")
REMOVE = reverse("calendar:remove_override")
BANNER = "工作日日历缺少 2027 年的节假日安排"
PAGE_WARNING = "缺少 2027 年的法定节假日安排"

# Test data shaped like a State Council notice; not the official 2027 arrangement.
NOTICE_TEXT = "元旦：1月1日（周五）至3日（周日）放假，共3天。\n2027-02-20 班 春节调休"


@pytest.fixture
def frozen_today():
    with freeze_time("2026-11-27 02:00:00"):  # 10:00 in Nantong
        yield


@pytest.fixture
def reader(clerk):
    """The center's clerk reads the calendar their deadlines run on, but may not change it."""
    return clerk


def notice_data(**extra) -> dict:
    return {
        "year": "2027",
        "title": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
        "document_number": "",
        "published_on": "",
        "text": NOTICE_TEXT,
        **extra,
    }


def preview_then_save(client, data: dict, capture):
    preview = client.post(NOTICE, {**data, "action": "preview"})
    digest = preview.context["notice_form"]["previewed"].value()
    with capture(execute=True):
        return client.post(NOTICE, {**data, "action": "save", "previewed": digest})


# --- Who may come in -----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(NOTICE, notice_data()).status_code == 302


@pytest.mark.parametrize("fixture", ["provider_staff", "nobody", "auditor"])
def test_it_refuses_users_without_a_calendar_permission(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(OVERVIEW)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert client.post(NOTICE, {**notice_data(), "action": "preview"}).status_code == 403
    assert client.post(ADD, {"date": "2026-12-31", "is_workday": "0", "note": "x"}).status_code == 403


def test_it_shows_the_calendar_read_only_to_a_viewer(client, reader):
    client.force_login(reader)
    response = client.get(OVERVIEW)
    page = response.content.decode()
    assert response.status_code == 200
    assert "各年份日历来源" in page and "2026 年" in page
    assert "录入年度通知" not in page and "调整单日" not in page
    assert "请联系目录管理员录入国务院办公厅通知" in page
    assert client.post(NOTICE, {**notice_data(), "action": "preview"}).status_code == 403
    assert client.post(ADD, {"date": "2026-12-31", "is_workday": "0", "note": "x"}).status_code == 403
    assert client.post(REMOVE, {"date": "2026-12-31"}).status_code == 403


def test_it_shows_the_manager_the_forms(client, catalog_admin):
    client.force_login(catalog_admin)
    page = client.get(OVERVIEW).content.decode()
    assert "录入年度通知" in page and "调整单日" in page
    assert "国务院办公厅关于2027年部分节假日安排的通知" in page  # the title is prefilled for 2027


# --- What the page shows ---------------------------------------------------------------------------


def test_it_warns_loudly_while_2027_is_unknown_and_still_renders_it(client, catalog_admin):
    client.force_login(catalog_admin)
    response = client.get(OVERVIEW, {"year": "2027"})
    page = response.content.decode()
    assert response.status_code == 200
    assert BANNER in page and PAGE_WARNING in page
    assert "未知：法定节假日为推定" in page
    assert "安排未录入，法定节假日为推定" in page
    assert "2027年十二月" in page
    # The holidays the law fixes are shown as such, named, with where they come from.
    assert "1月1日，休息日，元旦，法定节假日（推定，待国务院通知）" in page
    assert "2月10日，休息日，春节（补假），法定节假日（推定，待国务院通知）" in page
    assert "1月4日，工作日" in page


def test_it_marks_holidays_and_makeup_days_in_the_grid(client, catalog_admin):
    client.force_login(catalog_admin)
    page = client.get(OVERVIEW, {"year": "2026"}).content.decode()
    assert "10月1日，休息日，国庆节" in page
    assert "10月10日，工作日，国庆节" in page  # the make-up Saturday
    assert "2月14日，工作日，春节" in page
    assert "日历库已收录" in page


def test_it_defaults_to_this_year_and_next(client, catalog_admin):
    client.force_login(catalog_admin)
    response = client.get(OVERVIEW)
    assert response.context["shown_years"] == [2026, 2027]
    assert client.get(OVERVIEW, {"year": "abc"}).context["shown_years"] == [2026, 2027]


# --- Entering the 2027 notice ----------------------------------------------------------------------


def test_it_previews_every_day_before_saving(client, catalog_admin):
    client.force_login(catalog_admin)
    response = client.post(NOTICE, {**notice_data(), "action": "preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "预览：2027 年共读到 4 天（放假 3 天，调休上班 1 天）" in page
    assert "2027-01-01" in page and "星期五" in page and "2027-02-20" in page and "星期六" in page
    assert "确认保存" in page
    assert not HolidayNotice.objects.exists()


def test_it_saves_the_previewed_notice_and_the_warning_disappears(
    client, catalog_admin, django_capture_on_commit_callbacks
):
    client.force_login(catalog_admin)
    assert BANNER in client.get(OVERVIEW).content.decode()
    response = preview_then_save(client, notice_data(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == f"{OVERVIEW}?year=2027"
    notice = HolidayNotice.objects.get(year=2027)
    assert notice.entered_by == catalog_admin and notice.overrides.count() == 4
    assert AuditEvent.objects.filter(action="calendar.notice_entered", actor=catalog_admin).exists()
    page = client.get(response["Location"]).content.decode()
    assert "已保存2027年节假日安排（4天）" in page
    assert BANNER not in page and PAGE_WARNING not in page
    assert "已录入国务院通知" in page and "1月1日，休息日，元旦" in page
    assert add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert is_workday(dt.date(2027, 2, 20)) is True


def test_it_does_not_save_without_a_preview_of_that_very_text(client, catalog_admin):
    client.force_login(catalog_admin)
    preview = client.post(NOTICE, {**notice_data(), "action": "preview"})
    digest = preview.context["notice_form"]["previewed"].value()
    changed = notice_data(text=NOTICE_TEXT + "\n2027-02-27 班")
    response = client.post(NOTICE, {**changed, "action": "save", "previewed": digest})
    page = response.content.decode()
    assert response.status_code == 200
    assert "内容在预览后有改动" in page and "2027-02-27" in page
    assert not HolidayNotice.objects.exists()
    assert client.post(NOTICE, {**notice_data(), "action": "save"}).status_code == 200
    assert not HolidayNotice.objects.exists()


def test_it_names_the_line_it_cannot_read(client, catalog_admin):
    client.force_login(catalog_admin)
    response = client.post(
        NOTICE, {**notice_data(text="元旦：1月1日至3日放假\n春节：2.6 至 2.12 放假"), "action": "preview"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "第2行“春节：2.6 至 2.12 放假”" in page
    assert "确认保存" not in page
    assert not HolidayNotice.objects.exists()


# --- Single days ----------------------------------------------------------------------------------


def test_it_adds_and_removes_a_single_override(client, catalog_admin, django_capture_on_commit_callbacks):
    client.force_login(catalog_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, {"date": "2026-12-31", "is_workday": "0", "note": "市政府临时放假"})
    assert response.status_code == 302
    assert is_workday(dt.date(2026, 12, 31)) is False
    page = client.get(response["Location"]).content.decode()
    assert "已将2026-12-31设为休息日" in page and "市政府临时放假" in page and "手工调整" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REMOVE, {"date": "2026-12-31"})
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    assert is_workday(dt.date(2026, 12, 31)) is True
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["calendar.override_set", "calendar.override_removed"]


def test_it_explains_why_a_notice_day_cannot_be_removed_alone(
    client, catalog_admin, django_capture_on_commit_callbacks
):
    client.force_login(catalog_admin)
    preview_then_save(client, notice_data(), django_capture_on_commit_callbacks)
    response = client.post(REMOVE, {"date": "2027-01-01"}, follow=True)
    assert "来自2027年国务院通知，请修改通知内容后重新录入" in response.content.decode()
    assert WorkdayOverride.objects.filter(date="2027-01-01").exists()


def test_it_shows_errors_of_the_single_day_form(client, catalog_admin):
    client.force_login(catalog_admin)
    response = client.post(ADD, {"date": "", "is_workday": "0", "note": ""})
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()
    assert not WorkdayOverride.objects.exists()


# --- Django admin (nantong_credit/admin.py) ----------------------------------------------------------


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@credit.nantong.gov.cn", "Nt-test-password-1")


def test_it_lists_accounts_with_real_name_phone_and_roles_in_the_admin(client, superuser, catalog_admin):
    from nantong_credit import roles

    catalog_admin.real_name, catalog_admin.phone = "张晓燕", "13806281234"
    catalog_admin.save()
    catalog_admin.groups.add(*type(catalog_admin.groups.first()).objects.filter(name=roles.AUDITOR))
    client.force_login(superuser)
    page = client.get(reverse("admin:core_user_changelist")).content.decode()
    assert "张晓燕" in page and "13806281234" in page and "目录管理员（市经信委）、审计监督人员" in page
    change = client.get(reverse("admin:core_user_change", args=[catalog_admin.pk])).content.decode()
    assert 'name="real_name"' in change and 'name="phone"' in change and 'name="groups"' in change
    assert client.get(reverse("admin:core_user_add")).status_code == 200


def test_it_keeps_calendar_changes_out_of_the_admin(
    client, superuser, catalog_admin, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    preview_then_save(client, notice_data(), django_capture_on_commit_callbacks)
    override = WorkdayOverride.objects.get(date="2027-01-01")
    assert client.get(reverse("admin:core_workdayoverride_changelist")).status_code == 200
    assert client.get(reverse("admin:core_holidaynotice_changelist")).status_code == 200
    assert client.get(reverse("admin:core_workdayoverride_add")).status_code == 403
    page = client.get(reverse("admin:core_workdayoverride_change", args=[override.pk])).content.decode()
    assert 'name="is_workday"' not in page  # shown, not editable
    assert (
        client.post(reverse("admin:core_workdayoverride_delete", args=[override.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert WorkdayOverride.objects.filter(pk=override.pk).exists()
