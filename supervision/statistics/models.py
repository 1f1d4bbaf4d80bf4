"""Statistical reports (Art. 20) and the precomputed figures of the public /statistics/ page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticalReport(models.Model):
    """An issued statistical analysis report (统计分析报告, Art. 20): its figures are computed once
    and stored in `data`, so that an issued report never changes; `sha256` is the hash of that
    content, registered in the archive."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度")
        QUARTERLY = "quarterly", _("季度")
        ANNUAL = "annual", _("年度")

    number = models.CharField(_("报告编号"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("统计期间起"))
    period_end = models.DateField(_("统计期间止"))
    data = models.JSONField(_("统计数据"))
    sha256 = models.CharField(_("内容哈希"), max_length=64)
    issued_at = models.DateTimeField(_("生成时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "period_start"], name="one_report_per_kind_and_period")]
        verbose_name = _("统计分析报告")
        verbose_name_plural = _("统计分析报告")

    def __str__(self) -> str:
        return self.number


class MonthlyFigures(models.Model):
    """The platform's figures of one month for the public /statistics/ page, recomputed by the
    nightly sweep so that the page never counts the records table itself."""

    month = models.DateField(_("月份"), unique=True)
    data = models.JSONField(_("数据"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["month"]
        verbose_name = _("月度公开统计")
        verbose_name_plural = _("月度公开统计")


class HeadlineFigures(models.Model):
    """The platform's totals as of `computed_at` (the public page reads the newest)."""

    data = models.JSONField(_("数据"))
    computed_at = models.DateTimeField(_("计算时间"), db_index=True)

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = _("平台总体统计")
        verbose_name_plural = _("平台总体统计")
