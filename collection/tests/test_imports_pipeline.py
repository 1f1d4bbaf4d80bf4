"""Processing a bulk file: all or nothing, every rejected row reported, the same records as the API."""

import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.bulk import imports as bulk_imports
from collection.bulk import layout as bulk_layout
from collection.bulk.imports import run_import
from collection.bulk.uploads import create_import
from collection.models import BulkImport, Channel, CreditRecord, NameMismatch, RecordRevision, RecordStatus, Subject
from collection.selectors import PublishedItems
from collection.services.records import submit_record

from .factories import SubjectFactory
from .import_support import (  # noqa: F401 (fixture)
    AUTHORITY_USCC,
    company_code,
    csv_bytes,
    demo_catalog,
    import_file,
    penalty,
    person_id,
    upload,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
Status = BulkImport.Status

ROWS = [penalty(1), penalty(2, kind="business"), penalty(3, kind="person"), penalty(4, penalty_types="警告")]


def test_it_imports_a_good_csv(scjgj, scjgj_staff):
    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(ROWS))

    assert bulk_import.status == Status.SUCCEEDED, bulk_import.last_error
    assert (bulk_import.total_rows, bulk_import.processed_rows) == (4, 4)
    assert (bulk_import.created_count, bulk_import.updated_count, bulk_import.unchanged_count) == (4, 0, 0)
    records = {r.source_key: r for r in CreditRecord.objects.select_related("subject")}
    assert set(records) == {f"通市监罚〔2026〕{n}号" for n in (1, 2, 3, 4)}
    first = records["通市监罚〔2026〕1号"]
    assert (first.subject.kind, first.subject.code, first.subject.name) == (
        "legal_person",
        company_code(1),
        "南通示例1号贸易有限公司",
    )
    assert first.channel == Channel.FILE and first.revision == 1
    assert first.data["penalty_types"] == ["警告", "罚款"] and first.data["fine_amount"] == "2"
    assert (first.decision_date, first.severity) == (dt.date(2026, 5, 6), "general")
    assert records["通市监罚〔2026〕2号"].subject.kind == "individual_business"
    person = records["通市监罚〔2026〕3号"].subject
    assert person.kind == "natural_person" and person.code is None and person.identifier_masked.startswith("3206")
    assert records["通市监罚〔2026〕3号"].data["id_number"] == person.identifier_masked  # kept masked in the data
    assert records["通市监罚〔2026〕4号"].severity == "light"
    assert RecordRevision.objects.filter(number=1, channel=Channel.FILE).count() == 4


def test_it_imports_a_good_xlsx_and_records_one_audit_event_with_a_digest(scjgj, scjgj_staff):
    before = AuditEvent.objects.filter(action__startswith="record.").count()

    bulk_import = import_file(scjgj, scjgj_staff, xlsx_bytes(ROWS), name="处罚.xlsx")

    assert bulk_import.status == Status.SUCCEEDED and bulk_import.created_count == 4
    assert AuditEvent.objects.filter(action__startswith="record.").count() == before  # no event per row
    event = AuditEvent.objects.get(action="bulkimport.import")
    assert event.object_id == str(bulk_import.pk) and event.actor_id == scjgj_staff.pk
    assert event.after["rows"] == 4 and event.after["created"] == 4 and event.after["file_sha256"] == bulk_import.sha256
    expected = hashlib.sha256()
    for number, record in enumerate(CreditRecord.objects.order_by("id"), start=2):
        expected.update(f"{number}\t{record.source_key}\t{record.content_hash}\n".encode())
    assert event.after["rows_sha256"] == expected.hexdigest()
    assert "批量导入行政处罚 4 条" in event.summary


def test_a_file_gives_the_same_records_as_submitting_each_row(scjgj, scjgj_staff, other_provider):
    received = timezone.now().replace(microsecond=0)
    rows = [*ROWS, penalty(5, subject_name="南通示例1号贸易有限公司（更名）", uscc=company_code(1))]
    layout = bulk_layout.layout_for(PublishedItems().get("admin_penalty"))
    # The same rows through submit_record, one by one, for another provider.
    for row in rows:
        submission = bulk_layout.row_to_submission(layout, {k: v for k, v in row.items()})
        submit_record(
            provider=other_provider,
            item_code="admin_penalty",
            source_key=submission.source_key,
            subject=submission.subject,
            data=submission.data,
            actor=scjgj_staff,
            channel=Channel.FILE,
            received_at=received,
        )
    by_api = _state(other_provider)
    CreditRecord.objects.filter(provider=other_provider).delete()
    NameMismatch.objects.all().delete()
    Subject.objects.all().delete()

    with freeze_time(received):
        bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert bulk_import.status == Status.SUCCEEDED
    assert _state(scjgj) == by_api


