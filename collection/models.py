"""Subjects (信息主体), their credit records (信用记录) and the providers' API tokens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider, SubjectKind


class Subject(models.Model):
    """A legal person, an individual business or a natural person (Art. 3).

    Every subject is found by `identifier_hash`, a keyed hash of its normalised identifier. The
    统一社会信用代码 of organisations is public and kept in `code` too; a natural person's ID
    number is personal information and only kept encrypted, with a masked form for display.
    """

    class IdentifierFlag(models.TextChoices):
        NONE = "", _("正常")
        UNKNOWN_DIVISION = "unknown_division", _("出生年份无此行政区划代码")
        IRREGULAR_CODE = "irregular_code", _("早期试点代码，校验位不规范，待复核")

    kind = models.CharField(_("主体类别"), max_length=20, choices=SubjectKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    code = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True)
    identifier_hash = models.CharField(max_length=64, unique=True, editable=False)
    identifier_encrypted = models.TextField(blank=True, editable=False)
    identifier_masked = models.CharField(_("证件号码"), max_length=18)
    identifier_flag = models.CharField(
        _("代码提示"), max_length=20, choices=IdentifierFlag.choices, default="", blank=True
    )
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=50, blank=True)
    organisation_type = models.CharField(_("主体类型"), max_length=50, blank=True)
    district = models.CharField(_("所属地区"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    registration_authority = models.CharField(_("登记机关"), max_length=100, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    registration_status = models.CharField(_("登记状态"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="natural_person", code__isnull=True) | ~Q(kind="natural_person"),
                name="natural_person_code_never_in_clear",
            )
        ]
        verbose_name = _("信息主体")
        verbose_name_plural = _("信息主体")

    def __str__(self) -> str:
        return self.name

    @property
    def is_natural_person(self) -> bool:
        return self.kind == SubjectKind.NATURAL_PERSON


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CORRECTED = "corrected", _("已更正")
    REVOKED = "revoked", _("已撤销")
    SUSPENDED = "suspended", _("暂停查询")
    EXPIRED = "expired", _("公示期满")


class Severity(models.TextChoices):
    LIGHT = "light", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class Channel(models.TextChoices):
    FORM = "form", _("在线填报")
    FILE = "file", _("批量导入")
    API = "api", _("接口报送")
    SELF_DECLARATION = "self_declaration", _("自主申报")
    CENTER = "center", _("信用中心")
    SEED = "seed", _("初始数据")


class CreditRecord(models.Model):
    """One piece of credit information about one subject under one catalog item.

    The columns every query filters or sorts on are real, indexed columns; the item's own
    fields live in `data`, validated against the catalog when submitted. `(provider, item_code,
    source_key)` identifies a record so that a re-submission updates instead of duplicating.
    """

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="records")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="records")
    item_code = models.SlugField(_("事项代码"), max_length=50)
    catalog_item = models.ForeignKey(
        "catalog.CatalogItem", on_delete=models.PROTECT, related_name="records",
        help_text=_("报送时据以校验的目录事项版本"),
    )
    source_key = models.CharField(_("报送单位业务编号"), max_length=100)
    category = models.CharField(_("类别"), max_length=20)
    is_public = models.BooleanField(_("公开信息"), default=True)
    is_dishonesty = models.BooleanField(_("失信信息"), default=False)
    severity = models.CharField(_("失信程度"), max_length=10, choices=Severity.choices, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    decision_date = models.DateField(_("决定日期"), null=True, blank=True)
    disclosure_ends_on = models.DateField(_("公示截止期"), null=True, blank=True, help_text=_("空表示长期"))
    repairable_from = models.DateField(_("可申请信用修复日期"), null=True, blank=True)
    data = models.JSONField(_("数据项"), default=dict)
    content_hash = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(_("版本"), default=1)
    channel = models.CharField(_("报送方式"), max_length=20, choices=Channel.choices)
    self_declared = models.BooleanField(_("自主申报"), default=False)
    received_at = models.DateTimeField(_("归集时间"))
    due_on = models.DateField(_("应报送日期"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    repaired_at = models.DateTimeField(_("修复时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "item_code", "source_key"], name="one_record_per_provider_key"
            )
        ]
        indexes = [
            models.Index(fields=["subject", "item_code"]),
            models.Index(fields=["subject", "status", "-decision_date"]),
            models.Index(fields=["item_code", "-decision_date"]),
            models.Index(fields=["provider", "-received_at"]),
            models.Index(fields=["disclosure_ends_on"]),
            models.Index(fields=["status"]),
        ]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")

    def __str__(self) -> str:
        return f"{self.catalog_item.name} {self.source_key}"


class RecordRevision(models.Model):
    """An earlier or current content of a record; revisions are only ever added."""

    record = models.ForeignKey(CreditRecord, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=12, choices=RecordStatus.choices)
    decision_date = models.DateField(_("决定日期"), null=True, blank=True)
    data = models.JSONField(_("数据项"))
    content_hash = models.CharField(max_length=64)
    channel = models.CharField(_("报送方式"), max_length=20, choices=Channel.choices)
    reason = models.CharField(_("变更原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["record", "-number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="revision_number_unique")]
        verbose_name = _("记录版本")
        verbose_name_plural = _("记录版本")


class Annotation(models.Model):
    """A mark that hangs on a record wherever it is disclosed (SPEC §2)."""

    class Kind(models.TextChoices):
        UNDER_OBJECTION = "under_objection", _("异议处理中")
        OBJECTOR_STATEMENT = "objector_statement", _("异议人声明")
        APPENDED_NOTE = "appended_note", _("附注声明")
        REPAIRED = "repaired", _("已修复")

    record = models.ForeignKey(CreditRecord, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("内容"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["record", "created_at"]
        indexes = [models.Index(fields=["record", "is_active"])]
        verbose_name = _("记录标注")
        verbose_name_plural = _("记录标注")


class ApiToken(models.Model):
    """A provider's API token. Only its SHA-256 is stored; the key is shown once, at creation."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["provider", "-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.provider.code}/{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
