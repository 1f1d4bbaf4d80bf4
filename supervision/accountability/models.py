"""Accountability cases (提请追责, Art. 22): the commission (市经济和信息化部门, today 市工业和信息化局)
holds a provider to account for late, missing or wrong information. The evidence the platform
already holds is gathered when the case is opened and frozen on it; the letter (督办函) is a
numbered, archived PDF; the provider answers in the back office before a deadline in working
days. The states and transitions live in `supervision.accountability.workflow`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider
from nantong_credit.case_models import CaseEvidence, CaseStep


class Ground(models.TextChoices):
    """The three failures Art. 22 names."""

    LATE = "late", _("不按时提供或者变更信用信息")
    MISSING = "missing", _("应当提供而未提供信用信息")
    WRONG = "wrong", _("提供错误信用信息")


class AccountabilityCase(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿（证据已固定）")
        ISSUED = "issued", _("已发督办函，待单位答复")
        RESPONDED = "responded", _("单位已答复，待作出结论")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤销")

    class Conclusion(models.TextChoices):
        REFERRED = "referred", _("提请有关部门依法追究责任（第二十二条）")
        RECTIFY = "rectify", _("责令整改，暂不提请追责")
        NO_ACTION = "no_action", _("情况已说明，不予追责")

    number = models.CharField(_("案件编号"), max_length=30, unique=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="accountability_cases")
    grounds = models.JSONField(_("事由"), default=list)
    period_from = models.DateField(_("核查期间自"))
    period_to = models.DateField(_("核查期间至"))
    facts = models.TextField(_("事实与理由"))
    # The evidence as it stood when the case was opened: never recomputed (`evidence.gather`).
    evidence = models.JSONField(_("证据（固定时的快照）"), default=dict)
    evidence_gathered_at = models.DateTimeField(_("证据固定时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("结论"), max_length=12, choices=Conclusion.choices, blank=True)
    response_workdays = models.PositiveSmallIntegerField(_("答复期限（工作日）"), default=10)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("立案时间"))
    issued_at = models.DateTimeField(_("发函时间"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    response = models.TextField(_("单位答复"), blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conclusion = models.TextField(_("结论意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤销理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["status", "response_due_at"])]
        permissions = [
            ("open_accountability_case", _("提请追责：立案、发函、作出结论")),
            ("respond_accountability_case", _("答复追责督办函")),
        ]
        verbose_name = _("追责案件")
        verbose_name_plural = _("追责案件")

    def __str__(self) -> str:
        return self.number

    @property
    def ground_labels(self) -> list[str]:
        labels = dict(Ground.choices)
        return [str(labels[g]) for g in self.grounds if g in labels]


class AccountabilityStep(CaseStep):
    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="steps")

    class Meta(CaseStep.Meta):
        ordering = ["case", "occurred_at", "id"]


class AccountabilityAttachment(CaseEvidence):
    """A file the provider sent with its response (checked like every evidence upload)."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("文件"), upload_to="supervision/accountability/%Y/%m/")

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")


class AccountabilityLetter(models.Model):
    """The 督办函 as issued: numbered within its year, stored with its hash, registered in the archive."""

    number = models.CharField(_("文号"), max_length=40, unique=True)
    case = models.OneToOneField(AccountabilityCase, on_delete=models.PROTECT, related_name="letter")
    file = models.FileField(_("文件"), upload_to="supervision/letters/%Y/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("发函时间"))
    archive_number = models.CharField(_("档案编号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("督办函")
        verbose_name_plural = _("督办函")

    def __str__(self) -> str:
        return f"{self.number}号"
