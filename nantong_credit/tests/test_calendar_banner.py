"""The red calendar banner of the back office: shown while a coming year's holiday notice is
missing, only to those who can act on it (calendar managers, the center's clerks), and not as
an alert that screen readers announce on every page."""

import pytest
from django.contrib.auth.models import Permission
from freezegun import freeze_time

from nantong_credit import roles

pytestmark = pytest.mark.django_db

BANNER = "工作日日历缺少 2027 年的节假日安排"


@pytest.fixture(autouse=True)
def before_the_2027_notice():
    with freeze_time("2026-11-27 02:00:00"):
        yield


def office_home(client, user) -> str:
    client.force_login(user)
    response = client.get("/office/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", [roles.CATALOG_ADMIN, roles.CENTER_CLERK])
def test_it_shows_the_banner_to_those_who_can_act_on_it(client, user_with_role, role):
    page = office_home(client, user_with_role("staff", role))
    assert BANNER in page
    start = page.index('aria-label="工作日日历提醒"')
    banner = page[page.rindex("<section", 0, start) : page.index("</section>", start)]
    assert 'role="alert"' not in banner and BANNER in banner


@pytest.mark.parametrize(
    "role", [roles.SUBJECT_USER, roles.PROVIDER_STAFF, roles.GOVERNMENT_USER, roles.REQUESTER, roles.AUDITOR]
)
def test_it_hides_the_banner_from_everybody_else(client, user_with_role, role):
    assert BANNER not in office_home(client, user_with_role("someone", role))


def test_it_follows_the_permission_not_the_group(client, user_with_role):
    user = user_with_role("someone", roles.PROVIDER_STAFF)
    user.user_permissions.add(Permission.objects.get(codename="manage_calendar", content_type__app_label="core"))
    assert BANNER in office_home(client, user)
