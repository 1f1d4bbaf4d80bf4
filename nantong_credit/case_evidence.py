"""Evidence files attached to a case (an objection, a credit repair application): the form field
that takes several uploads and checks each by content in `nantong_credit.uploads`, and storing one
checked upload with its row. The model rows differ per app; the rule is the same."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from .case_models import CaseEvidence
from .forms import MultipleFileInput
from .uploads import ACCEPT_ATTRIBUTE, CheckedUpload, UploadRejected, check_upload

E = TypeVar("E", bound=CaseEvidence)


class EvidenceFilesField(forms.Field):
    """Several PDF/JPEG/PNG files, each checked by its content; cleans to `CheckedUpload`s and
    names every refused file with its reason. `error_messages["required"]` says what to upload."""

    widget = MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})

    def __init__(self, *, max_files: int, **kwargs):
        super().__init__(**kwargs)
        self.max_files = max_files

    def clean(self, value):
        uploads = [upload for upload in (value or []) if upload]
        if not uploads:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > self.max_files:
            raise forms.ValidationError(_("最多上传%(n)d个文件") % {"n": self.max_files})
        checked, problems = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload))
            except UploadRejected as exc:
                problems.append(exc.message)
        if problems:
            raise forms.ValidationError(problems)
        return checked


def store_evidence(evidence: E, checked: CheckedUpload) -> E:
    """Save the checked file under a random name into `evidence.file`, then the row (built by
    the caller with its case). The file is written first, so a failed insert removes it here;
    the caller removes the files of rows its rolled-back transaction took with it."""
    evidence.original_name, evidence.content_type = checked.original_name, checked.content_type
    evidence.size, evidence.sha256 = checked.size, checked.sha256
    checked.file.seek(0)
    evidence.file.save(checked.storage_name(), File(checked.file), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence
