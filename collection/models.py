"""Subjects (信息主体), their credit records (信用记录) and the providers' API tokens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import PUBLIC_LIST_ITEM_CODES, Provider, SubjectKind
from nantong_credit.jobs import LongJobFields


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


class NameMismatch(models.Model):
    """名称不一致: a provider submitted an organisation under a name other than the one the platform
    shows, which comes from its registration record (登记类) or, before one exists, its first
    submission. The record is accepted and the subject keeps its name; the center follows the
    list up with the provider. One row per subject, provider and name; a row whose name the
    subject takes later (a registration record renames it) is no longer a mismatch."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="name_mismatches")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    submitted_name = models.CharField(_("报送的名称"), max_length=200)
    item_code = models.SlugField(_("最近一次的事项代码"), max_length=50)
    source_key = models.CharField(_("最近一次的业务编号"), max_length=100)
    first_seen_at = models.DateTimeField(_("首次报送"))
    last_seen_at = models.DateTimeField(_("最近报送"), db_index=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "provider", "submitted_name"], name="one_row_per_name_mismatch"),
        ]
        verbose_name = _("名称不一致")
        verbose_name_plural = _("名称不一致")

    def __str__(self) -> str:
        return f"{self.submitted_name} ≠ {self.subject.name}"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CORRECTED = "corrected", _("已更正")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")


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
    PULL = "pull", _("数据库对接")


