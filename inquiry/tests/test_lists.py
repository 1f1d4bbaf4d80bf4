"""The public credit lists (/lists/): 严重失信主体名单 and 守信激励对象名单, the entries listed today
and nothing else; search, filters, bad input, CSV and the rate limit."""

import datetime as dt

import pytest
from django.urls import reverse

from catalog.models import Category, Openness
from catalog.tests.factories import CatalogItemFactory, publish
from collection.tests.factories import CreditRecordFactory, make_ric, make_uscc

from .lists_support import catalog, company, entry, providers, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.PUBLIC_LISTS_RATE = "off"


def page(client, slug="red", **params):
    return client.get(reverse(f"lists:{slug}"), params)


def names(response):
    return [row["name"] for row in response.context["result"].rows]


def test_a_list_shows_the_entries_listed_today_newest_first(client, world):
    response = page(client)
    assert response.status_code == 200
    assert names(response) == ["南通海门临江生物医药有限公司", "南通海晟建设工程有限公司"]
    html = response.content.decode()
    assert reverse("subjects:detail", args=[world[0]["linjiang"].code]) in html
    assert "诚信示范企业" in html and "南通市发展和改革委员会" in html
    assert "2026-09-15" in html
    row = response.context["result"].rows[1]
    assert row["listed_until"] is None  # 2099-12-31 is long term: no term shown


def test_removed_expired_withheld_suspended_revoked_and_people_never_appear(client, world):
    html = page(client).content.decode()
    assert "南通唐闸纺织科技有限公司" not in html  # its red-list entries are all off the list
    assert "张守信" not in html


def test_each_list_holds_its_own_item_only(client, world):
    assert names(page(client, "dishonesty")) == ["南通唐闸纺织科技有限公司"]


def test_the_index_counts_each_list_and_explains_them(client, world):
    response = client.get(reverse("lists:index"))
    totals = {card["list"].slug: card["total"] for card in response.context["cards"]}
    assert totals == {"dishonesty": 1, "red": 2}
    html = response.content.decode()
    assert "名单公示说明" in html and 'href="/regulation/#art-17"' in html or "/regulation/" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "临江"}, ["南通海门临江生物医药有限公司"]),
        ({"q": "海 建设"}, ["南通海晟建设工程有限公司"]),
        ({"q": make_uscc("91320602MA1W8X7T2").lower()}, ["南通海晟建设工程有限公司"]),
        ({"list_type": "诚信示范企业"}, ["南通海门临江生物医药有限公司"]),
        ({"provider": "swj"}, ["南通海晟建设工程有限公司"]),
        ({"listed_from": "2026-09-01"}, ["南通海门临江生物医药有限公司"]),
        ({"listed_to": "2026-08-31"}, ["南通海晟建设工程有限公司"]),
        ({"listed_from": "2026-03-01", "listed_to": "2026-03-01"}, ["南通海晟建设工程有限公司"]),
        ({"q": "不存在的公司"}, []),
    ],
)
def test_search_and_filters(client, world, params, expected):
    assert names(page(client, **params)) == expected


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"listed_from": "2026-13-01"}, "listed_from", "请输入有效的日期"),
        ({"listed_from": "2026-09-01", "listed_to": "2026-01-01"}, "listed_to", "不能早于"),
        ({"list_type": "不存在的类型"}, "list_type", "不在可用的选项中"),
        ({"provider": "nope"}, "provider", "不在可用的选项中"),
        ({"q": make_ric("32060219850314002")}, "q", "身份证号码不作为搜索词"),
    ],
)
def test_bad_filters_are_form_errors_not_results(client, world, params, field, message):
    response = page(client, **params)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()


def test_a_hand_edited_page_number_is_not_an_error(client, world):
    for value in ("abc", "0", "99999"):
        response = page(client, page=value)
        assert response.status_code == 200 and len(names(response)) == 2


