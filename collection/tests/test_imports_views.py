"""The bulk-import pages of a provider's staff: templates, upload, progress, results, downloads."""

import io

import openpyxl
import pytest
from django.urls import reverse

from audit.models import AuditEvent
from collection.models import BulkImport, CreditRecord
from nantong_credit import roles

from .import_support import csv_bytes, demo_catalog, import_file, penalty, upload, xlsx_bytes  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
Status = BulkImport.Status


def url(name: str, *args, code: str = "scjgj") -> str:
    return reverse(f"collection_office:{name}", args=[code, *args])


def post_file(client, data: bytes, name: str = "处罚.csv", item: str = "admin_penalty", code: str = "scjgj"):
    return client.post(url("import_new", code=code), {"item": item, "file": upload(data, name)})


@pytest.fixture
def staff_client(client, scjgj_staff):
    client.force_login(scjgj_staff)
    return client


def test_staff_upload_a_file_and_see_the_result(staff_client, eager_celery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(staff_client, csv_bytes([penalty(1), penalty(2)]))

    bulk_import = BulkImport.objects.get()
    assert response.status_code == 302 and response["Location"] == url("import_detail", bulk_import.pk)
    assert bulk_import.status == Status.SUCCEEDED and CreditRecord.objects.count() == 2
    page = staff_client.get(response["Location"]).content.decode()
    assert "导入成功" in page and "新增 <strong>2</strong> 条" in page and "处罚.csv" in page
    assert "import_progress.js" not in page  # nothing left to follow


def test_the_upload_is_kept_with_its_hash_and_queued_after_commit(staff_client, django_capture_on_commit_callbacks):
    data = xlsx_bytes([penalty(1)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_file(staff_client, data, name='..\\..\\2026年5月"处罚".xlsx')

    bulk_import = BulkImport.objects.get()
    assert len(callbacks) == 1 and bulk_import.status == Status.QUEUED
    assert bulk_import.original_name == "2026年5月处罚.xlsx"
    assert bulk_import.size == len(data) and bulk_import.sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert bulk_import.original_file.name.startswith("imports/") and "处罚" not in bulk_import.original_file.name
    assert bulk_import.original_file.open("rb").read() == data
    assert AuditEvent.objects.filter(action="bulkimport.create", object_id=str(bulk_import.pk)).exists()


def test_a_queued_import_shows_its_progress_and_the_endpoint_answers(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        post_file(staff_client, csv_bytes([penalty(1)]))
    bulk_import = BulkImport.objects.get()
    BulkImport.objects.filter(pk=bulk_import.pk).update(status=Status.VALIDATING, processed_rows=1200, total_rows=5000)

    page = staff_client.get(url("import_detail", bulk_import.pk)).content.decode()
    progress = staff_client.get(url("import_progress", bulk_import.pk))

    assert "处理进度" in page and "import_progress.js" in page and url("import_progress", bulk_import.pk) in page
    assert progress.json() == {
        "status": "validating",
        "status_label": "校验中",
        "processed": 1200,
        "total": 5000,
        "percent": 24,
        "finished": False,
    }
    assert "no-store" in progress["Cache-Control"]


def test_a_rejected_batch_lists_every_error_on_the_page_and_as_xlsx(staff_client, scjgj, scjgj_staff):
    rows = [penalty(n) for n in range(1, 61)]
    rows[4]["fine_amount"] = "两万"
    for row in rows[10:]:
        row["decision_date"] = "明天"
    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    page = staff_client.get(url("import_detail", bulk_import.pk)).content.decode()
    second = staff_client.get(url("import_detail", bulk_import.pk) + "?page=2").content.decode()
    report = staff_client.get(url("import_errors", bulk_import.pk))

    assert "校验未通过，整批未导入" in page and "发现 51 处错误" in page
    assert "第 6 行" in page and "“罚款金额（万元）”应为数字，收到“两万”" in page
    assert "第 1 / 2 页" in page and "第 61 行" not in page and "第 61 行" in second
    assert report.status_code == 200 and "attachment" in report["Content-Disposition"]
    cells = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True)
    )
    assert len(cells) == 52 and cells[1][:2] == (6, "罚款金额（万元）")


def test_a_hostile_file_shows_a_clear_message(staff_client, eager_celery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_file(staff_client, b"%PDF-1.4 not a spreadsheet", name="处罚.xlsx")

    page = staff_client.get(url("import_detail", BulkImport.objects.get().pk)).content.decode()
    assert "文件未能导入" in page and "看起来是PDF 文档" in page and "未导入任何数据" in page


def test_an_oversized_upload_is_refused_before_it_is_kept(staff_client, settings):
    settings.BULK_IMPORT_MAX_BYTES = 1024

    response = post_file(staff_client, csv_bytes([penalty(n) for n in range(1, 20)]))

    assert response.status_code == 200
    assert "文件大小超过 1 KB 的上限，请拆分为多个文件上传。" in response.content.decode()
    assert not BulkImport.objects.exists()


def test_an_empty_upload_or_another_extension_is_refused(staff_client):
    empty = post_file(staff_client, b"", name="a.csv").content.decode()
    word = post_file(staff_client, b"PK\x03\x04 document", name="说明.docx").content.decode()

    assert "提交的是空文件" in empty
    assert "扩展名不受支持" in word
    assert not BulkImport.objects.exists()


def test_the_original_file_is_downloaded_by_the_providers_staff(staff_client, scjgj, scjgj_staff):
    data = csv_bytes([penalty(1)])
    bulk_import = import_file(scjgj, scjgj_staff, data, name="五月.csv")

    response = staff_client.get(url("import_original", bulk_import.pk))

    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/octet-stream"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "filename*=utf-8''%E4%BA%94%E6%9C%88.csv" in response["Content-Disposition"]
    )


def test_the_list_shows_the_providers_imports_and_template_links(
    staff_client, scjgj, scjgj_staff, other_provider, rsj_staff
):
    import_file(scjgj, scjgj_staff, csv_bytes([penalty(1)]), name="本局五月.csv")
    import_file(other_provider, rsj_staff, csv_bytes([penalty(2)]), name="人社局.csv")

    page = staff_client.get(url("imports")).content.decode()

    assert "本局五月.csv" in page and "人社局.csv" not in page and "导入成功" in page
    assert url("template_xlsx", "admin_penalty") in page and url("template_csv", "admin_license") in page
    assert "professional_qualification" not in page  # not an item of this provider


def test_templates_download_for_the_providers_items(staff_client):
    xlsx = staff_client.get(url("template_xlsx", "admin_penalty"))
    csv_file = staff_client.get(url("template_csv", "admin_penalty"))

    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook.sheetnames[:2] == ["数据", "填写说明"]
    header = [c.value for c in workbook["数据"][1]]
    assert header[:3] == ["行政相对人名称*", "行政相对人类别*", "统一社会信用代码"]
    assert "行政处罚决定书文号*" in header
    text = b"".join(csv_file.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert text.startswith("行政相对人名称*,行政相对人类别*,统一社会信用代码")
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"


# --- Who may do what --------------------------------------------------------------------------


def test_an_item_of_another_provider_is_refused(staff_client):
    response = post_file(staff_client, csv_bytes([penalty(1)]), item="professional_qualification")

    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not BulkImport.objects.exists()
    assert staff_client.get(url("template_xlsx", "professional_qualification")).status_code == 404
    assert staff_client.get(url("template_csv", "professional_qualification")).status_code == 404


def test_another_providers_imports_are_not_found(client, scjgj, scjgj_staff, other_provider, rsj_staff):
    theirs = import_file(other_provider, rsj_staff, csv_bytes([penalty(1)]))
    client.force_login(scjgj_staff)

    for name in ("import_detail", "import_progress", "import_errors", "import_original"):
        assert client.get(url(name, theirs.pk)).status_code == 404, name
        assert client.get(url(name, theirs.pk, code="rsj")).status_code == 404, name
    assert client.get(url("imports", code="rsj")).status_code == 404
    assert client.post(url("import_new", code="rsj"), {"item": "admin_penalty"}).status_code == 404


def test_a_role_without_the_permission_is_forbidden(client, scjgj, user_with_role):
    clerk = user_with_role("carol", roles.CENTER_CLERK)
    scjgj.staff.add(clerk)  # even as a member of the department
    client.force_login(clerk)

    for response in (
        client.get(url("imports")),
        client.get(url("import_new")),
        client.get(url("template_xlsx", "admin_penalty")),
        client.post(url("import_new"), {"item": "admin_penalty", "file": upload(csv_bytes([penalty(1)]))}),
    ):
        assert response.status_code == 403
    assert not BulkImport.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, scjgj, scjgj_staff):
    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes([penalty(1)]))

    for target in (
        url("imports"),
        url("import_new"),
        url("import_detail", bulk_import.pk),
        url("import_original", bulk_import.pk),
        url("template_csv", "admin_penalty"),
    ):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), target


def test_the_upload_form_checks_its_csrf_token(client, scjgj_staff):
    client.handler.enforce_csrf_checks = True
    client.force_login(scjgj_staff)

    response = client.post(url("import_new"), {"item": "admin_penalty", "file": upload(csv_bytes([penalty(1)]))})

    assert response.status_code == 403 and not BulkImport.objects.exists()
