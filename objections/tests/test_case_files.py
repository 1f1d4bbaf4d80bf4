"""Case files (案卷, Art. 20): each closed or withdrawn objection gets exactly one PDF bundle of its
timeline, deadlines, decisions, records and evidence list, registered in the archive."""

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from audit.models import ArchiveEntry, AuditEvent
from collection.models import Channel
from collection.services.records import submit_record
from collection.tests.factories import SubjectFactory, make_ric
from inquiry.tests.report_support import pdf_fonts, pdf_text
from nantong_credit.case_files import sweep_missing_case_files
from objections import case_file, services
from objections.models import ObjectionCaseFile
from objections.tasks import make_objection_case_file

from .support import (
    ZHOU_ID,
    file_case,
    paper_applicant,
    penalty_data,
    record_paper_case,
    referred_case,
    submit_penalty,
)

pytestmark = pytest.mark.django_db
REASON = "所述事项不属于信用信息异议"
REPLY = "经复核，处罚决定书记载的罚款金额有误"
KEPT = "本公司对处罚认定的事实仍有异议，已申请行政复议。"


def squeezed(text: str) -> str:
    """pdftotext breaks long lines where the PDF wraps them: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def bundle_text(objection, tmp_path) -> str:
    row = ObjectionCaseFile.objects.get(objection=objection)
    with row.file.open("rb") as stream:
        return squeezed(pdf_text(stream.read(), tmp_path))


def on_commit(django_capture_on_commit_callbacks, act):
    with django_capture_on_commit_callbacks(execute=True):
        return act()


# Each way a case ends: (how, the steps its timeline shows, what the decision says).
def _reject(case, clerk, staff, agent):
    services.reject_objection(objection=case, actor=clerk, reason=REASON)


def _platform(case, clerk, staff, agent):
    record = case.records.get()
    services.correct_platform_error(
        objection=case, actor=clerk, corrections={record.pk: {"penalty_amount": "0.5"}}, note="导入时小数点错位"
    )


def _refer(case, clerk):
    return services.refer_objection(objection=case, actor=clerk, note="系信息提供单位报送")


def _corrected(case, clerk, staff, agent):
    case = _refer(case, clerk)
    record = case.records.get()
    services.answer_with_correction(
        objection=case, actor=staff, reply=REPLY, corrections={record.pk: {"penalty_amount": "0.5"}}
    )


def _unverifiable(case, clerk, staff, agent):
    case = _refer(case, clerk)
    services.answer_unverifiable(objection=case, actor=staff, reply="无法核实", note="当事人所述无法核实，特此附注。")


def _kept(case, clerk, staff, agent):
    case = _refer(case, clerk)
    case = services.answer_confirmed(objection=case, actor=staff, reply="经核实信息无误")
    services.keep_objection(objection=case, actor=agent, statement=KEPT)


def _accepted(case, clerk, staff, agent):
    case = _refer(case, clerk)
    case = services.answer_confirmed(objection=case, actor=staff, reply="经核实信息无误")
    services.accept_answer(objection=case, actor=agent)


def _withdrawn(case, clerk, staff, agent):
    case = _refer(case, clerk)
    services.withdraw_objection(objection=case, actor=agent, reason="已与处罚机关沟通")


ENDINGS = [
    (_reject, ["提交异议申请", "不予受理"], [REASON, "不予受理"]),
    (_platform, ["系平台技术差错，中心已更正"], ["导入时小数点错位", "平台技术差错，已更正", "2.5", "0.5"]),
    (_corrected, ["转信息提供单位核查", "提供单位核实确有错误，已更正"], [REPLY, "按期办理", "2.5", "0.5"]),
    (_unverifiable, ["提供单位无法核实，已加附注声明"], ["无法核实", "当事人所述无法核实，特此附注。"]),
    (_kept, ["提供单位核实信息无误", "申请人仍持异议，异议及理由随记录披露"], [KEPT, "经核实信息无误"]),
    (_accepted, ["申请人接受核查结果"], ["经核实信息无误"]),
    (_withdrawn, ["申请人撤回异议"], ["已与处罚机关沟通", "申请人撤回，期限终止"]),
]


@pytest.mark.parametrize(("end", "steps", "decision"), ENDINGS, ids=[e[0].__name__.strip("_") for e in ENDINGS])
def test_each_ending_makes_one_case_file_with_its_steps_decision_and_evidence(
    django_capture_on_commit_callbacks, end, steps, decision, agent, company, penalty, clerk, scjgj_staff, tmp_path
):
    case, _code = file_case(agent, company, [penalty])
    on_commit(django_capture_on_commit_callbacks, lambda: end(case, clerk, scjgj_staff, agent))

    row = ObjectionCaseFile.objects.get(objection=case)
    text = bundle_text(case, tmp_path)
    assert "异议案卷" in text and case.number in text and company.name in text
    for label in [step.label for step in case_file.selectors.timeline(case)]:
        assert squeezed(label) in text
    for expected in [*steps, *decision]:
        assert squeezed(expected) in text, expected
    evidence = case.evidence_files.get()
    assert evidence.sha256 in text and squeezed(evidence.original_name) in text and "王建国" in text
    assert "中心核查期限" in text or "核查期限" in text
    entry = ArchiveEntry.objects.get(kind=ArchiveEntry.Kind.CASE_FILE)
    assert (entry.object_type, entry.object_id) == ("objections.objectioncasefile", str(row.pk))
    assert (entry.sha256, entry.size, entry.retention_years) == (row.sha256, row.size, 30)
    assert row.archive_number == entry.number and case.number in entry.title
    assert AuditEvent.objects.filter(action="objection.case_file", object_id=str(case.pk)).count() == 1


def test_the_pdf_embeds_its_cjk_fonts(django_capture_on_commit_callbacks, agent, company, penalty, clerk, tmp_path):
    case, _code = file_case(agent, company, [penalty])
    on_commit(django_capture_on_commit_callbacks, lambda: _reject(case, clerk, None, agent))
    with ObjectionCaseFile.objects.get(objection=case).file.open("rb") as stream:
        fonts = pdf_fonts(stream.read(), tmp_path)
    cjk = [font for font in fonts if "CJK" in font["name"]]
    assert cjk and all(font["emb"] == "yes" for font in fonts)


def test_an_answer_the_applicant_may_still_dispute_makes_no_case_file_yet(
    django_capture_on_commit_callbacks, agent, company, penalty, clerk, scjgj_staff
):
    case = referred_case(agent, company, [penalty], clerk)
    on_commit(
        django_capture_on_commit_callbacks,
        lambda: services.answer_confirmed(objection=case, actor=scjgj_staff, reply="经核实信息无误"),
    )
    assert not ObjectionCaseFile.objects.exists() and not ArchiveEntry.objects.exists()
    assert make_objection_case_file(case.pk) == ""


def test_a_retry_or_a_second_message_never_makes_a_second_case_file(agent, company, penalty, clerk):
    case, _code = file_case(agent, company, [penalty])
    services.reject_objection(objection=case, actor=clerk, reason=REASON)  # its task not run (no commit)
    first = make_objection_case_file(case.pk)
    assert first and make_objection_case_file(case.pk) == first
    assert ObjectionCaseFile.objects.count() == 1 and ArchiveEntry.objects.count() == 1


def test_a_failed_registration_leaves_no_file_and_the_retry_makes_it(
    agent, company, penalty, clerk, monkeypatch, settings
):
    case, _code = file_case(agent, company, [penalty])
    services.reject_objection(objection=case, actor=clerk, reason=REASON)
    files = case_file.CASE_FILES

    def archive_down(*args, **kwargs):
        raise RuntimeError("archive down")

    monkeypatch.setattr(case_file, "CASE_FILES", dataclasses.replace(files, register=archive_down))
    with pytest.raises(RuntimeError):
        case_file.make_case_file(case.pk)
    assert not ObjectionCaseFile.objects.exists() and not ArchiveEntry.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*.pdf") if "case-files" in str(path)]
    monkeypatch.setattr(case_file, "CASE_FILES", files)
    assert case_file.make_case_file(case.pk).archive_number
    assert len([path for path in Path(settings.MEDIA_ROOT).rglob("*.pdf") if "case-files" in str(path)]) == 1


def test_private_fields_stay_out_and_id_numbers_are_masked(
    django_capture_on_commit_callbacks, clerk, company, agent, scjgj, tmp_path
):
    record = submit_penalty(scjgj, company, legal_rep_id=ZHOU_ID)
    case, _code = record_paper_case(clerk, company, [record])
    on_commit(django_capture_on_commit_callbacks, lambda: _reject(case, clerk, None, agent))
    text = bundle_text(case, tmp_path)
    assert ZHOU_ID not in text and "法定代表人身份证号" not in text
    assert f"{ZHOU_ID[:4]}**********{ZHOU_ID[-4:]}" in text  # the paper applicant, masked
    assert "书面异议申请.pdf" in text and "授权委托书" in text


def test_the_backfill_makes_the_missing_case_files_once(agent, company, penalty, clerk, capsys):
    first, _code = file_case(agent, company, [penalty])
    services.reject_objection(objection=first, actor=clerk, reason=REASON)
    call_command("make_case_files")
    assert "异议 objections: 缺少案卷 missing 1, 已生成 made 1, 失败 failed 0" in capsys.readouterr().out
    call_command("make_case_files")
    assert "异议 objections: 缺少案卷 missing 0, 已生成 made 0" in capsys.readouterr().out
    assert ObjectionCaseFile.objects.count() == 1 and ArchiveEntry.objects.count() == 1


def test_the_sweep_makes_a_case_file_whose_task_was_lost_once_its_task_had_time(agent, company, penalty, clerk):
    case, _code = file_case(agent, company, [penalty])
    case = services.reject_objection(objection=case, actor=clerk, reason=REASON)  # its task never ran
    soon = sweep_missing_case_files(case.closed_at + dt.timedelta(minutes=5))
    assert soon["异议 objections"] == {"missing": 0, "made": 0, "failed": 0}
    assert not ObjectionCaseFile.objects.exists()
    later = sweep_missing_case_files(case.closed_at + dt.timedelta(minutes=20))
    assert later["异议 objections"] == {"missing": 1, "made": 1, "failed": 0}
    assert sweep_missing_case_files(case.closed_at + dt.timedelta(hours=1))["异议 objections"]["missing"] == 0
    assert ObjectionCaseFile.objects.count() == 1 and ArchiveEntry.objects.count() == 1


def test_a_natural_persons_id_number_appears_only_masked(
    django_capture_on_commit_callbacks, clerk, scjgj, catalog, tmp_path
):
    person_id = make_ric("32060219900212051")
    person = SubjectFactory(natural_person=True, name="陈建华", identifier=person_id)
    record = submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="通市监罚〔2026〕205号",
        subject={"kind": person.kind, "name": person.name, "identifier": person_id},
        data=penalty_data("通市监罚〔2026〕205号"),
        channel=Channel.API,
    ).record
    applicant = paper_applicant(name="陈建华", role="self", id_number=person_id)
    case, _code = record_paper_case(clerk, person, [record], applicant=applicant, authorization=False)
    on_commit(django_capture_on_commit_callbacks, lambda: _reject(case, clerk, None, None))
    text = bundle_text(case, tmp_path)
    assert person_id not in text and person.identifier_masked in text and "陈建华" in text
