"""实名核验 by appointment (issue 16 §4): the page says where and when, a person books a slot
among the next working days, a clerk completes it by the identity check, or marks a no-show."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.accounts import appointments
from collection.models import IdentityAppointment, ServiceWindow, SubjectBinding
from nantong_credit.models import Notification

from .account_support import LI_ID, WANG_ID, register
from .factories import make_ric

# A Friday: the next working days are Monday 7 December and on.
FRIDAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 12, 7)
IDENTITY = reverse("account:identity")
DAY_LIST = reverse("collection_office:appointments")
WINDOW = reverse("collection_office:service_window")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def friday():
    with freeze_time(FRIDAY):
        yield


@pytest.fixture
def window():
    return appointments.update_service_window(
        actor="测试",
        changes={"address": "南通市崇川区世纪大道6号", "phone": "0513-59000000", "per_slot": 2, "slot_minutes": 30},
    )


@pytest.fixture
def li(window):
    return register()


@pytest.fixture
def wang(window):
    return register("wangjg", WANG_ID, "王建国")


def book(client, user, day=MONDAY, slot="09:00"):
    client.force_login(user)
    return client.post(IDENTITY, {"day": day.isoformat(), "slot": slot})


def test_the_page_says_where_and_when_and_offers_the_next_working_days(client, li):
    client.force_login(li)
    page = client.get(IDENTITY).content.decode()
    assert "南通市崇川区世纪大道6号" in page and "0513-59000000" in page
    assert "09:00–12:00、13:30–17:00" in page
    assert 'value="2026-12-07"' in page and 'value="2026-12-05"' not in page  # not the weekend
    assert "09:00–09:30" in page and "12:00–12:30" not in page  # no slot in the lunch break
    assert reverse("account:identity") in client.get(reverse("account:home")).content.decode()


def test_bookable_days_skip_weekends_and_holidays():
    window = ServiceWindow(booking_days=3)
    # 2026-12-31 is a Thursday; 1 January is 元旦.
    assert appointments.bookable_days(window, dt.date(2026, 12, 30)) == [
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 5),
    ]


def test_a_person_books_and_is_told(client, li):
    response = book(client, li)
    assert response.status_code == 302 and response["Location"] == IDENTITY
    appointment = IdentityAppointment.objects.get(user=li)
    assert (appointment.day, appointment.starts_at, appointment.status) == (MONDAY, dt.time(9), "booked")
    assert AuditEvent.objects.filter(action="identity_appointment.book", object_id=str(appointment.pk)).exists()
    assert Notification.objects.filter(recipient=li, title="实名核验预约成功").exists()
    page = client.get(IDENTITY).content.decode()
    assert "您的预约" in page and "2026年12月7日 09:00–09:30" in page

    again = book(client, li, slot="10:00")
    assert "您已有一个预约" in again.content.decode()
    assert IdentityAppointment.objects.filter(user=li).count() == 1


def test_a_slot_takes_only_its_limit(client, li, wang, window):
    third = register("zhangs", make_ric("32068119880808001"), "张三")
    assert book(client, li).status_code == 302
    assert book(client, wang).status_code == 302
    full = book(client, third)
    assert full.status_code == 200 and "该时段已约满" in full.content.decode()
    assert "已约满" in client.get(f"{IDENTITY}?day=2026-12-07").content.decode()
    assert book(client, third, slot="09:30").status_code == 302


def test_bad_choices_are_refused_with_a_message(client, li):
    for day, slot, message in [
        (dt.date(2026, 12, 5), "09:00", "请在可预约的日期中选择"),  # a Saturday
        (dt.date(2026, 12, 4), "09:00", "请在可预约的日期中选择"),  # today
        (MONDAY, "12:00", "请在窗口办公时间内选择时段"),  # the lunch break
        (MONDAY, "nine", "请在窗口办公时间内选择时段"),
        (MONDAY, "", "请选择时段"),
    ]:
        response = book(client, li, day=day, slot=slot)
        assert response.status_code == 200, (day, slot)
        assert message in response.content.decode(), (day, slot)
    assert not IdentityAppointment.objects.exists()


def test_cancel_frees_the_slot_and_only_the_owner_may(client, li, wang):
    book(client, li)
    appointment = IdentityAppointment.objects.get(user=li)
    cancel = reverse("account:identity_cancel", args=[appointment.pk])

    client.force_login(wang)
    assert client.post(cancel).status_code == 404  # another's appointment
    client.force_login(li)
    assert client.post(cancel).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert AuditEvent.objects.filter(action="identity_appointment.cancel").exists()
    assert client.post(cancel).status_code == 302  # said, not done twice
    assert book(client, li, slot="10:00").status_code == 302


def test_staff_and_verified_accounts_cannot_book(client, clerk, li, window):
    assert book(client, clerk).status_code == 403
    li.identity_verified_at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    li.save()
    assert book(client, li).status_code == 403
    assert "已于" in client.get(IDENTITY).content.decode()


def test_the_clerk_completes_it_by_the_identity_check(client, clerk, li):
    book(client, li)
    appointment = IdentityAppointment.objects.get(user=li)
    client.force_login(clerk)
    day = client.get(f"{DAY_LIST}?day=2026-12-07").content.decode()
    assert "李晓梅" in day and li.id_number_masked in day and LI_ID not in day

    url = reverse("collection_office:appointment", args=[appointment.pk])
    wrong = client.post(url, {"id_number": WANG_ID, "papers_seen": "on"})
    assert "不一致" in wrong.content.decode()
    done = client.post(url, {"id_number": LI_ID, "papers_seen": "on"})
    assert done.status_code == 302
    appointment.refresh_from_db()
    li.refresh_from_db()
    assert appointment.status == "done" and appointment.closed_by == clerk
    assert li.identity_verified_at is not None
    assert SubjectBinding.objects.filter(user=li, status="approved").exists()
    assert AuditEvent.objects.filter(action="identity_appointment.complete").exists()
    assert AuditEvent.objects.filter(action="account.verify_identity", object_id=str(li.pk)).exists()
    assert Notification.objects.filter(recipient=li, title="您已通过实名核验").exists()
    assert "该预约已核验" in client.get(url).content.decode()


def test_a_no_show_is_marked_on_the_day_not_before(client, clerk, li):
    book(client, li)
    appointment = IdentityAppointment.objects.get(user=li)
    url = reverse("collection_office:appointment_no_show", args=[appointment.pk])
    client.force_login(clerk)
    client.post(url)
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    with freeze_time(dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)):
        client.force_login(clerk)  # Friday's session has expired
        client.post(url)
    appointment.refresh_from_db()
    assert appointment.status == "no_show"
    assert Notification.objects.filter(recipient=li, title="实名核验预约：未到场").exists()


def test_clerk_pages_refuse_other_roles(client, li, provider_staff):
    book(client, li)
    appointment = IdentityAppointment.objects.get(user=li)
    for person in (li, provider_staff):
        client.force_login(person)
        assert client.get(DAY_LIST).status_code == 403
        assert client.get(reverse("collection_office:appointment", args=[appointment.pk])).status_code == 403
        assert client.post(reverse("collection_office:appointment_no_show", args=[appointment.pk])).status_code == 403
        assert client.get(WINDOW).status_code == 403
    client.logout()
    assert client.get(DAY_LIST).status_code == 302


def test_the_center_edits_the_window_and_it_is_audited(client, clerk, window):
    client.force_login(clerk)
    data = {
        "name": "市公共信用信息中心窗口",
        "address": "南通市工农路",
        "phone": "0513-12345678",
        "opens_at": "08:30",
        "break_starts_at": "",
        "break_ends_at": "",
        "closes_at": "11:30",
        "slot_minutes": "60",
        "per_slot": "4",
        "booking_days": "5",
        "notes": "请携带身份证",
    }
    assert client.post(WINDOW, data).status_code == 302
    window.refresh_from_db()
    assert window.address == "南通市工农路" and window.break_starts_at is None
    event = AuditEvent.objects.filter(action="service_window.update").latest("pk")
    assert event.after["address"] == "南通市工农路" and event.before["address"] == "南通市崇川区世纪大道6号"
    starts = [start for start, _end in appointments.slot_starts(window)]
    assert starts == [dt.time(8, 30), dt.time(9, 30), dt.time(10, 30)]

    bad = client.post(WINDOW, {**data, "closes_at": "08:00"})
    assert "结束时间须晚于开始时间" in bad.content.decode()
    half = client.post(WINDOW, {**data, "break_starts_at": "12:00"})
    assert "午休开始和结束须同时填写" in half.content.decode()


def test_a_walk_in_check_closes_the_open_appointment(client, clerk, li):
    book(client, li)
    client.force_login(clerk)
    response = client.post(
        reverse("collection_office:verify_identity", args=[li.pk]), {"id_number": LI_ID, "papers_seen": "on"}
    )
    assert response.status_code == 302
    appointment = IdentityAppointment.objects.get(user=li)
    assert appointment.status == "done" and appointment.closed_by == clerk
    assert AuditEvent.objects.filter(action="identity_appointment.complete", object_id=str(appointment.pk)).exists()


def test_a_window_made_on_first_use_gives_its_hours(db):
    """The first page to ask for the window creates it; its default times are then real times."""
    from collection.accounts.appointments import opening_hours, service_window
    from collection.models import ServiceWindow

    ServiceWindow.objects.all().delete()
    assert opening_hours(service_window()).endswith("09:00–12:00、13:30–17:00")
