"""Credit service agencies (信用服务机构, Art. 12 para. 3) as requester organisations, their
accounts and API keys. Imported by `inquiry.models`, so that they belong to the inquiry app."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CreditAgency(models.Model):
    """An organisation that queries through the agency API once the center has approved it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    name = models.CharField(_("机构名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    licence_number = models.CharField(_("信用服务机构备案（许可）编号"), max_length=100)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        constraints = [
            # A refused application may be made again; two live ones for one code may not.
            models.UniqueConstraint(fields=["uscc"], condition=~Q(status="refused"), name="one_live_agency_per_uscc"),
        ]
        indexes = [models.Index(fields=["status", "registered_at"])]
        permissions = [("review_creditagency", _("审核信用服务机构"))]
        verbose_name = _("信用服务机构")
        verbose_name_plural = _("信用服务机构")

    def __str__(self) -> str:
        return self.name


class AgencyMember(models.Model):
    """A requester account that acts for the agency; its admins manage the API keys."""

    agency = models.ForeignKey(CreditAgency, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agency_memberships")
    is_admin = models.BooleanField(_("机构管理员"), default=False)
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "-is_admin", "added_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="one_membership_per_agency")]
        verbose_name = _("机构经办账号")
        verbose_name_plural = _("机构经办账号")


class AgencyApiKey(models.Model):
    """An agency's API key. Only its SHA-256 is stored; the key is shown once, at creation (as
    `collection.models.ApiToken`). `daily_quota` empty means the default setting."""

    agency = models.ForeignKey(CreditAgency, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    daily_quota = models.PositiveIntegerField(_("每日调用限额"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency", "-created_at", "-id"]
        verbose_name = _("机构接口密钥")
        verbose_name_plural = _("机构接口密钥")

    def __str__(self) -> str:
        return f"{self.agency.name}/{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def quota(self) -> int:
        return settings.AGENCY_API_DAILY_QUOTA if self.daily_quota is None else self.daily_quota


class AgencyApiUsage(models.Model):
    """Calls of one key on one day (Asia/Shanghai), counted in the database so that a quota
    holds across web nodes and a cache flush."""

    key = models.ForeignKey(AgencyApiKey, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="one_usage_row_per_key_day")]
        verbose_name = _("接口调用量")
        verbose_name_plural = _("接口调用量")
