"""Public search at /subjects/?q=: by code, exactly, and by any part of the name."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collection.tests.factories import SubjectFactory, make_ric, make_uscc, wrong_check
from inquiry import common_terms, search
from inquiry.models import QueryLog

from .public_support import (  # noqa: F401  (fixtures)
    SIJIAN_CODE,
    SIJIAN_NAME,
    TODAY,
    disclosed,
    frozen_today,
    named_subjects,
    public_catalog,
    scjgj,
    sijian,
)

pytestmark = pytest.mark.django_db
URL = reverse("subjects:search")


def names(response) -> list[str]:
    return [subject.name for subject in response.context["result"].rows]


def find(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response


def laid_out(response) -> str:
    """The page without the whitespace between tags, which these lists and forms do not show."""
    return re.sub(r">[ \t\r\n]+<", "><", response.content.decode())


# --- By code ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        SIJIAN_CODE,
        SIJIAN_CODE.lower(),
        f" {SIJIAN_CODE[:6]} {SIJIAN_CODE[6:12]}  {SIJIAN_CODE[12:]} ",
        SIJIAN_CODE.translate(
            str.maketrans(
                "0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"
            )
        ),
    ],
)
def test_a_code_finds_its_subject_in_any_case_or_spacing(client, named_subjects, typed):
    response = find(client, typed)
    assert names(response) == [SIJIAN_NAME]
    assert response.context["result"].by_code
    assert f'href="{reverse("subjects:detail", args=[SIJIAN_CODE])}"' in response.content.decode()


def test_a_code_matches_exactly_not_by_prefix(client, named_subjects):
    other = make_uscc("91320602MA1W8X7Q4")  # same first 16 characters
    assert names(find(client, other)) == []


def test_a_code_with_a_wrong_check_character_says_so(client, named_subjects):
    response = find(client, wrong_check(SIJIAN_CODE, "0123456789ABCDEF"))
    assert names(response) == []
    assert "统一社会信用代码校验位错误，请核对是否抄写有误" in response.content.decode()


def test_a_code_with_a_letter_gb32100_leaves_out_says_which(client, named_subjects):
    response = find(client, SIJIAN_CODE[:-2] + "O" + SIJIAN_CODE[-1])
    assert "统一社会信用代码不使用字母I、O、Z、S、V，代码中含有：O" in response.content.decode()


def test_a_mistyped_id_number_is_still_treated_as_a_natural_persons(client, named_subjects):
    response = find(client, wrong_check(make_ric("32060219850314003")))
    assert "自然人的信用信息不公开查询" in response.content.decode()


def test_a_partial_code_asks_for_all_eighteen_characters(client, named_subjects):
    response = find(client, SIJIAN_CODE[:12])
    assert names(response) == []
    assert "统一社会信用代码应为18位，您输入了12位" in response.content.decode()


def test_an_id_number_finds_nobody_and_is_logged_only_masked(client, named_subjects, nobody):
    client.force_login(nobody)
    number = make_ric("32060219850314003")
    response = find(client, number)
    assert names(response) == []
    assert "自然人的信用信息不公开查询" in response.content.decode()
    log = QueryLog.objects.get(kind=QueryLog.Kind.SEARCH)
    assert log.terms == f"3206**********{number[-4:]}"


# --- By part of the name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "term, expected",
    [
        ("建", ["南通四建集团有限公司", "南通四建装饰工程有限公司", "南通海晟建设工程有限公司"]),
        ("金", ["通州区金沙镇李记小吃店"]),
        ("四建", ["南通四建集团有限公司", "南通四建装饰工程有限公司"]),
        ("水产", ["启东吕四港水产有限公司"]),
        ("吕四港", ["启东吕四港水产有限公司"]),
        ("四建集团", ["南通四建集团有限公司"]),
        ("建设工程", ["南通海晟建设工程有限公司"]),
    ],
)
def test_one_two_three_and_four_character_terms(client, named_subjects, term, expected):
    assert sorted(names(find(client, term))) == sorted(expected)


def test_a_two_character_term_does_not_match_its_characters_apart(client, named_subjects):
    # 东 and 港 are both in 启东吕四港水产有限公司, but not side by side.
    assert names(find(client, "东港")) == []
    assert names(find(client, "四港")) == ["启东吕四港水产有限公司"]


def test_several_words_must_all_match(client, named_subjects):
    assert names(find(client, "南通 装饰")) == ["南通四建装饰工程有限公司"]
    assert names(find(client, "四建  海晟")) == []


def test_latin_letters_match_in_any_case(client, db):
    SubjectFactory(name="南通ABC电子科技有限公司", identifier=make_uscc("91320602MA1W8X7X8"))
    for term in ("abc", "ABC", "Ab", "ｂｃ"):
        assert names(find(client, term)) == ["南通ABC电子科技有限公司"], term


def test_like_wildcards_in_the_term_are_taken_literally(client, named_subjects):
    assert names(find(client, "%")) == []
    assert names(find(client, "南通_建")) == []
    assert names(find(client, "四%建")) == []


def test_natural_persons_are_never_listed(client, named_subjects):
    result = find(client, "四建").context["result"]  # a natural person is named 四建 exactly
    assert [subject.name for subject in result.rows] == [SIJIAN_NAME, "南通四建装饰工程有限公司"]
    assert result.total == 2
    assert find(client, "四建", kind="natural_person").context["result"] is None


def test_the_best_match_comes_first(client, db):
    for index, name in enumerate(
        ["江苏南通四建工程有限公司", "南通四建科技发展有限公司", "南通四建", "南通四建集团有限公司"]
    ):
        SubjectFactory(name=name, identifier=make_uscc(f"91320602MA1W8X8{index}A"))
    assert names(find(client, "南通四建")) == [
        "南通四建",
        "南通四建集团有限公司",
        "南通四建科技发展有限公司",
        "江苏南通四建工程有限公司",
    ]


def test_a_result_row_shows_the_subject_with_its_markup_escaped(client, db):
    subject = SubjectFactory(
        name='南通<b>"甲&乙"</b>贸易有限公司',
        identifier=make_uscc("91320602MA1W8X8Q9"),
        legal_representative="<i>张三</i>",
        district="崇川区",
        established_on=dt.date(2016, 3, 9),
    )
    page = find(client, "贸易").content.decode()
    assert (
        f'href="{reverse("subjects:detail", args=[subject.code])}">南通&lt;b&gt;&quot;甲&amp;乙&quot;&lt;/b&gt;贸易有限公司</a>'
        in page
    )
    assert "法定代表人：&lt;i&gt;张三&lt;/i&gt;　崇川区　成立于2016年3月9日" in page
    assert "<b>" not in page and "<i>张三" not in page


def test_a_result_row_is_one_list_item_with_its_badges_and_details(client, db):
    subject = SubjectFactory(
        name="南通濠河贸易有限公司",
        identifier=make_uscc("91320602MA1W9X0A1"),
        legal_representative="王五",
        district="崇川区",
        registration_status="吊销",
        established_on=dt.date(2009, 11, 30),
    )
    assert (
        '<ol class="list-group mb-3"><li class="list-group-item py-3">'
        '<div class="d-flex flex-wrap align-items-baseline gap-2">'
        f'<a class="fs-5 fw-semibold" href="/subjects/{subject.code}/">南通濠河贸易有限公司</a>'
        '<span class="badge text-bg-light border">法人和非法人组织</span>'
        '<span class="badge text-bg-light border">吊销</span></div>'
        f'<div class="small text-secondary mt-1">统一社会信用代码：<span class="font-monospace">{subject.code}</span>'
        "　法定代表人：王五　崇川区　成立于2009年11月30日</div></li></ol>"
    ) in laid_out(find(client, "濠河"))


def test_a_shop_row_names_its_operator_and_leaves_out_what_is_unknown(client, db):
    shop = SubjectFactory(
        individual_business=True,
        name="通州区金沙镇王记五金店",
        identifier=make_uscc("92320612MA1W9X0B2"),
        legal_representative="王六",
    )
    page = laid_out(find(client, "王记"))
    assert '<span class="badge text-bg-light border">个体工商户</span></div>' in page  # no status, no dishonesty
    assert f'<span class="font-monospace">{shop.code}</span>　经营者：王六</div>' in page


def test_a_hostile_status_and_district_are_escaped_in_the_row(client, db):
    SubjectFactory(
        name="南通狼山贸易有限公司",
        identifier=make_uscc("91320602MA1W9X0C3"),
        registration_status='<script>"&</script>',
        district="<b>崇川&区</b>",
    )
    page = find(client, "狼山").content.decode()
    assert '<span class="badge text-bg-light border">&lt;script&gt;&quot;&amp;&lt;/script&gt;</span>' in page
    assert "　&lt;b&gt;崇川&amp;区&lt;/b&gt;</div>" in page
    assert "<script>" not in page and "<b>崇川" not in page


def test_the_empty_form_offers_every_filter_with_any_selected(client, db):
    page = laid_out(client.get(URL))
    for name, label in (("kind", "主体类别"), ("district", "所属地区"), ("status", "登记状态")):
        assert (
            f'<label for="id_{name}" class="form-label small mb-1">{label}</label>'
            f'<select id="id_{name}" name="{name}" class="form-select form-select-sm">'
            '<option value="" selected>全部</option>'
        ) in page
    assert '<option value="individual_business">个体工商户</option>' in page
    assert '<option value="南通经济技术开发区">南通经济技术开发区</option></select>' in page
    assert "invalid-feedback" not in page


def test_the_chosen_filter_stays_selected(client, named_subjects):
    page = find(client, "四建", district="通州区").content.decode()
    assert '<option value="通州区" selected>通州区</option>' in page
    assert '<option value="" selected>全部</option>' in page  # kind and status: any


def test_an_unknown_filter_value_is_marked_with_a_chinese_error_and_the_term_kept(client, named_subjects):
    response = client.get(URL, {"q": "四建", "kind": "alien"})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["result"] is None
    assert '<select id="id_kind" name="kind" class="form-select form-select-sm is-invalid">' in page
    assert '<div class="invalid-feedback">选择一个有效的选项。 alien 不在可用的选项中。</div>' in page
    assert '<select id="id_district" name="district" class="form-select form-select-sm">' in page
    assert 'value="四建"' in page
    assert '<label for="id_district" class="form-label small mb-1">所属地区</label>' in page


def test_each_search_shows_its_own_chosen_filters_and_only_its_own_errors(client, named_subjects):
    # The filters' markup is rendered once per choice of values and reused (`filter_selects`).
    for district in ("通州区", "崇川区", "通州区"):
        page = find(client, "四建", district=district).content.decode()
        assert f'<option value="{district}" selected>' in page and page.count(" selected>") == 3
    invalid = client.get(URL, {"q": "四建", "district": "火星"}).content.decode()
    assert '<select id="id_district" name="district" class="form-select form-select-sm is-invalid">' in invalid
    again = find(client, "四建").content.decode()
    assert "is-invalid" not in again and "invalid-feedback" not in again and again.count(" selected>") == 3


# --- Filters, pages, counts ---------------------------------------------------------------------


def test_kind_district_and_status_filters(client, db):
    SubjectFactory(
        name="南通金沙纺织有限公司",
        identifier=make_uscc("91320612MA1W8X9A1"),
        district="通州区",
        registration_status="存续（在营、开业、在册）",
    )
    SubjectFactory(
        individual_business=True,
        name="通州区金沙镇金记五金店",
        identifier=make_uscc("92320612MA1W8X9B2"),
        district="通州区",
        registration_status="注销",
    )
    SubjectFactory(
        name="如皋金沙物流有限公司",
        identifier=make_uscc("91320682MA1W8X9C3"),
        district="如皋市",
        registration_status="吊销",
    )
    assert len(names(find(client, "金沙"))) == 3
    assert names(find(client, "金沙", kind="individual_business")) == ["通州区金沙镇金记五金店"]
    assert sorted(names(find(client, "金沙", district="通州区"))) == ["南通金沙纺织有限公司", "通州区金沙镇金记五金店"]
    assert names(find(client, "金沙", status="吊销")) == ["如皋金沙物流有限公司"]
    assert names(find(client, "金沙", kind="legal_person", district="通州区", status="注销")) == []


def test_an_unknown_filter_value_is_refused_in_chinese(client, named_subjects):
    response = find(client, "四建", district="火星")
    assert response.context["result"] is None
    assert "选择一个有效的选项" in response.content.decode()


def test_results_come_in_pages_of_twenty(client, db):
    for index in range(25):
        SubjectFactory(name=f"南通濠河第{index:02d}号餐饮有限公司", identifier=make_uscc(f"91320602MA1W9{index:03d}K"))
    first = find(client, "濠河")
    assert first.context["result"].total == 25 and len(names(first)) == 20
    assert "第 1 / 2 页" in first.content.decode() and "page=2" in first.content.decode()
    second = find(client, "濠河", page=2)
    assert len(names(second)) == 5 and not set(names(first)) & set(names(second))
    assert len(names(find(client, "濠河", page=99))) == 5  # beyond the end: the last page


def test_a_large_result_count_is_capped(client, db, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    for index in range(6):
        SubjectFactory(name=f"南通狼山{index}旅游有限公司", identifier=make_uscc(f"91320602MA1W7{index:03d}L"))
    response = find(client, "狼山")
    assert response.context["result"].capped
    assert "共 4+ 条结果" in response.content.decode()
    assert "仅列出前" in response.content.decode()


def test_dishonesty_counts_in_the_results_follow_the_disclosure_rule(client, disclosed):
    # 南通四建 has 8 dishonesty records; 3 are published today (penalty, objected, expires_today).
    response = find(client, "四建")
    assert response.context["result"].rows[0].public_dishonesty_count == 3
    assert "失信信息 3 条" in response.content.decode()


def test_the_day_after_its_last_day_an_expired_record_leaves_the_count(client, disclosed):
    from freezegun import freeze_time

    with freeze_time(TODAY + dt.timedelta(days=1)):
        assert find(client, "四建").context["result"].rows[0].public_dishonesty_count == 2


def test_an_empty_query_shows_the_form_only(client, named_subjects):
    response = client.get(URL)
    assert response.status_code == 200 and response.context["result"] is None
    assert 'name="q"' in response.content.decode()


# --- Query log ----------------------------------------------------------------------------------


def test_a_logged_in_search_is_logged_with_who_and_what(client, named_subjects, nobody):
    client.force_login(nobody)
    find(client, "  四建 ")
    log = QueryLog.objects.get()
    assert (log.kind, log.actor, log.terms) == (QueryLog.Kind.SEARCH, nobody, "四建")
    assert log.occurred_at is not None


def test_an_anonymous_search_leaves_no_row(client, named_subjects):
    find(client, "四建")
    assert not QueryLog.objects.exists()


# --- PostgreSQL: the indexes are what serves the terms -------------------------------------------


def test_postgres_short_terms_use_the_grams_column_and_long_terms_the_trigram_index(
    client, named_subjects, postgres_only
):
    for term, expected in (("建", "name_grams"), ("四建", "name_grams"), ("吕四港", '"name" LIKE'), ("abc", "ILIKE")):
        with CaptureQueriesContext(connection) as queries:
            find(client, term)
        sql = " ".join(query["sql"] for query in queries.captured_queries if "collection_subject" in query["sql"])
        assert expected in sql, term
        assert "UPPER(" not in sql


def test_postgres_the_dishonesty_counts_are_read_from_their_partial_index(disclosed, sijian, postgres_only):
    # The index's condition must follow from the visibility rule, or the planner cannot use it.
    sql, params = search._counts_statement(TODAY)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, [[sijian.pk] if param is search._PAGE_IDS else param for param in params])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Only Scan using record_public_dishonesty" in plan, plan


def test_postgres_keeps_the_grams_column_right_on_insert_and_rename(named_subjects, postgres_only):
    shop = named_subjects["jinsha_shop"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name_grams FROM collection_subject WHERE id = %s", [shop.pk])
        grams = set(cursor.fetchone()[0])
        assert {"金", "金沙", "小吃", "店"} <= grams and "金小" not in grams
        type(shop).objects.filter(pk=shop.pk).update(name="通州区西亭镇脆饼店")
        cursor.execute("SELECT name_grams FROM collection_subject WHERE id = %s", [shop.pk])
        assert "脆饼" in cursor.fetchone()[0]
        cursor.execute("SELECT name_grams FROM collection_subject WHERE id = %s", [named_subjects["person"].pk])
        assert cursor.fetchone()[0] is None  # natural persons' names are not indexed


@pytest.fixture
def fresh_statistics():
    common_terms.forget()
    yield
    common_terms.forget()


def test_postgres_a_common_short_term_is_read_in_table_order_with_the_same_matches(
    client,
    named_subjects,
    postgres_only,
    fresh_statistics,
    monkeypatch,
):
    by_index = sorted(names(find(client, "四建")))
    # As if ANALYZE said so.
    monkeypatch.setattr(common_terms, "_kept", (float("inf"), common_terms.Shares(grams={"四建": 0.5}, filter_keys={})))
    with CaptureQueriesContext(connection) as queries:
        by_scan = sorted(names(find(client, "四建")))
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert by_scan == by_index and len(by_index) == 2
    assert '"name" COLLATE "C") LIKE' in sql and "name_grams" not in sql


def test_postgres_common_terms_come_from_the_statistics_of_analyze(db, postgres_only, fresh_statistics):
    for index in range(60):
        SubjectFactory(
            name=f"南通{'锦华' if index == 0 else '华'}建设工程{index}有限公司",
            identifier=make_uscc(f"91320602MA1W{index:05d}"),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE collection_subject")

    assert common_terms.is_common("建") and common_terms.is_common("有限")
    assert not common_terms.is_common("锦") and not common_terms.is_common("锦华")


# --- PostgreSQL: a term narrowed by the form's filters --------------------------------------------

FILTER_WORLD = [
    # kind, name, district, status
    ("legal_person", "南通四建集团有限公司", "海门区", "存续（在营、开业、在册）"),
    ("legal_person", "南通华夏建设工程有限公司", "海安市", "迁出"),
    ("legal_person", "海安南莫建设工程有限公司", "海安市", "存续（在营、开业、在册）"),
    ("legal_person", "如东洋口港务股份有限公司", "如东县", "注销"),
    ("individual_business", "海安市南莫镇李记小吃店", "海安市", "迁出"),
    ("individual_business", "通州区金沙镇金记五金店", "通州区", "吊销"),
    ("individual_business", "崇川区南大街张记烟酒店", "崇川区", "存续（在营、开业、在册）"),
]
FILTER_SEARCHES = [
    ("有限", {"kind": "individual_business"}),
    ("店", {"kind": "legal_person"}),
    ("公", {"status": "撤销"}),
    ("南", {"district": "海安市", "status": "迁出"}),
    ("南", {"district": "海安市"}),
    ("建设工程", {"status": "迁出"}),
    ("南莫", {"kind": "individual_business", "district": "海安市"}),
    ("有限 南通", {"district": "海门区"}),
    ("店", {"kind": "individual_business", "status": "吊销"}),
]


@pytest.fixture
def filter_world(db):
    made = []
    for index, (kind, name, district, status) in enumerate(FILTER_WORLD):
        prefix = "92" if kind == "individual_business" else "91"
        made.append(
            SubjectFactory(
                individual_business=kind == "individual_business",
                name=name,
                district=district,
                registration_status=status,
                identifier=make_uscc(f"{prefix}320602MA1X{index:05d}"),
            )
        )
    return made


def expected_names(term: str, filters: dict) -> list[str]:
    fields = {"kind": 0, "district": 2, "status": 3}
    return sorted(
        row[1]
        for row in FILTER_WORLD
        if all(word in row[1] for word in term.split())
        and all(row[fields[key]] == value for key, value in filters.items())
    )


def shares(grams: dict, filter_keys: dict):
    return (float("inf"), common_terms.Shares(grams=grams, filter_keys=filter_keys))


@pytest.mark.parametrize(("term", "filters"), FILTER_SEARCHES)
@pytest.mark.parametrize("statistics", ["none", "all_common", "terms_common_combinations_rare"])
def test_postgres_a_filtered_term_finds_exactly_its_matches_whichever_way_is_chosen(
    client,
    filter_world,
    postgres_only,
    fresh_statistics,
    monkeypatch,
    term,
    filters,
    statistics,
):
    if statistics == "all_common":  # every term and combination read in table order
        monkeypatch.setattr(search, "_estimated_share", lambda term, prefixes: 1.0)
    elif statistics == "terms_common_combinations_rare":
        monkeypatch.setattr(common_terms, "_kept", shares({"有限": 0.6, "店": 0.2, "公": 0.7, "南": 0.3}, {}))
    found = sorted(names(find(client, term, **filters)))
    assert found == expected_names(term, filters), (term, filters, statistics)


def test_postgres_a_rare_combination_of_common_terms_is_looked_up_by_its_filter_keys(
    client,
    filter_world,
    postgres_only,
    fresh_statistics,
    monkeypatch,
):
    # 有限 in two names of three, but in no 个体工商户's: the combination is rare, whatever the term.
    monkeypatch.setattr(common_terms, "_kept", shares({"有限": 0.6}, {"k:legal_person|有限": 0.55}))
    with CaptureQueriesContext(connection) as queries:
        assert names(find(client, "有限", kind="individual_business")) == []
    sql = " ".join(query["sql"] for query in queries.captured_queries if "collection_subject" in query["sql"])
    assert "inquiry_filter_keys(" in sql and "MATERIALIZED" in sql
    assert "k:individual_business|有限" in " ".join(str(query) for query in queries.captured_queries)

    # Among legal persons it is common: read in table order, no index asked for.
    with CaptureQueriesContext(connection) as queries:
        assert len(names(find(client, "有限", kind="legal_person"))) == 4
    sql = " ".join(query["sql"] for query in queries.captured_queries if "collection_subject" in query["sql"])
    assert 'COLLATE "C") LIKE' in sql and "inquiry_filter_keys(" not in sql and "MATERIALIZED" not in sql


def test_postgres_a_common_long_fragment_is_read_in_table_order_not_left_to_the_planner(
    client,
    filter_world,
    postgres_only,
    fresh_statistics,
    monkeypatch,
):
    monkeypatch.setattr(common_terms, "_kept", shares({"工程": 0.2, "程有": 0.06}, {}))
    with CaptureQueriesContext(connection) as queries:
        assert sorted(names(find(client, "工程有"))) == expected_names("工程有", {})
    sql = " ".join(query["sql"] for query in queries.captured_queries if "collection_subject" in query["sql"])
    assert 'COLLATE "C") LIKE' in sql

    monkeypatch.setattr(common_terms, "_kept", shares({"工程": 0.2, "程有": 0.01}, {}))  # rarer: the trigram index
    with CaptureQueriesContext(connection) as queries:
        find(client, "工程有")
    sql = " ".join(query["sql"] for query in queries.captured_queries if "collection_subject" in query["sql"])
    assert '"collection_subject"."name" LIKE' in sql and "MATERIALIZED" in sql


def test_postgres_the_filter_keys_follow_a_change_of_status_and_their_shares_come_from_analyze(
    client,
    filter_world,
    postgres_only,
    fresh_statistics,
):
    shop = filter_world[5]  # 通州区金沙镇金记五金店, 吊销
    assert names(find(client, "五金", status="注销")) == []
    type(shop).objects.filter(pk=shop.pk).update(registration_status="注销")
    assert names(find(client, "五金", status="注销")) == [shop.name]

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE collection_subject")
    common_terms.forget()
    assert common_terms.filter_key_share("k:legal_person|有限") > 0.3
    assert common_terms.filter_key_share("k:individual_business|有限") == 0
    assert common_terms.filter_key_share("d:海安市|南") > 0.3
