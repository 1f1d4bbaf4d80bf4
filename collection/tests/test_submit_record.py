import datetime as dt
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Channel, CreditRecord, RecordRevision, RecordStatus, Subject
from collection.selectors import PublishedItems
from collection.services.batch import submit_checked_batch
from collection.services.checks import check_submission
from collection.services.errors import ProviderNotResponsible, SubmissionInvalid
from collection.services.records import submit_record

from .factories import make_ric, make_uscc, wrong_check

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

COMPANY = make_uscc("91320602MA1XYW0A1")
PERSON_ID = make_ric("32060219800101123")
OTHER_PERSON_ID = make_ric("32068419700505002")


def company(**extra) -> dict:
    return {"kind": "legal_person", "name": "南通通达建设工程有限公司", "identifier": COMPANY, **extra}


def penalty(**extra) -> dict:
    return {
        "decision_no": "通市监罚〔2026〕12号",
        "penalty_type": "罚款",
        "penalty_amount": "2.5",
        "decision_date": "2026-05-06",
        **extra,
    }


def submit(provider, *, item="admin_penalty", key="通市监罚〔2026〕12号", subject=None, data=None, **kwargs):
    return submit_record(
        provider=provider,
        item_code=item,
        source_key=key,
        subject=subject or company(),
        data=penalty() if data is None else data,
        channel=Channel.API,
        **kwargs,
    )


@freeze_time("2026-05-08 10:00")
def test_it_creates_a_record_with_its_columns(scjgj):
    result = submit(scjgj)
    assert result.outcome == "created"
    record = CreditRecord.objects.get()
    assert record == result.record
    assert record.subject.code == COMPANY
    assert record.data == {
        "decision_no": "通市监罚〔2026〕12号",
        "penalty_type": ["罚款"],
        "penalty_amount": "2.5",
        "decision_date": "2026-05-06",
    }
    assert (record.decision_date, record.severity) == (dt.date(2026, 5, 6), "general")
    # 一般: published at least 3 months, at most 1 year.
    assert (record.repairable_from, record.disclosure_ends_on) == (dt.date(2026, 8, 7), dt.date(2027, 5, 6))
    assert (record.category, record.is_public, record.is_dishonesty) == ("regulatory", True, True)
    assert record.due_on == dt.date(2026, 5, 14) and not record.is_late  # Sat 05-09 is a 调休 working day
    assert record.revision == 1 and record.revisions.get().number == 1
    event = AuditEvent.objects.get(action="record.create")
    assert event.object_id == str(record.pk) and event.after["data"]["penalty_amount"] == "2.5"


@freeze_time("2026-05-08 10:00")
def test_the_same_content_again_changes_nothing(scjgj):
    first = submit(scjgj).record
    events = AuditEvent.objects.count()
    again = submit(
        scjgj,
        data=penalty(penalty_amount="2.50", penalty_type="罚款；", decision_date="2026年5月6日"),
        subject=company(identifier=COMPANY.lower()),
    )
    assert again.outcome == "unchanged" and again.record.pk == first.pk
    assert CreditRecord.objects.count() == 1 and RecordRevision.objects.count() == 1
    assert AuditEvent.objects.count() == events


@freeze_time("2026-05-08 10:00")
def test_a_changed_content_adds_a_revision_and_keeps_the_old_one(scjgj):
    first = submit(scjgj).record
    result = submit(scjgj, data=penalty(penalty_type="罚款;吊销许可证件", penalty_amount="20"), reason="更正处罚种类")
    assert result.outcome == "updated"
    record = CreditRecord.objects.get()
    assert record.pk == first.pk and record.revision == 2
    assert record.severity == "serious" and record.disclosure_ends_on == dt.date(2029, 5, 6)
    old, new = record.revisions.order_by("number")
    assert old.data["penalty_amount"] == "2.5" and new.data["penalty_amount"] == "20"
    assert new.reason == "更正处罚种类"
    event = AuditEvent.objects.get(action="record.update")
    assert event.before["data"]["penalty_type"] == ["罚款"]
    assert event.after["data"]["penalty_type"] == ["罚款", "吊销许可证件"]


