"""The provider that made the record decides (谁认定、谁修复): approval ends the record's public
disclosure and marks it repaired in the database (Art. 17); rejection gives reasons."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Annotation, CreditRecord
from collection.visibility import is_publicly_disclosed, own_records, public_records, with_marks
from nantong_credit.models import Notification
from nantong_credit.workdays import SHANGHAI
from repair.models import RepairApplication
from repair.services import RepairError, approve_repair, reject_repair, withdraw_repair

from .support import apply

pytestmark = pytest.mark.django_db
FILED = dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)
DECIDED = dt.datetime(2026, 10, 9, 15, 30, tzinfo=SHANGHAI)


@pytest.fixture
def application(agent, record):
    with freeze_time(FILED):
        return apply(agent, record).application


def approve_in_office(client, user, application, **data):
    client.force_login(user)
    return client.post(
        reverse("repair_office:approve", args=[application.pk]),
        {"evidence_checked": "on", "reason": "整改到位", **data},
    )


@freeze_time(DECIDED)
def test_approval_ends_disclosure_and_marks_the_record_repaired(client, application, record, scjgj_staff):
    assert is_publicly_disclosed(record)
    response = approve_in_office(client, scjgj_staff, application)
    assert response.status_code == 302

    application.refresh_from_db()
    record.refresh_from_db()
    assert application.status == RepairApplication.Status.APPROVED
    assert application.decided_by == scjgj_staff and application.decision_reason == "整改到位"
    assert record.repaired_at == DECIDED
    # The record's own dates say it too: published up to the day before the approval.
    assert record.disclosure_ends_on == dt.date(2026, 10, 8)
    assert not public_records().filter(pk=record.pk).exists()
    assert not public_records(CreditRecord.objects.filter(subject=record.subject)).exists()
    mark = Annotation.objects.get(record=record)
    assert mark.kind == Annotation.Kind.REPAIRED and mark.is_active and application.number in mark.text
    # The subject still sees it, marked 已修复.
    own = with_marks(own_records()).get(pk=record.pk)
    assert [m.get_kind_display() for m in own.marks] == ["已修复"]
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"repair.approve", "record.repair"}


@freeze_time(DECIDED)
def test_the_subject_sees_repaired_on_its_pages(client, application, record, agent, scjgj_staff):
    approve_in_office(client, scjgj_staff, application)
    client.force_login(agent)
    index = client.get(reverse("repair:index")).content.decode()
    assert "已修复" in index and "已终止公示" in index
    case = client.get(reverse("repair:detail", args=[application.pk])).content.decode()
    assert "准予信用修复" in case and "注明“已修复”" in case


@freeze_time(DECIDED)
def test_the_public_subject_page_no_longer_shows_the_record(client, application, record, scjgj_staff):
    from django.urls import NoReverseMatch

    try:
        url = reverse("subjects:detail", args=[record.subject.code])
    except NoReverseMatch:
        pytest.skip("the public subject page (inquiry issue) is not there yet")
    assert record.source_key in client.get(url).content.decode()
    approve_in_office(client, scjgj_staff, application)
    client.logout()
    assert record.source_key not in client.get(url).content.decode()


@freeze_time(DECIDED)
def test_approval_tells_the_applicant_the_provider_and_the_center(application, scjgj_staff, agent, center_clerk):
    approve_repair(application=application, actor=scjgj_staff)
    for user in (agent, scjgj_staff, center_clerk):
        message = Notification.objects.filter(recipient=user).latest("id")
        assert "已准予" in message.title and application.number in message.title


@freeze_time(DECIDED)
def test_rejection_needs_reasons_which_the_applicant_reads(client, application, record, agent, scjgj_staff):
    client.force_login(scjgj_staff)
    url = reverse("repair_office:reject", args=[application.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "请填写不予修复的理由" in response.content.decode()
    assert RepairApplication.objects.get().status == RepairApplication.Status.SUBMITTED

    assert client.post(url, {"reason": "罚款尚未缴清，请缴清后再申请"}).status_code == 302
    record.refresh_from_db()
    assert record.repaired_at is None and is_publicly_disclosed(record)
    message = Notification.objects.filter(recipient=agent).latest("id")
    assert "未予准许" in message.title and "罚款尚未缴清" in message.body
    client.force_login(agent)
    page = client.get(reverse("repair:detail", args=[application.pk])).content.decode()
    assert "不予信用修复" in page and "罚款尚未缴清，请缴清后再申请" in page
    assert "申请信用修复" in client.get(reverse("repair:index")).content.decode()  # may apply again


@freeze_time(DECIDED)
def test_approval_asks_to_confirm_the_evidence_was_checked(client, application, scjgj_staff):
    client.force_login(scjgj_staff)
    response = client.post(reverse("repair_office:approve", args=[application.pk]), {"reason": ""})
    assert response.status_code == 400 and "请确认已审核证明材料" in response.content.decode()
    assert RepairApplication.objects.get().status == RepairApplication.Status.SUBMITTED


@freeze_time(DECIDED)
def test_acting_twice_changes_nothing_the_second_time(client, application, record, scjgj_staff, user_with_role):
    from nantong_credit import roles

    colleague = user_with_role("bella", roles.PROVIDER_STAFF)
    application.provider.staff.add(colleague)
    approve_repair(application=application, actor=scjgj_staff)
    with pytest.raises(RepairError, match="不能再准予修复"):
        approve_repair(application=application, actor=colleague)
    with pytest.raises(RepairError):
        reject_repair(application=application, actor=colleague, reason="重复")
    response = approve_in_office(client, colleague, application)  # a stale page, submitted again
    assert response.status_code == 302
    assert "不能再" in [str(m) for m in response.wsgi_request._messages][0]
    application.refresh_from_db()
    assert application.decided_by == scjgj_staff and application.status == RepairApplication.Status.APPROVED
    assert Annotation.objects.filter(record=record).count() == 1
    assert AuditEvent.objects.filter(action="repair.approve").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_the_same_moment_one_wins(postgres_only, application, scjgj_staff, user_with_role):
    """The second waits for the first's lock on the application, then is refused in its terms."""
    from nantong_credit import roles

    colleague = user_with_role("bella", roles.PROVIDER_STAFF)
    application.provider.staff.add(colleague)
    barrier, outcomes = threading.Barrier(2), []

    def act(decide):
        own_copy = RepairApplication.objects.get(pk=application.pk)
        barrier.wait()
        try:
            decide(own_copy)
            outcomes.append("decided")
        except RepairError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    deciders = [
        lambda a: approve_repair(application=a, actor=scjgj_staff),
        lambda a: reject_repair(application=a, actor=colleague, reason="材料不全"),
    ]
    threads = [threading.Thread(target=act, args=(decide,)) for decide in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "decided" and "不能再" in sorted(outcomes)[1], outcomes
    decided = RepairApplication.objects.get()
    assert decided.steps.filter(action__in=["approved", "rejected"]).count() == 1
    assert AuditEvent.objects.filter(action__in=["repair.approve", "repair.reject"]).count() == 1


@freeze_time(DECIDED)
def test_only_the_recording_provider_decides(client, application, rsj_staff, center_clerk, agent):
    with pytest.raises(RepairError, match="南通市市场监督管理局"):
        approve_repair(application=application, actor=rsj_staff)
    client.force_login(rsj_staff)  # another department: the case does not exist for it
    for name in ("repair_office:detail", "repair_office:approve", "repair_office:reject"):
        method = client.get if name.endswith("detail") else client.post
        assert method(reverse(name, args=[application.pk])).status_code == 404
    client.force_login(center_clerk)  # the center oversees but does not decide
    page = client.get(reverse("repair_office:detail", args=[application.pk]))
    assert page.status_code == 200 and "准予信用修复</button>" not in page.content.decode()
    assert approve_in_office(client, center_clerk, application).status_code == 403
    client.force_login(agent)
    assert client.get(reverse("repair_office:detail", args=[application.pk])).status_code == 403
    assert RepairApplication.objects.get().status == RepairApplication.Status.SUBMITTED


@freeze_time(DECIDED)
def test_the_applicant_may_withdraw_until_decided(client, application, agent, other_agent, scjgj_staff):
    client.force_login(other_agent)
    assert client.post(reverse("repair:withdraw", args=[application.pk])).status_code == 404
    client.force_login(agent)
    assert client.post(reverse("repair:withdraw", args=[application.pk])).status_code == 302
    application.refresh_from_db()
    assert application.status == RepairApplication.Status.WITHDRAWN
    assert "已撤回" in Notification.objects.filter(recipient=scjgj_staff).latest("id").title
    with pytest.raises(RepairError):
        approve_repair(application=application, actor=scjgj_staff)
    with pytest.raises(RepairError):
        withdraw_repair(application=application, actor=agent)