def _state(provider) -> dict:
    records = CreditRecord.objects.filter(provider=provider).select_related("subject")
    return {
        r.source_key: (
            r.subject.kind,
            r.subject.name,
            r.subject.code,
            r.subject.identifier_masked,
            r.subject.identifier_flag,
            r.item_code,
            r.catalog_item_id,
            r.category,
            r.is_public,
            r.is_dishonesty,
            r.severity,
            r.status,
            r.decision_date,
            r.disclosure_ends_on,
            r.repairable_from,
            r.data,
            r.content_hash,
            r.revision,
            r.channel,
            r.received_at,
            r.due_on,
            r.is_late,
            [(v.number, v.status, v.data, v.content_hash, v.created_by_id) for v in r.revisions.order_by("number")],
        )
        for r in records
    }


def test_one_bad_row_imports_nothing_and_reports_the_row(scjgj, scjgj_staff):
    rows = [penalty(1), penalty(2, uscc=company_code(2)[:-1] + "0", fine_amount="两万"), penalty(3)]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert bulk_import.status == Status.REJECTED and bulk_import.last_error == ""
    assert CreditRecord.objects.count() == 0 and Subject.objects.count() == 0
    errors = list(bulk_import.row_errors.values_list("row_number", "column", "message", "value"))
    assert (
        3,
        "统一社会信用代码",
        "“统一社会信用代码”：统一社会信用代码校验位错误，请核对代码是否抄写有误（早期试点代码如确属不规范，请明确声明）",
        rows[1]["uscc"],
    ) in errors
    assert (3, "罚款金额（万元）", "“罚款金额（万元）”应为数字，收到“两万”", "两万") in errors
    assert len(errors) == 2 and bulk_import.error_count == 2  # the invalid code is reported once
    assert not AuditEvent.objects.filter(action="bulkimport.import").exists()


def test_the_error_report_lists_every_error_with_neutralised_cells(scjgj, scjgj_staff):
    rows = [
        penalty(1, subject_name='=HYPERLINK("http://evil")', fine_amount="=1+1"),
        penalty(2, decision_date="2026-13-01"),
    ]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert bulk_import.status == Status.REJECTED
    sheet = openpyxl.load_workbook(bulk_import.errors_file.open("rb")).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == ("行号", "列", "错误原因", "原始值")
    assert (2, "罚款金额（万元）", "“罚款金额（万元）”应为数字，收到“=1+1”", "'=1+1") in cells
    assert any(row[0] == 3 and row[1] == "处罚决定日期" for row in cells)
    assert all(not str(value).startswith(("=", "+", "-", "@")) for row in cells for value in row if value)


def test_it_reads_gbk_and_utf8_bom_csv(scjgj, scjgj_staff):
    gbk = import_file(scjgj, scjgj_staff, csv_bytes([penalty(1)], encoding="gbk"), name="gbk.csv")
    bom = import_file(scjgj, scjgj_staff, csv_bytes([penalty(2)], encoding="utf-8-sig"), name="bom.csv")

    assert (gbk.status, bom.status) == (Status.SUCCEEDED, Status.SUCCEEDED)
    names = set(Subject.objects.values_list("name", flat=True))
    assert names == {"南通示例1号贸易有限公司", "南通示例2号贸易有限公司"}


def test_the_same_file_again_changes_nothing(scjgj, scjgj_staff):
    import_file(scjgj, scjgj_staff, csv_bytes(ROWS))
    revisions = RecordRevision.objects.count()

    again = import_file(scjgj, scjgj_staff, xlsx_bytes(ROWS), name="again.xlsx")

    assert again.status == Status.SUCCEEDED
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    assert CreditRecord.objects.count() == 4 and RecordRevision.objects.count() == revisions


def test_a_changed_row_becomes_a_new_revision(scjgj, scjgj_staff):
    import_file(scjgj, scjgj_staff, csv_bytes(ROWS))
    changed = [ROWS[0], {**ROWS[1], "fine_amount": "3", "penalty_content": "警告，并处罚款3万元。"}]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(changed))

    assert (bulk_import.created_count, bulk_import.updated_count, bulk_import.unchanged_count) == (0, 1, 1)
    record = CreditRecord.objects.get(source_key="通市监罚〔2026〕2号")
    assert record.revision == 2 and record.data["fine_amount"] == "3"
    assert [(r.number, r.data["fine_amount"]) for r in record.revisions.order_by("number")] == [(1, "2"), (2, "3")]


