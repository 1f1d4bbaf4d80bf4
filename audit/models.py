"""The append-only, hash-chained audit trail (SPEC §5, Art. 19-21)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nantong_credit.jobs import LongJobFields

# `actor_label` of events caused by a visitor who is not logged in (public search, report checks).
ANONYMOUS_LABEL = "anonymous"


class AuditEvent(models.Model):
    """One creation, change, disclosure or query of credit information.

    Rows are never updated or deleted (on PostgreSQL a trigger refuses it). Each row's `hash`
    covers its content and the previous row's hash, so `verify_audit_chain` detects any later
    edit or removal. The hash is an HMAC under the key `key_id` names (`audit.keys`), a key the
    database never holds; events written before keyed hashing have an empty `key_id` and a plain
    SHA-256, accepted only up to the chain head's `legacy_until_id`. The actor is a plain
    reference so that no cascade ever touches a row.
    """

    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    prev_hash = models.CharField(_("前序哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    key_id = models.CharField(_("密钥编号"), max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        # The auditor's list filters on one of these and pages by id, newest first: with the id
        # as the index's second column a page is an index range scan even over millions of rows.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action", "id"], name="audit_event_action_id_idx"),
            models.Index(fields=["actor_label", "id"], name="audit_event_actor_id_idx"),
        ]
        permissions = [("verify_auditevent", _("核验审计链"))]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    @property
    def actor_display(self) -> str:
        """Who did it, for people: a username, an anonymous visitor, or the platform itself."""
        if self.actor_label == ANONYMOUS_LABEL:
            return str(_("匿名访问者"))
        return self.actor_label or str(_("系统"))


class AuditChainHead(models.Model):
    """The newest link of the chain. Appending locks this row, which serialises writers, and it
    anchors the end of the chain so that removing the newest events is detected too.

    On PostgreSQL a trigger lets the row only move forward with the chain: one event at a time,
    onto the newest event, which must link to the previous head (`audit` migration 0007). Events
    up to `legacy_until_id` were hashed with plain SHA-256, before keyed hashing; `seal` signs
    that switch point with the chain key, so that nobody without the key can move it to pass
    off rewritten events as old ones.
    """

    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)
    event_count = models.PositiveBigIntegerField(default=0)
    legacy_until_id = models.BigIntegerField(null=True)
    seal = models.CharField(max_length=100, default="")

    class Meta:
        verbose_name = _("审计链末端")


class ChainVerification(LongJobFields):
    """One verification of the whole chain requested from the back office.

    Walking millions of events takes minutes, so the page queues a task and shows this row's
    progress and outcome; the rows also tell auditors when the chain was last checked.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("核验中")
        INTACT = "intact", _("审计链完整")
        BROKEN = "broken", _("发现问题")
        FAILED = "failed", _("未能完成")

    # A queued or running walk older than this is presumed lost (worker restarted).
    STALE_AFTER = timedelta(hours=2)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("核验人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    requested_from = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    checked = models.PositiveBigIntegerField(_("已核验事件数"), default=0)
    last_event_id = models.BigIntegerField(_("最后一个事件"), null=True, blank=True)
    broken_event_id = models.BigIntegerField(_("首个问题事件"), null=True, blank=True)
    problem = models.CharField(_("问题类型"), max_length=30, blank=True)
    message = models.CharField(_("结论"), max_length=300, blank=True)
    last_error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计链核验")
        verbose_name_plural = _("审计链核验")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        """Queued or running, and recent enough that a worker may still be on it."""
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return False
        return self.requested_at is None or self.requested_at >= timezone.now() - self.STALE_AFTER


class ArchiveEntry(models.Model):
    """The archive register (档案登记, Art. 20): every generated credit report, statistical report
    and official document is registered with a number, its content hash and how long it is kept.

    Like audit events, entries are only ever added; the file itself stays where its owner keeps it
    and is referred to by `object_type`/`object_id`, its hash proving it unaltered.
    """

    class Kind(models.TextChoices):
        CREDIT_REPORT = "credit_report", _("信用报告")
        STATISTICAL_REPORT = "statistical_report", _("统计报表")
        OFFICIAL_DOCUMENT = "official_document", _("公文及处理决定")
        CASE_FILE = "case_file", _("异议及修复案卷")

    number = models.CharField(_("档案编号"), max_length=40, unique=True)
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("题名"), max_length=300)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    sha256 = models.CharField(_("内容哈希"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    retention_years = models.PositiveSmallIntegerField(
        _("保管期限（年）"), null=True, blank=True, help_text=_("空表示永久")
    )
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["kind", "-registered_at"])]
        verbose_name = _("档案登记")
        verbose_name_plural = _("档案登记")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def retain_until(self):
        """The last day of the retention period (29 February becomes 28 February)."""
        if self.retention_years is None:
            return None
        return timezone.localdate(self.registered_at) + relativedelta(years=self.retention_years)
