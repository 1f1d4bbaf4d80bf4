"""The back-office pages of department databases (数据库对接): who may see and change which
provider's sources, the form, the run log."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from collection.pull.models import PullSource
from collection.pull.runs import run_pull
from nantong_credit import roles

from .pull_server import json_page
from .pull_support import FIRST, MAPPING, TOKEN, department, make_source, row  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(catalog, scjgj, department):
    return make_source(scjgj, department.url)


def url(name: str, *args) -> str:
    return reverse(f"collection_office:{name}", args=args)


def form_data(department, **changes) -> dict:
    return {
        "name": "行政处罚办案系统",
        "item_code": "admin_penalty",
        "url": department.url,
        "format": "json",
        "token_header": "Authorization",
        "token": TOKEN,
        "mapping": "\n".join(f"{key} = {name}" for key, name in MAPPING.items()),
        "interval_minutes": "30",
        "enabled": "on",
        **changes,
    }


def test_staff_configure_a_source_and_the_token_is_never_shown(client, catalog, scjgj, scjgj_staff, department):
    client.force_login(scjgj_staff)
    page = client.get(url("pull_new", "scjgj")).content.decode()
    assert "部门接口约定" in page and "next_cursor" in page and "_subject_identifier" in page
    response = client.post(url("pull_new", "scjgj"), form_data(department))
    source = PullSource.objects.get()
    assert response.status_code == 302 and response["Location"] == url("pull_source", "scjgj", source.pk)
    assert (source.mapping, source.interval_minutes, source.enabled) == (MAPPING, 30, True)
    assert source.next_run_at is not None and source.created_by == scjgj_staff
    detail = client.get(url("pull_source", "scjgj", source.pk)).content.decode()
    assert TOKEN not in detail and f"…{TOKEN[-4:]}" in detail and "尚未拉取" in detail
    edit = client.get(url("pull_edit", "scjgj", source.pk)).content.decode()
    assert TOKEN not in edit and "_source_key = case_id" in edit
    event = AuditEvent.objects.get(action="pullsource.create")
    assert TOKEN not in str(event.after) and event.after["token_changed"] is True


def test_an_edit_without_a_token_keeps_the_stored_one(client, source, scjgj_staff, department):
    client.force_login(scjgj_staff)
    stored = source.token_encrypted
    response = client.post(url("pull_edit", "scjgj", source.pk), form_data(department, token="", name="新名称"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.token_encrypted) == ("新名称", stored)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "https://169.254.169.254/latest/"}, "内网、本机或保留地址"),
        ({"url": "http://data.example.org/api"}, "必须以 https:// 开头"),
        ({"mapping": "no_such_field = x"}, "该事项没有字段代码"),
        ({"mapping": "只写了一半"}, "应写作"),
        ({"token": ""}, "请填写令牌"),
        ({"token_header": "Bad Header:"}, "只能包含字母"),
        ({"interval_minutes": "1"}, "5"),
        ({"item_code": "not_ours"}, "不在可用的选项中"),
    ],
)
def test_the_form_refuses_what_cannot_work(client, catalog, scjgj_staff, department, changes, message):
    client.force_login(scjgj_staff)
    response = client.post(url("pull_new", "scjgj"), form_data(department, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not PullSource.objects.exists()


def test_the_run_log_shows_counts_cursor_and_row_errors(client, source, scjgj_staff, department):
    department.pages[""] = json_page([row(1), row(2, decision_date="昨天")], FIRST)
    run = run_pull(source_id=source.pk)
    client.force_login(scjgj_staff)
    page = client.get(url("pull_source", "scjgj", source.pk)).content.decode()
    assert "部分行未通过校验" in page and FIRST in page
    detail = client.get(url("pull_run", "scjgj", source.pk, run.pk)).content.decode()
    assert "新增 1" in detail and "未通过校验 1" in detail and "处罚决定日期" in detail and "昨天" in detail


def test_pull_now_runs_the_source(
    client, source, scjgj_staff, department, eager_celery, django_capture_on_commit_callbacks
):
    department.pages[""] = json_page([row(1)], FIRST)
    client.force_login(scjgj_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("pull_now", "scjgj", source.pk))
    assert response.status_code == 302
    run = source.runs.get()
    assert (run.trigger, run.triggered_by, run.created_count) == ("manual", scjgj_staff, 1)


def test_staff_reset_the_cursor_and_the_next_pull_reads_from_the_start(client, source, scjgj_staff, department):
    department.pages[""] = json_page([row(1)], FIRST)
    run_pull(source_id=source.pk)
    client.force_login(scjgj_staff)
    assert "重置为起点" in client.get(url("pull_source", "scjgj", source.pk)).content.decode()
    response = client.post(url("pull_reset", "scjgj", source.pk), follow=True)
    assert "游标已重置为起点" in response.content.decode()
    source.refresh_from_db()
    assert source.cursor == ""
    assert AuditEvent.objects.get(action="pullsource.reset_cursor").before == {"cursor": FIRST}
    again = run_pull(source_id=source.pk)
    assert (again.cursor_before, again.unchanged_count, again.created_count) == ("", 1, 0)


def test_the_cursor_is_not_reset_under_a_running_pull(client, source, scjgj_staff):
    from django.utils import timezone

    PullSource.objects.filter(pk=source.pk).update(
        cursor=FIRST, lease_until=timezone.now() + timezone.timedelta(minutes=1)
    )
    client.force_login(scjgj_staff)
    response = client.post(url("pull_reset", "scjgj", source.pk), follow=True)
    assert "正在拉取中" in response.content.decode()
    source.refresh_from_db()
    assert source.cursor == FIRST


def test_another_providers_staff_get_404(client, source, rsj_staff):
    client.force_login(rsj_staff)
    for name, args in [
        ("pull_sources", ["scjgj"]),
        ("pull_new", ["scjgj"]),
        ("pull_source", ["scjgj", source.pk]),
        ("pull_edit", ["scjgj", source.pk]),
        ("pull_run", ["scjgj", source.pk, 1]),
    ]:
        assert client.get(url(name, *args)).status_code == 404, name
    assert client.post(url("pull_now", "scjgj", source.pk)).status_code == 404
    assert client.post(url("pull_reset", "scjgj", source.pk)).status_code == 404
    # Their own provider's address does not reach another provider's source either.
    assert client.get(url("pull_source", "rsj", source.pk)).status_code == 404


@pytest.mark.parametrize("role", [roles.CATALOG_ADMIN, roles.SUBJECT_USER, roles.AUDITOR, roles.GOVERNMENT_USER])
def test_other_roles_get_403(client, source, user_with_role, role):
    client.force_login(user_with_role("eve", role))
    assert client.get(url("pull_providers")).status_code == 403
    assert client.get(url("pull_sources", "scjgj")).status_code == 403
    assert client.get(url("pull_source", "scjgj", source.pk)).status_code == 403
    assert client.post(url("pull_now", "scjgj", source.pk)).status_code == 403
    assert client.post(url("pull_reset", "scjgj", source.pk)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, source):
    assert client.get(url("pull_source", "scjgj", source.pk)).status_code == 302


def test_the_center_configures_a_source_for_any_provider(client, catalog, scjgj, other_provider, clerk, department):
    client.force_login(clerk)
    listing = client.get(url("pull_providers")).content.decode()
    assert "南通市市场监督管理局" in listing and "南通市人力资源和社会保障局" in listing
    response = client.post(url("pull_new", "scjgj"), form_data(department))
    assert response.status_code == 302 and PullSource.objects.get().provider == scjgj


def test_staff_of_one_provider_go_straight_to_its_sources(client, scjgj, scjgj_staff):
    client.force_login(scjgj_staff)
    assert client.get(url("pull_providers"))["Location"] == url("pull_sources", "scjgj")


def test_the_home_page_links_to_the_sources(client, scjgj, scjgj_staff):
    client.force_login(scjgj_staff)
    assert url("pull_sources", "scjgj") in client.get(reverse("office:home")).content.decode()


def test_the_demo_source_says_there_is_no_department_server(client, catalog, scjgj, scjgj_staff):
    from collection.pull.demo import DEMO_URL

    source = make_source(scjgj, DEMO_URL)
    client.force_login(scjgj_staff)
    assert "演示环境中没有部门服务器" in client.get(url("pull_source", "scjgj", source.pk)).content.decode()