def test_a_revoked_record_imported_again_is_active_again(scjgj, scjgj_staff):
    import_file(scjgj, scjgj_staff, csv_bytes(ROWS[:1]))
    submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="通市监罚〔2026〕1号",
        actor=scjgj_staff,
        channel=Channel.API,
        revoke=True,
        reason="复议撤销",
    )

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(ROWS[:1]))

    assert bulk_import.updated_count == 1
    record = CreditRecord.objects.get()
    assert record.status == RecordStatus.ACTIVE and record.revision == 3


def test_it_refuses_the_same_key_twice_in_one_file(scjgj, scjgj_staff):
    rows = [penalty(1), penalty(2), penalty(3, penalty_document_number="通市监罚〔2026〕1号")]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert bulk_import.status == Status.REJECTED
    assert list(bulk_import.row_errors.values_list("row_number", "column", "message")) == [
        (4, "行政处罚决定书文号", "与第2行的业务编号相同；同一文件中每条记录只能出现一次"),
    ]


def test_it_reports_a_code_already_registered_as_another_kind(scjgj, scjgj_staff):
    SubjectFactory(
        kind="legal_person", name="南通示例1号贸易有限公司", identifier=company_code(1), allow_irregular=False
    )
    Subject.objects.filter(code=company_code(1)).update(kind="individual_business")

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes([penalty(1), penalty(2)]))

    assert bulk_import.status == Status.REJECTED
    assert list(bulk_import.row_errors.values_list("row_number", "column", "message")) == [
        (2, "行政相对人类别", "该信用唯一识别码已登记为“个体工商户”，与报送的主体类别不符"),
    ]


def test_subject_rules_of_the_file_are_reported_in_chinese_where_they_are(scjgj, scjgj_staff):
    rows = [
        penalty(1, subject_category="个体工商户"),  # a 91 code is no 个体工商户's
        penalty(2, kind="person", id_type="护照号"),
        penalty(3, subject_category="其他"),
        penalty(4, subject_name="", uscc=""),
    ]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    errors = set(bulk_import.row_errors.values_list("row_number", "column", "message"))
    assert (
        2,
        "统一社会信用代码",
        "个体工商户的统一社会信用代码应以92开头（登记管理部门码9、机构类别码2），该代码以91开头",
    ) in errors
    assert (3, "证件类型", "自然人以公民身份号码作为信用唯一识别码，“证件类型”应为“身份证”") in errors
    assert any(
        row == 4 and column == "行政相对人类别" and "不在可选范围内" in message for row, column, message in errors
    )
    assert (5, "行政相对人名称", "必填项“行政相对人名称”未填写") in errors
    assert (5, "统一社会信用代码", "未填写信用唯一识别码（统一社会信用代码或公民身份号码）") in errors


@pytest.mark.parametrize(
    ("data", "name", "code_message"),
    [
        (b"", "a.csv", "文件是空的"),
        (b"%PDF-1.7 not a table", "处罚.csv", "看起来是PDF 文档"),
        ("行政相对人名称,行政处罚决定书文号\r\n".encode(), "a.csv", "缺少必填的列"),
        ("甲,乙,丙\r\n1,2,3\r\n".encode(), "a.csv", "文件中有模板以外的列"),
    ],
)
def test_hostile_or_wrong_files_get_a_clear_message(scjgj, scjgj_staff, data, name, code_message):
    if not data:
        bulk_import = _stored_without_checks(scjgj, scjgj_staff, data, name)
    else:
        bulk_import = import_file(scjgj, scjgj_staff, data, name=name)

    assert bulk_import.status == Status.REJECTED
    assert code_message in bulk_import.last_error
    assert CreditRecord.objects.count() == 0


def _stored_without_checks(provider, user, data: bytes, name: str) -> BulkImport:
    """A batch whose file bypassed the upload checks (e.g. stored by an older version)."""
    from django.core.files.base import ContentFile

    bulk_import = BulkImport(
        provider=provider,
        item_code="admin_penalty",
        uploaded_by=user,
        original_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    bulk_import.original_file.save(name, ContentFile(data), save=True)
    run_import(import_id=bulk_import.pk)
    bulk_import.refresh_from_db()
    return bulk_import


def test_a_header_only_file_is_refused(scjgj, scjgj_staff):
    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes([]))
    assert bulk_import.status == Status.REJECTED and bulk_import.last_error == "文件只有表头，没有数据行。"


