"""The providers' monthly figures behind the public scorecard (`/providers/`, issue 15 §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider


class ProviderMonth(models.Model):
    """One provider's figures for one month (Asia/Shanghai), precomputed by the scorecard sweep
    (`supervision.providers.services.refresh_provider_scorecards`) so that the public pages read a
    few hundred rows instead of the records table. Records by month of receipt, objections by
    month of the provider's answer."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    records_received = models.PositiveIntegerField(_("归集记录"), default=0)
    records_with_deadline = models.PositiveIntegerField(_("有报送时限的记录"), default=0)
    records_late = models.PositiveIntegerField(_("逾期报送的记录"), default=0)
    records_updated = models.PositiveIntegerField(_("更新或撤销记录"), default=0)
    objections_answered = models.PositiveIntegerField(_("答复的转办异议"), default=0)
    objections_corrected = models.PositiveIntegerField(_("核实有误予以更正"), default=0)
    objections_answered_late = models.PositiveIntegerField(_("逾期答复"), default=0)
    answer_workdays = models.PositiveIntegerField(_("答复用时合计（工作日）"), default=0)
    last_submission_at = models.DateTimeField(_("当月最近一次报送"), null=True, blank=True)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        ordering = ["provider", "month"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="one_scorecard_row_per_provider_month")
        ]
        indexes = [models.Index(fields=["month"])]
        verbose_name = _("信息提供单位月度统计")
        verbose_name_plural = _("信息提供单位月度统计")


class ProviderItemMonth(models.Model):
    """The records part of `ProviderMonth` per catalog item, for a provider's own page."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    item_code = models.SlugField(_("事项代码"), max_length=50)
    month = models.DateField(_("月份"))
    records_received = models.PositiveIntegerField(_("归集记录"), default=0)
    records_with_deadline = models.PositiveIntegerField(_("有报送时限的记录"), default=0)
    records_late = models.PositiveIntegerField(_("逾期报送的记录"), default=0)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        ordering = ["provider", "item_code", "month"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "item_code", "month"], name="one_scorecard_row_per_item_month")
        ]
        indexes = [models.Index(fields=["month"])]
        verbose_name = _("信息提供单位分事项月度统计")
        verbose_name_plural = _("信息提供单位分事项月度统计")
