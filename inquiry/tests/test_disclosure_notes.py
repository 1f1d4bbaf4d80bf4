"""The plain-Chinese notes shown with every disclosed record (issue 4: "when it stops being
published and from when the subject may apply for credit repair")."""

import datetime as dt

from django.utils import timezone

from collection.models import CreditRecord
from inquiry.selectors import disclosure_notes

TODAY = dt.date(2026, 11, 27)


def record(**values) -> CreditRecord:
    defaults = {"is_dishonesty": True, "disclosure_ends_on": None, "repairable_from": None, "repaired_at": None}
    return CreditRecord(**{**defaults, **values})


def test_a_licence_without_end_is_long_term():
    assert disclosure_notes(record(is_dishonesty=False), TODAY) == ["长期公示"]


def test_a_penalty_says_until_when_and_from_when_repair_may_be_asked():
    notes = disclosure_notes(
        record(disclosure_ends_on=dt.date(2027, 5, 6), repairable_from=dt.date(2026, 12, 6)), TODAY
    )
    assert notes == ["公示至2027年5月6日，届满后自动停止公示", "自2026年12月6日起可申请信用修复"]


def test_once_the_minimum_period_is_over_repair_may_be_asked_now():
    notes = disclosure_notes(record(disclosure_ends_on=dt.date(2027, 5, 6), repairable_from=TODAY), TODAY)
    assert notes[-1] == "信息主体现可申请信用修复"


def test_an_expired_record_says_so():
    assert disclosure_notes(record(disclosure_ends_on=dt.date(2026, 11, 26)), TODAY)[0] == "已于2026年11月26日公示期满"


def test_a_repaired_record_says_its_disclosure_ended_with_the_repair():
    repaired = timezone.make_aware(dt.datetime(2026, 11, 20, 23, 30), timezone.get_fixed_timezone(0))
    notes = disclosure_notes(
        record(disclosure_ends_on=dt.date(2026, 11, 19), repairable_from=dt.date(2026, 8, 1), repaired_at=repaired),
        TODAY,
    )
    # 23:30 UTC is already the next day in Nantong.
    assert notes == ["已于2026年11月21日完成信用修复，终止公示"]
