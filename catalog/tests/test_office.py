"""The back-office catalog editor, as `catalog_admin` and as users who may not use it."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from catalog.models import CatalogField, CatalogVersion, FieldType
from nantong_credit import roles

from .factories import DisclosureSchemeFactory

pytestmark = pytest.mark.django_db


def urls(draft):
    """(name, args) of every back-office page, for the draft fixture's version."""
    item = draft.items.get(code="admin_penalty")
    field = item.fields.first()
    document = draft.documents.first()
    n = draft.number
    return {
        "versions": [],
        "version": [n],
        "version_edit": [n],
        "diff": [n],
        "publish": [n],
        "item_add": [n],
        "item": [n, item.pk],
        "item_edit": [n, item.pk],
        "item_remove": [n, item.pk],
        "field_add": [n, item.pk],
        "field_edit": [n, item.pk, field.pk],
        "field_remove": [n, item.pk, field.pk],
        "document_add": [n],
        "document_edit": [n, document.pk],
        "document_remove": [n, document.pk],
    }


POST_ONLY = {"create_draft": [], "field_move": None}
READ_PAGES = {"versions", "version", "diff", "item"}


@pytest.fixture
def admin_client(client, catalog_admin):
    client.force_login(catalog_admin)
    return client


def url(name, *args):
    return reverse(f"catalog_office:{name}", args=args)


# --- Permissions ------------------------------------------------------------------------------


def test_every_page_opens_for_the_catalog_admin(admin_client, draft):
    for name, args in urls(draft).items():
        response = admin_client.get(url(name, *args))
        assert response.status_code == 200, name


def test_every_page_is_forbidden_to_provider_staff(client, provider_staff, draft):
    client.force_login(provider_staff)
    item = draft.items.first()
    field = item.fields.first()
    for name, args in urls(draft).items():
        assert client.get(url(name, *args)).status_code == 403, name
        assert client.post(url(name, *args)).status_code == 403, name
    assert client.post(url("create_draft")).status_code == 403
    assert client.post(url("field_move", draft.number, item.pk, field.pk), {"direction": "up"}).status_code == 403


def test_anonymous_users_are_sent_to_login(client, draft):
    for name, args in urls(draft).items():
        response = client.get(url(name, *args))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name
    assert client.post(url("create_draft")).url.startswith(reverse("login"))


def test_a_clerk_may_read_but_not_edit(client, clerk, draft):
    client.force_login(clerk)
    for name, args in urls(draft).items():
        expected = 200 if name in READ_PAGES else 403
        assert client.get(url(name, *args)).status_code == expected, name
    page = client.get(url("version", draft.number)).content.decode()
    assert "新增事项" not in page and "编辑说明" not in page


def test_publishing_needs_its_own_permission(client, user_with_role, draft):
    editor = user_with_role("editor")
    editor.user_permissions.add(
        Permission.objects.get(codename="view_catalogversion"), Permission.objects.get(codename="change_catalogversion")
    )
    client.force_login(editor)
    assert client.get(url("item_add", draft.number)).status_code == 200
    assert client.get(url("publish", draft.number)).status_code == 403
    assert client.post(url("publish", draft.number), {"confirm": "on"}).status_code == 403
    assert CatalogVersion.objects.get(pk=draft.pk).is_draft


# --- Versions ---------------------------------------------------------------------------------


def test_the_version_list_shows_status_and_dates(admin_client, published):
    page = admin_client.get(url("versions")).content.decode()
    assert "第1版" in page and "已发布" in page
    assert timezone.localtime(published.published_at).strftime("%Y-%m-%d") in page
    assert "新建草稿" in page


def test_the_admin_creates_a_draft_from_the_list(admin_client, published, catalog_admin):
    response = admin_client.post(url("create_draft"))
    draft = CatalogVersion.objects.get(status=CatalogVersion.Status.DRAFT)
    assert response.url == url("version", draft.number)
    assert draft.items.count() == published.items.count()
    page = admin_client.get(url("versions")).content.decode()
    assert "继续编辑草稿（第2版）" in page and url("create_draft") not in page


def test_a_second_draft_is_refused_with_a_message(admin_client, draft):
    response = admin_client.post(url("create_draft"), follow=True)
    assert "已有一个目录草稿" in response.content.decode()
    assert CatalogVersion.objects.filter(status=CatalogVersion.Status.DRAFT).count() == 1


def test_the_version_page_groups_items_by_category(admin_client, draft):
    page = admin_client.get(url("version", draft.number)).content.decode()
    assert page.index("登记类") < page.index("工商登记") < page.index("监管类") < page.index("行政处罚")
    assert "新增事项" in page and "发布" in page


