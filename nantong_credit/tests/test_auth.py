"""Staff sign-in (SPEC §5): login, logout, password change, lock-out, and the per-role home."""

import re

import pytest
from django.urls import reverse

from catalog.models import Provider
from nantong_credit import roles

PASSWORD = "Nt-test-password-1"  # what the root conftest's user factory sets

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_shows_the_login_form_in_chinese(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<label\s+for="id_username"[^>]*>\s*用户名', html)
    assert re.search(r'<label\s+for="id_password"[^>]*>\s*密码', html)
    assert "连续5次输入错误" in html


def test_it_logs_in_and_lands_on_the_back_office_home(client, catalog_admin):
    response = login(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("office:home")
    home = client.get(reverse("office:home"))
    assert home.status_code == 200
    assert "工作台" in home.content.decode()


def test_it_follows_next_after_login(client, catalog_admin):
    response = client.post(
        f"{reverse('login')}?next=/catalog/", {"username": "alice", "password": PASSWORD, "next": "/catalog/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/catalog/"


def test_it_refuses_a_wrong_password_with_a_chinese_message(client, catalog_admin):
    response = login(client, "alice", "not-the-password")

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_logs_out_by_post_only(client, catalog_admin):
    client.force_login(catalog_admin)

    # A link (GET) must not be able to end a session.
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("office:home")).status_code == 302


def test_the_logout_button_is_in_the_page_header(client, catalog_admin):
    client.force_login(catalog_admin)
    html = client.get("/").content.decode()

    assert f'action="{reverse("logout")}"' in html
    assert "退出登录" in html


def test_it_changes_the_password(client, catalog_admin):
    client.force_login(catalog_admin)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Haohao-xuexi-2026", "new_password2": "Haohao-xuexi-2026"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "密码已修改" in client.get(reverse("password_change_done")).content.decode()
    catalog_admin.refresh_from_db()
    assert catalog_admin.check_password("Haohao-xuexi-2026")


def test_it_refuses_a_weak_new_password(client, catalog_admin):
    client.force_login(catalog_admin)

    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    assert "这个密码太常见了" in response.content.decode()
    catalog_admin.refresh_from_db()
    assert catalog_admin.check_password(PASSWORD)


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_locks_the_account_after_five_failures(client, catalog_admin):
    for _ in range(4):
        assert login(client, "alice", "wrong-password").status_code == 200

    fifth = login(client, "alice", "wrong-password")
    locked = login(client, "alice", PASSWORD)  # even the right password is refused now

    for response in (fifth, locked):
        assert response.status_code == 429
        assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_out_is_per_account(client, catalog_admin, auditor):
    for _ in range(5):
        login(client, "alice", "wrong-password")

    response = login(client, "aaron", PASSWORD)

    assert response.status_code == 302


def test_a_successful_login_resets_the_failure_count(client, catalog_admin):
    for _ in range(4):
        login(client, "alice", "wrong-password")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        assert login(client, "alice", "wrong-password").status_code == 200


# --- The back-office home: each role finds its own section ------------------------------------


def office_home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("office:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("office:home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('office:home')}"


def test_the_catalog_admin_finds_the_catalog_editor_and_the_calendar(client, catalog_admin):
    html = office_home(client, catalog_admin)

    assert str(roles.ROLE_LABELS[roles.CATALOG_ADMIN]) in html
    assert reverse("catalog_office:versions") in html
    assert reverse("calendar:overview") in html
    assert reverse("audit:events") not in html


def test_the_auditor_finds_the_audit_trail_only(client, auditor):
    html = office_home(client, auditor)

    assert str(roles.ROLE_LABELS[roles.AUDITOR]) in html
    assert reverse("audit:events") in html
    assert reverse("catalog_office:versions") not in html
    assert str(roles.ROLE_LABELS[roles.CATALOG_ADMIN]) not in html


def test_provider_staff_find_their_own_department(client, provider_staff):
    own = Provider.objects.create(code="scjgj", name="南通市市场监督管理局")
    Provider.objects.create(code="swj", name="国家税务总局南通市税务局")
    own.staff.add(provider_staff)

    html = office_home(client, provider_staff)

    assert str(roles.ROLE_LABELS[roles.PROVIDER_STAFF]) in html
    assert "南通市市场监督管理局" in html
    assert reverse("collection_office:tokens", args=["scjgj"]) in html
    assert "国家税务总局南通市税务局" not in html


def test_the_center_clerk_finds_the_calendar(client, clerk):
    html = office_home(client, clerk)

    assert str(roles.ROLE_LABELS[roles.CENTER_CLERK]) in html
    assert reverse("calendar:overview") in html
    assert reverse("catalog_office:versions") not in html


def test_a_user_holding_two_roles_sees_both_sections(client, user_with_role):
    user = user_with_role("dora", roles.CATALOG_ADMIN, roles.AUDITOR)

    html = office_home(client, user)

    assert str(roles.ROLE_LABELS[roles.CATALOG_ADMIN]) in html
    assert str(roles.ROLE_LABELS[roles.AUDITOR]) in html


def test_a_user_without_roles_is_told_so(client, nobody):
    html = office_home(client, nobody)

    assert "尚未分配角色" in html
    assert reverse("catalog_office:versions") not in html
    assert reverse("audit:events") not in html
