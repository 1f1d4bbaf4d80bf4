"""Evidence files of objections and repair applications, checked and stored by one rule: each
app still says in its own words what to upload, and a row that cannot be saved leaves no file."""

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from collection.models import CreditRecord
from nantong_credit.case_evidence import EvidenceFilesField, store_evidence
from objections.forms import ObjectionForm
from objections.models import ObjectionEvidence
from repair.forms import ApplicationForm

PDF = b"%PDF-1.4\n1 0 obj<< /Title (x) >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_each_app_says_what_evidence_it_needs():
    objection = ObjectionForm({}, MultiValueDict(), records=CreditRecord.objects.none())
    repair = ApplicationForm({}, MultiValueDict())
    assert objection.errors["evidence"] == ["请上传证明材料（第十三条：提交相应证据材料）"]
    assert repair.errors["evidence"] == ["请上传已纠正失信行为、履行法定义务的证明材料"]


def test_too_many_files_or_a_disguised_file_are_refused_by_name():
    field = EvidenceFilesField(max_files=2)
    too_many = _errors(field, [pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf")])
    assert too_many == ["最多上传2个文件"]
    disguised = SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = _errors(field, [pdf(), disguised])
    assert len(refused) == 1 and "伪装.pdf" in refused[0]
    assert [c.original_name for c in field.clean([pdf("a.pdf"), pdf("b.pdf")])] == ["a.pdf", "b.pdf"]


def _errors(field, files) -> list[str]:
    try:
        field.clean(files)
    except forms.ValidationError as exc:
        return list(exc.messages)
    raise AssertionError("accepted")


def test_a_row_that_cannot_be_saved_leaves_no_file(settings):
    (checked,) = EvidenceFilesField(max_files=1).clean([pdf()])
    row = ObjectionEvidence()
    row.save = _failing_save  # the insert fails, e.g. the case was removed meanwhile
    try:
        store_evidence(row, checked)
    except RuntimeError:
        pass
    else:
        raise AssertionError("saved")
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert row.original_name == "证明.pdf" and row.sha256 == checked.sha256


def _failing_save(*args, **kwargs):
    raise RuntimeError("insert failed")
