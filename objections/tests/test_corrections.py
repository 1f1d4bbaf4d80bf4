"""`collection.records.corrections.correct_record`: a correction goes through the collection pipeline —
the catalog's validation, a new revision with the old one kept — and marks the record 已更正."""

import datetime as dt

import pytest
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Channel, RecordStatus
from collection.records.corrections import CorrectionError, NothingToCorrect, correct_record
from collection.services.records import submit_record
from collection.tests.factories import SubjectFactory, make_ric

from .support import at, penalty_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]
PERSON_ID = make_ric("32060219800101123")


@freeze_time(at("2026-09-28 10:00"))
def test_a_correction_is_a_new_revision_and_keeps_the_old_one(penalty, clerk):
    corrected = correct_record(
        record=penalty, data={"penalty_amount": "0.5"}, actor=clerk, reason="异议YY1：平台技术处理差错"
    )
    corrected.refresh_from_db()
    assert (corrected.status, corrected.revision, corrected.channel) == (RecordStatus.CORRECTED, 2, Channel.CENTER)
    assert corrected.data["penalty_amount"] == "0.5" and corrected.data["decision_no"] == "通市监罚〔2026〕101号"
    old, new = corrected.revisions.order_by("number")
    assert (old.data["penalty_amount"], old.status) == ("2.5", RecordStatus.ACTIVE)
    assert (new.data["penalty_amount"], new.status, new.reason) == (
        "0.5",
        RecordStatus.CORRECTED,
        "异议YY1：平台技术处理差错",
    )
    assert new.created_by == clerk
    event = AuditEvent.objects.get(action="record.correct")
    assert event.before["data"]["penalty_amount"] == "2.5" and event.after["status"] == "corrected"


@freeze_time(at("2026-09-28 10:00"))
def test_the_derived_columns_follow_the_corrected_values(penalty, clerk):
    # A wrong decision date: the disclosure window and the repair date are computed again.
    corrected = correct_record(record=penalty, data={"decision_date": "2026-03-02"}, actor=clerk, reason="更正日期")
    assert corrected.decision_date == dt.date(2026, 3, 2)
    assert corrected.disclosure_ends_on == dt.date(2027, 3, 2) and corrected.repairable_from == dt.date(2026, 6, 3)


@freeze_time(at("2026-09-28 10:00"))
def test_values_the_catalog_refuses_change_nothing(penalty, clerk):
    with pytest.raises(CorrectionError) as refused:
        correct_record(
            record=penalty, data={"penalty_amount": "两万", "penalty_type": "罚金"}, actor=clerk, reason="更正"
        )
    assert "应为数字" in refused.value.errors["penalty_amount"][0]
    assert "不在可选范围内" in refused.value.errors["penalty_type"][0]
    penalty.refresh_from_db()
    assert (penalty.revision, penalty.status) == (1, RecordStatus.ACTIVE)
    assert not AuditEvent.objects.filter(action="record.correct").exists()


@freeze_time(at("2026-09-28 10:00"))
def test_the_same_values_are_nothing_to_correct(penalty, clerk):
    with pytest.raises(NothingToCorrect):
        correct_record(record=penalty, data={"penalty_amount": "2.50"}, actor=clerk, reason="更正")


@freeze_time(at("2026-09-28 10:00"))
def test_a_revoked_record_is_not_corrected(penalty, clerk, scjgj):
    submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key=penalty.source_key,
        revoke=True,
        channel=Channel.API,
        reason="复议撤销",
    )
    with pytest.raises(CorrectionError, match="已由信息提供单位撤销"):
        correct_record(record=penalty, data={"penalty_amount": "1"}, actor=clerk, reason="更正")


@freeze_time(at("2026-09-28 10:00"))
def test_masked_id_numbers_are_put_back_or_must_be_typed(scjgj, clerk):
    person = SubjectFactory(natural_person=True, name="张伟", identifier=PERSON_ID)
    record = submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="通市监罚〔2026〕9号",
        channel=Channel.API,
        subject={"kind": "natural_person", "name": "张伟", "identifier": PERSON_ID},
        data=penalty_data("通市监罚〔2026〕9号", legal_rep_id=make_ric("32068419700505002")),
    ).record
    assert "*" in record.data["legal_rep_id"]  # another person's number is kept masked
    with pytest.raises(CorrectionError) as refused:
        correct_record(record=record, data={"penalty_amount": "1"}, actor=clerk, reason="更正")
    assert refused.value.errors["legal_rep_id"] == ["该号码已脱敏保存，无法原样再次报送，请填写完整号码"]
    typed = {"penalty_amount": "1", "legal_rep_id": make_ric("32068419700505002")}
    corrected = correct_record(record=record, data=typed, actor=clerk, reason="更正")
    assert corrected.subject == person and corrected.data["penalty_amount"] == "1"
