"""The center's review within 5 working days (Art. 14 para. 1): refer to the provider, who is
notified at once; correct a platform error now; or refuse. Two clerks cannot both act."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Annotation, RecordStatus
from nantong_credit.models import Notification
from objections import services, workflow
from objections.models import Objection

from .support import at, file_case, midnight_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent, company, penalty):
    with freeze_time(at("2026-09-28 10:00")):
        return file_case(agent, company, [penalty])[0]


def detail(case) -> str:
    return reverse("objection_office:detail", args=[case.pk])


@freeze_time(at("2026-09-30 09:00"))
def test_referring_notifies_the_provider_at_once(
    client, case, clerk, scjgj_staff, rsj_staff, agent, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("objection_office:refer", args=[case.pk]), {"note": "系报送单位数据"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.referred_at, case.provider_due_at) == (
        "referred",
        at("2026-09-30 09:00"),
        midnight_after("2026-10-15"),
    )
    to_provider = [m for m in mailoutbox if m.to == [scjgj_staff.email]]
    assert len(to_provider) == 1 and "2026年10月15日24:00" in to_provider[0].subject
    assert "7个工作日" in to_provider[0].body and f"/office/objections/{case.pk}/" in to_provider[0].body
    assert not [m for m in mailoutbox if m.to == [rsj_staff.email]]  # another provider hears nothing
    assert Notification.objects.filter(recipient=agent, title__contains="已转信息提供单位核查").exists()
    assert AuditEvent.objects.get(action="objection.refer").actor == clerk
    # The record is still under objection while the provider checks.
    assert Annotation.objects.get(kind="under_objection").is_active


def test_a_clerk_acting_twice_is_refused(client, case, clerk, second_clerk):
    services.refer_objection(objection=case, actor=clerk)
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        services.refer_objection(objection=case, actor=second_clerk)
    assert "当前状态为“待信息提供单位核查”" in refused.value.message
    client.force_login(second_clerk)
    response = client.post(reverse("objection_office:reject", args=[case.pk]), {"reason": "重复"}, follow=True)
    assert "不能办理“不予受理”" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "referred" and case.steps.filter(action="refer").count() == 1
    assert AuditEvent.objects.filter(action__in=["objection.refer", "objection.reject"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_the_same_moment_one_wins(postgres_only, agent, company, penalty, clerk, second_clerk):
    case, _code = file_case(agent, company, [penalty])
    barrier, outcomes = threading.Barrier(2), []

    def act(user):
        barrier.wait()
        try:
            services.refer_objection(objection=case, actor=user)
            outcomes.append("referred")
        except workflow.TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in (clerk, second_clerk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["referred", "refused"]
    assert Objection.objects.get().steps.filter(action="refer").count() == 1


@freeze_time(at("2026-09-29 15:00"))
def test_a_platform_error_is_corrected_at_once(client, case, clerk, penalty, agent, scjgj_staff):
    client.force_login(clerk)
    page = client.get(reverse("objection_office:correct", args=[case.pk]))
    assert page.status_code == 200 and 'value="2.5"' in page.content.decode()
    prefix = f"r{penalty.pk}"
    form = {
        f"{prefix}-{key}": value
        for key, value in {
            "decision_no": "通市监罚〔2026〕101号",
            "penalty_type": "罚款",
            "penalty_amount": "0.25",
            "decision_date": "2026-09-01",
            "basis": "《中华人民共和国广告法》第五十五条",
        }.items()
    }
    response = client.post(
        reverse("objection_office:correct", args=[case.pk]), {**form, "note": "数据交换时金额单位由元误转为万元"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    penalty.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "platform_corrected")
    assert case.correction == {str(penalty.pk): {"revision": 2, "data": {"penalty_amount": "0.25"}}}
    assert (penalty.status, penalty.revision, penalty.data["penalty_amount"]) == (RecordStatus.CORRECTED, 2, "0.25")
    assert penalty.revisions.get(number=1).data["penalty_amount"] == "2.5"
    assert not Annotation.objects.filter(kind="under_objection", is_active=True).exists()
    assert Notification.objects.filter(recipient=agent, title__contains="记录已更正").exists()
    assert Notification.objects.filter(recipient=scjgj_staff, title__contains="已由中心更正").exists()


@freeze_time(at("2026-09-29 15:00"))
def test_a_correction_the_catalog_refuses_is_shown_and_changes_nothing(client, case, clerk, penalty):
    client.force_login(clerk)
    prefix = f"r{penalty.pk}"
    response = client.post(
        reverse("objection_office:correct", args=[case.pk]),
        {
            f"{prefix}-decision_no": "通市监罚〔2026〕101号",
            f"{prefix}-penalty_type": "罚款",
            f"{prefix}-penalty_amount": "两千五",
            f"{prefix}-decision_date": "2026-09-01",
            "note": "金额有误",
        },
    )
    assert response.status_code == 400 and "应为数字" in response.content.decode()
    case.refresh_from_db()
    penalty.refresh_from_db()
    assert case.status == "submitted" and penalty.revision == 1


@freeze_time(at("2026-09-29 15:00"))
def test_a_correction_changing_nothing_is_refused(client, case, clerk, penalty):
    client.force_login(clerk)
    prefix = f"r{penalty.pk}"
    unchanged = {f"{prefix}-{key}": value for key, value in penalty.data.items()}
    response = client.post(reverse("objection_office:correct", args=[case.pk]), {**unchanged, "note": "无"})
    assert response.status_code == 400 and "请至少修改一条记录中有误的数据项" in response.content.decode()


def test_rejecting_needs_a_reason_and_tells_the_applicant(client, case, clerk, agent):
    client.force_login(clerk)
    response = client.post(reverse("objection_office:reject", args=[case.pk]), {"reason": ""})
    assert response.status_code == 400 and case.__class__.objects.get().status == "submitted"
    client.post(reverse("objection_office:reject", args=[case.pk]), {"reason": "所提事项不属于信用信息错误"})
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "rejected")
    assert (
        Notification.objects.get(recipient=agent, title__contains="不予受理").body == "理由：所提事项不属于信用信息错误"
    )


def test_only_clerks_decide(client, case, scjgj_staff, agent):
    for user in (scjgj_staff, agent):
        client.force_login(user)
        assert client.post(reverse("objection_office:refer", args=[case.pk])).status_code == 403
        assert client.get(reverse("objection_office:correct", args=[case.pk])).status_code == 403
        assert client.get(reverse("objection_office:queue")).status_code == 403
    case.refresh_from_db()
    assert case.status == "submitted"
