"""Credit commitments (信用承诺, Art. 12) recorded by agencies and listed; public ones are what the
subject's public page shows."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.tests.factories import make_uscc
from inquiry.commitments import public_commitments
from inquiry.models import CreditCommitment

from .authorization_support import government_user, organisation, requester  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
NEW = reverse("government:commitment_new")
LIST = reverse("government:commitments")


@pytest.fixture
def company(db):
    return organisation("南通承诺示例有限公司", 21)


def commit(client, company, **overrides):
    data = {
        "code": company.code.lower(),
        "kind": CreditCommitment.Kind.APPROVAL,
        "matter": "申请市级专项资金",
        "text": "本单位承诺所报材料真实有效，如有不实，愿承担相应法律责任并记入信用记录。",
        "made_on": "2026-03-01",
        "recipient": "南通市工业和信息化局",
        "is_public": "on",
        **overrides,
    }
    return client.post(NEW, data, follow=True)


def test_a_government_user_records_a_commitment_that_is_listed_and_public(client, government_user, company):
    client.force_login(government_user)
    page = commit(client, company).content.decode()
    commitment = CreditCommitment.objects.get()
    assert (commitment.subject, commitment.recorded_by, commitment.is_public) == (company, government_user, True)
    assert "已登记南通承诺示例有限公司的信用承诺" in page and "申请市级专项资金" in page
    assert list(public_commitments(company)) == [commitment]
    assert AuditEvent.objects.filter(action="commitment.record", actor=government_user).exists()


def test_a_commitment_not_to_be_published_stays_off_the_public_list(client, government_user, company):
    client.force_login(government_user)
    commit(client, company, is_public="")
    assert CreditCommitment.objects.get().is_public is False
    assert not public_commitments(company).exists()
    assert "申请市级专项资金" in client.get(LIST).content.decode()


def test_the_list_finds_the_commitments_of_one_subject(client, government_user, company):
    other = organisation("南通另一示例有限公司", 22)
    client.force_login(government_user)
    commit(client, company)
    commit(client, other, matter="承诺按期交付")
    page = client.get(LIST, {"code": company.code}).content.decode()
    assert "申请市级专项资金" in page and "承诺按期交付" not in page
    assert "统一社会信用代码应为18位" in client.get(LIST, {"code": "913206"}).content.decode()


def test_bad_input_is_explained_and_nothing_recorded(client, government_user, company):
    client.force_login(government_user)
    page = commit(client, company, code="91320611000000").content.decode()
    assert "统一社会信用代码应为18位" in page
    with freeze_time("2026-05-01 10:00:00+08:00"):
        page = commit(client, company, made_on="2026-05-02").content.decode()
    assert "承诺日期不能晚于今天" in page
    page = commit(client, company, matter="", text="").content.decode()
    assert "必填" in page
    assert not CreditCommitment.objects.exists()


def test_an_unknown_subject_is_refused(client, government_user):
    client.force_login(government_user)
    page = client.post(
        NEW,
        {
            "code": make_uscc("91320611888888888"),
            "kind": "voluntary",
            "matter": "x",
            "text": "y",
            "made_on": "2026-01-01",
        },
    ).content.decode()
    assert "平台中没有统一社会信用代码为" in page
    assert not CreditCommitment.objects.exists()


def test_a_clerk_may_record_and_list_commitments(client, clerk, company):
    client.force_login(clerk)
    commit(client, company)
    assert CreditCommitment.objects.get().recorded_by == clerk
    assert client.get(LIST).status_code == 200


def test_other_roles_get_403(client, requester, company):
    client.force_login(requester)
    assert client.get(LIST).status_code == 403
    assert commit(client, company).status_code == 403
    assert not CreditCommitment.objects.exists()


def test_commitments_made_on_a_day_show_newest_first(client, government_user, company):
    client.force_login(government_user)
    commit(client, company, matter="第一项", made_on="2026-01-05")
    commit(client, company, matter="第二项", made_on="2026-02-05")
    assert [c.matter for c in public_commitments(company)] == ["第二项", "第一项"]
    assert public_commitments(company).first().made_on == dt.date(2026, 2, 5)
