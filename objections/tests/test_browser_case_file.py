"""A clerk finds a closed case's case file in the archive and opens it, in a real browser, at the
desktop and phone widths."""

import pytest

from audit.models import ArchiveEntry
from objections import services

from .support import file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_finds_and_downloads_the_case_file(
    page, live_server, login_in_browser, clerk, agent, company, penalty, screenshot
):
    case, _code = file_case(agent, company, [penalty])
    services.reject_objection(objection=case, actor=clerk, reason="所述事项不属于信用信息异议")  # task runs in-process
    entry = ArchiveEntry.objects.get(kind=ArchiveEntry.Kind.CASE_FILE)
    login_in_browser(page, clerk)

    page.goto(f"{live_server.url}/office/archive/?kind=case_file")
    row = page.get_by_role("row").filter(has_text=entry.number)
    assert case.number in row.inner_text() and row.get_by_role("link", name=f"下载 {entry.number}").is_visible()
    screenshot(page, "archive-case-files")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "archive-case-files")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=entry.number, exact=True).click()
    assert page.get_by_text("完整性核验通过").is_visible()
    screenshot(page, "archive-case-file-detail")
    response = page.request.get(f"{live_server.url}/office/archive/{entry.number}/download/")
    assert response.status == 200 and response.headers["x-archive-verified"] == "sha256-match"
    assert response.body().startswith(b"%PDF")

    page.goto(f"{live_server.url}/office/objections/{case.pk}/")
    assert page.get_by_role("heading", name="案卷").is_visible()
    screenshot(page, "objection-case-file-card")
    page.get_by_role("link", name=entry.number, exact=True).click()
    assert page.get_by_role("heading", name=f"档案 {entry.number}").is_visible()
