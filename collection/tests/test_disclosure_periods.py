"""What a record's period means once it is stored (SPEC §2): 轻微 withheld unless stated
necessary, repair accepted from the day after the minimum, 已到期 after the last day."""

import datetime as dt

import pytest
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Channel, CreditRecord, RecordStatus
from collection.records.expiry import expire_records
from collection.selectors import PublishedItems
from collection.services.batch import submit_checked_batch
from collection.services.checks import check_submission
from collection.services.errors import SubmissionInvalid
from collection.services.records import submit_record
from collection.tasks import sweep_record_expiry
from collection.visibility import authorized_records, own_records, public_records

from .factories import make_uscc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

COMPANY = make_uscc("91320602MA1XYW0A1")
NECESSARY = {"publication_necessary": True, "publication_reason": "一年内三次违法，确需公示以警示"}


def data(**extra) -> dict:
    return {"decision_no": "通市监罚〔2026〕12号", "penalty_type": "警告", "decision_date": "2026-10-20", **extra}


def subject() -> dict:
    return {"kind": "legal_person", "name": "南通通达建设工程有限公司", "identifier": COMPANY}


def submit(provider, key="通市监罚〔2026〕12号", **extra):
    return submit_record(
        provider=provider,
        item_code="admin_penalty",
        source_key=key,
        subject=subject(),
        data=data(**extra),
        channel=Channel.API,
    )


def submit_batch(provider, rows: list[dict]):
    items = PublishedItems()
    checked = [
        check_submission(
            provider=provider, item_code="admin_penalty", source_key=f"K-{n}", subject=subject(), data=row, items=items
        )
        for n, row in enumerate(rows)
    ]
    return submit_checked_batch(provider=provider, rows=checked, actor=None, channel=Channel.FILE)


@freeze_time("2026-12-07 10:00")
def test_a_light_penalty_is_stored_withheld_and_the_provider_is_told(scjgj):
    result = submit(scjgj)
    record = result.record
    assert (record.severity, record.publication_withheld) == ("light", True)
    assert record.disclosure_ends_on == dt.date(2027, 1, 20) and record.repairable_from is None
    assert any("轻微·不公示" in warning for warning in result.warnings)
    assert not public_records().exists() and not authorized_records(["regulatory"]).exists()
    assert list(own_records()) == [record]


@freeze_time("2026-12-07 10:00")
def test_a_light_penalty_stated_necessary_is_public_for_three_months_at_most(scjgj):
    record = submit(scjgj, **NECESSARY).record
    assert not record.publication_withheld and record.withheld_label == ""
    assert (record.disclosure_ends_on, record.repairable_from) == (dt.date(2027, 1, 20), dt.date(2026, 10, 21))
    assert list(public_records()) == [record]
    with freeze_time("2027-01-20 23:59:00+08:00"):
        assert public_records().exists()
    with freeze_time("2027-01-21 00:00:00+08:00"):
        assert not public_records().exists()


@freeze_time("2026-12-07 10:00")
def test_a_statement_without_its_reason_is_refused_on_the_reason_field(scjgj):
    with pytest.raises(SubmissionInvalid) as refused:
        submit(scjgj, publication_necessary=True)
    assert refused.value.errors == {"data.publication_reason": ["已声明确需公示的，请填写确需公示的理由。"]}
    assert not CreditRecord.objects.exists()


@freeze_time("2026-12-07 10:00")
def test_the_batch_path_stores_the_same_columns_as_the_single_path(scjgj):
    rows = [
        data(),
        data(**NECESSARY),
        data(penalty_type="罚款", decision_date="2026-11-30"),
        data(penalty_type="罚款", decision_date="2025-08-31"),
    ]
    submit_batch(scjgj, rows)
    columns = ("severity", "disclosure_ends_on", "repairable_from", "publication_withheld", "status")
    for n, row in enumerate(rows):
        single = submit_record(
            provider=scjgj,
            item_code="admin_penalty",
            source_key=f"S-{n}",
            subject=subject(),
            data=row,
            channel=Channel.API,
        ).record
        batch = CreditRecord.objects.get(source_key=f"K-{n}")
        assert [getattr(batch, c) for c in columns] == [getattr(single, c) for c in columns], n
        assert batch.revisions.get().status == batch.status
    assert CreditRecord.objects.get(source_key="K-0").publication_withheld
    assert CreditRecord.objects.get(source_key="K-2").repairable_from == dt.date(2027, 3, 1)  # minimum ends 02-28
    assert CreditRecord.objects.get(source_key="K-3").status == RecordStatus.EXPIRED  # one year, over on 2026-08-31


@freeze_time("2026-12-07 10:00")
def test_a_record_submitted_after_its_period_is_already_expired_and_lives_again_when_extended(scjgj):
    record = submit(scjgj, penalty_type="罚款", decision_date="2025-11-30").record
    assert (record.disclosure_ends_on, record.status) == (dt.date(2026, 11, 30), RecordStatus.EXPIRED)
    again = submit(scjgj, penalty_type="吊销许可证件", decision_date="2025-11-30").record
    assert (again.disclosure_ends_on, again.status) == (dt.date(2028, 11, 30), RecordStatus.ACTIVE)
    assert list(public_records()) == [again]


def test_the_expiry_sweep_marks_records_after_their_last_day_once_with_its_audit_event(scjgj):
    with freeze_time("2026-12-07 10:00"):
        general = submit(scjgj, key="A", penalty_type="罚款", decision_date="2026-10-20").record
        withheld = submit(scjgj, key="B").record
        long_term = submit_record(
            provider=scjgj,
            item_code="admin_license",
            source_key="L",
            subject=subject(),
            data={"license_no": "L1", "license_type": "普通", "decision_date": "2020-01-01"},
            channel=Channel.API,
        ).record
    with freeze_time("2027-01-20 23:00"):  # Shanghai 2027-01-21 07:00: 轻微's three months ended 01-20
        assert sweep_record_expiry() == 1
        assert sweep_record_expiry() == 0
    with freeze_time("2027-10-20 12:00"):  # 一般's last public day
        assert expire_records() == 0
    with freeze_time("2027-10-21 01:00"):
        assert expire_records() == 1
    statuses = dict(CreditRecord.objects.values_list("pk", "status"))
    assert statuses == {general.pk: "expired", withheld.pk: "expired", long_term.pk: "active"}
    events = AuditEvent.objects.filter(action="record.expire").order_by("pk")
    assert [event.after["records"] for event in events] == [[withheld.pk], [general.pk]]
    assert CreditRecord.objects.get(pk=general.pk).get_status_display() == "已到期"


def test_the_expiry_sweep_leaves_revoked_and_suspended_records_as_they_are(scjgj):
    with freeze_time("2026-12-07 10:00"):
        revoked = submit(scjgj, key="R", penalty_type="罚款", decision_date="2026-10-20").record
        submit_record(provider=scjgj, item_code="admin_penalty", source_key="R", revoke=True, channel=Channel.API)
    with freeze_time("2028-01-01 10:00"):
        assert expire_records() == 0
    assert CreditRecord.objects.get(pk=revoked.pk).status == RecordStatus.REVOKED
