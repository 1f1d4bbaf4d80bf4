import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from catalog import services
from catalog.errors import CatalogLocked, DraftExists, NotPublishable
from catalog.models import CatalogField, CatalogItem, CatalogVersion, Category, FieldType, SubjectKind

from .factories import DisclosureRuleFactory, DisclosureSchemeFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def item_attributes(**overrides):
    return {
        "code": "honour",
        "name": "荣誉表彰",
        "category": Category.COMMENDATION,
        "subject_kinds": [SubjectKind.LEGAL_PERSON],
        "disclosure_scheme": DisclosureSchemeFactory(code="honour_period"),
    } | overrides


# --- Drafts -----------------------------------------------------------------------------------


def test_the_very_first_draft_is_empty(catalog_admin):
    draft = services.create_draft(actor=catalog_admin)
    assert (draft.number, draft.status, draft.created_by) == (1, CatalogVersion.Status.DRAFT, catalog_admin)
    assert not draft.items.exists()
    assert events("catalog.draft_created")[0].actor == catalog_admin


def test_a_draft_copies_the_newest_version_with_fields_providers_and_documents(published, catalog_admin):
    draft = services.create_draft(actor=catalog_admin)
    assert draft.number == published.number + 1

    def contents(version):
        return [
            (
                i.code,
                i.name,
                i.category,
                i.disclosure_scheme_id,
                sorted(p.code for p in i.providers.all()),
                [
                    (f.key, f.label, f.type, f.required, f.choices, f.multiple, f.is_public, f.position)
                    for f in i.fields.all()
                ],
            )
            for i in version.items.prefetch_related("providers", "fields").order_by("code")
        ]

    assert contents(draft) == contents(published)
    assert not set(draft.items.values_list("pk", flat=True)) & set(published.items.values_list("pk", flat=True))
    assert list(draft.documents.values_list("title", "body")) == list(published.documents.values_list("title", "body"))
    assert events("catalog.draft_created")[-1].after == {"number": draft.number, "copied_from": published.number}


def test_it_refuses_a_second_draft(draft, catalog_admin):
    with pytest.raises(DraftExists):
        services.create_draft(actor=catalog_admin)


def test_editing_the_draft_leaves_the_published_version_alone(published, draft, catalog_admin):
    item = draft.items.get(code="business_registration")
    services.update_draft_item(item=item, actor=catalog_admin, name="企业登记")
    field = item.fields.get(key="reg_authority")
    services.update_field(field=field, actor=catalog_admin, label="登记机关名称")
    assert published.items.get(code="business_registration").name == "工商登记"
    assert CatalogField.objects.get(item__version=published, key="reg_authority").label == "登记机关"


def test_it_updates_the_draft_metadata(draft, catalog_admin):
    services.update_draft(version=draft, actor=catalog_admin, title="2027年版目录", notes="新增荣誉表彰事项。")
    draft.refresh_from_db()
    assert (draft.title, draft.notes) == ("2027年版目录", "新增荣誉表彰事项。")
    assert events("catalog.draft_changed")[0].after == {"title": "2027年版目录", "notes": "新增荣誉表彰事项。"}


# --- Items ------------------------------------------------------------------------------------


