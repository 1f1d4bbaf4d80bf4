"""What every case (an objection, a credit repair application) keeps the same way: the steps of
its timeline and the evidence files that came with it. Abstract: each app keeps its own tables,
adding the foreign key to its case (and, for evidence, `file` with its own upload folder)."""

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _


class CaseStep(models.Model):
    """One step of a case's timeline, as every party sees it (the audit trail keeps the
    tamper-evident copy). Written by `nantong_credit.case_workflow`."""

    action = models.CharField(_("环节"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("办理人"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    occurred_at = models.DateTimeField(_("时间"))

    class Meta:
        abstract = True
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")


class CaseEvidence(models.Model):
    """A file checked by its content (`nantong_credit.uploads`) and stored with its hash
    (`nantong_credit.case_evidence.store_evidence`). A subclass declares `file`."""

    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file: FieldFile  # for type checkers only: each subclass declares the field with its own upload_to

    class Meta:
        abstract = True


class CaseFile(models.Model):
    """The case file (案卷) of a closed case: its PDF bundle, stored with its hash and registered in
    the archive (`nantong_credit.case_files`). One per case: a subclass declares the one-to-one
    key to its case and `file` with its own upload folder."""

    sha256 = models.CharField(_("内容哈希"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    page_count = models.PositiveSmallIntegerField(_("页数"))
    made_at = models.DateTimeField(_("生成时间"))
    archive_number = models.CharField(_("档案编号"), max_length=40, blank=True)
    file: FieldFile  # for type checkers only: each subclass declares the field with its own upload_to

    class Meta:
        abstract = True
        verbose_name = _("案卷")
        verbose_name_plural = _("案卷")