class CreditRecord(models.Model):
    """One piece of credit information about one subject under one catalog item.

    The columns every query filters or sorts on are real, indexed columns; the item's own
    fields live in `data`, validated against the catalog when submitted. `(provider, item_code,
    source_key)` identifies a record so that a re-submission updates instead of duplicating.
    """

    # subject, provider and item_code lead the composite indexes below: no index of their own.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="records", db_index=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="records", db_index=False)
    item_code = models.SlugField(_("事项代码"), max_length=50, db_index=False)
    catalog_item = models.ForeignKey(
        "catalog.CatalogItem",
        on_delete=models.PROTECT,
        related_name="records",
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
    # Never on a public surface (a 轻微 penalty not stated necessary to publish, or a period whose
    # maximum is 0); the subject, its provider, the center and government checks still see it.
    publication_withheld = models.BooleanField(_("不予公示"), default=False)
    data = models.JSONField(_("数据项"), default=dict)
    content_hash = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(_("版本"), default=1)
    channel = models.CharField(_("报送方式"), max_length=20, choices=Channel.choices)
    self_declared = models.BooleanField(_("自主申报"), default=False)
    received_at = models.DateTimeField(_("归集时间"))
    due_on = models.DateField(_("应报送日期"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    repaired_at = models.DateTimeField(_("修复时间"), null=True, blank=True)
    # Art. 14, last sentence: set while a provider is late answering an objection against this
    # record; the record is then withheld from every query until the provider answers. It is
    # not a status because the record's own status (active, corrected) must survive it.
    suspended_since = models.DateTimeField(_("暂停查询时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "item_code", "source_key"], name="one_record_per_provider_key")
        ]
        # Every index costs each of the 100,000 rows of a bulk import (issue 3): only those that
        # queries use. A subject's records (its page, search, reports: subject, status and the
        # date order, disclosure filtered on the way); an item's records by date; a provider's
        # records by receipt (its pages, timeliness). The unique key serves re-submissions.
        # Every search page counts the public dishonesty records of its twenty subjects: the
        # partial index answers that from itself (PostgreSQL's index-only scan) instead of from
        # twenty subjects' scattered pages of the largest table. The public lists (/lists/) page
        # and count their few thousand entries among millions of records from a partial index of
        # their own, in the lists' order, that also holds what the visibility rule and the name
        # search's join read, so that neither visits the table's pages for rows not shown.
        indexes = [
            models.Index(fields=["subject", "status", "-decision_date"]),
            models.Index(fields=["item_code", "-decision_date"]),
            models.Index(fields=["provider", "-received_at"]),
            models.Index(
                fields=["subject"],
                include=["status", "disclosure_ends_on"],
                name="record_public_dishonesty",
                condition=Q(
                    is_dishonesty=True,
                    is_public=True,
                    publication_withheld=False,
                    repaired_at__isnull=True,
                    suspended_since__isnull=True,
                ),
            ),
            models.Index(
                fields=["item_code", "-decision_date", "-id"],
                include=["subject", "provider", "status", "disclosure_ends_on"],
                name="record_public_list_entries",
                condition=Q(
                    item_code__in=PUBLIC_LIST_ITEM_CODES,
                    is_public=True,
                    publication_withheld=False,
                    repaired_at__isnull=True,
                    suspended_since__isnull=True,
                ),
            ),
        ]
        permissions = [("view_compliance_report", _("查看报送及时性报告"))]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")

    def __str__(self) -> str:
        return f"{self.catalog_item.name} {self.source_key}"

    @property
    def withheld_label(self) -> str:
        """How every page that may show it marks a record that is never published (SPEC §2)."""
        if not self.publication_withheld:
            return ""
        return str(_("轻微·不公示") if self.severity == Severity.LIGHT else _("不予公示"))


class RecordRevision(models.Model):
    """An earlier or current content of a record; revisions are only ever added."""

    # Led by the unique (record, number) below: no index of its own.
    record = models.ForeignKey(CreditRecord, on_delete=models.CASCADE, related_name="revisions", db_index=False)
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


class BulkImport(LongJobFields):
    """One uploaded file of records (批量导入). All-or-nothing: either every row is imported or
    none is and every rejected row is reported. The original file is kept with the batch."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        IMPORTING = "importing", _("导入中")
        SUCCEEDED = "succeeded", _("导入成功")
        REJECTED = "rejected", _("校验未通过，未导入")
        FAILED = "failed", _("处理失败")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="imports")
    item_code = models.SlugField(_("事项代码"), max_length=50)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_file = models.FileField(_("原始文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    # A rejected or failed batch's file is deleted after REJECTED_UPLOAD_RETENTION_DAYS
    # (`collection.bulk.retention`); the batch, its row errors and its report stay.
    original_deleted_at = models.DateTimeField(_("原始文件删除时间"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # Rows accepted under another name than their organisation's own (`NameMismatch`).
    name_mismatch_count = models.PositiveIntegerField(_("名称不一致行数"), default=0)
    errors_file = models.FileField(_("错误报告"), upload_to="imports/errors/%Y/%m/", blank=True)
    last_error = models.TextField(_("处理错误"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "-created_at"])]
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"


class BulkRowError(models.Model):
    """A rejected row of a batch, as shown on the page and in the downloadable report."""

    bulk_import = models.ForeignKey(BulkImport, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=100, blank=True)
    message = models.CharField(_("错误原因"), max_length=500)
    value = models.CharField(_("原始值"), max_length=200, blank=True)

    class Meta:
        ordering = ["bulk_import", "row_number", "id"]
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")


class SubjectBinding(models.Model):
    """An account acting for a subject: a natural person for itself (bound at registration,
    identity by ID number) or an agent for an organisation, which a clerk checks against the
    evidence uploaded (e.g. business licence and a letter of authorisation)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已绑定")
        REJECTED = "rejected", _("未通过")
        REVOKED = "revoked", _("已解除")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bindings")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="bindings")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_live_binding_per_user_and_subject",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("主体绑定")
        verbose_name_plural = _("主体绑定")


class BindingEvidence(models.Model):
    """One document supporting a binding request (营业执照, 授权委托书), checked by content."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("营业执照")
        AUTHORISATION_LETTER = "authorisation_letter", _("授权委托书")

    binding = models.ForeignKey(SubjectBinding, on_delete=models.CASCADE, related_name="evidence_files")
    kind = models.CharField(_("材料类型"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to="bindings/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["binding", "kind"]
        verbose_name = _("绑定证明材料")
        verbose_name_plural = _("绑定证明材料")


class SelfDeclaration(models.Model):
    """Good credit information a subject declares itself (自主申报, Art. 10), reviewed by the
    经信委 after seeing the original documents; approval makes it a self-declared record, and a
    declaration later found false leads to a warning record (Art. 23)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")
        FOUND_FALSE = "found_false", _("查实弄虚作假")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="declarations")
    declarant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    item_code = models.SlugField(_("事项代码"), max_length=50)
    catalog_item = models.ForeignKey("catalog.CatalogItem", on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(_("申报内容"), default=dict)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    originals_seen_at = models.DateTimeField(_("原件核验时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    record = models.OneToOneField(
        CreditRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="declaration"
    )
    warning_record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        verbose_name = _("自主申报")
        verbose_name_plural = _("自主申报")


class DeclarationAttachment(models.Model):
    declaration = models.ForeignKey(SelfDeclaration, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="declarations/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")


# --- 实名核验: the service window and appointments at it ----------------------------------------


class ServiceWindow(models.Model):
    """Where and when the center verifies identities at its counter (one row, `pk=1`), edited by
    the center's clerks (`collection.change_servicewindow`); the slots people book come from it."""

    name = models.CharField(_("窗口名称"), max_length=100, default="南通市公共信用信息中心服务窗口")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    opens_at = models.TimeField(_("上午开始"), default="09:00")
    break_starts_at = models.TimeField(_("午休开始"), null=True, blank=True, default="12:00")
    break_ends_at = models.TimeField(_("午休结束"), null=True, blank=True, default="13:30")
    closes_at = models.TimeField(_("下午结束"), default="17:00")
    slot_minutes = models.PositiveSmallIntegerField(_("每个时段（分钟）"), default=30)
    per_slot = models.PositiveSmallIntegerField(_("每个时段可预约人数"), default=3)
    booking_days = models.PositiveSmallIntegerField(_("可预约的工作日数"), default=10)
    notes = models.TextField(_("办理须知"), blank=True, default="请携带本人居民身份证原件，按预约时段到窗口办理。")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("实名核验服务窗口")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name


class IdentityAppointment(models.Model):
    """A registered person's appointment at the service window to have its identity verified.
    States and steps: `collection.accounts.appointment_workflow`."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        DONE = "done", _("已核验")
        NO_SHOW = "no_show", _("未到场")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="identity_appointments",
        verbose_name=_("预约人"),
    )
    day = models.DateField(_("预约日期"))
    starts_at = models.TimeField(_("时段开始"))
    ends_at = models.TimeField(_("时段结束"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("实名核验预约")
        verbose_name_plural = verbose_name
        ordering = ["day", "starts_at", "pk"]
        indexes = [models.Index(fields=["day", "starts_at"], name="identity_appt_day_slot")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="booked"), name="one_open_identity_appointment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.starts_at:%H:%M}"


# Department databases linked to the platform (Art. 9): their models live with their feature.
from .pull.models import PullRowError, PullRun, PullSource  # noqa: E402, F401
