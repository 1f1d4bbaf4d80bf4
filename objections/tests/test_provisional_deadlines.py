"""A provider deadline in a year whose State Council holiday notice is not entered yet (2027 here)
is provisional: when it passes the sweep holds the case as 期限待确认 and suspends nothing; once the
notice is in, the deadline is recomputed and the suspension follows only if it still passed
(SPEC §4). Across 2026-12 → 2027-02."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.visibility import is_publicly_disclosed
from nantong_credit import roles
from nantong_credit.calendar_services import enter_holiday_notice
from nantong_credit.models import Notification
from objections import deadlines, services
from objections.models import Objection
from objections.tasks import sweep_objection_deadlines

from .support import at, file_case, midnight_after

pytestmark = pytest.mark.django_db

HELD = "期限待确认"
CITIZEN_NOTE = "该期限所在年份的国务院节假日安排尚未公布，期限可能顺延，以最终公布为准。"
# Test data shaped like a State Council notice, NOT the official 2027 arrangement.
WITH_BRIDGING_DAY = "元旦：1月1日（周五）至3日（周日）放假，共3天。\n1月4日（周一）放假"
WITHOUT_BRIDGING_DAY = "元旦：1月1日（周五）至3日（周日）放假，共3天。"


@pytest.fixture
def calendar_manager(user_with_role):
    return user_with_role("zhoumy", roles.CATALOG_ADMIN, real_name="周明远", email="zhou@jxw.example")


@pytest.fixture
def case_and_code(agent, company, penalty, clerk):
    """Filed on Monday 28 December 2026 and referred the same day: 7 working days to answer."""
    with freeze_time(at("2026-12-28 09:00")):
        objection, code = file_case(agent, company, [penalty])
    with freeze_time(at("2026-12-28 10:00")):
        return services.refer_objection(objection=objection, actor=clerk, note="系信息提供单位报送"), code


@pytest.fixture
def referred(case_and_code):
    return case_and_code[0]


def sweep(moment: str, capture) -> dict:
    with freeze_time(at(moment)), capture(execute=True):
        return sweep_objection_deadlines()


def enter_2027(text: str, actor, moment: str, capture) -> None:
    with freeze_time(at(moment)), capture(execute=True):
        enter_holiday_notice(
            year=2027,
            title="国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
            document_number="",
            published_on=None,
            text=text,
            actor=actor,
        )


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True))


def test_a_provider_referred_on_28_december_has_until_7_january(referred):
    # 29, 30, 31 December, then 1 January (元旦, by law) off: 4, 5, 6 and 7 January.
    assert referred.provider_due_at == midnight_after("2027-01-07")


def test_a_provisional_deadline_that_passes_holds_the_case_and_suspends_nothing(
    referred,
    penalty,
    clerk,
    second_clerk,
    calendar_manager,
    scjgj_staff,
    agent,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    assert sweep("2027-01-07 23:59", capture)["provider_deadlines_held"] == 0  # 24:00 is still in time
    counts = sweep("2027-01-08 00:05", capture)
    assert (counts["provider_deadlines_held"], counts["provider_overdue"]) == (1, 0)
    penalty.refresh_from_db()
    assert penalty.suspended_since is None and is_publicly_disclosed(penalty)
    referred.refresh_from_db()
    assert referred.provider_deadline_held_at == at("2027-01-08 00:05") and referred.provider_overdue_at is None
    step = referred.steps.get(action="hold_deadline")
    assert "2027年1月7日24:00" in step.note and "2027年" in step.note
    # The center and the calendar managers are told, in the inbox and by e-mail; nobody else.
    for person in (clerk, second_clerk):
        assert titles(person)[-1] == f"异议答复期限待确认：{referred.number}"
    assert titles(calendar_manager) == ["1件异议期限待确认，请录入2027年节假日安排"]
    assert Notification.objects.get(recipient=calendar_manager).link == reverse("calendar:overview")
    assert not [t for t in titles(scjgj_staff) + titles(agent) if HELD in t or "暂停" in t]
    held_mail = [m.to[0] for m in mailoutbox if HELD in m.subject]
    assert sorted(held_mail) == sorted([clerk.email, second_clerk.email, calendar_manager.email])

    # Running the sweep again, later the same night or the next week, changes nothing.
    state = (Notification.objects.count(), AuditEvent.objects.count(), len(mailoutbox))
    again = sweep("2027-01-08 00:10", capture)
    assert set(again.values()) == {0}
    sweep("2027-01-15 09:00", capture)
    assert state == (Notification.objects.count(), AuditEvent.objects.count(), len(mailoutbox))
    assert referred.steps.filter(action="hold_deadline").count() == 1
    penalty.refresh_from_db()
    assert penalty.suspended_since is None


def test_the_provider_service_itself_never_suspends_on_a_provisional_deadline(referred, penalty):
    moment = at("2027-01-08 00:05")
    with freeze_time(moment):
        assert deadlines.mark_provider_overdue(objection_ids=[referred.pk], now=moment) == 0
    penalty.refresh_from_db()
    assert penalty.suspended_since is None


def test_a_notice_with_a_bridging_day_moves_the_deadline_and_the_case_runs_on(
    referred, penalty, clerk, calendar_manager, scjgj_staff, agent, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    sweep("2027-01-08 00:05", capture)
    enter_2027(WITH_BRIDGING_DAY, calendar_manager, "2027-01-08 09:00", capture)
    counts = sweep("2027-01-08 09:05", capture)
    assert (counts["deadlines_adjusted"], counts["provider_overdue"]) == (1, 0)
    referred.refresh_from_db()
    assert referred.provider_due_at == midnight_after("2027-01-08")
    assert referred.provider_deadline_held_at is None  # no longer passed
    assert "由2027年1月7日24:00调整为2027年1月8日24:00" in referred.steps.get(action="adjust_deadline").note
    for person, title in ((agent, "办理期限调整"), (scjgj_staff, "答复期限调整"), (clerk, "期限已确认，案件继续办理")):
        assert titles(person).count(f"{title}：{referred.number}") == 1
    # Nothing is suspended before the new deadline, and the consequence follows once it has passed.
    assert sweep("2027-01-08 23:59", capture)["provider_overdue"] == 0
    penalty.refresh_from_db()
    assert penalty.suspended_since is None
    assert sweep("2027-01-09 00:05", capture)["provider_overdue"] == 1
    penalty.refresh_from_db()
    assert penalty.suspended_since == at("2027-01-09 00:05")
    assert "2027年1月8日24:00" in referred.steps.get(action="provider_overdue").note


def test_a_notice_that_keeps_the_deadline_passed_leads_to_suspension_on_the_next_sweep(
    referred, penalty, scjgj_staff, calendar_manager, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    sweep("2027-01-08 00:05", capture)
    enter_2027(WITHOUT_BRIDGING_DAY, calendar_manager, "2027-01-11 09:00", capture)
    counts = sweep("2027-01-11 09:05", capture)
    assert (counts["deadlines_adjusted"], counts["provider_overdue"]) == (0, 1)
    penalty.refresh_from_db()
    assert penalty.suspended_since == at("2027-01-11 09:05") and not is_publicly_disclosed(penalty)
    referred.refresh_from_db()
    assert referred.provider_due_at == midnight_after("2027-01-07")
    assert list(referred.steps.values_list("action", flat=True))[-2:] == ["hold_deadline", "provider_overdue"]
    assert titles(scjgj_staff)[-1] == f"异议答复已逾期，记录暂停查询：{referred.number}"
    assert set(sweep("2027-01-11 09:10", capture).values()) == {0}


def test_a_recomputed_deadline_that_passed_too_is_moved_and_then_applied(
    referred, penalty, calendar_manager, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    sweep("2027-01-08 00:05", capture)
    enter_2027(WITH_BRIDGING_DAY, calendar_manager, "2027-01-12 09:00", capture)
    counts = sweep("2027-01-12 09:05", capture)
    assert (counts["deadlines_adjusted"], counts["provider_overdue"]) == (1, 1)
    referred.refresh_from_db()
    assert referred.provider_due_at == midnight_after("2027-01-08")
    assert "2027年1月8日24:00已过" in referred.steps.get(action="provider_overdue").note
    penalty.refresh_from_db()
    assert penalty.suspended_since == at("2027-01-12 09:05")


def test_spring_festival_2027_is_counted_by_law_until_the_notice(agent, company, penalty, clerk):
    # Referred Thursday 4 February 2027: 除夕 5 February to 初三 8 February, with 补假 on 9 and 10
    # February for the weekend: 11, 12, 15, 16, 17, 18 and 19 February.
    with freeze_time(at("2027-02-04 10:00")):
        objection, _code = file_case(agent, company, [penalty])
        services.refer_objection(objection=objection, actor=clerk)
    objection.refresh_from_db()
    assert objection.provider_due_at == midnight_after("2027-02-19")


def test_the_applicant_and_the_follow_up_page_say_the_deadline_may_move_until_the_notice(
    client, case_and_code, agent, calendar_manager, django_capture_on_commit_callbacks
):
    referred, code = case_and_code
    detail = reverse("objections:detail", args=[referred.pk])
    with freeze_time(at("2026-12-29 09:00")):
        client.force_login(agent)
        page = client.get(detail).content.decode()
        assert CITIZEN_NOTE in page and "2027年1月7日24:00" in page
        assert "暂停查询等后果" not in page  # the staff's wording stays in the back office
        client.logout()
        client.post(reverse("objections:follow_up"), {"number": referred.number, "code": code})
        page = client.get(reverse("objections:follow_up_case", args=[referred.number])).content.decode()
        assert CITIZEN_NOTE in page
    enter_2027(WITHOUT_BRIDGING_DAY, calendar_manager, "2026-12-29 10:00", django_capture_on_commit_callbacks)
    with freeze_time(at("2026-12-29 10:05")):
        client.force_login(agent)
        page = client.get(detail).content.decode()
    assert CITIZEN_NOTE not in page and "2027年1月7日24:00" in page


def test_the_clerk_sees_the_held_case(client, referred, clerk, django_capture_on_commit_callbacks):
    sweep("2027-01-08 00:05", django_capture_on_commit_callbacks)
    with freeze_time(at("2027-01-08 09:00")):
        client.force_login(clerk)
        page = client.get(reverse("objection_office:detail", args=[referred.pk])).content.decode()
        queue = client.get(reverse("objection_office:queue"), {"status": "referred"}).content.decode()
    assert HELD in page and "暂不暂停查询" in page and "已超期" not in page
    assert HELD in queue and referred.number in queue
    assert Objection.objects.get(pk=referred.pk).provider_overdue_at is None


def test_many_held_cases_make_one_message_per_person(
    agent, company, scjgj, clerk, calendar_manager, django_capture_on_commit_callbacks
):
    from .support import referred_case, submit_penalty

    with freeze_time(at("2026-12-28 10:00")):
        cases = [
            referred_case(agent, company, [submit_penalty(scjgj, company, f"通市监罚〔2026〕{n}号")], clerk)
            for n in (501, 502, 503)
        ]
    assert sweep("2027-01-08 00:05", django_capture_on_commit_callbacks)["provider_deadlines_held"] == 3
    digest = Notification.objects.get(recipient=clerk, title="3件异议答复期限待确认")
    assert all(case.number in digest.body for case in cases)
    assert titles(calendar_manager) == ["3件异议期限待确认，请录入2027年节假日安排"]
