"""Credit repair (信用修复, Art. 15-17): a subject applies to the provider that made a dishonesty
record (谁认定、谁修复) with evidence and a public credit commitment; the provider decides within a
configurable number of working days; approval ends the record's disclosure and marks it repaired.
The states and transitions live in `repair.workflow`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider
from collection.models import CreditRecord, Subject
from nantong_credit.case_models import CaseEvidence, CaseFile, CaseStep


class RepairApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待认定单位审核")
        APPROVED = "approved", _("准予修复")
        REJECTED = "rejected", _("不予修复")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("申请编号"), max_length=30, unique=True)
    follow_up_code_hash = models.CharField(max_length=64)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="repair_applications")
    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="repair_applications")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="repair_applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="repair_applications"
    )
    rectification = models.TextField(_("整改及履行义务情况"))
    not_intentional = models.BooleanField(_("非主观故意"), default=False, help_text=_("第十六条"))
    commitment = models.ForeignKey(
        "inquiry.CreditCommitment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("申请时间"))
    due_at = models.DateTimeField(_("办理期限"), db_index=True)
    # The working days this application was given (`REPAIR_DECISION_WORKDAYS` when it was filed):
    # a deadline recomputed once its year's holidays are known keeps its own period.
    decision_workdays = models.PositiveSmallIntegerField(_("办理期限（工作日）"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    # The deadline passed while provisional (its year's holiday notice not yet entered): nothing is
    # escalated until it is recomputed (SPEC §4). Cleared when it moves ahead.
    deadline_held_at = models.DateTimeField(_("期限待确认时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["record", "status"]),
        ]
        permissions = [
            ("decide_repair", _("审核信用修复申请")),
            ("oversee_repair", _("督办全部信用修复申请")),
        ]
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")

    def __str__(self) -> str:
        return self.number


class RepairEvidence(CaseEvidence):
    application = models.ForeignKey(RepairApplication, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(_("文件"), upload_to="repair/%Y/%m/")

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("修复证明材料")
        verbose_name_plural = _("修复证明材料")


class RepairStep(CaseStep):
    application = models.ForeignKey(RepairApplication, on_delete=models.CASCADE, related_name="steps")

    class Meta(CaseStep.Meta):
        ordering = ["application", "occurred_at", "id"]


class RepairCaseFile(CaseFile):
    """The case file of a decided or withdrawn repair application (Art. 20), made by
    `repair.case_file`."""

    application = models.OneToOneField(RepairApplication, on_delete=models.PROTECT, related_name="case_file")
    file = models.FileField(_("文件"), upload_to="case-files/repair/%Y/")

    class Meta(CaseFile.Meta):
        verbose_name = _("信用修复案卷")
        verbose_name_plural = _("信用修复案卷")
