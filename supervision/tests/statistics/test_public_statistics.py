"""/statistics/ and its CSV: the nightly figures, no personal data, no scan of the records."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from collection.models import Subject
from nantong_credit.db_routers import REPLICA_READ_VIEWS
from supervision.models import HeadlineFigures, MonthlyFigures
from supervision.statistics.public import TREND_MONTHS, refresh_public_figures

pytestmark = pytest.mark.django_db
PAGE = "/statistics/"
CSV = reverse("statistics:csv")
NOV_15 = dt.datetime(2026, 11, 15, 3, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_contract_url():
    assert reverse("statistics:public") == PAGE


def test_before_the_first_sweep_the_page_says_so(client, db):
    response = client.get(PAGE)
    assert response.status_code == 200 and "尚未生成" in response.content.decode()


def test_the_sweep_fills_months_and_headline_and_can_run_again(world):
    assert refresh_public_figures(now=NOV_15) == TREND_MONTHS
    assert refresh_public_figures(now=NOV_15) == TREND_MONTHS
    assert MonthlyFigures.objects.count() == TREND_MONTHS and HeadlineFigures.objects.count() == 1
    october = MonthlyFigures.objects.get(month=dt.date(2026, 10, 1)).data
    assert october == {
        "records_new": 4,
        "dishonesty_new": 3,
        "good_new": 0,
        "queries": 7,
        "reports": 1,
        "objections_filed": 2,
        "objections_closed": 2,
        # the first was reviewed on time but its provider ran late; the second reviewed late
        "objections_on_time": 0.0,
        "repairs_approved": 1,
    }
    september = MonthlyFigures.objects.get(month=dt.date(2026, 9, 1)).data
    assert september["objections_on_time"] == 100.0 and september["records_new"] == 2
    headline = HeadlineFigures.objects.get().data
    assert headline["subjects"] == Subject.objects.count()
    assert headline["objections_handled"] == 3 and headline["repairs_approved"] == 1
    assert dict(headline["records_by_category"])["资质类"] == 1


def test_the_page_reads_only_the_precomputed_tables(client, world, django_assert_max_num_queries):
    refresh_public_figures(now=NOV_15)
    with django_assert_max_num_queries(3) as queries:
        response = client.get(PAGE)
    assert not any("collection_creditrecord" in q["sql"] for q in queries.captured_queries)
    page = response.content.decode()
    assert "信息主体" in page and "公开信用记录" in page and "2026-10" in page
    assert 'data-chart-config="records"' in page and CSV in page
    # No subject is named: only counts.
    assert world["subject"].name not in page


def test_the_csv_has_a_row_per_month(client, world):
    refresh_public_figures(now=NOV_15)
    response = client.get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["月份", "新增信用记录", "新增失信信息"]
    assert len(rows) == 1 + TREND_MONTHS
    october = next(row for row in rows if row[0] == "2026-10")
    assert october[1:3] == ["4", "3"]


def test_it_may_be_served_from_a_replica():
    assert {"statistics:public", "statistics:csv"} <= REPLICA_READ_VIEWS
