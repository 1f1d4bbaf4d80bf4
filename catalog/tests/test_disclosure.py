import datetime as dt

import pytest

from catalog.disclosure import (
    DisclosureWindow,
    describe_rule,
    disclosure_window,
    means_long_term,
    rule_in_force,
    split_values,
)
from catalog.errors import DisclosureError
from catalog.models import Category, DisclosureRule

from .factories import CatalogItemFactory, DisclosureRuleFactory, DisclosureSchemeFactory, penalty_item

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def penalty():
    """行政处罚 with the 2026 grading and, before it, a 2021 rule: every penalty 6 months to 3 years."""
    item = penalty_item()
    DisclosureRuleFactory(
        scheme=item.disclosure_scheme,
        effective_from=D(2021, 1, 1),
        mode=DisclosureRule.Mode.FIXED,
        periods={"all": [6, 36]},
        legal_basis="2021年规则",
    )
    return item


def window(item, decision_date, **data):
    return disclosure_window(item=item, data=data, decision_date=decision_date)


def test_it_selects_the_newest_rule_in_force_on_a_date(penalty):
    scheme = penalty.disclosure_scheme
    assert rule_in_force(scheme, D(2026, 3, 31)).effective_from == D(2021, 1, 1)
    assert rule_in_force(scheme, D(2026, 4, 1)).effective_from == D(2026, 4, 1)
    assert rule_in_force(scheme, D(2027, 1, 1)).effective_from == D(2026, 4, 1)
    assert rule_in_force(scheme, D(2020, 12, 31)) is None


def test_it_applies_the_old_rule_to_a_decision_before_2026_04_01(penalty):
    assert window(penalty, D(2026, 3, 31), severity="一般") == DisclosureWindow(
        ends_on=D(2029, 3, 31), repairable_from=D(2026, 10, 1), grade=""
    )


def test_it_applies_the_new_rule_to_a_decision_from_2026_04_01(penalty):
    assert window(penalty, D(2026, 4, 1), severity="一般") == DisclosureWindow(
        ends_on=D(2027, 4, 1), repairable_from=D(2026, 7, 2), grade="general"
    )


def test_it_lets_the_caller_choose_another_rule_date(penalty):
    result = disclosure_window(
        item=penalty, data={"severity": "一般"}, decision_date=D(2026, 3, 1), on_date=D(2026, 5, 1)
    )
    assert result == DisclosureWindow(ends_on=D(2027, 3, 1), repairable_from=D(2026, 6, 2), grade="general")


@pytest.mark.parametrize(
    ("severity", "ends_on", "repairable_from", "grade"),
    [
        ("一般", D(2027, 5, 15), D(2026, 8, 16), "general"),
        ("严重", D(2029, 5, 15), D(2027, 5, 16), "serious"),
        ("serious", D(2029, 5, 15), D(2027, 5, 16), "serious"),
    ],
)
def test_it_grades_by_the_severity_field(penalty, severity, ends_on, repairable_from, grade):
    assert window(penalty, D(2026, 5, 15), severity=severity) == DisclosureWindow(ends_on, repairable_from, grade)


