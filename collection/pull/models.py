"""A department database the platform pulls from (Art. 9 "有条件的部门平台数据库应当逐步对接"),
and the log of each pull. Imported by `collection.models`, so that Django finds them there."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider


class PullFormat(models.TextChoices):
    JSON = "json", _("JSON")
    CSV = "csv", _("CSV")


class PullSource(models.Model):
    """One endpoint of a provider's system, read page by page from `cursor` on, mapped to one
    catalog item. Only `collection.pull.services` writes it; the token only encrypted."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="pull_sources")
    name = models.CharField(_("名称"), max_length=100)
    item_code = models.CharField(_("目录事项代码"), max_length=64)
    url = models.URLField(_("接口地址"), max_length=500)
    format = models.CharField(_("数据格式"), max_length=10, choices=PullFormat.choices, default=PullFormat.JSON)
    token_header = models.CharField(_("令牌请求头"), max_length=100, default="Authorization")
    token_encrypted = models.TextField(blank=True)  # Fernet, the keys of ID numbers (personal_data)
    token_hint = models.CharField(max_length=10, blank=True)  # its last characters, to recognise it
    mapping = models.JSONField(_("字段映射"), default=dict, blank=True)  # layout column key → source field
    interval_minutes = models.PositiveIntegerField(_("拉取间隔（分钟）"), default=60)
    enabled = models.BooleanField(_("启用"), default=False)
    cursor = models.CharField(_("游标"), max_length=200, blank=True)  # advanced only with a page's rows
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The lock: a run holds the source until `lease_until`, renewed after each page.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_run = models.ForeignKey("PullRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A failure streak: set at its first failure (when the staff are told), cleared by a clean run.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("数据库对接源")
        verbose_name_plural = _("数据库对接源")
        ordering = ["provider", "name", "pk"]
        permissions = [("pull_for_any_provider", _("为任一信息提供单位配置数据库对接"))]
        indexes = [
            models.Index(fields=["next_run_at"], condition=models.Q(enabled=True), name="pullsource_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_demo(self) -> bool:
        """The seed's example source: ".example" is reserved (RFC 2606), no server answers it."""
        return (urlsplit(self.url).hostname or "").endswith(".example")


class PullRun(models.Model):
    """One pull of a source: what it read, stored and refused, and where its cursor went."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("成功")
        PARTIAL = "partial", _("部分行未通过校验")
        FAILED = "failed", _("失败")
        INTERRUPTED = "interrupted", _("中断")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("定时")
        MANUAL = "manual", _("手动")

    source = models.ForeignKey(PullSource, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.SCHEDULE)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    cursor_before = models.CharField(max_length=200, blank=True)
    cursor_after = models.CharField(max_length=200, blank=True)
    fetch_ms = models.PositiveIntegerField(default=0)  # waiting for the department's server
    store_ms = models.PositiveIntegerField(default=0)  # checking and storing rows
    error_code = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("数据库对接拉取记录")
        verbose_name_plural = _("数据库对接拉取记录")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["source", "-started_at"], name="pullrun_source_started_idx")]

    @property
    def is_problem(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.PARTIAL, self.Status.INTERRUPTED)


class PullRowError(models.Model):
    """A row a page sent that did not pass the checks; an ID number in its value only masked."""

    run = models.ForeignKey(PullRun, on_delete=models.CASCADE, related_name="row_errors")
    page = models.PositiveIntegerField()
    row_number = models.PositiveIntegerField()  # 1-based within its page
    column = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=500)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["page", "row_number", "pk"]
