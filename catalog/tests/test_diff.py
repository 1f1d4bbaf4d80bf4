import pytest

from catalog import services
from catalog.models import Category, FieldType, SubjectKind
from catalog.selectors import diff_versions

from .factories import DisclosureSchemeFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def test_an_untouched_draft_has_no_changes(published, draft):
    diff = diff_versions(published, draft)
    assert not diff.has_changes
    assert (diff.added, diff.removed, diff.changed, diff.documents) == ([], [], [], [])


def test_without_a_published_version_everything_is_added(published):
    diff = diff_versions(None, published)
    assert [d.code for d in diff.added] == ["business_registration", "admin_penalty"]
    assert {f.key for f in diff.added[0].fields} == {"reg_authority", "established_on"}
    assert [d.status for d in diff.documents] == ["added"]


def test_it_lists_added_removed_and_changed_items_and_fields(published, draft, catalog_admin):
    services.add_item(
        version=draft,
        actor=catalog_admin,
        code="honour",
        name="荣誉表彰",
        category=Category.COMMENDATION,
        subject_kinds=[SubjectKind.LEGAL_PERSON],
        disclosure_scheme=DisclosureSchemeFactory(),
    )
    services.remove_item(item=draft.items.get(code="business_registration"), actor=catalog_admin)
    penalty = draft.items.get(code="admin_penalty")
    services.update_draft_item(
        item=penalty,
        actor=catalog_admin,
        name="行政处罚决定",
        submission_deadline_workdays=5,
        providers=[ProviderFactory(code="swj", name="南通市商务局")],
    )
    services.add_field(item=penalty, actor=catalog_admin, key="illegal_facts", label="违法事实")
    services.remove_field(field=penalty.fields.get(key="fine_amount"), actor=catalog_admin)
    services.update_field(
        field=penalty.fields.get(key="severity"),
        actor=catalog_admin,
        required=True,
        choices=["轻微", "一般", "较重", "严重"],
    )

    diff = diff_versions(published, draft)

    assert [(d.code, d.status) for d in diff.added] == [("honour", "added")]
    assert [(d.code, d.name, d.status) for d in diff.removed] == [("business_registration", "工商登记", "removed")]
    [changed] = diff.changed
    assert changed.code == "admin_penalty"
    assert {(c.name, c.label, c.old, c.new) for c in changed.changes} == {
        ("name", "事项名称", "行政处罚", "行政处罚决定"),
        ("submission_deadline_workdays", "报送时限（工作日）", "7", "5"),
        ("providers", "责任单位", "南通市市场监督管理局", "南通市商务局"),
    }
    fields = {f.key: f for f in changed.fields}
    assert (fields["illegal_facts"].status, fields["fine_amount"].status) == ("added", "removed")
    assert fields["severity"].status == "changed"
    assert {(c.label, c.old, c.new) for c in fields["severity"].changes} == {
        ("必填", "否", "是"),
        ("可选值", "轻微、一般、严重", "轻微、一般、较重、严重"),
    }
    assert set(fields) == {"illegal_facts", "fine_amount", "severity"}


def test_it_shows_choice_values_in_chinese(published, draft, catalog_admin):
    item = draft.items.get(code="business_registration")
    services.update_draft_item(item=item, actor=catalog_admin, openness="authorized")
    services.update_field(field=item.fields.get(key="established_on"), actor=catalog_admin, type=FieldType.TEXT)
    [changed] = diff_versions(published, draft).changed
    assert [(c.old, c.new) for c in changed.changes] == [("公开", "授权查询")]
    assert [(c.old, c.new) for c in changed.fields[0].changes] == [("日期", "文本")]


def test_it_reports_document_changes(published, draft, catalog_admin):
    services.update_document(document=draft.documents.get(), actor=catalog_admin, body="第一条 数据项应当完整、准确。")
    services.add_document(version=draft, actor=catalog_admin, title="异议处理规程", body="……")
    diff = diff_versions(published, draft)
    assert {(d.title, d.status) for d in diff.documents} == {
        ("公共信用信息数据规范", "changed"),
        ("异议处理规程", "added"),
    }
    assert diff.has_changes


def test_subject_kinds_in_another_order_are_no_change(published, draft, catalog_admin):
    item = draft.items.get(code="admin_penalty")
    services.update_draft_item(item=item, actor=catalog_admin, subject_kinds=list(reversed(item.subject_kinds)))
    assert not diff_versions(published, draft).has_changes
