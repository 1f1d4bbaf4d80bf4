"""The back-office pages, PDF and XLSX of statistical reports; who may see and issue them."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from catalog.models import Provider
from inquiry.tests.report_support import pdf_fonts, pdf_text
from nantong_credit import roles
from supervision.models import StatisticalReport
from supervision.statistics.services import issue_report

from .conftest import OCTOBER

pytestmark = pytest.mark.django_db
LIST = reverse("supervision_office:statistics")
GENERATE = reverse("supervision_office:statistics_generate")


@pytest.fixture
def report(world):
    return issue_report(kind="monthly", start=OCTOBER, today=dt.date(2026, 11, 2))[0]


def urls(report) -> list[str]:
    return [
        LIST,
        reverse("supervision_office:statistics_detail", args=[report.number]),
        reverse("supervision_office:statistics_pdf", args=[report.number]),
        reverse("supervision_office:statistics_xlsx", args=[report.number]),
    ]


@pytest.mark.parametrize(
    "role", [roles.PROVIDER_STAFF, roles.GOVERNMENT_USER, roles.AUDITOR, roles.SUBJECT_USER, roles.REQUESTER]
)
def test_other_roles_get_403(client, user_with_role, report, role):
    client.force_login(user_with_role("bob", role))
    for url in urls(report):
        assert client.get(url).status_code == 403, url
    assert client.post(GENERATE, {"kind": "monthly", "month": "2026-09"}).status_code == 403
    assert StatisticalReport.objects.count() == 1


def test_anonymous_is_sent_to_login(client, report):
    response = client.get(urls(report)[1])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["clerk", "commission"])
def test_the_center_and_the_commission_read_the_report_with_its_charts(client, request, report, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(urls(report)[1]).content.decode()
    assert report.number in page and "2026年10月" in page
    assert 'data-chart-config="t0-0"' in page and 'id="t0-0" type="application/json"' in page
    assert "vendor/echarts/echarts.common.min.js" in page and "<script>" not in page
    assert "<caption" in page and "南通市甲局" in page
    listing = client.get(LIST).content.decode()
    assert report.number in listing and 'name="kind"' in listing


def test_a_clerk_generates_a_report_on_demand(client, clerk, world, eager_celery, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(GENERATE, {"kind": "quarterly", "month": "2026-08"})
    assert response.status_code == 302
    report = StatisticalReport.objects.get()
    assert (report.kind, report.period_start, report.issued_by) == ("quarterly", dt.date(2026, 7, 1), clerk)
    # Asking again leads to the same report.
    response = client.post(GENERATE, {"kind": "quarterly", "month": "2026-09"})
    assert response["Location"] == reverse("supervision_office:statistics_detail", args=[report.number])
    assert StatisticalReport.objects.count() == 1


def test_bad_input_is_refused_with_a_clear_error(client, commission, world):
    client.force_login(commission)
    page = client.post(GENERATE, {"kind": "monthly", "month": "2099-01"}).content.decode()
    assert "尚未结束" in page
    page = client.post(GENERATE, {"kind": "weekly", "month": "十月"}).content.decode()
    assert "请按“年-月”填写" in page and "选择一个有效的选项" in page.replace(" ", "")
    assert not StatisticalReport.objects.exists()


def test_pdf_text_fonts_and_audit(client, clerk, report, tmp_path):
    client.force_login(clerk)
    response = client.get(urls(report)[2])
    assert response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content, tmp_path).split())
    for expected in (
        report.number,
        "2026年10月月度统计分析报告",
        "新增记录",
        "南通市甲局",
        "第十四条第一项",
        report.sha256,
    ):
        assert expected in text, expected
    fonts = pdf_fonts(response.content, tmp_path)
    names = " ".join(font["name"] for font in fonts)
    assert "Noto-Sans-CJK-SC" in names and "Noto-Serif-CJK-SC" in names, names
    assert all(font["emb"] == "yes" for font in fonts)
    event = AuditEvent.objects.get(action="statistics.download_report")
    assert event.actor == clerk and event.after["format"] == "pdf"


def test_xlsx_one_sheet_per_section_no_formulas(client, commission, report):
    # A provider whose name would be a formula in a spreadsheet, in a newly issued report.
    Provider.objects.filter(code="yi").update(name='=HYPERLINK("http://evil.example","点此")')
    evil = issue_report(kind="monthly", start=dt.date(2026, 9, 1), today=dt.date(2026, 11, 2))[0]
    client.force_login(commission)
    workbook = load_workbook(io.BytesIO(client.get(urls(report)[3]).content))
    assert workbook.sheetnames == [
        "报告信息",
        "一、信用信息归集",
        "二、信息提供单位报送及时性",
        "三、信用信息查询",
        "四、异议处理",
        "五、信用修复",
        "六、自主申报与警示信息",
    ]
    rows = list(workbook["一、信用信息归集"].iter_rows(values_only=True))
    assert ("新增记录", 4, 2, 2) in rows
    assert ("南通市甲局", 3, 2, 1) in rows
    queries = list(workbook["三、信用信息查询"].iter_rows(values_only=True))
    assert ("授权查询", 2, 0, 2) in queries
    evil_rows = list(
        load_workbook(io.BytesIO(client.get(urls(evil)[3]).content))["一、信用信息归集"].iter_rows(values_only=True)
    )
    labels = [row[0] for row in evil_rows if row and row[0]]
    assert '\'=HYPERLINK("http://evil.example","点此")' in labels
    assert not any(str(label).startswith("=") for label in labels)
    assert AuditEvent.objects.filter(action="statistics.download_report", after__format="xlsx").count() == 2


def test_office_home_shows_the_card(client, clerk, user_with_role):
    client.force_login(clerk)
    assert "统计分析报告" in client.get(reverse("office:home")).content.decode()
    client.force_login(user_with_role("pat", roles.PROVIDER_STAFF))
    assert LIST not in client.get(reverse("office:home")).content.decode()
