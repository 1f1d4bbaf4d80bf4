"""Batch credit checks by government users (Art. 12): per subject, current dishonesty records,
warnings and commendations with links, as a page and an XLSX."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from collection.models import RecordStatus
from collection.tests.factories import SubjectFactory, make_uscc
from inquiry.commitments import record_commitment
from inquiry.government import services as government
from inquiry.government.services import ListLine, parse_pasted, run_batch_check, start_batch_check
from inquiry.models import BatchCheck, CreditCommitment, QueryLog
from nantong_credit import roles

from .authorization_support import (  # noqa: F401  (fixtures)
    add_record,
    government_user,
    inquiry_catalog,
    organisation,
    provider,
    requester,
)

pytestmark = pytest.mark.django_db
NEW = reverse("government:check_new")
UNKNOWN = make_uscc("91320611999999999")


@pytest.fixture
def subjects(inquiry_catalog, clerk):
    """Three companies: one with a penalty and a warning, one commended with a commitment, one
    clean (its only penalty is revoked and its rating is authorized-only)."""
    bad = organisation("南通失信示例有限公司", 1)
    good = organisation("南通守信示例有限公司", 2)
    clean = organisation("南通普通示例有限公司", 3)
    add_record(inquiry_catalog, bad, "admin_penalty", "罚款")
    add_record(inquiry_catalog, bad, "admin_penalty", "第二次罚款")
    add_record(inquiry_catalog, bad, "warning_record", "申报弄虚作假")
    add_record(inquiry_catalog, bad, "admin_penalty", "期满的处罚", disclosure_ends_on=dt.date(2020, 1, 1))
    add_record(inquiry_catalog, good, "commendation", "市级文明单位")
    add_record(inquiry_catalog, clean, "admin_penalty", "已撤销", status=RecordStatus.REVOKED)
    add_record(inquiry_catalog, clean, "tax_credit_rating", "A级纳税人")
    record_commitment(
        subject=good,
        kind=CreditCommitment.Kind.APPROVAL,
        matter="申请专项资金",
        text="所报材料真实。",
        made_on=dt.date(2026, 3, 1),
        actor=clerk,
    )
    return {"bad": bad, "good": good, "clean": clean}


def listing(subjects) -> str:
    return "\n".join(
        [
            f"{subjects['bad'].code}\t南通失信示例有限公司",
            subjects["good"].code.lower(),
            f"{subjects['clean'].code},名称写错了公司",
            UNKNOWN,
            "9132061100000000",
        ]
    )


def run(client, text: str):
    return client.post(NEW, {"purpose": "2026年度市级专项资金申报审核", "pasted": text}, follow=True)


def rows_by_line(batch):
    return {row.line: row for row in batch.rows.all()}


def test_a_pasted_list_is_checked_subject_by_subject(client, government_user, subjects):
    client.force_login(government_user)
    page = run(client, listing(subjects)).content.decode()
    batch = BatchCheck.objects.get()
    assert (batch.status, batch.total, batch.requested_by) == (BatchCheck.Status.DONE, 5, government_user)
    rows = rows_by_line(batch)
    counts = {
        line: (r.dishonesty_count, r.warning_count, r.commendation_count, r.commitment_count)
        for line, r in rows.items()
        if r.subject_id
    }
    assert counts == {1: (2, 1, 0, 0), 2: (0, 0, 1, 1), 3: (0, 0, 0, 0)}
    assert rows[3].name == "南通普通示例有限公司" and "名称写错了公司" in rows[3].message
    assert rows[4].subject is None and rows[4].message == "平台暂无该主体的信用信息"
    assert rows[5].subject is None and "应为18位" in rows[5].message
    assert f'href="/subjects/{subjects["bad"].code}/"' in page
    assert "有失信信息 <strong>1</strong> 个" in page and "名单有误 <strong>1</strong> 行" in page
    assert "有失信信息、有警示信息" in page and "未发现失信、警示或良好信息" in page


def test_a_light_penalty_that_is_not_published_is_shown_marked_and_counted_apart(
    client, government_user, subjects, inquiry_catalog
):
    """SPEC §2: 轻微·不公示 is not public, but an agency checking a subject sees it, marked, within its period."""
    clean = subjects["clean"]
    add_record(
        inquiry_catalog,
        clean,
        "admin_penalty",
        "轻微，不公示",
        severity="light",
        publication_withheld=True,
        disclosure_ends_on=dt.date(2099, 1, 1),
    )
    add_record(
        inquiry_catalog,
        clean,
        "admin_penalty",
        "轻微，期限已过",
        severity="light",
        publication_withheld=True,
        disclosure_ends_on=dt.date(2020, 1, 1),
    )
    client.force_login(government_user)
    page = run(client, clean.code).content.decode()
    row = BatchCheck.objects.get().rows.get()
    assert (row.dishonesty_count, row.withheld_count) == (0, 1)
    assert "轻微·不公示 1" in page and "有轻微失信信息（不公示）" in page
    result = load_workbook(io.BytesIO(client.get(reverse("government:check_xlsx", args=[row.batch_id])).content)).active
    header, values = [list(r) for r in result.iter_rows(min_row=3, max_row=4, values_only=True)]
    assert dict(zip(header, values, strict=True))["轻微·不公示（条）"] == 1
    # The public page the result links to shows nothing of it.
    public = client.get(f"/subjects/{clean.code}/").content.decode()
    assert "轻微，不公示" not in public


def test_a_line_with_a_name_only_is_looked_up_by_its_exact_name(client, government_user, subjects):
    SubjectFactory(name="南通同名示例有限公司")
    SubjectFactory(name="南通同名示例有限公司")
    person = SubjectFactory(natural_person=True)
    listing = "\n".join(
        [
            "南通失信示例有限公司",
            "南通守信示例",
            "南通同名示例有限公司",
            person.name,
            "南通普通示例有限公司",
            subjects["clean"].code,
        ]
    )
    client.force_login(government_user)
    page = run(client, listing).content.decode()
    rows = rows_by_line(BatchCheck.objects.get())
    assert (rows[1].subject, rows[1].code, rows[1].dishonesty_count) == (subjects["bad"], subjects["bad"].code, 2)
    assert rows[1].message == "名单未填写代码，按名称查到"
    assert rows[2].subject is None and rows[2].message == "平台暂无该主体的信用信息"  # part of a name finds nothing
    assert (
        rows[3].subject is None and "有2个主体名称均为“南通同名示例有限公司”，请填写统一社会信用代码" in rows[3].message
    )
    assert rows[4].subject is None and rows[4].message == "平台暂无该主体的信用信息"  # never a natural person
    assert rows[5].subject is None and rows[5].message == "与第6行重复"
    assert rows[6].subject == subjects["clean"]
    assert f'href="/subjects/{subjects["bad"].code}/"' in page
    assert {log.subject for log in QueryLog.objects.all()} == {subjects["bad"], subjects["clean"]}


def test_a_mistyped_code_is_reported_whole_with_the_reason_search_gives(client, government_user, subjects):
    client.force_login(government_user)
    page = run(client, "91320602797803286X").content.decode()
    row = BatchCheck.objects.get().rows.get()
    assert (row.code, row.message) == ("91320602797803286X", "统一社会信用代码校验位错误，请核对是否抄写有误")
    search_page = client.get(reverse("subjects:search"), {"q": "91320602797803286X"}).content.decode()
    assert row.message in page and row.message in search_page


def test_each_checked_subject_is_logged_as_a_government_query(client, government_user, subjects):
    client.force_login(government_user)
    run(client, listing(subjects))
    entries = QueryLog.objects.filter(kind=QueryLog.Kind.GOVERNMENT)
    assert {e.subject for e in entries} == set(subjects.values())
    assert {(e.actor, e.purpose) for e in entries} == {(government_user, "2026年度市级专项资金申报审核")}
    assert AuditEvent.objects.filter(action="batch_check.done", actor=government_user).exists()


def test_an_xlsx_list_gives_an_xlsx_result_without_formulas(client, government_user, subjects):
    sheet_book = Workbook()
    sheet = sheet_book.active
    sheet.append(["统一社会信用代码", "名称"])
    sheet.append([subjects["bad"].code, "=1+1"])
    sheet.append([UNKNOWN, "@SUM(A1)"])
    buffer = io.BytesIO()
    sheet_book.save(buffer)
    client.force_login(government_user)
    client.post(NEW, {"purpose": "政府采购资格审查", "file": SimpleUploadedFile("供应商名单.xlsx", buffer.getvalue())})
    batch = BatchCheck.objects.get()
    assert batch.source_name == "供应商名单.xlsx"
    response = client.get(reverse("government:check_xlsx", args=[batch.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    result = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in result.iter_rows(values_only=True)]
    assert values[0][:2] == ["核查用途", "政府采购资格审查"]
    header = values[2]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in values[3:]}
    bad = rows[subjects["bad"].code]
    assert (bad["主体名称"], bad["失信信息（条）"], bad["警示信息（条）"]) == ("南通失信示例有限公司", 2, 1)
    assert bad["信用信息页面"].endswith(f"/subjects/{subjects['bad'].code}/")
    assert "“=1+1”与登记名称不一致" in bad["说明"]
    unknown = rows[UNKNOWN]
    assert unknown["主体名称"] == "'@SUM(A1)"  # the listed name, kept from becoming a formula
    assert unknown["核查结论"] == "未核查" and unknown["信用信息页面"] in ("", None)
    for row in values:
        for cell in row:
            assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@"))), cell


def test_an_unreadable_list_is_explained_and_nothing_stored(client, government_user):
    client.force_login(government_user)
    page = client.post(NEW, {"purpose": "审核", "file": SimpleUploadedFile("名单.xlsx", b"%PDF-1.4")}).content.decode()
    assert "不是 Excel（.xlsx）文件" in page
    page = run(client, "\n\n").content.decode()
    assert "请上传名单文件或粘贴名单" in page
    page = client.post(NEW, {"purpose": "", "pasted": UNKNOWN}).content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert not BatchCheck.objects.exists()


def test_a_long_list_runs_as_a_task_after_commit(
    client, government_user, subjects, monkeypatch, eager_celery, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(government, "INLINE_LIMIT", 2)
    client.force_login(government_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run(client, listing(subjects))
    batch = BatchCheck.objects.get()
    assert batch.status == BatchCheck.Status.QUEUED and len(callbacks) == 1
    assert "尚有 4 行待核查" in client.get(reverse("government:check_detail", args=[batch.pk])).content.decode()
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == BatchCheck.Status.DONE
    assert rows_by_line(batch)[1].dishonesty_count == 2


def test_running_a_check_again_changes_nothing(government_user, subjects):
    batch = start_batch_check(actor=government_user, purpose="评优评先", lines=parse_pasted(subjects["bad"].code))
    assert run_batch_check(batch_id=batch.pk) is None
    assert QueryLog.objects.count() == 1


def test_a_batch_interrupted_midway_resumes_with_the_rows_left(government_user, subjects):
    lines = [ListLine(1, subjects["bad"].code), ListLine(2, subjects["good"].code)]
    batch = start_batch_check(actor=government_user, purpose="评优评先", lines=lines)
    row = batch.rows.get(line=2)
    row.subject, row.commendation_count = None, 0
    row.save()
    BatchCheck.objects.filter(pk=batch.pk).update(status=BatchCheck.Status.QUEUED)
    run_batch_check(batch_id=batch.pk)
    assert batch.rows.get(line=2).commendation_count == 1
    assert QueryLog.objects.filter(subject=subjects["bad"]).count() == 1  # not checked twice


# --- Who may run and read checks --------------------------------------------------------------


@pytest.mark.parametrize("who", ["requester", "clerk", "nobody"])
def test_only_government_users_run_checks(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(NEW).status_code == 403
    assert client.get(reverse("government:checks")).status_code == 403
    assert run(client, UNKNOWN).status_code == 403
    assert not BatchCheck.objects.exists()


def test_another_official_cannot_open_someone_elses_check(client, government_user, user_with_role, subjects):
    batch = start_batch_check(actor=government_user, purpose="评优评先", lines=parse_pasted(subjects["bad"].code))
    colleague = user_with_role("colleague", roles.GOVERNMENT_USER)
    client.force_login(colleague)
    assert client.get(reverse("government:check_detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("government:check_xlsx", args=[batch.pk])).status_code == 404
    assert "评优评先" not in client.get(reverse("government:checks")).content.decode()


def test_the_forms_say_what_a_list_may_contain(client, government_user):
    client.force_login(government_user)
    page = client.get(NEW).content.decode()
    assert "每行一个统一社会信用代码" in page and "最多5000个主体" in page
    page = client.get(reverse("government:commitment_new"), {"code": UNKNOWN}).content.decode()
    assert UNKNOWN in page and "承诺内容" in page