# 民法典 Art. 201: the decision day is not counted; N months end on the corresponding day of the
# Nth month, or on that month's last day; repair is accepted from the day after the minimum.
@pytest.mark.parametrize(
    ("decided", "severity", "minimum_ends", "repairable_from", "last_public_day"),
    [
        (D(2026, 10, 20), "一般", D(2027, 1, 20), D(2027, 1, 21), D(2027, 10, 20)),  # SPEC §2's example
        (D(2026, 11, 30), "一般", D(2027, 2, 28), D(2027, 3, 1), D(2027, 11, 30)),
        (D(2026, 11, 30), "严重", D(2027, 11, 30), D(2027, 12, 1), D(2029, 11, 30)),
        (D(2026, 8, 31), "一般", D(2026, 11, 30), D(2026, 12, 1), D(2027, 8, 31)),
        (D(2026, 12, 31), "一般", D(2027, 3, 31), D(2027, 4, 1), D(2027, 12, 31)),
        (D(2027, 11, 29), "一般", D(2028, 2, 29), D(2028, 3, 1), D(2028, 11, 29)),  # leap year
        (D(2027, 11, 30), "一般", D(2028, 2, 29), D(2028, 3, 1), D(2028, 11, 30)),
        (D(2028, 2, 29), "严重", D(2029, 2, 28), D(2029, 3, 1), D(2031, 2, 28)),
    ],
)
def test_periods_are_counted_as_civil_code_art_201_counts_them(
    penalty, decided, severity, minimum_ends, repairable_from, last_public_day
):
    result = window(penalty, decided, severity=severity)
    assert result.repairable_from == repairable_from == minimum_ends + dt.timedelta(days=1)
    assert result.ends_on == last_public_day


def test_the_old_rule_counts_its_periods_the_same_way(penalty):
    """A decision before 2026-04-01 keeps the 2021 rule's periods (6 months to 3 years here)."""
    assert window(penalty, D(2025, 8, 31), severity="一般") == DisclosureWindow(
        ends_on=D(2028, 8, 31), repairable_from=D(2026, 3, 1), grade=""
    )


@pytest.mark.parametrize("severity", ["轻微", "light"])
def test_a_light_penalty_is_withheld_unless_publication_is_stated_necessary(penalty, severity):
    result = window(penalty, D(2026, 5, 15), severity=severity)
    assert result == DisclosureWindow(ends_on=D(2026, 8, 15), repairable_from=None, grade="light", withheld=True)


def test_a_light_penalty_stated_necessary_is_published_for_at_most_its_maximum(penalty):
    result = window(
        penalty, D(2026, 6, 10), severity="轻微", publication_necessary=True, publication_reason="一年内多次违法"
    )
    assert result == DisclosureWindow(ends_on=D(2026, 9, 10), repairable_from=D(2026, 6, 11), grade="light")


def test_a_statement_of_necessity_needs_its_reason(penalty):
    with pytest.raises(DisclosureError, match="请填写确需公示的理由") as raised:
        window(penalty, D(2026, 6, 10), severity="轻微", publication_necessary=True, publication_reason="  ")
    assert raised.value.field == "publication_reason"


def test_a_statement_of_necessity_is_only_a_statement_when_true(penalty):
    assert window(penalty, D(2026, 6, 10), severity="轻微", publication_necessary=False).withheld
    assert window(penalty, D(2026, 6, 10), severity="轻微", publication_necessary="是").withheld


def test_a_rule_whose_maximum_is_zero_is_never_public_not_even_on_the_decision_day():
    scheme = DisclosureSchemeFactory()
    DisclosureRuleFactory(
        scheme=scheme,
        effective_from=D(2021, 7, 1),
        by_severity=True,
        periods={"light": [0, 0], "general": [3, 36], "serious": [12, 36]},
    )
    item = penalty_item(disclosure_scheme=scheme)
    stated = {"publication_necessary": True, "publication_reason": "确有必要"}
    result = window(item, D(2025, 5, 15), severity="轻微", **stated)
    assert result == DisclosureWindow(ends_on=D(2025, 5, 15), repairable_from=None, grade="light", withheld=True)
    fixed = DisclosureSchemeFactory()
    DisclosureRuleFactory(
        scheme=fixed, mode=DisclosureRule.Mode.FIXED, periods={"all": [0, 0]}, effective_from=D(2020, 1, 1)
    )
    assert window(CatalogItemFactory(category=Category.REGULATORY, disclosure_scheme=fixed), D(2026, 2, 1)).withheld


def test_it_grades_by_the_penalty_types(penalty):
    assert window(penalty, D(2026, 5, 15), penalty_type="警告").grade == "light"
    assert window(penalty, D(2026, 5, 15), penalty_type=["罚款"]).grade == "general"


