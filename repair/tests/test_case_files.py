"""Case files (案卷, Art. 20) of credit repair: an approved, refused or withdrawn application gets
exactly one PDF bundle, registered in the archive."""

import datetime as dt
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from audit.models import ArchiveEntry, AuditEvent
from inquiry.tests.report_support import pdf_fonts, pdf_text
from nantong_credit.workdays import SHANGHAI
from repair import case_file
from repair.models import RepairCaseFile
from repair.services import approve_repair, reject_repair, withdraw_repair
from repair.tasks import make_repair_case_file

from .support import apply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
FILED = dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)
REFUSED = "整改报告未加盖公章，无法认定已完成整改"


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def application(agent, record):
    with freeze_time(FILED):
        return apply(agent, record).application


def bundle(application, tmp_path) -> tuple[bytes, str]:
    with RepairCaseFile.objects.get(application=application).file.open("rb") as stream:
        content = stream.read()
    return content, squeezed(pdf_text(content, tmp_path))


ENDINGS = {
    "approved": (lambda a, staff, agent: approve_repair(application=a, actor=staff, reason="整改到位"), "准予信用修复"),
    "refused": (lambda a, staff, agent: reject_repair(application=a, actor=staff, reason=REFUSED), "不予信用修复"),
    "withdrawn": (lambda a, staff, agent: withdraw_repair(application=a, actor=agent), "申请人撤回申请"),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_each_ending_makes_one_case_file(
    django_capture_on_commit_callbacks, ending, application, scjgj_staff, agent, tmp_path
):
    act, step = ENDINGS[ending]
    with django_capture_on_commit_callbacks(execute=True):
        act(application, scjgj_staff, agent)
    row = RepairCaseFile.objects.get(application=application)
    content, text = bundle(application, tmp_path)
    assert "信用修复案卷" in text and application.number in text and application.subject.name in text
    assert "提交信用修复申请" in text and step in text
    assert application.record.source_key in text
    for evidence in application.evidence_files.all():
        assert evidence.sha256 in text and squeezed(evidence.original_name) in text
    if ending == "refused":
        assert REFUSED in text and "认定单位" in text
    if ending == "withdrawn":
        assert "申请人撤回，期限终止" in text
    else:
        assert ("按期办理" in text) != ("逾期办理" in text)
    entry = ArchiveEntry.objects.get(kind=ArchiveEntry.Kind.CASE_FILE)
    assert (entry.object_type, entry.object_id, entry.sha256) == ("repair.repaircasefile", str(row.pk), row.sha256)
    assert AuditEvent.objects.filter(action="repair.case_file", object_id=str(application.pk)).count() == 1
    assert any("CJK" in font["name"] and font["emb"] == "yes" for font in pdf_fonts(content, tmp_path))


def test_an_open_application_has_no_case_file(application):
    assert make_repair_case_file(application.pk) == ""
    assert not RepairCaseFile.objects.exists()


def test_a_second_run_finds_the_first_case_file(application, scjgj_staff):
    reject_repair(application=application, actor=scjgj_staff, reason=REFUSED)  # no commit: its task not run
    number = make_repair_case_file(application.pk)
    assert number and make_repair_case_file(application.pk) == number
    assert RepairCaseFile.objects.count() == 1 and ArchiveEntry.objects.count() == 1


def test_the_backfill_covers_repair_too(application, scjgj_staff, capsys):
    approve_repair(application=application, actor=scjgj_staff, reason="整改到位")
    call_command("make_case_files")
    assert "信用修复 repair: 缺少案卷 missing 1, 已生成 made 1, 失败 failed 0" in capsys.readouterr().out
    call_command("make_case_files")
    assert "信用修复 repair: 缺少案卷 missing 0, 已生成 made 0" in capsys.readouterr().out


def test_the_case_page_links_the_case_file_for_the_center_only(client, application, scjgj_staff, center_clerk):
    reject_repair(application=application, actor=scjgj_staff, reason=REFUSED)
    number = make_repair_case_file(application.pk)
    url = reverse("repair_office:detail", args=[application.pk])
    client.force_login(center_clerk)
    page = client.get(url).content.decode()
    assert number in page and reverse("archive:download", args=[number]) in page
    client.force_login(scjgj_staff)
    page = client.get(url).content.decode()
    assert number not in page
    assert client.get(reverse("archive:download", args=[number])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_one_case_file(postgres_only, application, scjgj_staff, monkeypatch):
    """Both render; the second waits for the first's lock on the application and finds its file."""
    monkeypatch.setattr(case_file, "schedule", lambda application_id: None)  # the two workers below instead
    reject_repair(application=application, actor=scjgj_staff, reason=REFUSED)
    barrier, numbers = threading.Barrier(2), []

    def work():
        try:
            barrier.wait()
            numbers.append(make_repair_case_file(application.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) == 2 and numbers[0] == numbers[1] != ""
    assert RepairCaseFile.objects.count() == 1 and ArchiveEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="repair.case_file").count() == 1


def test_a_late_decision_is_marked_late(application, scjgj_staff, tmp_path):
    with freeze_time(application.due_at + dt.timedelta(days=3)):
        reject_repair(application=application, actor=scjgj_staff, reason=REFUSED)
    make_repair_case_file(application.pk)
    _content, text = bundle(application, tmp_path)
    assert "逾期办理" in text and "按期办理" not in text