@freeze_time("2026-05-08 10:00")
def test_a_revocation_keeps_the_record_and_its_history(scjgj):
    submit(scjgj)
    result = submit(scjgj, revoke=True, reason="复议撤销", data={}, subject={})
    assert result.outcome == "revoked"
    record = CreditRecord.objects.get()
    assert record.status == RecordStatus.REVOKED and record.revision == 2
    assert list(record.revisions.order_by("number").values_list("status", flat=True)) == ["active", "revoked"]
    assert AuditEvent.objects.filter(action="record.revoke", object_id=str(record.pk)).exists()
    assert submit(scjgj, revoke=True).outcome == "unchanged"


def test_revoking_an_unknown_key_is_an_error(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(scjgj, revoke=True, key="不存在的文号")
    assert list(error.value.errors) == ["source_key"]


@freeze_time("2026-05-08 10:00")
def test_it_collects_every_error_with_its_path(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(
            scjgj,
            key="  ",
            subject=company(identifier=wrong_check(COMPANY), name=""),
            data={
                "decision_no": "x" * 31,
                "penalty_type": "罚款;拘役",
                "penalty_amount": "两万",
                "decision_date": "2026-02-30",
                "first_offence": "也许",
                "person_count": "2.5",
                "colour": "red",
                "authority_uscc": wrong_check(COMPANY),
            },
        )
    errors = error.value.errors
    assert set(errors) == {
        "source_key",
        "subject.name",
        "subject.identifier",
        "data.decision_no",
        "data.penalty_type",
        "data.penalty_amount",
        "data.decision_date",
        "data.first_offence",
        "data.person_count",
        "data.colour",
        "data.authority_uscc",
    }
    assert errors["subject.identifier"] == [
        "统一社会信用代码校验位错误，请核对代码是否抄写有误（早期试点代码如确属不规范，请明确声明）"
    ]
    assert "“行政处罚决定书文号”最多30个字，实际31个字" in errors["data.decision_no"]
    assert "“处罚类别”的取值“拘役”不在可选范围内" in errors["data.penalty_type"][0]
    assert "“罚款金额（万元）”应为数字，收到“两万”" in errors["data.penalty_amount"]
    assert "“处罚决定日期”应为日期" in errors["data.decision_date"][0]
    assert "目录事项中没有数据项“colour”" in errors["data.colour"]
    assert "统一社会信用代码校验位错误" in errors["data.authority_uscc"][0]
    assert not CreditRecord.objects.exists() and not Subject.objects.exists()


def test_missing_required_fields_are_named(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(scjgj, data={"decision_no": "— —", "penalty_type": "", "decision_date": None})
    assert error.value.errors == {
        "data.decision_no": ["必填项“行政处罚决定书文号”未填写"],
        "data.penalty_type": ["必填项“处罚类别”未填写"],
        "data.decision_date": ["必填项“处罚决定日期”未填写"],
    }


@freeze_time("2026-05-08 10:00")
@pytest.mark.parametrize("empty", ["", "  ", "— —", "--", "-", "无", "/", "／", "——", None, "NULL"])
def test_office_spellings_of_nothing_are_empty(scjgj, empty):
    data = submit(scjgj, data=penalty(penalty_amount=empty, basis=empty, first_offence=empty)).record.data
    assert set(data) == {"decision_no", "penalty_type", "decision_date"}


@freeze_time("2026-05-08 10:00")
@pytest.mark.parametrize(
    "typed",
    [
        "2026-05-06",
        "2026/5/6",
        "2026.5.6",
        "2026年5月6日",
        "２０２６年５月６日",
        "20260506",
        "2026-05-06 00:00:00",
        "2026-05-06T00:00:00",
        46148,
        46148.0,
        dt.date(2026, 5, 6),
        dt.datetime(2026, 5, 6, 0, 0),
    ],
)
def test_it_reads_the_dates_offices_write(scjgj, typed):
    assert submit(scjgj, data=penalty(decision_date=typed)).record.decision_date == dt.date(2026, 5, 6)


@freeze_time("2026-05-08 10:00")
def test_it_normalises_typed_values(scjgj):
    record = submit(
        scjgj,
        data=penalty(
            penalty_amount="１,２００.５０",
            person_count="３",
            first_offence="是",
            penalty_type=["警告", " 罚款 ", "警告"],
            legal_rep_id=OTHER_PERSON_ID,
            authority_uscc=make_uscc("11320600014205001").lower(),
        ),
    ).record
    assert record.data["penalty_amount"] == "1200.5"
    assert record.data["person_count"] == 3
    assert record.data["first_offence"] is True
    assert record.data["penalty_type"] == ["警告", "罚款"]
    assert record.data["authority_uscc"] == make_uscc("11320600014205001")
    # Another person's ID number in a data field is kept masked only.
    assert record.data["legal_rep_id"] == OTHER_PERSON_ID[:4] + "*" * 10 + OTHER_PERSON_ID[-4:]


@freeze_time("2026-05-08 10:00")
def test_a_single_choice_field_takes_one_value(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(
            scjgj,
            item="admin_license",
            key="许可-1",
            data={"license_no": "许可-1", "license_type": "普通;特许", "decision_date": "2026-05-06"},
        )
    assert error.value.errors == {"data.license_type": ["“许可类别”只能填写一个值"]}


@freeze_time("2026-05-08 10:00")
def test_a_decision_in_the_future_is_refused(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(scjgj, data=penalty(decision_date="2026-05-09"))
    assert error.value.errors == {"data.decision_date": ["决定日期不能晚于今天"]}


def test_a_provider_not_responsible_is_refused(other_provider):
    with pytest.raises(ProviderNotResponsible) as error:
        submit(other_provider)
    assert "不是目录事项“行政处罚”的责任单位" in str(error.value)
    assert not Subject.objects.exists()


def test_an_unknown_item_is_an_error_with_the_others(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(scjgj, item="admin_fine", subject=company(kind="company"))
    assert error.value.errors["item"] == ["现行目录中没有事项代码“admin_fine”"]
    assert "subject.kind" in error.value.errors


@freeze_time("2026-05-08 10:00")
def test_a_kind_the_item_does_not_apply_to_is_refused(scjgj):
    person = {"kind": "natural_person", "name": "王建国", "identifier": PERSON_ID}
    with pytest.raises(SubmissionInvalid) as error:
        submit(
            scjgj,
            item="admin_license",
            key="许可-2",
            subject=person,
            data={"license_no": "许可-2", "license_type": "普通", "decision_date": "2026-05-06"},
        )
    assert error.value.errors == {
        "subject.kind": ["目录事项“行政许可”适用于法人和非法人组织、个体工商户，不适用于自然人"]
    }


def test_a_natural_person_with_a_92_mismatch_is_refused(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(scjgj, subject={"kind": "individual_business", "name": "某某小吃店", "identifier": COMPANY})
    assert "应以92开头" in error.value.errors["subject.identifier"][0]


@freeze_time("2026-05-08 10:00")
def test_an_irregular_code_needs_the_explicit_statement(scjgj):
    irregular = wrong_check(COMPANY)
    with pytest.raises(SubmissionInvalid):
        submit(scjgj, subject=company(identifier=irregular))
    result = submit(scjgj, subject=company(identifier=irregular, irregular_code=True))
    assert result.record.subject.identifier_flag == "irregular_code"
    assert any("待复核" in w for w in result.warnings)


@freeze_time("2026-05-08 10:00")
def test_an_id_number_of_a_new_county_is_accepted_with_a_warning(scjgj):
    number = make_ric("32061420080808002")
    result = submit(scjgj, subject={"kind": "natural_person", "name": "沈思远", "identifier": number})
    assert result.outcome == "created"
    assert result.record.subject.identifier_flag == "unknown_division"
    assert any("320614" in w for w in result.warnings)


@freeze_time("2026-05-08 10:00")
def test_no_clear_id_number_reaches_the_audit_trail_the_record_or_the_logs(scjgj, caplog):
    caplog.set_level(logging.DEBUG)
    person = {"kind": "natural_person", "name": "王建国", "identifier": PERSON_ID}
    submit(scjgj, subject=person, data=penalty(legal_rep_id=OTHER_PERSON_ID))
    submit(scjgj, subject=person, data=penalty(penalty_amount="3", legal_rep_id=OTHER_PERSON_ID))
    submit(scjgj, revoke=True)
    texts = [
        json.dumps([e.summary, e.before, e.after], ensure_ascii=False, default=str) for e in AuditEvent.objects.all()
    ]
    texts += [json.dumps(r.data, ensure_ascii=False) for r in RecordRevision.objects.all()]
    texts += [json.dumps(list(CreditRecord.objects.values().get().values()), ensure_ascii=False, default=str)]
    texts += [caplog.text]
    assert len(texts) > 6
    for text in texts:
        assert PERSON_ID not in text and OTHER_PERSON_ID not in text
    assert any("3206**********" + PERSON_ID[-4:] in text for text in texts)


@freeze_time("2026-05-08 10:00")
def test_an_id_number_that_also_passes_as_a_credit_code_is_still_masked(scjgj):
    ambiguous = "320682199309020265"  # valid as 公民身份号码 and as 统一社会信用代码
    submit(scjgj, data=penalty(legal_rep_id=ambiguous))
    stored = json.dumps(CreditRecord.objects.get().data, ensure_ascii=False)
    events = json.dumps([e.after for e in AuditEvent.objects.all()], ensure_ascii=False, default=str)
    assert ambiguous not in stored and ambiguous not in events
    assert "3206**********0265" in stored


@pytest.mark.parametrize(
    ("received", "late"),
    [
        ("2026-10-13 23:30", False),  # 24:00 of the 7th working day has not yet passed
        ("2026-10-14 00:10", True),
    ],
)
def test_lateness_counts_working_days_across_national_day(scjgj, received, late):
    # 7 working days after Mon 2026-09-28: 09-29, 09-30, 10-08, 10-09, Sat 10-10 (调休上班), 10-12, 10-13.
    with freeze_time(dt.datetime.fromisoformat(received + "+08:00")):
        result = submit(scjgj, data=penalty(decision_date="2026-09-28"))
    record = result.record
    assert record.due_on == dt.date(2026, 10, 13)
    assert record.is_late is late
    assert any("逾期报送" in w for w in result.warnings) is late


def test_a_self_declared_record_has_no_submission_deadline(scjgj):
    # A subject declaring its own information (Art. 10) is bound by no provider's deadline (Art. 22).
    with freeze_time("2026-12-01 09:00+08:00"):
        result = submit_record(
            provider=scjgj,
            item_code="admin_penalty",
            source_key="申报-1",
            subject=company(),
            data=penalty(decision_date="2026-09-28"),
            channel=Channel.SELF_DECLARATION,
        )
        again = submit_record(
            provider=scjgj,
            item_code="admin_penalty",
            source_key="申报-1",
            subject=company(),
            data=penalty(decision_date="2026-09-28", penalty_amount="3"),
            channel=Channel.API,
        )
    assert result.record.self_declared and result.warnings == []
    assert (result.record.due_on, result.record.is_late) == (None, False)
    assert again.outcome == "updated" and (again.record.due_on, again.record.is_late) == (None, False)


def test_a_self_declared_row_of_a_batch_has_no_submission_deadline(scjgj):
    items = PublishedItems()
    with freeze_time("2026-12-01 09:00+08:00"):
        checked = check_submission(
            provider=scjgj,
            item_code="admin_penalty",
            source_key="申报-1",
            subject=company(),
            data=penalty(decision_date="2026-09-28"),
            items=items,
        )
        submit_checked_batch(provider=scjgj, rows=[checked], actor=None, channel=Channel.SELF_DECLARATION)
    record = CreditRecord.objects.get()
    assert record.self_declared and (record.due_on, record.is_late) == (None, False)


def test_a_correction_later_does_not_make_a_record_late(scjgj):
    with freeze_time("2026-10-12 09:00+08:00"):
        submit(scjgj, data=penalty(decision_date="2026-09-28"))
    with freeze_time("2026-12-01 09:00+08:00"):
        result = submit(scjgj, data=penalty(decision_date="2026-09-28", penalty_amount="3"))
    assert result.outcome == "updated" and result.record.is_late is False


@freeze_time("2026-05-08 10:00")
def test_a_registration_item_is_long_term(scjgj):
    record = submit(
        scjgj,
        item="admin_license",
        key="许可-3",
        data={
            "license_no": "许可-3",
            "license_type": "普通",
            "decision_date": "2026-05-06",
            "valid_until": "2099-12-31",
        },
    ).record
    assert (record.disclosure_ends_on, record.repairable_from, record.severity) == (None, None, "")
    assert (record.category, record.is_dishonesty) == ("qualification", False)


@freeze_time("2026-05-08 10:00")
def test_it_needs_few_queries_per_row(scjgj):
    items = PublishedItems()
    submit(scjgj, key="warm-up", items=items)
    with CaptureQueriesContext(connection) as created:
        submit(scjgj, key="row-2", subject=company(identifier=make_uscc("91320602MA1XYW0B2")), items=items)
    with CaptureQueriesContext(connection) as unchanged:
        submit(scjgj, key="row-2", subject=company(identifier=make_uscc("91320602MA1XYW0B2")), items=items)
    # Rule, subject (looked up, inserted), record, revision and one audit event of 3 statements.
    # A repeat: rule, subject, the record's insert that finds the key taken, the record locked.
    assert len(statements(created)) <= 8, statements(created)
    assert len(statements(unchanged)) <= 4, statements(unchanged)


def statements(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


@freeze_time("2026-05-08 10:00")
def test_a_factory_record_is_recognised_by_a_resubmission(scjgj, catalog):
    from .factories import CreditRecordFactory, SubjectFactory

    subject = SubjectFactory(identifier=COMPANY)
    item = catalog.items.get(code="admin_penalty")
    data = {
        "decision_no": "通市监罚〔2026〕12号",
        "penalty_type": ["罚款"],
        "penalty_amount": "2.5",
        "decision_date": "2026-05-06",
    }
    record = CreditRecordFactory(catalog_item=item, subject=subject, source_key="通市监罚〔2026〕12号", data=data)
    result = submit(scjgj)
    assert (result.outcome, result.record.pk) == ("unchanged", record.pk)


@freeze_time("2026-05-08 10:00")
def test_registration_details_of_the_subject_are_checked_and_kept(scjgj):
    with pytest.raises(SubmissionInvalid) as error:
        submit(scjgj, subject=company(address="南" * 201, established_on="2019-02-30", website="x"))
    assert error.value.errors == {
        "subject.address": ["“住所”最多200个字"],
        "subject.established_on": ["成立日期不是有效日期"],
        "subject.website": ["信息主体没有“website”这一项"],
    }
    record = submit(
        scjgj, subject=company(legal_representative="周建华", district="崇川区", established_on="2019/2/1")
    ).record
    assert (record.subject.legal_representative, record.subject.district) == ("周建华", "崇川区")
    assert record.subject.established_on == dt.date(2019, 2, 1)


@freeze_time("2026-05-08 10:00")
def test_an_identifier_registered_under_another_kind_is_a_subject_kind_error(scjgj):
    shop_code = make_uscc("92320612MA1N0PQR3")
    submit(scjgj, subject={"kind": "individual_business", "name": "某某小吃店", "identifier": shop_code})
    Subject.objects.update(kind="legal_person")  # as an earlier, wrong import left it
    with pytest.raises(SubmissionInvalid) as error:
        submit(
            scjgj, key="another", subject={"kind": "individual_business", "name": "某某小吃店", "identifier": shop_code}
        )
    assert error.value.errors == {"subject.kind": ["该信用唯一识别码已登记为“法人和非法人组织”，与报送的主体类别不符"]}
    assert CreditRecord.objects.count() == 1
