"""Filings (备案, Art. 12 and 18): a department files its credit-information usage rules
(使用实施办法, Art. 12) and its internal procedures for supplying, maintaining, using and
correcting information (Art. 18) with the commission, which accepts (备案, numbered and archived)
or returns them with reasons; a returned filing is followed by a new version. The states and
transitions live in `supervision.filings.workflow`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider
from nantong_credit.case_models import CaseStep


class FilingKind(models.TextChoices):
    USAGE_RULES = "usage_rules", _("公共信用信息使用实施办法（第十二条）")
    PROCEDURES = "procedures", _("信息提供、维护、使用、异议处理内部工作程序及责任追究制度（第十八条）")


class Filing(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("已备案")
        RETURNED = "returned", _("已退回")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField(_("备案类别"), max_length=20, choices=FilingKind.choices)
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("文件名称"), max_length=200)
    effective_on = models.DateField(_("施行日期"))
    document = models.FileField(_("文件"), upload_to="supervision/filings/%Y/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("报送时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    # 备案号, given on acceptance; unique where set.
    number = models.CharField(_("备案号"), max_length=40, null=True, blank=True, unique=True)
    archive_number = models.CharField(_("档案编号"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "kind", "version"], name="one_filing_version"),
        ]
        indexes = [models.Index(fields=["status", "filed_at"])]
        permissions = [
            ("submit_filing", _("报送备案文件")),
            ("review_filing", _("审核备案文件")),
        ]
        verbose_name = _("备案文件")
        verbose_name_plural = _("备案文件")

    def __str__(self) -> str:
        return f"{self.provider.name} {self.title}（第{self.version}版）"


class FilingStep(CaseStep):
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="steps")

    class Meta(CaseStep.Meta):
        ordering = ["filing", "occurred_at", "id"]


class FilingReminder(models.Model):
    """One reminder sent to a department that has filed nothing acceptable yet; the sweep sends at
    most one per department per `filings.reminders.INTERVAL_DAYS`."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(_("未备案类别"), default=list)
    sent_at = models.DateTimeField(_("提醒时间"), db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["provider", "-sent_at"])]
        verbose_name = _("备案提醒")
        verbose_name_plural = _("备案提醒")
