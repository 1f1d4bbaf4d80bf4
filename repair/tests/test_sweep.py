"""The deadline sweep (Celery beat): one reminder before the deadline, escalation after it, each
once however often the sweep runs; state lives in the database."""

import datetime as dt

import pytest
from django.conf import settings
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Severity
from nantong_credit.models import Notification
from nantong_credit.workdays import SHANGHAI
from repair.deadlines import mark_overdue, remind_provider
from repair.models import RepairApplication, RepairStep
from repair.services import approve_repair, reject_repair
from repair.tasks import sweep, sweep_repair_deadlines

from .support import D, apply, penalty_record

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def application(agent, record, scjgj_staff, center_clerk):
    """Filed 2026-09-29; the provider must decide by 2026-10-12 24:00."""
    with freeze_time(at(2026, 9, 29, 10, 0)):
        return apply(agent, record).application


def run(when: dt.datetime) -> dict:
    with freeze_time(when):
        return sweep_repair_deadlines()


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def test_beat_runs_the_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-repair-deadlines"]
    assert entry["task"] == sweep_repair_deadlines.name == "repair.tasks.sweep_repair_deadlines"


def test_it_reminds_the_provider_once_two_working_days_before(application, scjgj_staff, agent, center_clerk):
    assert run(at(2026, 10, 9, 12, 0)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}  # 3 days left
    assert run(at(2026, 10, 10, 8, 0)) == {"adjusted": 0, "reminded": 1, "held": 0, "escalated": 0}  # 调休 Saturday
    assert run(at(2026, 10, 10, 8, 5)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}
    assert run(at(2026, 10, 12, 9, 0)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}
    reminders = [t for t in titles(scjgj_staff) if "即将到期" in t]
    assert reminders == [f"信用修复申请即将到期：{application.number}"]
    assert "即将到期" not in " ".join(titles(agent) + titles(center_clerk))
    application.refresh_from_db()
    assert application.reminded_at == at(2026, 10, 10, 8, 0)
    assert RepairStep.objects.filter(application=application, action="reminded").count() == 1


def test_it_emails_the_reminder_once(
    application, scjgj_staff, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(at(2026, 10, 10, 8, 0))
        run(at(2026, 10, 10, 8, 5))
    assert [m.to for m in mailoutbox] == [["bob@scjgj.example"]]
    assert "2026年10月12日 24:00" in mailoutbox[0].body


def test_after_the_deadline_it_escalates_once_and_the_case_stays_decidable(
    application, record, scjgj_staff, agent, center_clerk, rsj_staff
):
    assert run(at(2026, 10, 12, 23, 59))["escalated"] == 0
    assert run(at(2026, 10, 13, 0, 0))["escalated"] == 1
    assert run(at(2026, 10, 13, 0, 5))["escalated"] == 0
    assert run(at(2026, 10, 20, 9, 0))["escalated"] == 0
    for user in (scjgj_staff, center_clerk, agent):
        assert titles(user).count(f"信用修复申请已逾期：{application.number}") == 1
    assert not titles(rsj_staff)
    application.refresh_from_db()
    assert application.overdue_at == at(2026, 10, 13, 0, 0)
    assert application.status == RepairApplication.Status.SUBMITTED
    assert AuditEvent.objects.filter(action="repair.overdue").count() == 1

    with freeze_time(at(2026, 10, 21, 10, 0)):
        approve_repair(application=application, actor=scjgj_staff)
    record.refresh_from_db()
    assert record.repaired_at is not None


def test_a_sweep_that_was_down_for_days_escalates_without_a_late_reminder(application, scjgj_staff):
    """Beat was stopped over the deadline (a restart, an outage): on its return the case is
    escalated; a reminder for a deadline already passed would only confuse."""
    assert run(at(2026, 10, 15, 9, 0)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 1}
    assert run(at(2026, 10, 15, 9, 5)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}
    assert not [t for t in titles(scjgj_staff) if "即将到期" in t]


def test_claiming_a_reminder_or_escalation_twice_does_nothing(application):
    """Two workers running the sweep at once both call the service; the conditional update lets
    exactly one of them act."""
    now = at(2026, 10, 10, 8, 0)
    assert remind_provider(application_id=application.pk, now=now) is True
    assert remind_provider(application_id=application.pk, now=now) is False
    later = at(2026, 10, 13, 1, 0)
    assert mark_overdue(application_id=application.pk, now=later) is True
    assert mark_overdue(application_id=application.pk, now=later) is False
    assert RepairStep.objects.filter(application=application).count() == 3  # submitted, reminded, overdue


def test_decided_and_withdrawn_applications_are_left_alone(agent, penalty, company, scjgj_staff):
    with freeze_time(at(2026, 9, 29, 10, 0)):
        decided = apply(agent, penalty_record(penalty, company)).application
        rejected = apply(agent, penalty_record(penalty, company)).application
        approve_repair(application=decided, actor=scjgj_staff)
        reject_repair(application=rejected, actor=scjgj_staff, reason="材料不全")
    assert run(at(2026, 10, 10, 8, 0)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}
    assert run(at(2026, 10, 14, 8, 0)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}


def test_it_handles_many_cases_in_batches(agent, penalty, company, monkeypatch, scjgj_staff, center_clerk):
    import repair.tasks as tasks

    monkeypatch.setattr(tasks, "BATCH", 2)
    with freeze_time(at(2026, 9, 29, 10, 0)):
        for _i in range(5):
            apply(agent, penalty_record(penalty, company))
    assert run(at(2026, 10, 13, 9, 0)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 5}
    assert RepairApplication.objects.filter(overdue_at__isnull=True).count() == 0
    # The provider and the center get one message per batch listing its cases; the applicant one per case.
    numbers = list(RepairApplication.objects.values_list("number", flat=True))
    for user in (scjgj_staff, center_clerk):
        digests = Notification.objects.filter(recipient=user, title__startswith="信用修复申请已逾期")
        last = RepairApplication.objects.order_by("-pk").first().number  # the fifth, alone in its batch
        assert sorted(digests.values_list("title", flat=True)) == sorted(
            ["信用修复申请已逾期（2件）", "信用修复申请已逾期（2件）", f"信用修复申请已逾期：{last}"]
        )
        text = "".join(digests.values_list("body", flat=True))
        assert digests.count() == 3 and all(text.count(number) == 1 for number in numbers)
    assert Notification.objects.filter(recipient=agent, title__startswith="信用修复申请已逾期").count() == 5


def test_it_reminds_into_a_year_the_calendar_does_not_know_but_holds_the_escalation(
    agent, penalty, company, scjgj_staff
):
    with freeze_time(at(2026, 12, 28, 9, 0)):
        light = penalty_record(penalty, company, severity=Severity.LIGHT, decided=D(2026, 12, 1), stated_necessary=True)
        application = apply(agent, light).application
    # 12-29, 12-30, 12-31, 01-04 and 01-05: 元旦 (a Friday) is a holiday by law.
    assert application.due_at == at(2027, 1, 6, 0, 0)
    assert run(at(2027, 1, 4, 9, 0))["reminded"] == 1  # a reminder is no legal consequence
    assert run(at(2027, 1, 6, 0, 0)) == {"adjusted": 0, "reminded": 0, "held": 1, "escalated": 0}
    application.refresh_from_db()
    assert application.overdue_at is None and application.deadline_held_at == at(2027, 1, 6, 0, 0)


def test_sweep_returns_quietly_with_nothing_open(db):
    assert sweep(at(2026, 10, 13, 9, 0)) == {"adjusted": 0, "reminded": 0, "held": 0, "escalated": 0}
