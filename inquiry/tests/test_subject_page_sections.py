"""The subject page's sections as 信用中国 has them: where a catalog item's records go (the item's
主体页栏目, or its category), a list entry under 失信惩戒 until its 移出日期, the header's counts per
mark, paging within a section, the actions per viewer, and a number of queries that does not
grow with the subject's records."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from catalog.forms import ItemForm
from catalog.models import Category, PublicSection
from catalog.services import create_draft
from catalog.tests.factories import CatalogFieldFactory, CatalogItemFactory, publish
from collection.models import Annotation
from collection.tests.factories import CreditRecordFactory, SubjectFactory, make_uscc
from inquiry import subject_actions
from nantong_credit import roles

from .public_support import (  # noqa: F401  (fixtures)
    SIJIAN_CODE,
    disclosed,
    frozen_today,
    item,
    public_catalog,
    scjgj,
    sijian,
)
from .report_support import bind
from .special_support import providers, special_catalog, submit  # noqa: F401

pytestmark = pytest.mark.django_db
URL = reverse("subjects:detail", args=[SIJIAN_CODE])


def get(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def section_html(html: str, key: str) -> str:
    match = re.search(rf'<section class="subject-section[^"]*" id="{key}".*?</section>', html, re.S)
    assert match, key
    return match.group(0)


def record_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article[^>]*id="record-(\d+)"', html)]


def penalties(catalog, subject, count: int, start=dt.date(2026, 1, 1)):
    return [
        CreditRecordFactory(
            subject=subject,
            catalog_item=item(catalog, "admin_penalty"),
            decision_date=start + dt.timedelta(days=n),
            disclosure_ends_on=dt.date(2027, 12, 31),
            source_key=f"通市监罚〔2026〕{subject.pk}-{n + 1}号",
        )
        for n in range(count)
    ]


# --- Where an item's records go ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "extra", "expected"),
    [
        (Category.REGISTRATION, {}, "basic"),
        (Category.QUALIFICATION, {}, "licensing"),
        (Category.REGULATORY, {}, "penalty"),
        (Category.REGULATORY, {"is_warning": True}, "discipline"),
        (Category.COMMENDATION, {}, "incentive"),
        (Category.RATING, {}, "rating"),
        (Category.REGULATORY, {"public_section": PublicSection.OTHER}, "other"),
    ],
)
def test_an_items_section_is_its_own_or_its_categorys(category, extra, expected):
    assert CatalogItemFactory(category=category, **extra).section == expected


def test_a_regulatory_list_goes_to_discipline_and_a_red_list_to_incentive():
    listing = CatalogItemFactory(code="serious_dishonesty_list", category=Category.REGULATORY, is_dishonesty=True)
    CatalogFieldFactory(item=listing, key="removed_on", label="移出日期", type="date")
    red = CatalogItemFactory(version=listing.version, code="red_list", category=Category.COMMENDATION)
    assert (listing.section, red.section) == ("discipline", "incentive")


def test_a_draft_copies_the_section_and_the_item_form_edits_it(catalog_admin):
    listing = CatalogItemFactory(
        code="blacklist", category=Category.REGULATORY, public_section=PublicSection.DISCIPLINE
    )
    CatalogItemFactory(version=listing.version, code="honours", category=Category.COMMENDATION)
    publish(listing.version)
    draft = create_draft(actor=catalog_admin)
    assert draft.items.get(code="blacklist").public_section == "discipline"
    assert draft.items.get(code="honours").public_section == ""
    form = ItemForm()
    assert "public_section" in form.fields and not form.fields["public_section"].required


def test_list_entries_show_under_discipline_until_their_removal_date(client, special_catalog, providers):
    company = SubjectFactory(name="南通海晟建设工程有限公司", identifier=make_uscc("91320602MA1W8X7Q3"))
    with freeze_time("2026-12-07 02:00:00"):
        listed = submit(
            providers["swj"],
            "serious_dishonesty_list",
            "税务黑名单〔2026〕3号",
            company,
            list_type="重大税收违法失信主体",
            decision_date="2026-06-01",
            listing_reason="虚开增值税专用发票",
            removed_on="2026-12-20",
        )
        coercion = submit(
            providers["zjj"],
            "admin_coercion",
            "通住建强制〔2026〕15号",
            company,
            coercion_document_number="通住建强制〔2026〕15号",
            decision_date="2026-03-10",
        )
        url = reverse("subjects:detail", args=[company.code])
        html = get(client, url)
    assert f'id="record-{listed.pk}"' in section_html(html, "discipline")
    assert f'id="record-{coercion.pk}"' in section_html(html, "penalty")
    with freeze_time("2026-12-19 12:00:00"):
        assert f'id="record-{listed.pk}"' in get(client, url)
    with freeze_time("2026-12-20 02:00:00"):
        html = get(client, url)
    assert f'id="record-{listed.pk}"' not in html and "税务黑名单〔2026〕3号" not in html
    assert "暂无公示中的失信惩戒信息" in section_html(html, "discipline")


# --- Counts and marks -------------------------------------------------------------------------------


def test_the_header_counts_records_and_marks(client, disclosed):
    Annotation.objects.create(record=disclosed["commendation"], kind=Annotation.Kind.APPENDED_NOTE, text="附注")
    html = get(client)
    header = re.search(r"<header class=\"subject-header.*?</header>", html, re.S).group(0)
    for text in (
        "公示信息</span> <strong>6</strong>",
        "失信信息</span> <strong>3</strong>",
        "异议处理中</span> <strong>1</strong>",
        "已修复</span> <strong>0</strong>",  # a repaired record is no longer published (Art. 17)
        # the penalty's note, the objected one's statement and the commendation's note
        "附注/异议人声明</span> <strong>3</strong>",
    ):
        assert text in header, text
    assert "3 条，其中失信信息 3 条，异议处理中 1 条" in section_html(html, "penalty")


# --- Paging ---------------------------------------------------------------------------------------


def test_a_section_shows_its_newest_ten_and_pages_server_side(client, public_catalog, sijian, frozen_today):
    records = penalties(public_catalog, sijian, 23)
    newest_first = [r.pk for r in sorted(records, key=lambda r: r.decision_date, reverse=True)]
    html = get(client)
    assert record_ids(section_html(html, "penalty")) == newest_first[:10]
    assert "第 1 / 3 页，共 23 条" in html and 'href="?section=penalty&amp;page=2#penalty"' in html
    second = get(client, URL + "?section=penalty&page=2")
    assert record_ids(section_html(second, "penalty")) == newest_first[10:20]
    assert 'href="?section=penalty&amp;page=1#penalty"' in second
    assert record_ids(section_html(get(client, URL + "?section=penalty&page=3"), "penalty")) == newest_first[20:]


@pytest.mark.parametrize(
    "query", ["?page=abc", "?section=penalty&page=-1", "?section=penalty&page=0", "?section=x&page=2"]
)
def test_bad_paging_values_give_the_first_page(client, public_catalog, sijian, frozen_today, query):
    records = penalties(public_catalog, sijian, 12)
    newest = max(records, key=lambda r: r.decision_date)
    assert record_ids(section_html(get(client, URL + query), "penalty"))[0] == newest.pk


def test_a_page_past_the_last_gives_the_last(client, public_catalog, sijian, frozen_today):
    records = penalties(public_catalog, sijian, 12)
    oldest = min(records, key=lambda r: r.decision_date)
    html = get(client, URL + "?section=penalty&page=999999999999999999999")
    assert record_ids(section_html(html, "penalty"))[-1] == oldest.pk and "第 2 / 2 页" in html


def test_the_number_of_queries_does_not_grow_with_the_records(client, public_catalog, frozen_today):
    small = SubjectFactory(name="南通小户有限公司", identifier=make_uscc("91320602MA1W8X7A1"))
    large = SubjectFactory(name="南通大户有限公司", identifier=make_uscc("91320602MA1W8X7B2"))
    for record in penalties(public_catalog, small, 10):
        Annotation.objects.create(record=record, kind=Annotation.Kind.APPENDED_NOTE, text="附注")
    for record in penalties(public_catalog, large, 300):
        Annotation.objects.create(record=record, kind=Annotation.Kind.APPENDED_NOTE, text="附注")
    get(client, reverse("subjects:detail", args=[small.code]))  # per-process caches warm
    counts = []
    for subject in (small, large):
        with CaptureQueriesContext(connection) as queries:
            get(client, reverse("subjects:detail", args=[subject.code]))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


# --- Actions --------------------------------------------------------------------------------------


def actions(html: str) -> str:
    return re.search(r'<div class="subject-actions.*?</div>', html, re.S).group(0)


def test_actions_are_registered_in_order():
    assert subject_actions.templates()[:2] == ["objections/_subject_action.html", "repair/_subject_action.html"]
    assert subject_actions.templates()[-1] == "inquiry/public/actions/_print.html"


def test_an_anonymous_visitor_is_led_to_sign_in(client, disclosed):
    html = actions(get(client))
    assert 'href="/accounts/login/?next=/objections/new/"' in html
    assert 'href="/accounts/login/?next=/repair/"' in html  # the penalties may be repaired today
    assert 'href="/reports/"' in html and "申请信用报告" in html
    assert '<button type="button" class="btn btn-outline-secondary btn-sm" data-print>' in html


def test_no_repair_where_nothing_may_be_repaired(client, public_catalog, sijian, frozen_today):
    penalty = penalties(public_catalog, sijian, 1)[0]
    penalty.is_dishonesty, penalty.repairable_from = True, dt.date(2026, 9, 1)
    penalty.save()
    html = actions(get(client))
    assert "申请信用修复" not in html and "提出异议" in html


def test_the_subjects_agent_goes_straight_to_its_forms(client, disclosed, sijian, user_with_role):
    agent = user_with_role("agent", roles.SUBJECT_USER)
    bind(agent, sijian)
    client.force_login(agent)
    html = actions(get(client))
    assert f'href="/objections/new/?subject={sijian.pk}"' in html
    assert 'href="/repair/"' in html
    assert f'href="/reports/new/?subject={sijian.pk}"' in html


def test_an_account_not_acting_for_the_subject_sees_what_applies_to_it(client, disclosed, user_with_role):
    other = user_with_role("other", roles.SUBJECT_USER)
    bind(other, SubjectFactory(name="别家公司", identifier=make_uscc("91320602MA1W8X7C3")))
    client.force_login(other)
    html = actions(get(client))
    # The objection flow asks it which of its own subjects; it cannot repair another's records.
    assert 'href="/objections/new/"' in html and "申请信用修复" not in html
    assert 'href="/reports/"' in html and "?subject=" not in html


def test_an_account_that_may_not_object_is_not_offered_it(client, disclosed, nobody):
    client.force_login(nobody)
    html = actions(get(client))
    assert "提出异议" not in html and "申请信用修复" not in html and "打印" in html
