"""Art. 15 flags: 轻微 is the record's grade; 初次 means no other dishonesty record of the same
subject decided in the year before it (see `repair.selectors.FIRST_OFFENCE_LOOKBACK`)."""

import pytest

from catalog.tests.factories import CatalogItemFactory, publish
from collection.models import RecordStatus, Severity
from collection.tests.factories import CreditRecordFactory
from repair.selectors import art15_flags

from .support import D, penalty_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "other, first",
    [
        (None, True),
        (dict(decided=D(2026, 1, 10)), False),  # earlier, within a year
        (dict(decided=D(2025, 5, 6)), False),  # exactly a year before
        (dict(decided=D(2025, 5, 5)), True),  # more than a year before
        (dict(decided=D(2026, 5, 6)), True),  # the same day
        (dict(decided=D(2026, 6, 1)), True),  # later
        (dict(decided=D(2026, 1, 10), status=RecordStatus.REVOKED), True),  # withdrawn as wrong
        (dict(decided=D(2026, 1, 10), status=RecordStatus.EXPIRED), False),  # publication over, conduct happened
    ],
)
def test_first_offence_looks_back_one_year(penalty, company, other, first):
    if other:
        penalty_record(penalty, company, **other)
    record = penalty_record(penalty, company, decided=D(2026, 5, 6))
    assert art15_flags(record).first_offence is first


def test_records_of_other_subjects_and_good_records_do_not_count(penalty, company, other_company, scjgj):
    penalty_record(penalty, other_company, decided=D(2026, 1, 10))
    commendation = CatalogItemFactory(code="honour", name="荣誉表彰", providers=[scjgj])
    publish(commendation.version)
    CreditRecordFactory(catalog_item=commendation, subject=company, decision_date=D(2026, 1, 10))
    record = penalty_record(penalty, company, decided=D(2026, 5, 6))
    flags = art15_flags(record)
    assert flags.first_offence and not flags.minor


def test_minor_is_the_light_grade(penalty, company):
    assert art15_flags(penalty_record(penalty, company, severity=Severity.LIGHT)).minor
    assert not art15_flags(penalty_record(penalty, company, severity=Severity.SERIOUS)).minor