def test_an_xlsx_disguised_as_csv_and_a_csv_disguised_as_xlsx_are_refused(scjgj, scjgj_staff):
    disguised_xlsx = import_file(scjgj, scjgj_staff, xlsx_bytes(ROWS), name="处罚.csv")
    disguised_csv = import_file(scjgj, scjgj_staff, csv_bytes(ROWS), name="处罚.xlsx")

    assert "扩展名是 .csv，但内容是 Excel" in disguised_xlsx.last_error
    assert disguised_csv.status == Status.REJECTED and disguised_csv.last_error
    assert CreditRecord.objects.count() == 0


def test_a_formula_is_refused_with_its_cell(scjgj, scjgj_staff):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(ROWS)))
    workbook.active["M2"] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)

    bulk_import = import_file(scjgj, scjgj_staff, buffer.getvalue(), name="处罚.xlsx")

    assert bulk_import.status == Status.REJECTED
    assert "第 2 行“罚款金额（万元）”列（单元格 M2）是公式" in bulk_import.last_error


def test_a_zip_bomb_is_refused_without_crashing(scjgj, scjgj_staff):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\x00" * (80 * 1024 * 1024))

    bulk_import = import_file(scjgj, scjgj_staff, bomb.getvalue(), name="处罚.xlsx")

    assert bulk_import.status == Status.REJECTED and "压缩炸弹" in bulk_import.last_error


def test_more_rows_than_the_limit_are_refused(scjgj, scjgj_staff, settings):
    settings.BULK_IMPORT_MAX_ROWS = 3

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(ROWS))

    assert bulk_import.status == Status.REJECTED
    assert bulk_import.last_error == "文件超过 3 行数据的上限，请拆分为多个文件上传。"
    assert CreditRecord.objects.count() == 0


def test_running_a_finished_batch_again_does_nothing(scjgj, scjgj_staff):
    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(ROWS))
    events = AuditEvent.objects.count()

    assert run_import(import_id=bulk_import.pk) is None
    assert run_import(import_id=999_999) is None
    assert AuditEvent.objects.count() == events and CreditRecord.objects.count() == 4


def test_an_unexpected_failure_ends_the_batch_as_failed_with_nothing_imported(scjgj, scjgj_staff, monkeypatch):
    def broken(self, rows):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk_imports.BatchWriter, "store", broken)

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(ROWS))

    assert bulk_import.status == Status.FAILED and "未导入任何数据" in bulk_import.last_error
    assert CreditRecord.objects.count() == 0 and bulk_import.finished_at is not None


def test_a_batch_left_running_by_a_dead_worker_is_taken_over_by_its_redelivered_message(scjgj, scjgj_staff):
    bulk_import = create_import(
        provider=scjgj, item_code="admin_penalty", upload=upload(csv_bytes(ROWS[:1])), actor=scjgj_staff
    )
    BulkImport.objects.filter(pk=bulk_import.pk).update(
        status=Status.IMPORTING, started_at=timezone.now(), task_id="message-1"
    )  # that worker then died

    assert run_import(import_id=bulk_import.pk) is None  # a direct call leaves it
    assert run_import(import_id=bulk_import.pk, task_id="message-2") is None  # so does another message
    taken_over = run_import(import_id=bulk_import.pk, task_id="message-1")  # the broker hands it out again

    assert taken_over.status == Status.SUCCEEDED and taken_over.restarts == 1
    assert CreditRecord.objects.count() == 1


def test_progress_is_reported_while_rows_are_checked(scjgj, scjgj_staff, monkeypatch):
    monkeypatch.setattr(bulk_imports, "PROGRESS_EVERY", 2)
    seen = []
    real = bulk_imports._report_progress

    def spy(bulk_import, rows):
        real(bulk_import, rows)
        stored = BulkImport.objects.get(pk=bulk_import.pk)
        progress = bulk_imports.progress_of(stored)
        seen.append((stored.status, rows, progress["processed"], progress["percent"]))

    monkeypatch.setattr(bulk_imports, "_report_progress", spy)

    import_file(scjgj, scjgj_staff, csv_bytes(ROWS))

    # Rows are checked and stored in one pass (one transaction): the cache carries the count.
    assert seen == [("validating", 2, 2, 50), ("validating", 4, 4, 100)]


