"""The deadline sweep (Celery beat): reminders once before a deadline, the provider's missed
deadline suspending its records from every query until it answers, and running twice or after a
crash changing nothing more."""

import pytest
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import CreditRecord
from collection.visibility import authorized_records, is_publicly_disclosed, own_records, public_records
from nantong_credit.models import Notification
from objections import deadlines, services
from objections.models import Objection
from objections.tasks import sweep_objection_deadlines

from .support import at, file_case, referred_case

pytestmark = pytest.mark.django_db


def sweep(moment: str, capture) -> dict:
    with freeze_time(at(moment)), capture(execute=True):
        return sweep_objection_deadlines()


@pytest.fixture
def filed(agent, company, penalty):
    with freeze_time(at("2026-09-28 10:00")):  # due 10 October 24:00 (a 调休 Saturday)
        return file_case(agent, company, [penalty])[0]


@pytest.fixture
def referred(agent, company, penalty, clerk):
    with freeze_time(at("2026-09-30 09:00")):  # due 15 October 24:00
        return referred_case(agent, company, [penalty], clerk)


def test_the_center_is_reminded_once_two_working_days_before(
    filed, clerk, second_clerk, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert sweep("2026-10-08 17:00", capture)["center_reminded"] == 0  # 8, 9, 10 October left
    assert sweep("2026-10-09 00:05", capture)["center_reminded"] == 1  # 9 and 10 October left
    assert sweep("2026-10-09 00:10", capture)["center_reminded"] == 0
    assert sweep("2026-10-10 12:00", capture)["center_reminded"] == 0
    reminders = [m for m in mailoutbox if "即将到期" in m.subject]
    assert sorted(m.to[0] for m in reminders) == sorted([clerk.email, second_clerk.email])
    assert "2026年10月10日24:00" in reminders[0].body
    filed.refresh_from_db()
    assert filed.center_reminded_at == at("2026-10-09 00:05")
    assert filed.steps.filter(action="remind_center").count() == 1


def test_the_provider_is_reminded_once(referred, scjgj_staff, django_capture_on_commit_callbacks, mailoutbox):
    capture = django_capture_on_commit_callbacks
    assert sweep("2026-10-13 18:00", capture)["provider_reminded"] == 0
    assert sweep("2026-10-14 08:00", capture)["provider_reminded"] == 1
    assert sweep("2026-10-15 08:00", capture)["provider_reminded"] == 0
    assert len([m for m in mailoutbox if m.to == [scjgj_staff.email] and "即将到期" in m.subject]) == 1
    assert Notification.objects.filter(recipient=scjgj_staff, title__contains="即将到期").count() == 1


def test_a_missed_provider_deadline_suspends_the_record_until_it_answers(
    referred, penalty, scjgj_staff, agent, clerk, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert sweep("2026-10-15 23:59", capture)["provider_overdue"] == 0  # 24:00 is still in time
    assert is_publicly_disclosed(penalty)
    assert sweep("2026-10-16 00:05", capture)["provider_overdue"] == 1
    penalty.refresh_from_db()
    assert penalty.suspended_since == at("2026-10-16 00:05")
    # Withheld from every query, page, report, count and API result...
    assert not is_publicly_disclosed(penalty)
    assert not public_records().filter(pk=penalty.pk).exists()
    assert not authorized_records(["regulatory", "qualification"]).filter(pk=penalty.pk).exists()
    assert public_records().filter(subject=penalty.subject).count() == 0
    assert own_records().filter(pk=penalty.pk).exists()  # the subject still sees its own record
    for user, title in (
        (scjgj_staff, "异议答复已逾期，记录暂停查询"),
        (clerk, "提供单位逾期未答复"),
        (agent, "相关记录已暂停对外查询"),
    ):
        assert Notification.objects.filter(recipient=user, title__startswith=title).count() == 1
    event = AuditEvent.objects.get(action="objection.provider_overdue")
    assert event.after["suspended_records"] == [penalty.pk] and event.after["cases"] == [referred.number]

    # ...until the provider answers, whatever the outcome.
    with freeze_time(at("2026-10-19 10:00")), capture(execute=True):
        services.answer_confirmed(objection=referred, actor=scjgj_staff, reply="经核实信息无误")
    penalty.refresh_from_db()
    assert penalty.suspended_since is None and is_publicly_disclosed(penalty)
    steps = list(Objection.objects.get().steps.values_list("action", flat=True))
    assert steps[-3:] == ["provider_overdue", "answer_confirmed", "reinstate"]
    assert Notification.objects.filter(recipient=agent, body__contains="已恢复对外查询").exists()
    # Answered late: the dashboard counts it.
    from objections.reports import build_dashboard

    row = build_dashboard(at("2026-10-19 10:05")).providers[0]
    assert (row.answered, row.answered_late) == (1, 1)


def test_a_withdrawal_lifts_the_suspension(referred, penalty, agent, django_capture_on_commit_callbacks):
    sweep("2026-10-16 00:05", django_capture_on_commit_callbacks)
    services.withdraw_objection(objection=referred, actor=agent)
    penalty.refresh_from_db()
    assert penalty.suspended_since is None


def test_sweeping_twice_changes_nothing_more(
    referred, agent, company, license_record, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with freeze_time(at("2026-10-12 10:00")):  # due 19 October: 16 and 19 October left on the 16th
        file_case(agent, company, [license_record])
    first = sweep("2026-10-16 00:05", capture)
    assert first == {
        "deadlines_adjusted": 0,
        "center_reminded": 1,
        "provider_reminded": 0,
        "provider_deadlines_held": 0,
        "provider_overdue": 1,
    }
    state = (
        Notification.objects.count(),
        AuditEvent.objects.count(),
        list(
            Objection.objects.values_list(
                "pk", "status", "center_reminded_at", "provider_reminded_at", "provider_overdue_at"
            ).order_by("pk")
        ),
        list(CreditRecord.objects.values_list("pk", "suspended_since").order_by("pk")),
    )
    second = sweep("2026-10-16 00:10", capture)
    assert set(second.values()) == {0}
    assert state == (
        Notification.objects.count(),
        AuditEvent.objects.count(),
        list(
            Objection.objects.values_list(
                "pk", "status", "center_reminded_at", "provider_reminded_at", "provider_overdue_at"
            ).order_by("pk")
        ),
        list(CreditRecord.objects.values_list("pk", "suspended_since").order_by("pk")),
    )


def test_a_sweep_that_died_halfway_is_finished_by_the_next(
    agent, company, scjgj, clerk, django_capture_on_commit_callbacks
):
    from .support import submit_penalty

    with freeze_time(at("2026-09-30 09:00")):
        cases = [
            referred_case(agent, company, [submit_penalty(scjgj, company, f"通市监罚〔2026〕{n}号")], clerk)
            for n in (201, 202, 203)
        ]
    # The worker got through the first case, then crashed: state lives in the database only.
    with freeze_time(at("2026-10-16 00:05")):
        with django_capture_on_commit_callbacks(execute=True):
            assert deadlines.mark_provider_overdue(objection_ids=[cases[0].pk], now=at("2026-10-16 00:05")) == 1
    assert sweep("2026-10-16 00:10", django_capture_on_commit_callbacks)["provider_overdue"] == 2
    assert Objection.objects.filter(provider_overdue_at__isnull=False).count() == 3
    assert CreditRecord.objects.filter(suspended_since__isnull=False).count() == 3


def test_the_beat_schedule_runs_the_sweep(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-objection-deadlines"]
    assert entry["task"] == sweep_objection_deadlines.name == "objections.tasks.sweep_objection_deadlines"


def test_many_cases_due_at_once_make_one_message_per_party(
    agent, company, scjgj, rsj, clerk, scjgj_staff, rsj_staff, django_capture_on_commit_callbacks
):
    from .support import submit_penalty

    with freeze_time(at("2026-09-30 09:00")):
        mine = [
            referred_case(agent, company, [submit_penalty(scjgj, company, f"通市监罚〔2026〕{n}号")], clerk)
            for n in (301, 302)
        ]
        theirs = referred_case(agent, company, [submit_penalty(rsj, company, "通人社罚〔2026〕31号")], clerk)
    assert sweep("2026-10-16 00:05", django_capture_on_commit_callbacks)["provider_overdue"] == 3
    digest = Notification.objects.get(recipient=scjgj_staff, title="2件异议答复已逾期，记录暂停查询")
    assert mine[0].number in digest.body and mine[1].number in digest.body and theirs.number not in digest.body
    assert Notification.objects.filter(
        recipient=rsj_staff, title=f"异议答复已逾期，记录暂停查询：{theirs.number}"
    ).exists()
    assert Notification.objects.filter(recipient=rsj_staff, title__contains="已逾期").count() == 1
    assert Notification.objects.filter(recipient=clerk, title="3件异议提供单位逾期未答复").count() == 1
    assert Notification.objects.filter(recipient=agent, title__startswith="相关记录已暂停对外查询").count() == 3
    assert Objection.objects.get(pk=mine[0].pk).steps.filter(action="provider_overdue").count() == 1


def test_one_broken_case_holds_up_nobody_else(
    agent, company, scjgj, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    from objections import notices

    from .support import submit_penalty

    with freeze_time(at("2026-09-30 09:00")):
        cases = [
            referred_case(agent, company, [submit_penalty(scjgj, company, f"通市监罚〔2026〕{n}号")], clerk)
            for n in (401, 402, 403)
        ]
    broken = cases[1].number
    real = notices.providers_overdue

    def failing(batch):
        if any(case.number == broken for case in batch):
            raise RuntimeError("mail template broken for this case")
        real(batch)

    monkeypatch.setattr(notices, "providers_overdue", failing)
    assert sweep("2026-10-16 00:05", django_capture_on_commit_callbacks)["provider_overdue"] == 2
    assert list(Objection.objects.filter(provider_overdue_at__isnull=True).values_list("number", flat=True)) == [broken]
    monkeypatch.setattr(notices, "providers_overdue", real)
    assert sweep("2026-10-16 00:10", django_capture_on_commit_callbacks)["provider_overdue"] == 1  # picked up later