def test_pages_of_twenty(client, catalog):
    for n in range(25):
        entry(
            catalog,
            "serious_dishonesty_list",
            company(f"南通测试{n:02d}有限公司", f"9132060{n:02d}MA1W8X7A"),
            listed=dt.date(2026, 1, 1) + dt.timedelta(days=n),
        )
    first, second = page(client, "dishonesty"), page(client, "dishonesty", page=2)
    assert first.context["result"].total == 25 and first.context["result"].page_count == 2
    assert names(first)[0] == "南通测试24有限公司" and len(names(first)) == 20
    assert len(names(second)) == 5 and "page=2" in first.content.decode()


def test_the_csv_holds_the_filtered_list_formula_safe(client, catalog, world):
    rogue = company('=HYPERLINK("http://x")公司', "91320602MA1W8X7B1")
    entry(catalog, "red_list", rogue, listed=dt.date(2026, 1, 5))
    response = client.get(reverse("lists:red_csv"), {"provider": "swj"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "主体名称,统一社会信用代码,名单类型,认定单位,列入日期,有效期至"
    assert lines[1].startswith("南通海晟建设工程有限公司,")
    assert lines[2].startswith("\"'=HYPERLINK") or lines[2].startswith("'=HYPERLINK")
    assert len(lines) == 3
    assert "南通唐闸" not in response.content.decode("utf-8-sig")


def test_the_csv_refuses_bad_filters(client, world):
    assert client.get(reverse("lists:red_csv"), {"listed_from": "x"}).status_code == 400


def test_a_list_missing_from_the_catalog_says_so(client, providers):
    item = CatalogItemFactory(code="commendation", category=Category.COMMENDATION)
    publish(item.version)
    response = page(client)
    assert response.status_code == 200 and "尚未收录该名单" in response.content.decode()


def test_an_authorized_only_list_is_not_public(client, providers):
    item = CatalogItemFactory(
        code="red_list", category=Category.COMMENDATION, openness=Openness.AUTHORIZED, providers=[providers["swj"]]
    )
    publish(item.version)
    CreditRecordFactory(catalog_item=item, subject=company("南通海晟建设工程有限公司", "91320602MA1W8X7T2"))
    html = page(client).content.decode()
    assert "尚未收录该名单" in html and "南通海晟" not in html
    assert "南通海晟" not in client.get(reverse("lists:red_csv")).content.decode("utf-8-sig")


def test_the_lists_are_rate_limited_per_address(client, world, settings):
    settings.PUBLIC_LISTS_RATE = "2/m"
    for _ in range(2):
        assert client.get(reverse("lists:red"), REMOTE_ADDR="203.0.113.9").status_code == 200
    refused = client.get(reverse("lists:red_csv"), REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert "南通海晟" not in refused.content.decode()
    assert client.get(reverse("lists:red"), REMOTE_ADDR="203.0.113.10").status_code == 200


def test_the_site_map_footer_and_home_link_the_lists(client, world):
    sitemap = client.get(reverse("info:sitemap")).content.decode()
    assert (
        reverse("lists:index") in sitemap and reverse("lists:dishonesty") in sitemap and reverse("lists:red") in sitemap
    )
    home = client.get("/").content.decode()
    assert reverse("lists:dishonesty") in home and reverse("lists:red") in home


@pytest.mark.django_db(transaction=True)
def test_the_demo_lists_show_their_current_entries_only(client, tmp_path, settings):
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)

    red = names(page(client, "red"))
    assert "南通海晟建设工程有限公司" in red and "南通海门临江生物医药有限公司" in red  # 有效期至 still to come
    assert red.count("南通唐闸纺织科技有限公司") == 1  # its 2024 A级 has run out; 守合同重信用 runs
    assert "南通金沙纺织印染有限公司" not in red  # removed (移出) in 2024
    dishonest = names(page(client, "dishonesty"))
    assert "南通兴仁精细化工有限公司" in dishonest and "南通金沙纺织印染有限公司" not in dishonest