def test_the_longest_period_wins_when_a_decision_has_several_penalty_types(penalty):
    result = window(penalty, D(2026, 5, 15), penalty_type="警告；罚款;吊销许可证件", severity="一般")
    assert result == DisclosureWindow(ends_on=D(2029, 5, 15), repairable_from=D(2027, 5, 16), grade="serious")


def test_a_stated_severity_longer_than_the_penalty_types_wins(penalty):
    assert window(penalty, D(2026, 5, 15), penalty_type=["警告"], severity="严重").grade == "serious"


def test_it_counts_months_to_the_end_of_shorter_months(penalty):
    assert window(penalty, D(2026, 11, 30), severity="轻微").ends_on == D(2027, 2, 28)


def test_it_refuses_when_no_grade_can_be_found(penalty):
    with pytest.raises(DisclosureError, match="无法从报送内容确定失信程度"):
        window(penalty, D(2026, 5, 15), penalty_type="其他")


def test_it_refuses_an_unknown_severity(penalty):
    with pytest.raises(DisclosureError, match="不是有效的失信程度"):
        window(penalty, D(2026, 5, 15), severity="很严重")


def test_it_needs_a_decision_date_for_a_period(penalty):
    with pytest.raises(DisclosureError, match="缺少决定日期"):
        disclosure_window(item=penalty, data={"severity": "一般"}, decision_date=None)


def test_a_long_term_item_never_ends():
    licence = CatalogItemFactory(category=Category.QUALIFICATION)
    result = disclosure_window(item=licence, data={"valid_to": "2099-12-31"}, decision_date=D(2020, 1, 1))
    assert result == DisclosureWindow(ends_on=None, repairable_from=None, grade="")
    assert disclosure_window(item=licence, data={}, decision_date=None).ends_on is None


def test_2099_12_31_means_long_term():
    assert means_long_term(D(2099, 12, 31))
    assert not means_long_term(D(2030, 12, 31))
    assert not means_long_term(None)


def test_a_fixed_rule_gives_one_period():
    scheme = DisclosureSchemeFactory()
    DisclosureRuleFactory(
        scheme=scheme, mode=DisclosureRule.Mode.FIXED, periods={"all": [0, 12]}, effective_from=D(2020, 1, 1)
    )
    item = CatalogItemFactory(category=Category.REGULATORY, disclosure_scheme=scheme)
    assert window(item, D(2026, 2, 1)) == DisclosureWindow(
        ends_on=D(2027, 2, 1), repairable_from=D(2026, 2, 2), grade=""
    )


def test_a_decision_before_the_first_rule_falls_under_the_first_rule():
    scheme = DisclosureSchemeFactory()
    DisclosureRuleFactory(
        scheme=scheme, mode=DisclosureRule.Mode.FIXED, periods={"all": [3, 12]}, effective_from=D(2020, 1, 1)
    )
    item = CatalogItemFactory(category=Category.REGULATORY, disclosure_scheme=scheme)
    assert window(item, D(2018, 6, 1)).ends_on == D(2019, 6, 1)


def test_a_scheme_without_rules_is_an_error():
    item = CatalogItemFactory(category=Category.REGULATORY, disclosure_scheme=DisclosureSchemeFactory(name="空规则"))
    with pytest.raises(DisclosureError, match="空规则"):
        window(item, D(2026, 5, 1))


def test_grades_by_value_may_apply_to_every_choice_field():
    item = penalty_item()
    rule = item.disclosure_scheme.rules.get()
    rule.grades_by_value = {"吊销许可证件": "严重"}
    rule.save()
    assert window(item, D(2026, 5, 15), penalty_type="吊销许可证件").grade == "serious"


def test_it_splits_multiple_values():
    assert split_values("警告; 罚款；没收违法所得") == ["警告", "罚款", "没收违法所得"]
    assert split_values(["警告", " "]) == ["警告"]
    assert split_values(None) == []


