"""A provider's record pages: list, detail with revision history, edit, revoke, and who may."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from catalog.models import CatalogItem
from collection.models import Channel, CreditRecord, RecordStatus
from collection.records import selectors as record_selectors
from collection.services.records import submit_record

from .factories import CreditRecordFactory, make_ric, make_uscc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPANY = make_uscc("91320602MA1XYW0A1")
PERSON_ID = make_ric("32060219800101123")
LIST_URL = reverse("collection_office:records")


def penalty_data(key: str, **extra) -> dict:
    return {
        "decision_no": key,
        "penalty_type": "罚款",
        "penalty_amount": "2.5",
        "decision_date": "2026-04-28",
        "basis": "《食品安全法》第一百二十四条",
        **extra,
    }


def submit(provider, key: str = "通市监罚〔2026〕12号", *, subject=None, received: str = "2026-05-08 10:00", **extra):
    subject = subject or {"kind": "legal_person", "name": "南通通达建设工程有限公司", "identifier": COMPANY}
    return submit_record(
        provider=provider,
        item_code="admin_penalty",
        source_key=key,
        subject=subject,
        data=penalty_data(key, **extra),
        channel=Channel.API,
        received_at=dt.datetime.fromisoformat(received).replace(tzinfo=SHANGHAI),
    ).record


def url(name: str, record: CreditRecord) -> str:
    return reverse(f"collection_office:{name}", args=[record.pk])


@pytest.fixture
def rsj_record(other_provider):
    """A record of another provider (made directly: that provider is not responsible here)."""
    item = CatalogItem.objects.get(code="admin_penalty", version__status="published")
    return CreditRecordFactory(catalog_item=item, provider=other_provider, source_key="通人社罚〔2026〕3号")


# --- The list ---------------------------------------------------------------------------------


def test_staff_see_their_providers_records_only(client, scjgj, scjgj_staff, rsj_record):
    submit(scjgj)
    client.force_login(scjgj_staff)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "通市监罚〔2026〕12号" in page and "南通通达建设工程有限公司" in page
    assert "通人社罚〔2026〕3号" not in page
    assert "共 1 条记录" in page
    assert reverse("collection_office:record_items") in page


def test_staff_of_several_providers_see_both_and_filter_by_provider(
    client, scjgj, other_provider, rsj_record, user_with_role
):
    submit(scjgj)
    user = user_with_role("frank", "provider_staff")
    scjgj.staff.add(user)
    other_provider.staff.add(user)
    client.force_login(user)

    def keys(**params) -> set[str]:
        return {r.source_key for r in client.get(LIST_URL, params).context["page"].records}

    assert keys() == {"通市监罚〔2026〕12号", "通人社罚〔2026〕3号"}
    assert keys(provider="rsj") == {"通人社罚〔2026〕3号"}
    assert "南通市人力资源和社会保障局" in client.get(LIST_URL).content.decode()
    assert client.get(url("record_detail", rsj_record)).status_code == 200


def test_the_list_filters_by_item_status_lateness_and_date(client, scjgj, scjgj_staff):
    on_time = submit(scjgj, "A-1", received="2026-05-08 10:00")
    late = submit(scjgj, "A-2", received="2026-05-13 09:00")  # due Mon 05-11 (Labour Day holiday)
    revoked = submit(scjgj, "A-3", received="2026-05-20 09:00", decision_date="2026-05-15")
    submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="A-3",
        revoke=True,
        channel=Channel.API,
        reason="决定已撤销",
    )
    licence = submit_record(
        provider=scjgj,
        item_code="admin_license",
        source_key="L-1",
        channel=Channel.API,
        subject={"kind": "legal_person", "name": "南通通达建设工程有限公司", "identifier": COMPANY},
        data={"license_no": "L-1", "license_type": "普通", "decision_date": "2026-05-06"},
        received_at=dt.datetime(2026, 5, 7, 9, tzinfo=SHANGHAI),
    ).record
    client.force_login(scjgj_staff)

    def keys(**params) -> set[str]:
        return {r.source_key for r in client.get(LIST_URL, params).context["page"].records}

    assert keys() == {"A-1", "A-2", "A-3", "L-1"}
    assert keys(item="admin_license") == {licence.source_key}
    assert keys(status="revoked") == {revoked.source_key}
    assert keys(late="1") == {late.source_key}
    assert on_time.source_key in keys(late="0") and late.source_key not in keys(late="0")
    assert keys(received_from="2026-05-09", received_to="2026-05-20") == {"A-2", "A-3"}
    assert keys(received_to="2026-05-08") == {"A-1", "L-1"}
    assert keys(received_from="2026-05-08", received_to="2026-05-08") == {"A-1"}


def test_the_list_pages_by_keyset_and_caps_its_count(client, scjgj, scjgj_staff, monkeypatch):
    monkeypatch.setattr(record_selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(record_selectors, "COUNT_CAP", 3)
    for day in range(11, 16):  # five records, one a day: newest first on the list
        submit(scjgj, f"K-{day}", received=f"2026-05-{day} 09:00")
    client.force_login(scjgj_staff)
    seen, response = [], client.get(LIST_URL, {"item": "admin_penalty"})
    assert "符合条件的记录超过 3 条" in response.content.decode()
    while True:
        page = response.context["page"]
        seen += [r.source_key for r in page.records]
        if not page.next_cursor:
            break
        assert f"item=admin_penalty&amp;after={page.next_cursor}" in response.content.decode()
        response = client.get(LIST_URL, {"item": "admin_penalty", "after": page.next_cursor})
    assert seen == ["K-15", "K-14", "K-13", "K-12", "K-11"]
    assert client.get(LIST_URL, {"after": "not-a-cursor"}).status_code == 200


# --- One record -------------------------------------------------------------------------------


def test_the_detail_page_shows_fields_dates_lateness_and_history(client, scjgj, scjgj_staff):
    record = submit(scjgj, received="2026-05-13 09:00")
    client.force_login(scjgj_staff)
    response = client.get(url("record_detail", record))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("行政处罚决定书文号", "处罚类别", "罚款金额（万元）", "2.5", "《食品安全法》第一百二十四条"):
        assert text in page
    assert "有效" in page and "一般" in page
    # 一般: published at least 3 months (repair from then), at most a year, from the decision date.
    assert "2027-04-28" in page and "2026-07-29起" in page
    assert "2026-05-11前" in page and "晚于时限2个工作日" in page
    assert "第1版" in page and "首次报送" in page


def test_an_edit_makes_a_new_revision_shown_in_the_history(client, scjgj, scjgj_staff):
    record = submit(scjgj)
    client.force_login(scjgj_staff)
    form = client.get(url("record_edit", record)).context["form"]
    assert form.initial["data__penalty_amount"] == "2.5" and form.initial["subject_identifier"] == COMPANY
    assert form.fields["source_key"].disabled
    post = {name: value for name, value in form.initial.items() if not name.startswith("irregular")}
    post.update(
        {
            "data__penalty_type": ["罚款", "警告"],
            "data__penalty_amount": "3.8",
            "reason": "更正罚款金额",
            "source_key": "改不了的编号",
        }
    )
    response = client.post(url("record_edit", record), post, follow=True)
    record.refresh_from_db()
    assert (record.revision, record.data["penalty_amount"], record.source_key) == (2, "3.8", "通市监罚〔2026〕12号")
    assert record.revisions.get(number=2).created_by == scjgj_staff
    page = response.content.decode()
    assert "生成第2版" in page and "更正罚款金额" in page
    assert '<th scope="row">罚款金额（万元）</th><td class="diff-removed text-break">2.5</td>' in page
    assert "罚款；警告" in page


def test_editing_a_natural_persons_record_never_sends_the_id_number(client, scjgj, scjgj_staff):
    person = {"kind": "natural_person", "name": "王建国", "identifier": PERSON_ID}
    record = submit(scjgj, subject=person, legal_rep_id=PERSON_ID)
    client.force_login(scjgj_staff)
    response = client.get(url("record_edit", record))
    page = response.content.decode()
    assert PERSON_ID not in page and "3206**********" in page
    post = {k: v for k, v in response.context["form"].initial.items() if not k.startswith("irregular")}
    post["data__penalty_amount"] = "1"
    response = client.post(url("record_edit", record), post)
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.revision == 2 and record.subject.identifier_masked == "3206**********" + PERSON_ID[-4:]
    assert record.data["legal_rep_id"] == record.subject.identifier_masked
    assert PERSON_ID not in client.get(url("record_detail", record)).content.decode()


def test_someone_elses_masked_number_must_be_typed_again(client, scjgj, scjgj_staff):
    record = submit(scjgj, legal_rep_id=PERSON_ID)  # a company's legal representative
    client.force_login(scjgj_staff)
    form = client.get(url("record_edit", record)).context["form"]
    post = {k: v for k, v in form.initial.items() if not k.startswith("irregular")}
    response = client.post(url("record_edit", record), post)
    assert response.context["form"].errors["data__legal_rep_id"] == [
        "该号码已脱敏保存，无法原样再次报送，请填写完整号码"
    ]
    post["data__legal_rep_id"] = PERSON_ID
    assert client.post(url("record_edit", record), post).status_code == 302


def test_a_revocation_needs_a_reason_and_keeps_the_history(client, scjgj, scjgj_staff):
    record = submit(scjgj)
    client.force_login(scjgj_staff)
    assert client.get(url("record_revoke", record)).status_code == 405
    response = client.post(url("record_revoke", record), {"reason": ""})
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    response = client.post(url("record_revoke", record), {"reason": "行政处罚决定已被依法撤销"}, follow=True)
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED and record.revision == 2
    page = response.content.decode()
    assert "已撤销“行政处罚”记录" in page and "有效 → 已撤销" in page and "行政处罚决定已被依法撤销" in page
    assert "撤销记录</button>" not in page
    response = client.post(url("record_revoke", record), {"reason": "再撤一次"}, follow=True)
    assert "这条记录此前已撤销" in response.content.decode() and CreditRecord.objects.get().revision == 2


# --- Who may ----------------------------------------------------------------------------------


def test_staff_of_another_provider_get_404_on_records_and_403_on_items(client, scjgj, rsj_staff, rsj_record):
    record = submit(scjgj)
    client.force_login(rsj_staff)
    for name in ("record_detail", "record_edit"):
        assert client.get(url(name, record)).status_code == 404
    assert client.post(url("record_revoke", record), {"reason": "恶意撤销"}).status_code == 404
    assert client.post(url("record_edit", record), {"subject_name": "篡改"}).status_code == 404
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.ACTIVE
    assert client.get(reverse("collection_office:record_new", args=["admin_penalty"])).status_code == 403
    # Their own record is theirs to read.
    assert client.get(url("record_detail", rsj_record)).status_code == 200


def test_a_catalog_admin_without_a_provider_is_refused(client, scjgj, catalog_admin):
    record = submit(scjgj)
    client.force_login(catalog_admin)
    assert client.get(reverse("collection_office:record_new", args=["admin_penalty"])).status_code == 403
    # May view records in general (the role holds view_creditrecord), but is no provider's staff.
    response = client.get(LIST_URL)
    assert response.status_code == 403 and "未关联任何信息提供单位" in response.content.decode()
    assert client.get(url("record_detail", record)).status_code == 404
    assert client.get(url("record_edit", record)).status_code == 403  # no change permission at all


def test_provider_staff_not_yet_assigned_to_a_provider_are_told_why(client, scjgj, provider_staff):
    client.force_login(provider_staff)
    for target in (
        LIST_URL,
        reverse("collection_office:record_items"),
        reverse("collection_office:record_new", args=["admin_penalty"]),
    ):
        response = client.get(target)
        assert response.status_code == 403 and "未关联任何信息提供单位" in response.content.decode(), target


def test_accounts_without_the_role_are_refused(client, scjgj, nobody):
    record = submit(scjgj)
    # Listed as staff but without the provider_staff role: the role's permissions decide.
    scjgj.staff.add(nobody)
    client.force_login(nobody)
    for target in (
        LIST_URL,
        reverse("collection_office:record_items"),
        url("record_detail", record),
        url("record_edit", record),
        reverse("collection_office:record_new", args=["admin_penalty"]),
    ):
        assert client.get(target).status_code == 403, target
    assert client.post(url("record_revoke", record), {"reason": "x"}).status_code == 403


def test_anonymous_users_are_sent_to_login(client, scjgj):
    record = submit(scjgj)
    for target in (
        LIST_URL,
        reverse("collection_office:record_items"),
        url("record_detail", record),
        url("record_edit", record),
        reverse("collection_office:record_new", args=["admin_penalty"]),
    ):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), target
    response = client.post(url("record_revoke", record), {"reason": "x"})
    assert response.status_code == 302 and CreditRecord.objects.get().status == RecordStatus.ACTIVE


def test_the_item_page_lists_what_the_provider_is_responsible_for(client, scjgj_staff):
    client.force_login(scjgj_staff)
    page = client.get(reverse("collection_office:record_items")).content.decode()
    assert reverse("collection_office:record_new", args=["admin_penalty"]) in page
    assert reverse("collection_office:record_new", args=["admin_license"]) in page
    assert "决定作出后7个工作日内报送" in page
    assert client.get(reverse("collection_office:record_new", args=["no_such_item"])).status_code == 404


def test_staff_find_records_by_company_name_code_id_number_or_document_number(client, scjgj, scjgj_staff, rsj_record):
    submit(scjgj)
    submit(
        scjgj,
        "通市监罚〔2026〕34号",
        subject={"kind": "natural_person", "name": "陆建国", "identifier": PERSON_ID},
    )
    client.force_login(scjgj_staff)
    for term, found, hidden in (
        ("通达建设", "通市监罚〔2026〕12号", "通市监罚〔2026〕34号"),
        (COMPANY.lower(), "通市监罚〔2026〕12号", "通市监罚〔2026〕34号"),
        ("通市监罚〔2026〕34号", "通市监罚〔2026〕34号", "通市监罚〔2026〕12号"),
        # Another provider's record stays out, whatever matches it.
        ("通人社罚〔2026〕3号", None, "通人社罚〔2026〕3号"),
    ):
        page = client.get(LIST_URL, {"q": term}).content.decode()
        table = page[page.index("<table") :] if "<table" in page else ""
        if found:
            assert found in table, term
        assert hidden not in table, term
    # An ID number is no search term (the search is a GET: it would be in the address): refused
    # with the reason, not echoed back.
    page = client.get(LIST_URL, {"q": PERSON_ID}).content.decode()
    assert "身份证号码不作为搜索词" in page and PERSON_ID not in page
