"""Credit service agencies (Art. 12 para. 3): registration by a verified requester, the center's
approval or refusal, API keys shown once and revocable by either side, quotas set by the center,
each step audited and notified; who may see which page."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from collection.tests.factories import SubjectFactory, make_ric, make_uscc
from inquiry.agencies.services import AgencyError, approve_agency, refuse_agency, register_agency
from inquiry.models import AgencyApiKey, AgencyMember, CreditAgency, QueryLog
from nantong_credit.models import Notification

from .agency_support import AGENCY_USCC, agency, agency_key, api_get, other_agency, registered  # noqa: F401
from .authorization_support import (  # noqa: F401  (fixtures)
    other_requester,
    requester,
    unverified_requester,
)

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    return {
        "name": "南通诚信征信服务有限公司",
        "uscc": AGENCY_USCC.lower()[:9] + " " + AGENCY_USCC.lower()[9:],  # as people type it
        "licence_number": "苏企征备〔2024〕第0006号",
        "contact_name": "王一帆",
        "contact_phone": "0513-85110000",
        "contact_email": "service@example.cn",
        "members": "",
        **overrides,
    }


# --- Registration and the center's decision -----------------------------------------------------


def test_registration_approval_key_and_call_end_to_end(client, requester, clerk):
    client.force_login(requester)
    response = client.post(reverse("agencies:register"), form())
    agency = CreditAgency.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("agencies:detail", args=[agency.pk])
    assert (agency.uscc, agency.status) == (AGENCY_USCC, CreditAgency.Status.PENDING)
    assert AgencyMember.objects.get(agency=agency).user == requester
    assert Notification.objects.filter(recipient=clerk, title__contains="待审核").exists()
    page = client.get(reverse("agencies:detail", args=[agency.pk])).content.decode()
    assert "正在由" in page and "创建密钥" not in page  # nothing to create before approval

    client.force_login(clerk)
    response = client.post(reverse("agency_office:approve", args=[agency.pk]), {"note": "备案证明已核对"})
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.status, agency.decided_by, agency.decision_note) == ("approved", clerk, "备案证明已核对")
    assert Notification.objects.filter(recipient=requester, title__contains="已批准").exists()

    client.force_login(requester)
    response = client.post(reverse("agencies:detail", args=[agency.pk]), {"name": "信用评估系统"})
    assert response.status_code == 200
    key = AgencyApiKey.objects.get(agency=agency)
    secret = response.context["new_secret"]
    assert secret.startswith(key.prefix) and secret not in key.key_hash
    assert response["Cache-Control"].startswith("no-cache") or "no-store" in response["Cache-Control"]
    # Shown once: the next visit to the page no longer has it.
    assert secret not in client.get(reverse("agencies:detail", args=[agency.pk])).content.decode()

    client.logout()
    subject = SubjectFactory(name="南通海晟建设工程有限公司", identifier=make_uscc("91320602MA1XY712A"))
    response = api_get(client, secret, subject.code)
    assert response.status_code == 200 and response.json()["name"] == subject.name
    assert QueryLog.objects.get(subject=subject).agency == agency
    actions = list(
        AuditEvent.objects.filter(action__startswith="agency").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["agency.register", "agency.approve", "agencykey.create"]


def test_refusal_needs_reasons_which_the_agency_reads(client, requester, clerk):
    agency = registered(requester)
    client.force_login(clerk)
    response = client.post(reverse("agency_office:refuse", args=[agency.pk]), {"reason": ""})
    assert response.status_code == 400 and response.context["reject_form"].errors["reason"]
    client.post(reverse("agency_office:refuse", args=[agency.pk]), {"reason": "备案编号与备案系统不符"})
    agency.refresh_from_db()
    assert (agency.status, agency.decision_note) == ("refused", "备案编号与备案系统不符")
    notice = Notification.objects.get(recipient=requester, title__contains="未获批准")
    assert "备案编号与备案系统不符" in notice.body
    assert AuditEvent.objects.filter(action="agency.refuse", object_id=str(agency.pk)).exists()
    client.force_login(requester)
    page = client.get(reverse("agencies:detail", args=[agency.pk])).content.decode()
    assert "备案编号与备案系统不符" in page and "未批准" in page
    # A refused agency may register again with the same code.
    assert registered(requester).status == "pending"


def test_a_decision_is_taken_once(requester, clerk, user_with_role):
    other_clerk = user_with_role("gu", "center_clerk")
    agency = registered(requester)
    approve_agency(agency=agency, actor=clerk)
    with pytest.raises(AgencyError, match="已批准"):
        refuse_agency(agency=CreditAgency.objects.get(pk=agency.pk), actor=other_clerk, reason="迟到的意见")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"uscc": "91320600MA2AGC0Y1X"}, "uscc", "校验位错误"),
        ({"uscc": "9132060"}, "uscc", "应为18位"),
        ({"licence_number": "  "}, "licence_number", "必填"),
        ({"members": "nobody"}, "members", "没有这些账号：nobody"),
        ({"contact_name": "王一帆 " + make_ric("32060219900101123")}, "contact_name", "公民身份号码3206"),
    ],
)
def test_bad_registration_input_gets_a_clear_error_and_keeps_the_form(client, requester, overrides, field, message):
    client.force_login(requester)
    response = client.post(reverse("agencies:register"), form(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["name"].value() == "南通诚信征信服务有限公司"  # nothing typed is lost
    assert not CreditAgency.objects.exists()


def test_members_must_be_verified_requesters_and_are_told(client, requester, other_requester, unverified_requester):
    client.force_login(requester)
    response = client.post(reverse("agencies:register"), form(members=unverified_requester.username))
    assert "尚未完成实名核验" in " ".join(response.context["form"].errors["members"])
    client.post(reverse("agencies:register"), form(members=f"{other_requester.username}，{requester.username}"))
    agency = CreditAgency.objects.get()
    members = {m.user.username: m.is_admin for m in agency.members.select_related("user")}
    assert members == {requester.username: True, other_requester.username: False}
    assert Notification.objects.filter(recipient=other_requester, title__contains="经办账号").exists()


def test_an_unverified_requester_cannot_register(unverified_requester):
    with pytest.raises(AgencyError, match="实名核验"):
        registered(unverified_requester)


def test_one_live_registration_per_code(requester, other_requester):
    registered(requester)
    with pytest.raises(AgencyError, match="已登记或正在审核中"):
        registered(other_requester)


# --- Keys --------------------------------------------------------------------------------------


def test_the_organisation_revokes_a_key_and_the_next_call_is_401(client, requester, agency, agency_key):
    key, secret = agency_key
    client.force_login(requester)
    response = client.post(reverse("agencies:key_revoke", args=[agency.pk, key.pk]))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == requester
    client.logout()
    response = api_get(client, secret, "91320602MA1XY712A9")
    assert response.status_code == 401 and response.json() == {"detail": "接口密钥无效或已吊销。"}
    assert AuditEvent.objects.filter(action="agencykey.revoke").count() == 1


def test_the_center_sets_the_quota_and_revokes_a_key(client, clerk, requester, agency, agency_key, settings):
    settings.AGENCY_API_DAILY_QUOTA = 1000
    key, _secret = agency_key
    assert key.quota == 1000
    client.force_login(clerk)
    client.post(reverse("agency_office:key_quota", args=[key.pk]), {"daily_quota": "50"})
    key.refresh_from_db()
    assert (key.daily_quota, key.quota) == (50, 50)
    assert Notification.objects.filter(recipient=requester, title__contains="50次").exists()
    client.post(reverse("agency_office:key_quota", args=[key.pk]), {"daily_quota": ""})
    key.refresh_from_db()
    assert (key.daily_quota, key.quota) == (None, 1000)
    response = client.post(reverse("agency_office:key_quota", args=[key.pk]), {"daily_quota": "-3"}, follow=True)
    assert "每日调用限额应为" in response.content.decode()
    client.post(reverse("agency_office:key_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_by == clerk
    assert Notification.objects.filter(recipient=requester, body__contains="市公共信用信息中心").exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="agencykey.").values_list("action", flat=True).order_by("id")
    ) == ["agencykey.create", "agencykey.quota", "agencykey.quota", "agencykey.revoke"]


def test_another_organisations_keys_are_404(client, other_requester, agency, agency_key, other_agency):
    key, _secret = agency_key
    client.force_login(other_requester)
    assert client.get(reverse("agencies:detail", args=[agency.pk])).status_code == 404
    assert client.post(reverse("agencies:detail", args=[agency.pk]), {"name": "x"}).status_code == 404
    assert client.post(reverse("agencies:key_revoke", args=[agency.pk, key.pk])).status_code == 404
    # Its own agency in the URL with another agency's key: 404 too.
    assert client.post(reverse("agencies:key_revoke", args=[other_agency.pk, key.pk])).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None and not AgencyApiKey.objects.filter(agency=agency, name="x").exists()


def test_a_member_who_is_not_admin_sees_but_cannot_manage_keys(client, requester, other_requester, clerk):
    agency = approve_agency(agency=registered(requester, member_usernames=[other_requester.username]), actor=clerk)
    client.force_login(requester)
    client.post(reverse("agencies:detail", args=[agency.pk]), {"name": "评估系统"})
    key = AgencyApiKey.objects.get()
    client.force_login(other_requester)
    page = client.get(reverse("agencies:detail", args=[agency.pk]))
    assert page.status_code == 200 and "评估系统" in page.content.decode() and "创建新密钥" not in page.content.decode()
    assert client.post(reverse("agencies:key_revoke", args=[agency.pk, key.pk])).status_code == 403
    client.post(reverse("agencies:detail", args=[agency.pk]), {"name": "偷偷建的"})
    assert AgencyApiKey.objects.count() == 1


@pytest.mark.parametrize("role", ["subject_user", "provider_staff", "government_user", "auditor", "center_clerk"])
def test_other_roles_cannot_use_the_agency_pages(client, user_with_role, role, agency):
    client.force_login(user_with_role("someone", role))
    assert client.get(reverse("agencies:list")).status_code == 403
    assert client.get(reverse("agencies:register")).status_code == 403


@pytest.mark.parametrize("role", ["requester", "subject_user", "provider_staff", "auditor"])
def test_only_the_center_reviews_agencies(client, user_with_role, role, agency, agency_key):
    client.force_login(user_with_role("someone", role))
    assert client.get(reverse("agency_office:list")).status_code == 403
    assert client.get(reverse("agency_office:detail", args=[agency.pk])).status_code == 403
    assert client.post(reverse("agency_office:approve", args=[agency.pk])).status_code == 403
    assert client.post(reverse("agency_office:key_revoke", args=[agency_key[0].pk])).status_code == 403


def test_a_clerk_does_not_approve_an_agency_they_act_for(requester, user_with_role):
    clerk_and_requester = user_with_role(
        "both", "center_clerk", "requester", identity_verified_at=requester.identity_verified_at
    )
    agency = registered(clerk_and_requester)
    with pytest.raises(AgencyError, match="本人所在机构"):
        approve_agency(agency=agency, actor=clerk_and_requester)


def test_the_clerks_queue_lists_pending_agencies(client, clerk, requester, other_requester):
    pending = registered(requester)
    refused = refuse_agency(
        agency=registered(other_requester, "91320611MA1QXK3U8K", "江苏启信"), actor=clerk, reason="材料不全"
    )
    client.force_login(clerk)
    page = client.get(reverse("agency_office:list")).content.decode()
    assert pending.name in page and refused.name not in page
    assert refused.name in client.get(reverse("agency_office:list"), {"status": "refused"}).content.decode()


def test_registration_through_the_service_refuses_a_requester_of_another_role(user_with_role):
    government = user_with_role("shi", "government_user", identity_verified_at=None)
    with pytest.raises(AgencyError, match="不是查询申请人"):
        register_agency(
            registrant=government,
            name="x",
            uscc=AGENCY_USCC,
            licence_number="x",
            contact_name="x",
            contact_phone="x",
        )


def test_the_back_office_home_leads_requesters_and_clerks_to_the_agency_pages(client, requester, clerk):
    client.force_login(requester)
    home = client.get(reverse("office:home")).content.decode()
    assert reverse("agencies:register") in home and reverse("agency_office:list") not in home
    client.force_login(clerk)
    home = client.get(reverse("office:home")).content.decode()
    assert reverse("agency_office:list") in home and reverse("agencies:register") not in home
