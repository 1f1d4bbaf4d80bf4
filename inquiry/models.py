"""Authorized queries (授权查询, Art. 11), the query log, credit reports (信用报告), credit
commitments (信用承诺) and government batch checks (Art. 12)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collection.models import Subject
from nantong_credit.jobs import LongJobFields


class Authorization(models.Model):
    """A subject's consent that one requester may see its authorized-query information.

    Granted either online by the subject's own account, or by a signed letter (授权书) that the
    requester uploads and a clerk checks. It covers the listed catalog categories until
    `valid_until` (inclusive), and nothing else.
    """

    class Method(models.TextChoices):
        ONLINE = "online", _("主体在线授权")
        LETTER = "letter", _("书面授权书")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待授权")
        GRANTED = "granted", _("已授权")
        REFUSED = "refused", _("未获授权")
        REVOKED = "revoked", _("已撤回")

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authorizations")
    # Set when the requester asked on behalf of a credit service agency: the consent is then the
    # agency's, and its API keys read what it covers (`inquiry.agencies`).
    agency = models.ForeignKey(
        "inquiry.CreditAgency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorizations",
        verbose_name=_("信用服务机构"),
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="authorizations")
    method = models.CharField(_("授权方式"), max_length=10, choices=Method.choices)
    purpose = models.CharField(_("查询目的"), max_length=300)
    categories = models.JSONField(_("授权范围"), default=list, help_text=_("目录类别代码列表"))
    valid_until = models.DateField(_("授权有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("处理意见"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    letter_file = models.FileField(_("授权书"), upload_to="authorizations/%Y/%m/", blank=True)
    letter_name = models.CharField(_("授权书文件名"), max_length=255, blank=True)
    letter_content_type = models.CharField(max_length=100, blank=True)
    letter_size = models.PositiveIntegerField(default=0)
    letter_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "subject", "status"]),
            models.Index(fields=["subject", "status"]),
            models.Index(fields=["method", "status", "requested_at"]),
            models.Index(fields=["agency", "subject", "status"]),
        ]
        permissions = [("review_letter", _("审核书面授权书"))]
        verbose_name = _("查询授权")
        verbose_name_plural = _("查询授权")


class QueryLog(models.Model):
    """Who looked at what, when and why (Art. 11, SPEC §5). Kept apart from the hash-chained
    audit trail because public page views are far too frequent to serialise on the chain."""

    class Kind(models.TextChoices):
        SEARCH = "search", _("公开检索")
        PUBLIC_PAGE = "public_page", _("公开信息查看")
        AUTHORIZED = "authorized", _("授权查询")
        REPORT = "report", _("信用报告")
        GOVERNMENT = "government", _("政府部门核查")
        API = "api", _("接口查询")

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("查询类型"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("查询人"),
    )
    actor_label = models.CharField(_("查询人"), max_length=150, blank=True)
    subject = models.ForeignKey(
        Subject, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    authorization = models.ForeignKey(
        Authorization, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    # A call of the agency API: no user stands behind it, the agency and its key do.
    agency = models.ForeignKey(
        "inquiry.CreditAgency",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("信用服务机构"),
    )
    api_key = models.ForeignKey(
        "inquiry.AgencyApiKey",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(_("查询目的"), max_length=300, blank=True)
    terms = models.CharField(_("检索词"), max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject", "-occurred_at"]), models.Index(fields=["actor", "-occurred_at"])]
        verbose_name = _("查询记录")
        verbose_name_plural = _("查询记录")


class CreditReport(LongJobFields):
    """A numbered PDF credit report, verifiable at /reports/verify/ by code or by its hash.

    A special credit report (专项信用报告, 信用代证: 发改财金〔2025〕565号) is one of these too, of
    kind `special`: it covers the chosen 领域 (`domains`, as named when ordered) over a period
    instead of categories, and is numbered, generated, archived and verified the same way.
    """

    class Kind(models.TextChoices):
        CREDIT = "credit", _("公共信用信息报告")
        SPECIAL = "special", _("专项信用报告")

    class Edition(models.TextChoices):
        LEGAL_PERSON = "legal_person", _("法人版")
        NATURAL_PERSON = "natural_person", _("个人版")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        GENERATING = "generating", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    number = models.CharField(_("报告编号"), max_length=40, unique=True)
    kind = models.CharField(_("报告类型"), max_length=10, choices=Kind.choices, default=Kind.CREDIT)
    verification_code = models.CharField(_("验证码"), max_length=20, unique=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="credit_reports")
    edition = models.CharField(_("版本"), max_length=20, choices=Edition.choices)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_reports")
    authorization = models.ForeignKey(
        Authorization, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    categories = models.JSONField(_("报告范围"), default=list)
    # A special report's 领域 as they were named when it was ordered: [{"code": ..., "name": ...}].
    domains = models.JSONField(_("报告领域"), default=list, blank=True)
    period_start = models.DateField(_("报告期间起"), null=True, blank=True)
    period_end = models.DateField(_("报告期间止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    file = models.FileField(_("报告文件"), upload_to="reports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("内容哈希"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(default=0)
    page_count = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "-created_at"]), models.Index(fields=["ordered_by", "-created_at"])]
        permissions = [("verify_in_office", _("在工作台核验企业提交的信用报告"))]
        verbose_name = _("信用报告")
        verbose_name_plural = _("信用报告")

    def __str__(self) -> str:
        return self.number

    @property
    def is_special(self) -> bool:
        return self.kind == self.Kind.SPECIAL

    @property
    def domain_names(self) -> list[str]:
        return [str(domain.get("name", "")) for domain in self.domains or []]


class CreditCommitment(models.Model):
    """A public credit commitment (信用承诺) a subject made, e.g. in an approval or when applying
    for credit repair; shown on its public page."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("审批替代型承诺")
        CERTIFICATION = "certification", _("证明事项告知承诺")
        VOLUNTARY = "voluntary", _("主动型承诺")
        INDUSTRY = "industry", _("行业自律型承诺")
        REPAIR = "repair", _("信用修复承诺")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(_("承诺类型"), max_length=20, choices=Kind.choices)
    matter = models.CharField(_("承诺事项"), max_length=200)
    text = models.TextField(_("承诺内容"))
    made_on = models.DateField(_("承诺日期"))
    recipient = models.CharField(_("承诺受理单位"), max_length=100, blank=True)
    is_public = models.BooleanField(_("公开"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(fields=["subject", "-made_on"], condition=Q(is_public=True), name="public_commitments_idx")
        ]
        verbose_name = _("信用承诺")
        verbose_name_plural = _("信用承诺")

    def __str__(self) -> str:
        return self.matter


class BatchCheck(LongJobFields):
    """A government user's credit check of a list of subjects (Art. 12 联合奖惩 in procurement,
    subsidies, evaluations): one row per subject in `rows`."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("核查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("核查失败")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="batch_checks")
    purpose = models.CharField(_("核查用途"), max_length=300)
    source_name = models.CharField(_("名单来源"), max_length=255, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("主体数"), default=0)
    created_at = models.DateTimeField(_("核查时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("批量信用核查")
        verbose_name_plural = _("批量信用核查")


class BatchCheckRow(models.Model):
    batch = models.ForeignKey(BatchCheck, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("统一社会信用代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=200, blank=True)
    subject = models.ForeignKey(Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    dishonesty_count = models.PositiveIntegerField(_("失信信息"), default=0)
    # 轻微 penalties that are not published (SPEC §2): agencies see them, marked, apart from the count above.
    withheld_count = models.PositiveIntegerField(_("轻微·不公示"), default=0)
    warning_count = models.PositiveIntegerField(_("警示信息"), default=0)
    commendation_count = models.PositiveIntegerField(_("良好信息"), default=0)
    commitment_count = models.PositiveIntegerField(_("信用承诺"), default=0)
    message = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["batch", "line"]
        verbose_name = _("核查结果")
        verbose_name_plural = _("核查结果")


# The agency API's models live with their feature; imported here so that Django registers them.
from .agencies.models import AgencyApiKey, AgencyApiUsage, AgencyMember, CreditAgency  # noqa: E402
from .follows.models import Follow, FollowSweepState  # noqa: E402

__all__ = [
    "AgencyApiKey",
    "AgencyApiUsage",
    "AgencyMember",
    "Authorization",
    "BatchCheck",
    "BatchCheckRow",
    "CreditAgency",
    "CreditCommitment",
    "CreditReport",
    "Follow",
    "FollowSweepState",
    "QueryLog",
]
