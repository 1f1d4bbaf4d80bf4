"""The timeliness report (报送及时性, Art. 9 and 22) for catalog admins."""

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from collection.compliance.report import compliance_report
from collection.models import BulkImport, BulkRowError, Channel
from collection.services.records import submit_record
from nantong_credit import roles

from .factories import ProviderFactory, make_uscc, publish_test_catalog

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT_URL = reverse("collection_office:compliance")
XLSX_URL = reverse("collection_office:compliance_xlsx")
MAY_JUNE = {"date_from": "2026-05-01", "date_to": "2026-06-30"}


def at(text: str) -> dt.datetime:
    """A Nantong wall-clock time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


_keys = iter(range(1, 10_000))


def submit(provider, item: str, decided: str, received: str, *, channel: str = Channel.API):
    n = next(_keys)
    key = f"通测〔2026〕{n}号"
    subject = {"kind": "legal_person", "name": f"南通示例{n}有限公司", "identifier": make_uscc(f"91320602{n:09d}")}
    if item == "admin_penalty":
        data = {"decision_no": key, "penalty_type": "罚款", "decision_date": decided}
    else:
        data = {"license_no": key, "license_type": "普通", "decision_date": decided}
    return submit_record(
        provider=provider,
        item_code=item,
        source_key=key,
        subject=subject,
        data=data,
        channel=channel,
        received_at=at(received),
    ).record


def rejected_batch(provider, item: str, uploaded: str, rows: list[int], uploader) -> BulkImport:
    batch = BulkImport.objects.create(
        provider=provider,
        item_code=item,
        uploaded_by=uploader,
        original_file="imports/x.csv",
        original_name="处罚.csv",
        sha256="0" * 64,
        status=BulkImport.Status.REJECTED,
    )
    BulkImport.objects.filter(pk=batch.pk).update(created_at=at(uploaded))  # auto_now_add otherwise
    for row in rows:
        BulkRowError.objects.create(bulk_import=batch, row_number=row, column="处罚决定日期", message="不是有效日期")
    return batch


@pytest.fixture
def data_set(scjgj, other_provider, user_with_role):
    """May 2026 runs over the Labour Day holiday (05-01 to 05-05 off, Sat 05-09 worked): a
    decision of Tue 04-28 is due seven working days later on Mon 05-11, not on 05-07 as
    weekends alone would give."""
    publish_test_catalog(scjgj, other_provider)
    uploader = user_with_role("uploader", roles.PROVIDER_STAFF)
    records = {
        "on_time_over_holiday": submit(scjgj, "admin_penalty", "2026-04-28", "2026-05-08 10:00"),
        "late_2": submit(scjgj, "admin_penalty", "2026-04-28", "2026-05-13 09:00"),
        "late_4": submit(scjgj, "admin_penalty", "2026-04-29", "2026-05-18 09:00"),  # due Tue 05-12
        "last_minute_of_may": submit(scjgj, "admin_penalty", "2026-05-25", "2026-05-31 23:30"),
        # 00:30 in Nantong is still 31 May in UTC: it belongs to June.
        "first_minute_of_june": submit(scjgj, "admin_penalty", "2026-05-25", "2026-06-01 00:30"),
        "licence_late_1": submit(scjgj, "admin_license", "2026-04-28", "2026-05-12 10:00"),
        "rsj_on_time": submit(other_provider, "admin_penalty", "2026-05-06", "2026-05-07 16:00"),
        # A subject's own declaration of an old decision is not a provider's late submission.
        "self_declared": submit(
            scjgj, "admin_license", "2026-01-05", "2026-05-20 10:00", channel=Channel.SELF_DECLARATION
        ),
    }
    rejected_batch(scjgj, "admin_penalty", "2026-05-20 10:00", [3, 3, 7], uploader)  # row 3 has two errors
    rejected_batch(scjgj, "admin_penalty", "2026-06-01 00:10", [2], uploader)
    rejected_batch(other_provider, "admin_penalty", "2026-05-15 11:00", [9], uploader)
    return records


def rows_by_key(report) -> dict:
    return {(r.provider_code, r.item_code, f"{r.month:%Y-%m}"): r for r in report.rows}


def test_it_counts_on_time_and_late_by_working_days_across_the_holiday(data_set):
    assert data_set["on_time_over_holiday"].due_on == dt.date(2026, 5, 11)
    assert not data_set["on_time_over_holiday"].is_late
    report = compliance_report(date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 6, 30))
    rows = rows_by_key(report)
    assert set(rows) == {
        ("scjgj", "admin_penalty", "2026-05"),
        ("scjgj", "admin_penalty", "2026-06"),
        ("scjgj", "admin_license", "2026-05"),
        ("rsj", "admin_penalty", "2026-05"),
    }
    may = rows[("scjgj", "admin_penalty", "2026-05")]
    assert (may.received, may.on_time, may.late, may.rejected_rows) == (4, 2, 2, 2)
    assert str(may.late_percent) == "50.0"
    # Late by 2 (due 05-11, came 05-13) and by 4 (due 05-12, came Mon 05-18): 3 on average.
    assert (may.delay_workdays, str(may.average_delay)) == (6, "3.0")
    assert (may.provider_name, may.item_name) == ("南通市市场监督管理局", "行政处罚")
    june = rows[("scjgj", "admin_penalty", "2026-06")]
    assert (june.received, june.on_time, june.late, june.rejected_rows, june.average_delay) == (1, 1, 0, 1, None)
    licence = rows[("scjgj", "admin_license", "2026-05")]
    assert (licence.received, licence.late) == (1, 1)
    assert (str(licence.average_delay), str(licence.late_percent)) == ("1.0", "100.0")
    rsj = rows[("rsj", "admin_penalty", "2026-05")]
    assert (rsj.received, rsj.on_time, rsj.late, rsj.rejected_rows) == (1, 1, 0, 1)
    totals = report.totals
    assert (totals.received, totals.on_time, totals.late, totals.rejected_rows) == (7, 4, 3, 4)
    assert (str(totals.average_delay), str(totals.late_percent)) == ("2.3", "42.9")
    assert [(f"{m.month:%Y-%m}", m.on_time, m.late) for m in report.months] == [("2026-05", 3, 3), ("2026-06", 1, 0)]
    april = compliance_report(date_from=dt.date(2026, 4, 15), date_to=dt.date(2026, 6, 30)).months[0]
    assert (f"{april.month:%Y-%m}", april.on_time, april.late) == ("2026-04", 0, 0)  # empty months are shown


def test_it_filters_by_provider_item_and_period(data_set, other_provider):
    only_rsj = compliance_report(date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 6, 30), provider=other_provider)
    assert list(rows_by_key(only_rsj)) == [("rsj", "admin_penalty", "2026-05")]
    licences = compliance_report(date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 6, 30), item_code="admin_license")
    assert list(rows_by_key(licences)) == [("scjgj", "admin_license", "2026-05")]
    may_only = compliance_report(date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 5, 31))
    assert "2026-06" not in {key[2] for key in rows_by_key(may_only)}
    assert may_only.totals.received == 6 and may_only.totals.rejected_rows == 3


def test_the_work_is_done_by_the_database_not_per_record(scjgj, other_provider):
    publish_test_catalog(scjgj, other_provider)
    for day in ("2026-05-13 09:00", "2026-05-14 09:00"):
        submit(scjgj, "admin_penalty", "2026-04-28", day)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            compliance_report(date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 5, 31))
        return len(captured)

    before = queries()
    for _ in range(10):
        submit(scjgj, "admin_penalty", "2026-04-28", "2026-05-13 09:00")
        submit(other_provider, "admin_penalty", "2026-04-29", "2026-05-20 09:00")
    assert queries() == before


def test_catalog_admins_see_the_report_with_chart_and_table(client, data_set, catalog_admin):
    client.force_login(catalog_admin)
    response = client.get(REPORT_URL, MAY_JUNE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "信息提供单位报送及时性" in page and "南通市市场监督管理局" in page and "南通市人力资源和社会保障局" in page
    assert "50.0%" in page and "42.9%" in page and "<svg" in page and 'role="img"' in page
    assert "2026-05：按时 3，逾期 3，无时限 0" in page  # the chart's accessible text per bar
    assert reverse("collection_office:compliance_xlsx") in page


def test_the_provider_chart_gives_each_providers_on_time_share_as_its_table_does(client, data_set, catalog_admin):
    client.force_login(catalog_admin)
    page = client.get(REPORT_URL, MAY_JUNE).content.decode()
    config = json.loads(
        re.search(r'<script id="compliance-providers" type="application/json">(.*?)</script>', page).group(1)
    )
    option = config["option"]
    # 市场监管局: 3 of 6 with a deadline on time (the self-declared licence left out); 人社局: 1 of 1.
    assert option["yAxis"]["data"] == ["南通市人力资源和社会保障局", "南通市市场监督管理局"]
    assert option["series"][0]["data"] == [100.0, 50.0] and option["xAxis"]["max"] == 100
    assert 'data-chart-config="compliance-providers"' in page and "echarts.common.min" in page
    rows = re.findall(
        r'<tr><th scope="row" class="fw-normal">([^<]+)</th>((?:<td class="text-end">[^<]*</td>){4})</tr>', page
    )
    assert [(name, re.findall(r">([^<]*)<", cells)[::2]) for name, cells in rows] == [
        ("南通市人力资源和社会保障局", ["1", "1", "0", "100.0%"]),
        ("南通市市场监督管理局", ["6", "3", "3", "50.0%"]),
    ]


def test_a_period_without_records_draws_no_provider_chart(client, catalog_admin):
    client.force_login(catalog_admin)
    response = client.get(REPORT_URL, MAY_JUNE)
    assert response.context["provider_chart"] is None and "compliance-providers" not in response.content.decode()


def test_the_report_defaults_to_the_last_twelve_months(client, catalog_admin):
    client.force_login(catalog_admin)
    form = client.get(REPORT_URL).context["form"]
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    assert start.day == 1 and (end.year - start.year) * 12 + end.month - start.month == 11


def test_a_reversed_period_is_refused_in_chinese(client, catalog_admin):
    client.force_login(catalog_admin)
    response = client.get(REPORT_URL, {"date_from": "2026-06-30", "date_to": "2026-05-01"})
    assert response.status_code == 200 and response.context["report"] is None
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert client.get(XLSX_URL, {"date_from": "2026-06-30", "date_to": "2026-05-01"}).status_code == 400


def test_the_xlsx_export_holds_the_table_and_neutralises_formulas(client, data_set, catalog_admin, scjgj):
    evil = ProviderFactory(code="evil", name='=HYPERLINK("http://evil.example","点我")')
    rejected_batch(evil, "admin_penalty", "2026-05-21 10:00", [4], catalog_admin)
    client.force_login(catalog_admin)
    response = client.get(XLSX_URL, MAY_JUNE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="compliance-20260501-20260630.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["报送及时性", "说明"]
    rows = list(workbook["报送及时性"].iter_rows(values_only=True))
    assert rows[0][:6] == ("报送单位", "单位代码", "目录事项", "事项代码", "月份", "收到记录")
    may = next(r for r in rows if r[1] == "scjgj" and r[3] == "admin_penalty" and r[4] == "2026-05")
    assert may == ("南通市市场监督管理局", "scjgj", "行政处罚", "admin_penalty", "2026-05", 4, 4, 2, 2, 0, 0.5, 3.0, 2)
    evil_row = next(r for r in rows if r[1] == "evil")
    assert evil_row[0] == "'" + evil.name and evil_row[-1] == 1
    assert rows[-1][0] == "合计" and rows[-1][5:10] == (7, 7, 4, 3, 0) and rows[-1][-1] == 5
    notes = [r[0] for r in workbook["说明"].iter_rows(values_only=True)]
    assert notes[0] == "统计期间（按归集时间，北京时间）：2026-05-01 至 2026-06-30"


@pytest.mark.parametrize("url", [REPORT_URL, XLSX_URL])
def test_only_holders_of_the_report_permission_get_it(client, url, catalog_admin, provider_staff, clerk, nobody):
    client.force_login(catalog_admin)
    assert client.get(url).status_code == 200
    for user in (provider_staff, clerk, nobody):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