def test_a_published_version_is_shown_read_only(admin_client, published):
    page = admin_client.get(url("version", published.number)).content.decode()
    assert "本版本已发布，内容不可修改" in page
    assert "新增事项" not in page and "编辑说明" not in page and url("publish", published.number) not in page
    item = published.items.get(code="admin_penalty")
    item_page = admin_client.get(url("item", published.number, item.pk)).content.decode()
    assert "编辑事项" not in item_page and "新增数据项" not in item_page and "field_move" not in item_page


def test_edit_pages_of_a_published_version_send_back_with_a_message(admin_client, published):
    item = published.items.get(code="admin_penalty")
    for target in (
        url("item_edit", published.number, item.pk),
        url("item_add", published.number),
        url("publish", published.number),
    ):
        response = admin_client.post(target, {"name": "改名", "confirm": "on"}, follow=True)
        assert response.redirect_chain[-1][0] == url("version", published.number)
        assert "已发布的目录版本不可修改" in response.content.decode()
    item.refresh_from_db()
    assert item.name == "行政处罚"


def test_the_admin_edits_the_draft_metadata(admin_client, draft):
    response = admin_client.post(
        url("version_edit", draft.number), {"title": "2027年版", "notes": "调整行政处罚数据项。"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.notes) == ("2027年版", "调整行政处罚数据项。")


# --- Items ------------------------------------------------------------------------------------


def item_form(**overrides):
    return {
        "code": "honour",
        "name": "荣誉表彰",
        "category": "commendation",
        "openness": "public",
        "subject_kinds": ["legal_person"],
        "providers": [],
        "submission_deadline_workdays": "10",
        "disclosure_scheme": DisclosureSchemeFactory(code="honour_period").pk,
        "legal_basis": "第八条第（四）项",
        "description": "",
        "position": "5",
    } | overrides


def test_the_admin_adds_an_item(admin_client, draft, market_bureau):
    response = admin_client.post(
        url("item_add", draft.number), item_form(providers=[market_bureau.pk], is_dishonesty="")
    )
    item = draft.items.get(code="honour")
    assert response.url == url("item", draft.number, item.pk)
    assert (item.name, item.submission_deadline_workdays, list(item.providers.all())) == (
        "荣誉表彰",
        10,
        [market_bureau],
    )
    assert AuditEvent.objects.filter(action="catalog.item_added", object_id=str(item.pk)).exists()


def test_an_invalid_item_shows_chinese_errors(admin_client, draft):
    response = admin_client.post(url("item_add", draft.number), item_form(code="Honour!", subject_kinds=[], name=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "只能使用小写英文字母、数字和下划线" in page
    assert "该字段是必填项" in page
    assert not draft.items.filter(name="").exists()


def test_a_duplicate_item_code_is_refused(admin_client, draft):
    page = admin_client.post(url("item_add", draft.number), item_form(code="admin_penalty")).content.decode()
    assert "本版本已有事项代码“admin_penalty”" in page


def test_the_admin_edits_an_item(admin_client, draft):
    item = draft.items.get(code="business_registration")
    form = item_form(
        code="business_registration",
        name="企业登记",
        category="registration",
        disclosure_scheme=item.disclosure_scheme_id,
        subject_kinds=["legal_person", "individual_business"],
    )
    response = admin_client.post(url("item_edit", draft.number, item.pk), form)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "企业登记" and item.subject_kinds == ["legal_person", "individual_business"]
    assert list(item.providers.all()) == []


def test_the_admin_removes_an_item_after_confirming(admin_client, draft):
    item = draft.items.get(code="business_registration")
    confirm = admin_client.get(url("item_remove", draft.number, item.pk)).content.decode()
    assert "确定从草稿中删除事项“工商登记”" in confirm
    assert draft.items.filter(pk=item.pk).exists()
    response = admin_client.post(url("item_remove", draft.number, item.pk))
    assert response.url == url("version", draft.number)
    assert not draft.items.filter(pk=item.pk).exists()


def test_an_item_of_another_version_is_not_found(admin_client, published, draft):
    other = published.items.first()
    assert admin_client.get(url("item", draft.number, other.pk)).status_code == 404


# --- Fields -----------------------------------------------------------------------------------


def field_form(**overrides):
    return {
        "key": "reg_no",
        "label": "注册号",
        "type": "text",
        "required": "on",
        "max_length": "",
        "choices": "",
        "is_public": "on",
        "help_text": "",
    } | overrides


def test_the_admin_adds_a_choice_field(admin_client, draft):
    item = draft.items.get(code="business_registration")
    response = admin_client.post(
        url("field_add", draft.number, item.pk),
        field_form(key="org_type", label="主体类型", type="choice", choices="有限责任公司\r\n股份有限公司\n\n"),
    )
    assert response.url == url("item", draft.number, item.pk)
    field = item.fields.get(key="org_type")
    assert (field.type, field.choices, field.required) == (FieldType.CHOICE, ["有限责任公司", "股份有限公司"], True)


def test_a_choice_field_without_choices_is_refused(admin_client, draft):
    item = draft.items.get(code="business_registration")
    page = admin_client.post(url("field_add", draft.number, item.pk), field_form(type="choice")).content.decode()
    assert "选项字段须列出可选值" in page
    assert not item.fields.filter(key="reg_no").exists()


def test_the_admin_edits_and_removes_a_field(admin_client, draft):
    item = draft.items.get(code="business_registration")
    field = item.fields.get(key="reg_authority")
    edit_page = admin_client.get(url("field_edit", draft.number, item.pk, field.pk)).content.decode()
    assert 'value="登记机关"' in edit_page
    admin_client.post(
        url("field_edit", draft.number, item.pk, field.pk),
        field_form(key="reg_authority", label="登记机关名称", is_public=""),
    )
    field.refresh_from_db()
    assert (field.label, field.is_public) == ("登记机关名称", False)
    admin_client.post(url("field_remove", draft.number, item.pk, field.pk))
    assert not CatalogField.objects.filter(pk=field.pk).exists()


def test_the_admin_reorders_fields(admin_client, draft):
    item = draft.items.get(code="admin_penalty")
    keys = lambda: list(item.fields.order_by("position", "id").values_list("key", flat=True))  # noqa: E731
    original = keys()
    second = item.fields.get(key=original[1])
    response = admin_client.post(url("field_move", draft.number, item.pk, second.pk), {"direction": "up"})
    assert response.url == url("item", draft.number, item.pk) + f"#field-{second.pk}"
    assert keys()[:2] == [original[1], original[0]]
    assert admin_client.get(url("field_move", draft.number, item.pk, second.pk)).status_code == 405


def test_the_item_page_marks_non_public_fields(admin_client, draft):
    item = draft.items.get(code="admin_penalty")
    page = admin_client.get(url("item", draft.number, item.pk)).content.decode()
    assert "不公开" in page and "联系电话" in page
    assert 'aria-label="上移“处罚类别”"' in page


# --- Documents --------------------------------------------------------------------------------


def test_the_admin_manages_documents(admin_client, draft):
    admin_client.post(url("document_add", draft.number), {"title": "异议处理规程", "body": "第一条", "position": "2"})
    document = draft.documents.get(title="异议处理规程")
    admin_client.post(
        url("document_edit", draft.number, document.pk),
        {"title": "异议处理规程", "body": "第一条 修订", "position": "2"},
    )
    document.refresh_from_db()
    assert document.body == "第一条 修订"
    admin_client.post(url("document_remove", draft.number, document.pk))
    assert not draft.documents.filter(pk=document.pk).exists()


# --- Diff and publication ---------------------------------------------------------------------


def test_the_diff_page_shows_what_changed(admin_client, draft):
    item = draft.items.get(code="admin_penalty")
    admin_client.post(url("field_add", draft.number, item.pk), field_form(key="illegal_facts", label="违法事实"))
    admin_client.post(url("item_remove", draft.number, draft.items.get(code="business_registration").pk))
    page = admin_client.get(url("diff", draft.number)).content.decode()
    assert "与已发布版本对比" in page
    assert "删除事项" in page and "工商登记" in page
    assert "新增数据项：违法事实" in page
    assert "新增事项 0 项，删除 1 项，修改 1 项" in page


def test_the_diff_of_an_untouched_draft_says_so(admin_client, draft):
    assert "与已发布版本相比没有任何变化" in admin_client.get(url("diff", draft.number)).content.decode()


def test_publishing_needs_a_confirmation(admin_client, draft):
    page = admin_client.get(url("publish", draft.number)).content.decode()
    assert "确认发布" in page and "发布后本版本不可修改" in page
    response = admin_client.post(url("publish", draft.number), {})
    assert "请勾选确认后再发布" in response.content.decode()
    assert CatalogVersion.objects.get(pk=draft.pk).is_draft


def test_the_admin_publishes_the_draft(admin_client, draft, catalog_admin):
    response = admin_client.post(url("publish", draft.number), {"confirm": "on"}, follow=True)
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (CatalogVersion.Status.PUBLISHED, catalog_admin)
    assert "目录第2版已发布" in response.content.decode()
    public = admin_client.get(reverse("catalog:public")).content.decode()
    assert "第2版" in public


def test_a_refused_publication_is_explained_on_the_page(admin_client, catalog_admin):
    admin_client.post(url("create_draft"))
    draft = CatalogVersion.objects.get()
    response = admin_client.post(url("publish", draft.number), {"confirm": "on"})
    assert "不能发布空目录" in response.content.decode()


def test_the_office_home_links_to_the_catalog_editor(admin_client):
    page = admin_client.get(reverse("office:home")).content.decode()
    assert url("versions") in page


def test_roles_hold_the_catalog_permissions():
    # The editor relies on these; they come from nantong_credit.roles.
    assert {"catalog.change_catalogversion", "catalog.publish_catalogversion"} <= set(
        roles.ROLE_PERMISSIONS[roles.CATALOG_ADMIN]
    )
