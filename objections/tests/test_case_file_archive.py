"""Case files in the archive pages (/office/archive/): listed by kind, found by number or title,
downloaded by the center's clerks and auditors only after the stored file's hash is checked
against the register; a changed file is reported, not handed out."""

import hashlib

import pytest
from django.urls import reverse

from audit.models import ArchiveEntry, AuditEvent
from nantong_credit import roles
from objections import services
from objections.models import ObjectionCaseFile
from objections.tasks import make_objection_case_file

from .support import file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(agent, company, penalty, clerk):
    case, _code = file_case(agent, company, [penalty])
    services.reject_objection(objection=case, actor=clerk, reason="所述事项不属于信用信息异议")
    make_objection_case_file(case.pk)
    return case


@pytest.fixture
def entry(closed_case):
    return ArchiveEntry.objects.get(kind=ArchiveEntry.Kind.CASE_FILE)


def download(client, user, entry):
    client.force_login(user)
    return client.get(reverse("archive:download", args=[entry.number]))


def test_the_list_filters_case_files_and_links_their_download(client, clerk, entry, closed_case):
    ArchiveEntry.objects.create(number="DA-2026-900001", kind=ArchiveEntry.Kind.OFFICIAL_DOCUMENT, title="通报")
    client.force_login(clerk)
    page = client.get(reverse("archive:list"), {"kind": "case_file"}).content.decode()
    assert entry.number in page and "通报" not in page
    assert reverse("archive:download", args=[entry.number]) in page
    for text in (closed_case.number, entry.number):
        found = client.get(reverse("archive:list"), {"text": text}).content.decode()
        assert f">{entry.number}<" in found


@pytest.mark.parametrize("role", [roles.CENTER_CLERK, roles.AUDITOR])
def test_clerks_and_auditors_download_the_verified_case_file(client, user_with_role, role, entry):
    response = download(client, user_with_role("reader", role), entry)
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == entry.sha256
    assert response["X-Archive-Verified"] == "sha256-match" and response["X-Content-SHA256"] == entry.sha256
    detail = client.get(reverse("archive:detail", args=[entry.number])).content.decode()
    assert "完整性核验通过" in detail


def test_the_subject_and_the_provider_cannot_download(client, agent, scjgj_staff, entry):
    assert download(client, agent, entry).status_code == 403
    assert download(client, scjgj_staff, entry).status_code == 403
    client.logout()
    assert client.get(reverse("archive:download", args=[entry.number])).status_code == 302


def test_an_unknown_number_is_not_found(client, clerk, entry):
    client.force_login(clerk)
    assert client.get(reverse("archive:download", args=["DA-2026-999999"])).status_code == 404


def test_a_tampered_case_file_is_reported_and_not_handed_out(client, clerk, entry, closed_case):
    row = ObjectionCaseFile.objects.get(objection=closed_case)
    with row.file.open("rb") as stream:
        original = stream.read()
    with open(row.file.path, "wb") as stream:
        stream.write(original.replace(b"%%EOF", b"%%EOF\n% changed"))
    response = download(client, clerk, entry)
    page = response.content.decode()
    assert response.status_code == 409 and "完整性核验未通过" in page and entry.sha256 in page
    assert AuditEvent.objects.filter(action="archive.mismatch", object_id=str(entry.pk)).count() == 1
    detail = client.get(reverse("archive:detail", args=[entry.number])).content.decode()
    assert "完整性核验未通过" in detail and reverse("archive:download", args=[entry.number]) not in detail


def test_a_missing_case_file_is_reported(client, clerk, entry, closed_case):
    ObjectionCaseFile.objects.get(objection=closed_case).file.delete(save=False)
    response = download(client, clerk, entry)
    assert response.status_code == 404 and "不在平台存储中" in response.content.decode()


def test_the_clerks_case_page_links_its_case_file(client, clerk, scjgj_staff, entry, closed_case):
    url = reverse("objection_office:detail", args=[closed_case.pk])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert entry.number in page and reverse("archive:detail", args=[entry.number]) in page
    client.force_login(scjgj_staff)
    assert client.get(url).status_code == 404  # rejected by the center, never referred to the provider
