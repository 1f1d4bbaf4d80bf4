"""The web form channel (在线填报): a form generated from the published catalog item."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from catalog.models import Category, FieldType, SubjectKind
from collection.models import Channel, CreditRecord, NameMismatch, Subject
from collection.records.forms import RecordForm
from collection.selectors import PublishedItems
from nantong_credit import roles

from .factories import (
    PENALTY_TYPES,
    CatalogFieldFactory,
    CatalogItemFactory,
    ProviderFactory,
    make_ric,
    make_uscc,
    penalty_scheme,
    publish,
    wrong_check,
)

pytestmark = pytest.mark.django_db

COMPANY = make_uscc("91320602MA1XYW0A1")
PERSON_ID = make_ric("32060219800101123")
NEW_URL = reverse("collection_office:record_new", args=["admin_penalty"])

# The 双公示 shape of the seeded catalog (catalog/demo/items.py), trimmed.
PENALTY_FIELDS = [
    dict(key="subject_name", label="行政相对人名称", required=True, max_length=200),
    dict(
        key="subject_category",
        label="行政相对人类别",
        type=FieldType.CHOICE,
        required=True,
        choices=["法人及非法人组织", "自然人", "个体工商户"],
    ),
    dict(key="uscc", label="统一社会信用代码", type=FieldType.IDENTIFIER, help_text="法人及非法人组织、个体工商户必填"),
    dict(
        key="id_number",
        label="证件号码",
        type=FieldType.IDENTIFIER,
        is_public=False,
        help_text="行政相对人为自然人时必填；不对外公开",
    ),
    dict(key="penalty_document_number", label="行政处罚决定书文号", required=True, max_length=64),
    dict(
        key="penalty_type",
        label="处罚类别",
        type=FieldType.CHOICE,
        required=True,
        choices=PENALTY_TYPES,
        multiple=True,
        help_text="可多选，以分号分隔",
    ),
    dict(key="fine_amount", label="罚款金额（万元）", type=FieldType.DECIMAL, help_text="处罚类别含罚款时必填"),
    dict(key="decision_date", label="处罚决定日期", type=FieldType.DATE, required=True),
    dict(key="first_offence", label="初次违法", type=FieldType.BOOLEAN),
    dict(key="person_count", label="涉案人数", type=FieldType.INTEGER),
    dict(key="penalty_content", label="处罚内容", required=True, max_length=4000),
    dict(key="authority", label="处罚机关", required=True, max_length=200),
    dict(key="authority_uscc", label="处罚机关统一社会信用代码", type=FieldType.IDENTIFIER, required=True),
]
SCJGJ_USCC = make_uscc("11320600014129171")


@pytest.fixture
def scjgj(db):
    return ProviderFactory(code="scjgj", name="南通市市场监督管理局", uscc=SCJGJ_USCC)


@pytest.fixture
def swj(db):
    return ProviderFactory(code="swj", name="国家税务总局南通市税务局")


@pytest.fixture
def catalog(scjgj, swj):
    """行政处罚 (scjgj and swj responsible) shaped like the seeded catalog, and 荣誉表彰 (only
    swj), which has no document number field, so its key must be typed."""
    penalty = CatalogItemFactory(
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        is_dishonesty=True,
        subject_kinds=list(SubjectKind.values),
        disclosure_scheme=penalty_scheme(),
        providers=[scjgj, swj],
        position=1,
    )
    honour = CatalogItemFactory(
        version=penalty.version,
        code="commendation",
        name="荣誉表彰",
        category=Category.COMMENDATION,
        subject_kinds=list(SubjectKind.values),
        providers=[swj],
        position=2,
    )
    for position, attributes in enumerate(PENALTY_FIELDS):
        CatalogFieldFactory(item=penalty, position=position, **attributes)
    CatalogFieldFactory(item=honour, key="honor_name", label="荣誉名称", required=True, max_length=200, position=1)
    CatalogFieldFactory(
        item=honour, key="decision_date", label="授予日期", type=FieldType.DATE, required=True, position=2
    )
    return publish(penalty.version)


@pytest.fixture
def staff(user_with_role, scjgj):
    user = user_with_role("bob", roles.PROVIDER_STAFF)
    scjgj.staff.add(user)
    return user


def post_data(**overrides) -> dict:
    data = {
        "source_key": "",
        "subject_kind": "legal_person",
        "subject_name": "南通通达建设工程有限公司",
        "subject_identifier": COMPANY.lower(),  # as people type it
        "data__penalty_document_number": "通市监罚〔2026〕12号",
        "data__penalty_type": ["警告", "罚款"],
        "data__fine_amount": "2.50",
        "data__decision_date": "2026-05-06",
        "data__first_offence": "1",
        "data__person_count": "3",
        "data__penalty_content": "警告并罚款人民币2.5万元",
        "data__authority": "南通市市场监督管理局",
        "data__authority_uscc": SCJGJ_USCC,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_it_renders_the_catalog_fields_with_their_chinese_labels_and_help(client, catalog, staff):
    client.force_login(staff)
    response = client.get(NEW_URL)
    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "行政处罚决定书文号",
        "处罚类别",
        "罚款金额（万元）",
        "处罚决定日期",
        "初次违法",
        "涉案人数",
        "处罚内容",
    ):
        assert label in page
    assert "处罚类别含罚款时必填" in page and "可多选，以分号分隔" in page
    assert "确认为早期试点不规范代码" in page and "信用唯一识别码" in page
    # The key comes from the document number when left empty, as the seed loader and exports do.
    assert "留空时取“行政处罚决定书文号”" in page
    form = response.context["form"]
    assert form.fields["data__decision_date"].widget.input_type == "date"
    assert form.fields["data__penalty_type"].widget.__class__.__name__ == "CheckboxSelectMultiple"
    assert form.fields["data__subject_category"].__class__.__name__ == "ChoiceField"
    assert form.fields["data__penalty_document_number"].max_length == 64
    assert form.fields["data__penalty_document_number"].required
    assert not form.fields["data__fine_amount"].required
    assert "provider" not in form.fields  # bob works for one provider only
    # The deciding authority starts as the submitting provider, as in the departments' exports.
    assert form.initial["data__authority"] == "南通市市场监督管理局"
    assert form.initial["data__authority_uscc"] == SCJGJ_USCC


@freeze_time("2026-05-08 10:00")
def test_a_good_submission_creates_a_record(client, catalog, staff, scjgj):
    client.force_login(staff)
    response = client.post(NEW_URL, post_data(), follow=True)
    record = CreditRecord.objects.get()
    assert response.redirect_chain[-1][0] == reverse("collection_office:record_detail", args=[record.pk])
    assert (record.provider, record.channel, record.source_key) == (scjgj, Channel.FORM, "通市监罚〔2026〕12号")
    assert record.subject.code == COMPANY
    # The subject block filled the repeated 行政相对人 fields that were left empty.
    assert record.data == {
        "subject_name": "南通通达建设工程有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": COMPANY,
        "penalty_document_number": "通市监罚〔2026〕12号",
        "penalty_type": ["警告", "罚款"],
        "fine_amount": "2.5",
        "decision_date": "2026-05-06",
        "first_offence": True,
        "person_count": 3,
        "penalty_content": "警告并罚款人民币2.5万元",
        "authority": "南通市市场监督管理局",
        "authority_uscc": SCJGJ_USCC,
    }
    assert record.revisions.get().created_by == staff
    assert AuditEvent.objects.filter(action="record.create", actor=staff).exists()
    page = response.content.decode()
    assert "已报送“行政处罚”记录 通市监罚〔2026〕12号（南通通达建设工程有限公司）" in page


@freeze_time("2026-05-08 10:00")
def test_identical_resubmission_says_unchanged(client, catalog, staff):
    client.force_login(staff)
    client.post(NEW_URL, post_data())
    response = client.post(NEW_URL, post_data(), follow=True)
    assert CreditRecord.objects.count() == 1 and CreditRecord.objects.get().revision == 1
    assert "内容与已报送的相同，未作改动（仍为第1版）" in response.content.decode()


@freeze_time("2026-05-08 10:00")
def test_a_changed_resubmission_with_the_same_number_updates(client, catalog, staff):
    client.force_login(staff)
    client.post(NEW_URL, post_data())
    response = client.post(NEW_URL, post_data(data__fine_amount="3"), follow=True)
    record = CreditRecord.objects.get()
    assert record.revision == 2 and record.data["fine_amount"] == "3"
    assert "生成第2版" in response.content.decode()


@freeze_time("2026-05-08 10:00")
def test_another_departments_name_is_accepted_without_renaming_the_company(client, catalog, staff, swj, user_with_role):
    tax_staff = user_with_role("dave", roles.PROVIDER_STAFF)
    swj.staff.add(tax_staff)
    client.force_login(tax_staff)
    client.post(NEW_URL, post_data(data__penalty_document_number="通税罚〔2026〕3号"))
    client.force_login(staff)
    response = client.post(NEW_URL, post_data(subject_name="南通通达建筑有限公司"), follow=True)
    assert CreditRecord.objects.count() == 2
    assert Subject.objects.get().name == "南通通达建设工程有限公司"
    assert (
        "信息主体名称“南通通达建筑有限公司”与平台登记的名称“南通通达建设工程有限公司”不一致"
        in response.content.decode()
    )
    mismatch = NameMismatch.objects.get()
    assert (mismatch.provider, mismatch.submitted_name, mismatch.source_key) == (
        staff.providers.get(),
        "南通通达建筑有限公司",
        "通市监罚〔2026〕12号",
    )


@freeze_time("2026-06-08 10:00")
def test_a_late_submission_warns_with_the_due_date(client, catalog, staff):
    client.force_login(staff)
    response = client.post(NEW_URL, post_data(), follow=True)
    # Decided Wed 2026-05-06, 7 working days (Sat 05-09 is a 调休 working day): due Thu 05-14.
    assert "逾期报送：应于2026-05-14前报送" in response.content.decode()
    assert CreditRecord.objects.get().is_late


@freeze_time("2026-05-08 10:00")
def test_an_unknown_division_is_accepted_with_a_warning(client, catalog, staff):
    # 320681 (启东市) was set up in 1989: a number issued later to someone born in 1980 is real.
    late_county = make_ric("32068119800101123")
    client.force_login(staff)
    response = client.post(
        NEW_URL,
        post_data(
            subject_kind="natural_person",
            subject_name="王建国",
            subject_identifier=late_county,
        ),
        follow=True,
    )
    record = CreditRecord.objects.get()
    assert record.subject.identifier_flag == Subject.IdentifierFlag.UNKNOWN_DIVISION
    page = response.content.decode()
    assert "在出生年份1980年尚未设立或未收录" in page
    assert late_county not in page  # the ID number is shown masked only
    assert record.data["id_number"] == record.subject.identifier_masked and record.data["subject_category"] == "自然人"


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


@freeze_time("2026-05-08 10:00")
def test_pipeline_errors_appear_next_to_their_fields(client, catalog, staff):
    client.force_login(staff)
    response = client.post(
        NEW_URL,
        post_data(
            subject_identifier=wrong_check(COMPANY),
            subject_name="",
            data__uscc=wrong_check(COMPANY, "ABC"),
        ),
    )
    # The form's own checks come first: the name is required.
    assert field_errors(response, "subject_name") == ["该字段是必填项。"]
    response = client.post(
        NEW_URL,
        post_data(
            subject_identifier=wrong_check(COMPANY),
            data__uscc=wrong_check(COMPANY, "ABC"),
        ),
    )
    assert response.status_code == 200
    assert not CreditRecord.objects.exists()
    # Then the pipeline's, each next to its own field and all at once.
    assert field_errors(response, "subject_identifier") == [
        "统一社会信用代码校验位错误，请核对代码是否抄写有误（早期试点代码如确属不规范，请明确声明）"
    ]
    assert field_errors(response, "data__uscc") == [
        "“统一社会信用代码”：统一社会信用代码校验位错误，请核对代码是否抄写有误（早期试点代码如确属不规范，请明确声明）"
    ]
    assert not response.context["form"].non_field_errors()
    page = response.content.decode()
    assert "未能报送" in page and 'id="id_data__uscc_error"' in page


@freeze_time("2026-05-08 10:00")
def test_a_future_decision_date_is_refused_at_the_date_field(client, catalog, staff):
    client.force_login(staff)
    response = client.post(NEW_URL, post_data(data__decision_date="2026-06-01"))
    assert field_errors(response, "data__decision_date") == ["决定日期不能晚于今天"]


@freeze_time("2026-05-08 10:00")
def test_a_kind_that_does_not_fit_the_code_is_refused_at_the_identifier(client, catalog, staff):
    client.force_login(staff)
    response = client.post(NEW_URL, post_data(subject_kind="individual_business"))
    assert field_errors(response, "subject_identifier") == [
        "个体工商户的统一社会信用代码应以92开头（登记管理部门码9、机构类别码2），该代码以91开头"
    ]


@freeze_time("2026-05-08 10:00")
def test_required_fields_and_types_are_checked_in_chinese(client, catalog, staff):
    client.force_login(staff)
    response = client.post(
        NEW_URL,
        post_data(
            data__penalty_content="",
            data__person_count="三人",
            data__penalty_document_number="",
        ),
    )
    assert field_errors(response, "data__penalty_content") == ["该字段是必填项。"]
    assert field_errors(response, "data__person_count") == ["输入整数。"]
    assert field_errors(response, "data__penalty_document_number") == ["该字段是必填项。"]
    assert not CreditRecord.objects.exists()


@freeze_time("2026-05-08 10:00")
def test_an_irregular_pilot_code_needs_the_explicit_checkbox(client, catalog, staff):
    irregular = wrong_check(COMPANY)
    client.force_login(staff)
    response = client.post(NEW_URL, post_data(subject_identifier=irregular, irregular_code="on"), follow=True)
    record = CreditRecord.objects.get()
    assert record.subject.identifier_flag == Subject.IdentifierFlag.IRREGULAR_CODE
    assert "已按报送单位声明的早期试点代码受理，待复核" in response.content.decode()


@freeze_time("2026-05-08 10:00")
def test_an_item_without_document_number_needs_a_typed_key(client, catalog, swj, user_with_role):
    user = user_with_role("erin", roles.PROVIDER_STAFF)
    swj.staff.add(user)
    client.force_login(user)
    url = reverse("collection_office:record_new", args=["commendation"])
    response = client.post(
        url,
        {
            "subject_kind": "legal_person",
            "subject_name": "南通通达建设工程有限公司",
            "subject_identifier": COMPANY,
            "data__honor_name": "纳税信用A级纳税人",
            "data__decision_date": "2026-04-30",
        },
    )
    assert field_errors(response, "source_key") == ["该字段是必填项。"]
    response = client.post(
        url,
        {
            "source_key": "NTSW-2026-001",
            "subject_kind": "legal_person",
            "subject_name": "南通通达建设工程有限公司",
            "subject_identifier": COMPANY,
            "data__honor_name": "纳税信用A级纳税人",
            "data__decision_date": "2026-04-30",
        },
    )
    assert response.status_code == 302
    assert CreditRecord.objects.get().source_key == "NTSW-2026-001"


@freeze_time("2026-05-08 10:00")
def test_staff_of_several_providers_choose_one(client, catalog, scjgj, swj, user_with_role):
    user = user_with_role("frank", roles.PROVIDER_STAFF)
    scjgj.staff.add(user)
    swj.staff.add(user)
    client.force_login(user)
    form = client.get(NEW_URL).context["form"]
    assert {p.code for p in form.fields["provider"].queryset} == {"scjgj", "swj"}
    response = client.post(NEW_URL, post_data())
    assert field_errors(response, "provider") == ["该字段是必填项。"]
    client.post(NEW_URL, post_data(provider=swj.pk))
    assert CreditRecord.objects.get().provider == swj
    # A provider the user does not work for cannot be chosen.
    other = ProviderFactory(code="gaj", name="南通市公安局")
    response = client.post(NEW_URL, post_data(provider=other.pk, source_key="X-1"))
    assert field_errors(response, "provider")


def test_the_form_maps_each_error_path_to_its_field(catalog, scjgj):
    item = PublishedItems().get("admin_penalty")
    form = RecordForm(post_data(), item=item, providers=[scjgj])
    assert form.is_valid(), form.errors
    form.add_submission_errors(
        {
            "data.fine_amount": ["罚款金额有误"],
            "subject.identifier": ["识别码有误"],
            "subject.kind": ["类别有误"],
            "subject.name": ["名称有误"],
            "data": ["数据项应为对象"],
            "item": ["目录未发布"],
            "data.not_in_catalog": ["多余数据项"],
        }
    )
    assert form.errors["data__fine_amount"] == ["罚款金额有误"]
    assert form.errors["subject_identifier"] == ["识别码有误"]
    assert form.errors["subject_kind"] == ["类别有误"]
    assert form.errors["subject_name"] == ["名称有误"]
    assert form.non_field_errors() == ["数据项应为对象", "目录未发布", "多余数据项"]


def test_a_missing_key_is_reported_at_the_document_number(catalog, scjgj):
    item = PublishedItems().get("admin_penalty")
    form = RecordForm(post_data(), item=item, providers=[scjgj])
    assert form.is_valid()
    form.add_submission_errors({"source_key": ["未填写业务编号"]})
    assert form.errors["data__penalty_document_number"] == ["未填写业务编号"]
