"""The archive register's back-office pages: for the center's clerks and the auditors only."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.archive import register_archive_entry
from audit.models import ArchiveEntry

pytestmark = pytest.mark.django_db

Kind = ArchiveEntry.Kind


@pytest.fixture
def entries():
    with freeze_time("2026-03-02 10:00:00+08:00"):
        report = register_archive_entry(
            kind=Kind.CREDIT_REPORT,
            title="南通海晟建设工程有限公司信用报告（法人版）NTXY-20260302-000001",
            object_type="inquiry.creditreport",
            object_id="7",
            sha256="ab" * 32,
            size=182_044,
        )
    with freeze_time("2026-05-20 10:00:00+08:00"):
        document = register_archive_entry(kind=Kind.OFFICIAL_DOCUMENT, title="关于2026年第一季度异议处理情况的通报")
    return report, document


@pytest.mark.parametrize("who", ["clerk", "auditor"])
def test_clerks_and_auditors_read_the_register(client, request, who, entries):
    report, document = entries
    client.force_login(request.getfixturevalue(who))
    listing = client.get(reverse("archive:list"))
    assert listing.status_code == 200
    content = listing.content.decode()
    assert report.number in content and document.number in content and "共 2 件" in content
    detail = client.get(reverse("archive:detail", args=[report.number]))
    assert detail.status_code == 200
    content = detail.content.decode()
    assert "ab" * 32 in content and "10年（至2036年3月2日）" in content and "系统自动登记" in content
    assert "永久" in client.get(reverse("archive:detail", args=[document.number])).content.decode()


@pytest.mark.parametrize("who", ["provider_staff", "catalog_admin", "nobody"])
def test_other_roles_are_refused(client, request, who, entries):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("archive:list")).status_code == 403
    assert client.get(reverse("archive:detail", args=[entries[0].number])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, entries):
    response = client.get(reverse("archive:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unknown_number_is_not_found(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("archive:detail", args=["DA-2026-999999"])).status_code == 404


def test_the_list_filters(client, clerk, entries):
    report, document = entries
    client.force_login(clerk)

    def shown(**params) -> tuple[bool, bool]:
        content = client.get(reverse("archive:list"), params).content.decode()
        return report.number in content, document.number in content

    assert shown(kind=Kind.CREDIT_REPORT) == (True, False)
    assert shown(text="异议处理") == (False, True)
    assert shown(date_from="2026-04-01") == (False, True)
    assert shown(date_to="2026-03-02") == (True, False)


def test_a_reversed_date_range_says_so_and_filters_nothing(client, clerk, entries):
    client.force_login(clerk)
    content = client.get(reverse("archive:list"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}).content.decode()
    assert "截止日期不能早于起始日期" in content
    assert all(entry.number in content for entry in entries)


def test_the_list_pages(client, clerk, monkeypatch):
    from audit import archive_views

    monkeypatch.setattr(archive_views, "PAGE_SIZE", 2)
    for n in range(5):
        register_archive_entry(kind=Kind.STATISTICAL_REPORT, title=f"统计报表{n}")
    client.force_login(clerk)
    content = client.get(reverse("archive:list"), {"kind": Kind.STATISTICAL_REPORT, "page": 3}).content.decode()
    assert "第 3 / 3 页" in content and "统计报表0" in content and "统计报表4" not in content
    assert "kind=statistical_report&amp;page=2" in content