def test_it_describes_rules_in_plain_chinese():
    by_severity = DisclosureRuleFactory(by_severity=True)
    assert describe_rule(by_severity) == (
        "轻微：原则上不予公示，确需公示的最长3个月；一般：3个月至1年；严重：1年至3年，自决定作出之日起计算（决定当日不计入）"
    )
    assert describe_rule(DisclosureRuleFactory()) == "长期公示"
    fixed = DisclosureRuleFactory(mode=DisclosureRule.Mode.FIXED, periods={"all": [6, 36]})
    assert describe_rule(fixed) == "公示6个月至3年，自决定作出之日起计算（决定当日不计入）"


def test_a_grade_that_is_not_published_says_so():
    rule = DisclosureRuleFactory(by_severity=True, periods={"light": [0, 0], "general": [3, 36], "serious": [12, 36]})
    assert (
        describe_rule(rule)
        == "轻微：不予公示；一般：3个月至3年；严重：1年至3年，自决定作出之日起计算（决定当日不计入）"
    )


# --- List entries: 移出日期 and 有效期至 -------------------------------------------------------------


@pytest.fixture
def red_list():
    """A list kept while its entries are listed (守信激励对象名单): long term, ended by the entry."""
    return CatalogItemFactory(category=Category.COMMENDATION)


def test_a_list_entry_without_end_dates_stays_published(red_list):
    assert window(red_list, D(2026, 3, 1)) == DisclosureWindow(ends_on=None, repairable_from=None, grade="")


def test_a_removed_entry_is_published_up_to_the_day_before_its_removal(red_list):
    assert window(red_list, D(2026, 3, 1), removed_on="2026-09-01").ends_on == D(2026, 8, 31)


def test_an_entry_listed_for_a_term_is_published_up_to_its_last_day(red_list):
    assert window(red_list, D(2026, 3, 1), listed_until="2027-02-28").ends_on == D(2027, 2, 28)


def test_the_earlier_of_removal_and_term_ends_the_entry(red_list):
    both = {"removed_on": "2026-09-01", "listed_until": "2027-02-28"}
    assert window(red_list, D(2026, 3, 1), **both).ends_on == D(2026, 8, 31)
    both = {"removed_on": "2027-09-01", "listed_until": "2027-02-28"}
    assert window(red_list, D(2026, 3, 1), **both).ends_on == D(2027, 2, 28)


def test_a_term_until_2099_12_31_is_long_term(red_list):
    assert window(red_list, D(2026, 3, 1), listed_until="2099-12-31").ends_on is None


def test_a_term_ends_a_fixed_period_early_but_never_extends_it():
    scheme = DisclosureSchemeFactory()
    DisclosureRuleFactory(
        scheme=scheme, mode=DisclosureRule.Mode.FIXED, periods={"all": [0, 12]}, effective_from=D(2020, 1, 1)
    )
    item = CatalogItemFactory(category=Category.COMMENDATION, disclosure_scheme=scheme)
    assert window(item, D(2026, 2, 1), listed_until="2026-06-30").ends_on == D(2026, 6, 30)
    assert window(item, D(2026, 2, 1), listed_until="2028-06-30").ends_on == D(2027, 2, 1)


def test_a_licence_validity_does_not_end_its_publication():
    licence = CatalogItemFactory(category=Category.QUALIFICATION)
    assert window(licence, D(2020, 1, 1), valid_until="2023-12-31").ends_on is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"listed_until": "2026-02-28"}, "listed_until"),
        ({"listed_until": "不是日期"}, "listed_until"),
        ({"removed_on": "2026-02-28"}, "removed_on"),
    ],
)
def test_end_dates_before_the_listing_or_malformed_are_refused(red_list, data, field):
    with pytest.raises(DisclosureError) as raised:
        window(red_list, D(2026, 3, 1), **data)
    assert raised.value.field == field
