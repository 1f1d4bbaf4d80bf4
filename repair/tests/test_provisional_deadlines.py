"""A decision deadline in a year whose State Council holiday notice is not entered yet (2027 here)
is provisional: when it passes the sweep holds the application as 期限待确认 and escalates
nothing; once the notice is in, the deadline is recomputed and escalated only if it still passed
(SPEC §4)."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Severity
from nantong_credit import roles
from nantong_credit.calendar_services import enter_holiday_notice
from nantong_credit.models import Notification
from nantong_credit.workdays import SHANGHAI
from repair.deadlines import escalate_overdue
from repair.models import RepairApplication
from repair.tasks import sweep_repair_deadlines

from .support import D, apply, penalty_record

pytestmark = pytest.mark.django_db

HELD = "期限待确认"
CITIZEN_NOTE = "该期限所在年份的国务院节假日安排尚未公布，期限可能顺延，以最终公布为准。"
# Test data shaped like a State Council notice, NOT the official 2027 arrangement.
WITH_BRIDGING_DAY = "元旦：1月1日（周五）至3日（周日）放假，共3天。\n1月4日（周一）放假"
WITHOUT_BRIDGING_DAY = "元旦：1月1日（周五）至3日（周日）放假，共3天。"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def calendar_manager(user_with_role):
    return user_with_role("zhoumy", roles.CATALOG_ADMIN, real_name="周明远", email="zhou@jxw.example")


@pytest.fixture
def submitted(agent, penalty, company, scjgj_staff, center_clerk):
    """Filed Monday 28 December 2026 for a 轻微 record: 5 working days, 元旦 2027 off by law."""
    with freeze_time(at(2026, 12, 28, 9, 0)):
        light = penalty_record(penalty, company, severity=Severity.LIGHT, decided=D(2026, 12, 1), stated_necessary=True)
        return apply(agent, light)


@pytest.fixture
def application(submitted):
    return submitted.application


def run(when: dt.datetime, capture) -> dict:
    with freeze_time(when), capture(execute=True):
        return sweep_repair_deadlines()


def enter_2027(text: str, actor, when: dt.datetime, capture) -> None:
    with freeze_time(when), capture(execute=True):
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


def test_a_provisional_deadline_that_passes_is_held_not_escalated(
    application,
    scjgj_staff,
    agent,
    center_clerk,
    calendar_manager,
    mailoutbox,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    assert application.due_at == at(2027, 1, 6, 0, 0)  # 12-29, 12-30, 12-31, 01-04, 01-05
    assert run(at(2027, 1, 6, 0, 5), capture) == {"adjusted": 0, "reminded": 0, "held": 1, "escalated": 0}
    application.refresh_from_db()
    assert application.overdue_at is None and application.deadline_held_at == at(2027, 1, 6, 0, 5)
    step = application.steps.get(action="deadline_held")
    assert "2027年1月5日 24:00" in step.note and "2027年" in step.note
    assert titles(center_clerk)[-1] == f"信用修复申请期限待确认：{application.number}"
    assert titles(calendar_manager) == ["1件信用修复申请期限待确认，请录入2027年节假日安排"]
    assert not [t for t in titles(scjgj_staff) + titles(agent) if "逾期" in t or HELD in t]
    assert sorted(m.to[0] for m in mailoutbox if HELD in m.subject) == sorted(
        [center_clerk.email, calendar_manager.email]
    )
    # Twice, or a week later: nothing more.
    state = (Notification.objects.count(), AuditEvent.objects.count(), len(mailoutbox))
    assert run(at(2027, 1, 6, 0, 10), capture) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}
    run(at(2027, 1, 13, 9, 0), capture)
    assert state == (Notification.objects.count(), AuditEvent.objects.count(), len(mailoutbox))
    assert RepairApplication.objects.get(pk=application.pk).overdue_at is None


def test_the_escalation_service_itself_never_acts_on_a_provisional_deadline(application):
    with freeze_time(at(2027, 1, 6, 0, 5)):
        assert escalate_overdue(application_ids=[application.pk], now=at(2027, 1, 6, 0, 5)) == 0
    assert RepairApplication.objects.get(pk=application.pk).overdue_at is None


def test_a_notice_with_a_bridging_day_moves_the_deadline_and_the_application_runs_on(
    application, scjgj_staff, agent, center_clerk, calendar_manager, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    run(at(2027, 1, 6, 0, 5), capture)
    enter_2027(WITH_BRIDGING_DAY, calendar_manager, at(2027, 1, 6, 9, 0), capture)
    # Moved, and not reminded yet: the reminder for the new deadline follows in the same run.
    assert run(at(2027, 1, 6, 9, 5), capture) == {"adjusted": 1, "reminded": 1, "held": 0, "escalated": 0}
    application.refresh_from_db()
    assert application.due_at == at(2027, 1, 7, 0, 0) and application.deadline_held_at is None
    note = application.steps.get(action="deadline_adjusted").note
    assert note == "由2027年1月5日 24:00调整为2027年1月6日 24:00"
    for person in (agent, scjgj_staff):
        assert titles(person).count(f"办理期限调整：{application.number}") == 1
    assert titles(center_clerk)[-1] == f"期限已确认，申请继续办理：{application.number}"
    # Escalated only once the recomputed deadline has passed.
    assert run(at(2027, 1, 6, 23, 59), capture)["escalated"] == 0
    assert run(at(2027, 1, 7, 0, 5), capture)["escalated"] == 1
    application.refresh_from_db()
    assert application.overdue_at == at(2027, 1, 7, 0, 5)


def test_a_notice_that_keeps_the_deadline_passed_escalates_on_the_next_sweep(
    application, center_clerk, calendar_manager, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    run(at(2027, 1, 6, 0, 5), capture)
    enter_2027(WITHOUT_BRIDGING_DAY, calendar_manager, at(2027, 1, 8, 9, 0), capture)
    assert run(at(2027, 1, 8, 9, 5), capture) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 1}
    application.refresh_from_db()
    assert application.due_at == at(2027, 1, 6, 0, 0) and application.overdue_at == at(2027, 1, 8, 9, 5)
    assert titles(center_clerk)[-1] == f"信用修复申请已逾期：{application.number}"
    assert run(at(2027, 1, 8, 9, 10), capture) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}


def test_a_changed_setting_does_not_move_an_application_filed_before(
    settings, application, django_capture_on_commit_callbacks
):
    settings.REPAIR_DECISION_WORKDAYS = 10
    assert run(at(2026, 12, 30, 9, 0), django_capture_on_commit_callbacks)["adjusted"] == 0
    assert RepairApplication.objects.get(pk=application.pk).due_at == at(2027, 1, 6, 0, 0)


def test_the_citizen_pages_say_the_deadline_may_move(client, submitted, agent):
    application = submitted.application
    with freeze_time(at(2026, 12, 29, 9, 0)):
        client.force_login(agent)
        page = client.get(reverse("repair:detail", args=[application.pk])).content.decode()
        assert CITIZEN_NOTE in page and "推定的期限届满" not in page
        client.logout()
        client.post(reverse("repair:follow_up"), {"number": application.number, "code": submitted.follow_up_code})
        page = client.get(reverse("repair:follow_up_case", args=[application.number])).content.decode()
        assert CITIZEN_NOTE in page


def test_the_office_sees_the_held_application(
    client, application, center_clerk, scjgj_staff, django_capture_on_commit_callbacks
):
    run(at(2027, 1, 6, 0, 5), django_capture_on_commit_callbacks)
    with freeze_time(at(2027, 1, 6, 9, 0)):
        client.force_login(center_clerk)
        page = client.get(reverse("repair_office:detail", args=[application.pk])).content.decode()
        board = client.get(reverse("repair_office:dashboard")).context["board"]
        client.force_login(scjgj_staff)
        queue = client.get(reverse("repair_office:queue")).content.decode()
    assert HELD in page and "推定的期限届满不作督办处理" in page and "已逾期" not in page
    assert dict(board.stages)["期限待确认（节假日安排未公布）"] == 1 and dict(board.stages)["已逾期（已督办）"] == 0
    assert HELD in queue