def test_an_item_the_provider_is_no_longer_responsible_for_is_rejected(scjgj, scjgj_staff, other_provider):
    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(ROWS))
    BulkImport.objects.filter(pk=bulk_import.pk).update(status=Status.QUEUED, item_code="professional_qualification")

    run_import(import_id=bulk_import.pk)

    bulk_import.refresh_from_db()
    assert bulk_import.status == Status.REJECTED and "不是现行目录事项" in bulk_import.last_error


def test_the_authority_code_is_checked_in_every_row(scjgj, scjgj_staff):
    wrong = AUTHORITY_USCC[:-1] + ("0" if AUTHORITY_USCC[-1] != "0" else "1")
    rows = [penalty(n, authority_uscc=wrong) for n in range(1, 4)]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert list(bulk_import.row_errors.values_list("row_number", "column")) == [
        (2, "处罚机关统一社会信用代码"),
        (3, "处罚机关统一社会信用代码"),
        (4, "处罚机关统一社会信用代码"),
    ]


def test_natural_persons_are_found_by_their_id_number(scjgj, scjgj_staff):
    import_file(scjgj, scjgj_staff, csv_bytes([penalty(7, kind="person")]))
    import_file(scjgj, scjgj_staff, csv_bytes([penalty(8, kind="person", id_number=person_id(7), subject_name="张七")]))

    person = Subject.objects.get()
    assert person.name == "张七" and CreditRecord.objects.filter(subject=person).count() == 2


def test_chunks_are_stored_as_they_pass_and_make_one_batch(scjgj, scjgj_staff, monkeypatch):
    monkeypatch.setattr(bulk_imports, "CHUNK_ROWS", 2)
    # Row 5 names the company of row 1 again, two chunks later (another penalty, another name,
    # which is not a penalty's to give: the name stays, the other one is listed for the center).
    rows = [*ROWS, penalty(5, uscc=company_code(1), subject_name="南通示例1号贸易有限公司（更名）")]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert bulk_import.status == Status.SUCCEEDED and bulk_import.created_count == 5
    assert CreditRecord.objects.count() == 5 and Subject.objects.count() == 4
    assert Subject.objects.get(code=company_code(1)).name == "南通示例1号贸易有限公司"
    assert NameMismatch.objects.get().submitted_name == "南通示例1号贸易有限公司（更名）"
    assert AuditEvent.objects.filter(action="bulkimport.import").get().after["rows"] == 5


def test_a_rejected_row_in_a_later_chunk_leaves_nothing_of_the_earlier_ones(scjgj, scjgj_staff, monkeypatch):
    monkeypatch.setattr(bulk_imports, "CHUNK_ROWS", 2)
    rows = [*ROWS, penalty(5, fine_amount="两万"), penalty(6), penalty(7, decision_date="明天")]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert bulk_import.status == Status.REJECTED and bulk_import.processed_rows == 7
    # Rows 1-4 (file rows 2-5) were stored before row 5 failed: rolled back with the batch.
    assert CreditRecord.objects.count() == 0 and Subject.objects.count() == 0
    assert RecordRevision.objects.count() == 0
    # The rest of the file is still checked: the error two chunks later is reported too.
    assert [row for row, _column in bulk_import.row_errors.values_list("row_number", "column")] == [6, 8]
    assert not AuditEvent.objects.filter(action="bulkimport.import").exists()


def test_a_query_while_a_chunk_is_written_waits_for_it(postgres_only, scjgj, scjgj_staff, monkeypatch):
    """On PostgreSQL a chunk is written in the background; any statement sent meanwhile on the
    same connection (here a new disclosure rule asked by the next chunk's checks) waits for it."""
    from django.db import connection, transaction

    from collection.services.batch import BatchWriter
    from collection.services.checks import CheckMemo, check_submission

    items = PublishedItems()
    checked = [
        check_submission(
            provider=scjgj,
            item_code="admin_penalty",
            source_key=f"后台-{n}",
            subject={"kind": "legal_person", "name": f"南通后台{n}号有限公司", "identifier": company_code(100 + n)},
            data=penalty(100 + n, penalty_document_number=f"后台-{n}"),
            items=items,
            memo=CheckMemo(),
        )
        for n in range(300)
    ]
    with transaction.atomic(), BatchWriter(provider=scjgj, actor=scjgj_staff, channel=Channel.FILE) as writer:
        writer.store(checked)
        assert writer.pipe._thread is not None  # still being written
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM collection_creditrecord")
            assert cursor.fetchone()[0] == 300
    assert RecordRevision.objects.filter(record__source_key__startswith="后台-").count() == 300
