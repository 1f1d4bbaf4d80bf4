"""The figures of a monthly report are what the fixtures imply (see conftest), each beside the
previous month's."""

import pytest

from supervision.statistics.figures import report_figures
from supervision.statistics.periods import Period

from .conftest import OCTOBER

pytestmark = pytest.mark.django_db


def tables(world) -> dict[str, dict[str, list]]:
    """{table key: {row label: [current, previous]}}"""
    sections = report_figures(Period.of("monthly", OCTOBER))
    return {
        table["key"]: {label: [current, previous] for label, current, previous in table["rows"]}
        for section in sections
        for table in section["tables"]
    }


def test_records_received_and_changed(world):
    summary = tables(world)["records_summary"]
    assert summary == {
        "新增记录": [4, 2],
        "其中失信信息": [3, 2],
        "其中良好信息": [0, 0],
        "更新记录": [0, 0],
        "更正记录": [1, 0],
        "撤销记录": [0, 1],
        "到期记录": [1, 0],
    }


def test_new_records_by_category_item_provider_district_and_kind(world):
    figures = tables(world)
    assert figures["records_by_category"]["监管类"] == [3, 2]
    assert figures["records_by_category"]["资质类"] == [1, 0]
    assert figures["records_by_category"]["良好信息类"] == [0, 0]
    assert figures["records_by_item_code"] == {"行政处罚": [3, 2], "行政许可": [1, 0]}
    assert figures["records_by_provider_id"] == {"南通市甲局": [3, 2], "南通市乙局": [1, 0]}
    assert figures["records_by_subject__district"] == {"崇川区": [2, 0], "未注明": [2, 2]}
    assert figures["records_by_subject__kind"] == {"法人和非法人组织": [2, 2], "个体工商户": [1, 0], "自然人": [1, 0]}


def test_timeliness_comes_from_the_compliance_report(world):
    figures = tables(world)
    assert figures["timeliness_rate"]["南通市甲局"] == [50.0, 100.0]
    assert figures["timeliness_late"]["南通市甲局"] == [1, 0]
    assert figures["timeliness_rate"]["南通市乙局"] == [None, None]  # no deadline, nothing to measure


def test_queries_and_reports(world):
    assert tables(world)["queries"] == {
        "公开查询": [4, 1],
        "授权查询": [2, 0],
        "政府部门核查": [1, 0],
        "出具信用报告": [1, 0],
    }


def test_objections_outcomes_on_time_rates_and_suspensions(world):
    figures = tables(world)
    objections = figures["objections"]
    assert objections["受理异议申请"] == [2, 1]
    assert objections["办结异议"] == [2, 1]
    assert objections["信息有误，予以更正（第十四条第一项）"] == [1, 0]
    assert objections["信息无误，予以维持（第十四条第二项）"] == [0, 1]
    assert objections["无法核实，附注声明（第十四条第三项）"] == [0, 0]
    assert objections["不予受理"] == [1, 0]
    assert objections["提供单位逾期、暂停查询"] == [1, 0]
    assert figures["objection_rates"] == {"信用信息中心": [50.0, 100.0], "信息提供单位": [0.0, 100.0]}
    assert figures["objection_provider_rates"] == {"南通市甲局": [0.0, 100.0]}


def test_repairs_declarations_and_warnings(world):
    figures = tables(world)
    assert figures["repairs"] == {"申请": [2, 1], "准予修复": [1, 0], "不予修复": [1, 0]}
    assert figures["repair_days"] == {"平均办理天数": [12.5, None]}
    assert figures["declarations"] == {
        "自主申报": [2, 0],
        "审核通过": [1, 0],
        "审核未通过": [0, 0],
        "查实弄虚作假、列入警示信息（第二十三条）": [1, 0],
    }


def test_the_records_table_is_read_once(world, django_assert_max_num_queries):
    from supervision.statistics.figures import record_tables

    period = Period.of("monthly", OCTOBER)
    # One grouped query of the records; the others are the names of items and providers.
    with django_assert_max_num_queries(4) as queries:
        record_tables(period)
    record_queries = [q["sql"] for q in queries.captured_queries if 'FROM "collection_creditrecord"' in q["sql"]]
    assert len(record_queries) == 1
    assert "GROUP BY" in record_queries[0]


def test_periods():
    assert Period.of("quarterly", OCTOBER.replace(month=11)).start == OCTOBER
    assert Period.of("annual", OCTOBER).end.isoformat() == "2026-12-31"
    assert Period.last_complete("monthly", OCTOBER.replace(day=1)).label == "2026年9月"
    assert Period.last_complete("quarterly", OCTOBER).label == "2026年第3季度"
    assert Period.last_complete("annual", OCTOBER).label == "2025年"
    assert Period.of("monthly", OCTOBER).previous.label == "2026年9月"
    assert Period.of("monthly", OCTOBER.replace(month=1)).previous.label == "2025年12月"