def test_it_adds_an_item_with_providers_at_the_end(draft, catalog_admin, market_bureau):
    item = services.add_item(version=draft, actor=catalog_admin, providers=[market_bureau], **item_attributes())
    assert item.position == max(draft.items.exclude(pk=item.pk).values_list("position", flat=True)) + 1
    assert list(item.providers.all()) == [market_bureau]
    event = events("catalog.item_added")[0]
    assert (event.actor, event.object_id, event.after["providers"]) == (catalog_admin, str(item.pk), ["scjgj"])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "Honour-1"}, "code", "只能使用小写英文字母"),
        ({"code": "business_registration"}, "code", "本版本已有事项代码"),
        ({"subject_kinds": []}, "subject_kinds", "请至少选择一类适用主体"),
        ({"subject_kinds": ["martian"]}, "subject_kinds", "适用主体只能是"),
        ({"category": "gossip"}, "category", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_it_refuses_an_invalid_item(draft, catalog_admin, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        services.add_item(version=draft, actor=catalog_admin, **item_attributes(**overrides))
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert not events("catalog.item_added")


def test_registration_items_must_be_long_term(draft, catalog_admin):
    scheme = DisclosureRuleFactory(by_severity=True).scheme
    with pytest.raises(ValidationError) as caught:
        services.add_item(
            version=draft,
            actor=catalog_admin,
            **item_attributes(category=Category.REGISTRATION, disclosure_scheme=scheme),
        )
    assert "第十一条" in caught.value.message_dict["disclosure_scheme"][0]


def test_it_updates_an_item_and_audits_only_what_changed(draft, catalog_admin):
    other = ProviderFactory(code="swj", name="南通市商务局")
    item = draft.items.get(code="admin_penalty")
    services.update_draft_item(item=item, actor=catalog_admin, providers=[other], submission_deadline_workdays=5)
    item.refresh_from_db()
    assert item.submission_deadline_workdays == 5
    assert list(item.providers.values_list("code", flat=True)) == ["swj"]
    event = events("catalog.item_changed")[0]
    assert event.before == {"submission_deadline_workdays": 7, "providers": ["scjgj"]}
    assert event.after == {"submission_deadline_workdays": 5, "providers": ["swj"]}


def test_it_refuses_renaming_a_published_item_code(draft, catalog_admin):
    item = draft.items.get(code="admin_penalty")
    with pytest.raises(ValidationError) as caught:
        services.update_draft_item(item=item, actor=catalog_admin, code="penalty")
    assert "已在已发布的目录中使用" in caught.value.message_dict["code"][0]


def test_a_new_item_code_may_still_change(draft, catalog_admin):
    item = services.add_item(version=draft, actor=catalog_admin, **item_attributes())
    assert services.update_draft_item(item=item, actor=catalog_admin, code="honours").code == "honours"


def test_it_removes_an_item_with_its_fields(draft, catalog_admin):
    item = draft.items.get(code="admin_penalty")
    services.remove_item(item=item, actor=catalog_admin)
    assert not draft.items.filter(code="admin_penalty").exists()
    assert not CatalogField.objects.filter(item_id=item.pk).exists()
    event = events("catalog.item_removed")[0]
    assert (event.object_id, event.before["code"]) == (str(item.pk), "admin_penalty")


# --- Fields -----------------------------------------------------------------------------------


def test_it_adds_a_field_at_the_end(draft, catalog_admin):
    item = draft.items.get(code="business_registration")
    field = services.add_field(item=item, actor=catalog_admin, key="reg_no", label="注册号", required=True)
    assert list(item.fields.values_list("key", flat=True))[-1] == "reg_no"
    assert events("catalog.field_added")[0].after["key"] == "reg_no"
    assert field.type == FieldType.TEXT


@pytest.mark.parametrize(
    ("attributes", "field", "message"),
    [
        ({"key": "Reg No"}, "key", "只能使用小写英文字母"),
        ({"key": "reg_authority"}, "key", "该事项已有字段代码"),
        ({"type": FieldType.CHOICE}, "choices", "选项字段须列出可选值"),
        ({"choices": ["是", "否"]}, "choices", "只有选项字段才能设置可选值"),
        ({"type": FieldType.CHOICE, "choices": ["甲", "甲"]}, "choices", "不能重复"),
        ({"multiple": True}, "multiple", "只有选项字段才能多选"),
        ({"type": "colour"}, "type", ""),
        ({"label": ""}, "label", ""),
    ],
)
def test_it_refuses_an_invalid_field(draft, catalog_admin, attributes, field, message):
    item = draft.items.get(code="business_registration")
    with pytest.raises(ValidationError) as caught:
        services.add_field(item=item, actor=catalog_admin, **({"key": "reg_no", "label": "注册号"} | attributes))
    assert message in " ".join(caught.value.message_dict[field])


def test_it_updates_and_removes_a_field(draft, catalog_admin):
    item = draft.items.get(code="business_registration")
    field = item.fields.get(key="reg_authority")
    services.update_field(
        field=field, actor=catalog_admin, type=FieldType.CHOICE, choices=["市市场监管局", "区市场监管局"]
    )
    assert events("catalog.field_changed")[0].after == {"type": "choice", "choices": ["市市场监管局", "区市场监管局"]}
    services.remove_field(field=field, actor=catalog_admin)
    assert not item.fields.filter(key="reg_authority").exists()
    assert events("catalog.field_removed")[0].before["key"] == "reg_authority"


def test_it_moves_fields_up_and_down(draft, catalog_admin):
    item = draft.items.get(code="admin_penalty")
    keys = lambda: list(item.fields.order_by("position", "id").values_list("key", flat=True))  # noqa: E731
    first, second = keys()[:2]
    services.move_field(field=item.fields.get(key=second), direction="up", actor=catalog_admin)
    assert keys()[:2] == [second, first]
    last = keys()[-1]
    services.move_field(field=item.fields.get(key=last), direction="down", actor=catalog_admin)  # already last
    assert keys()[-1] == last
    services.move_field(field=item.fields.get(key=second), direction="down", actor=catalog_admin)
    assert keys()[:2] == [first, second]
    assert len(events("catalog.field_moved")) == 2
    assert list(item.fields.order_by("position").values_list("position", flat=True)) == list(range(1, len(keys()) + 1))


# --- Documents --------------------------------------------------------------------------------


def test_it_adds_updates_and_removes_documents(draft, catalog_admin):
    document = services.add_document(version=draft, actor=catalog_admin, title="报送工作规范", body="按月报送。")
    services.update_document(document=document, actor=catalog_admin, body="按日报送。")
    document.refresh_from_db()
    assert document.body == "按日报送。"
    services.remove_document(document=document, actor=catalog_admin)
    assert not draft.documents.filter(title="报送工作规范").exists()
    assert [len(events(f"catalog.document_{a}")) for a in ("added", "changed", "removed")] == [1, 1, 1]


# --- Publication ------------------------------------------------------------------------------


def test_it_publishes_a_draft(draft, catalog_admin):
    version = services.publish_version(version=draft, actor=catalog_admin)
    assert version.status == CatalogVersion.Status.PUBLISHED
    assert version.published_at is not None and version.published_by == catalog_admin
    event = events("catalog.version_published")[0]
    assert (event.actor, event.object_id) == (catalog_admin, str(version.pk))
    assert event.after["items"] == ["admin_penalty", "business_registration"]


def test_it_refuses_to_publish_an_empty_catalog(catalog_admin):
    draft = services.create_draft(actor=catalog_admin)
    with pytest.raises(NotPublishable, match="不能发布空目录"):
        services.publish_version(version=draft, actor=catalog_admin)
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_refuses_to_publish_an_item_without_fields(draft, catalog_admin):
    services.add_item(version=draft, actor=catalog_admin, **item_attributes())
    with pytest.raises(NotPublishable, match="荣誉表彰"):
        services.publish_version(version=draft, actor=catalog_admin)


def test_it_refuses_to_publish_twice(published, catalog_admin):
    with pytest.raises(CatalogLocked):
        services.publish_version(version=published, actor=catalog_admin)


def test_every_edit_and_the_publication_are_audited(draft, catalog_admin):
    item = services.add_item(version=draft, actor=catalog_admin, **item_attributes())
    field = services.add_field(item=item, actor=catalog_admin, key="title", label="荣誉名称")
    services.update_field(field=field, actor=catalog_admin, required=True)
    services.update_draft_item(item=item, actor=catalog_admin, name="荣誉称号")
    services.publish_version(version=draft, actor=catalog_admin)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "catalog.draft_created",
        "catalog.item_added",
        "catalog.field_added",
        "catalog.field_changed",
        "catalog.item_changed",
        "catalog.version_published",
    ]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {catalog_admin.pk}


def test_a_refused_change_leaves_no_audit_event(published, catalog_admin):
    with pytest.raises(CatalogLocked):
        services.update_draft_item(item=published.items.first(), actor=catalog_admin, name="改名")
    assert not AuditEvent.objects.exists()


# --- A published version is immutable through every service -------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda v, u: services.update_draft(version=v, actor=u, title="改"),
        lambda v, u: services.add_item(version=v, actor=u, **item_attributes()),
        lambda v, u: services.update_draft_item(item=v.items.first(), actor=u, name="改"),
        lambda v, u: services.remove_item(item=v.items.first(), actor=u),
        lambda v, u: services.add_field(item=v.items.first(), actor=u, key="x", label="新"),
        lambda v, u: services.update_field(
            field=CatalogField.objects.filter(item__version=v).first(), actor=u, label="改"
        ),
        lambda v, u: services.remove_field(field=CatalogField.objects.filter(item__version=v).first(), actor=u),
        lambda v, u: services.move_field(
            field=CatalogField.objects.filter(item__version=v).last(), direction="up", actor=u
        ),
        lambda v, u: services.add_document(version=v, actor=u, title="新", body="新"),
        lambda v, u: services.update_document(document=v.documents.first(), actor=u, body="改"),
        lambda v, u: services.remove_document(document=v.documents.first(), actor=u),
    ],
    ids=[
        "draft",
        "add_item",
        "update_item",
        "remove_item",
        "add_field",
        "update_field",
        "remove_field",
        "move_field",
        "add_document",
        "update_document",
        "remove_document",
    ],
)
def test_services_refuse_to_change_a_published_version(published, catalog_admin, change):
    before = (CatalogItem.objects.count(), CatalogField.objects.count(), published.documents.count())
    with pytest.raises(CatalogLocked) as caught:
        change(published, catalog_admin)
    assert "已发布的目录版本不可修改" in str(caught.value)
    assert (CatalogItem.objects.count(), CatalogField.objects.count(), published.documents.count()) == before
