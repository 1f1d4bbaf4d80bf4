"""Objections (异议, Art. 13-14): a subject disputes records; the center reviews within 5 working
days and either corrects a platform error or refers the case to the provider, who answers within
7 working days. The states and transitions live in `objections.workflow`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider
from collection.models import CreditRecord, Subject
from nantong_credit.case_models import CaseEvidence, CaseFile, CaseStep


class Objection(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待中心审核")
        REFERRED = "referred", _("待信息提供单位核查")
        ANSWERED = "answered", _("提供单位已答复")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Outcome(models.TextChoices):
        PLATFORM_CORRECTED = "platform_corrected", _("平台技术差错，已更正")
        CORRECTED = "corrected", _("信息有误，已更正（第十四条第一项）")
        CONFIRMED = "confirmed", _("信息无误，予以维持（第十四条第二项）")
        UNVERIFIABLE = "unverifiable", _("无法核实，附注声明（第十四条第三项）")
        REJECTED = "rejected", _("不予受理")

    class Channel(models.TextChoices):
        """How the application reached the center (Art. 13 书面申请: online, or on paper)."""

        ONLINE = "online", _("网上申请")
        COUNTER = "counter", _("窗口受理")
        POST = "post", _("邮寄")

    class ApplicantRole(models.TextChoices):
        SELF = "self", _("本人")
        AGENT = "agent", _("委托代理人")

    class IdKind(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证")
        HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
        TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
        PASSPORT = "passport", _("护照")

    number = models.CharField(_("案件编号"), max_length=30, unique=True)
    follow_up_code_hash = models.CharField(max_length=64, help_text=_("查询码的哈希，查询码只在受理时显示一次"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="objections")
    # The account that filed online. A paper applicant may have no account: it is described by
    # the applicant_* fields below, and the clerk who recorded the application is `received_by`.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections", null=True, blank=True
    )
    channel = models.CharField(_("受理方式"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    records = models.ManyToManyField(CreditRecord, through="ObjectionRecord", related_name="objections")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="objections")
    statement = models.TextField(_("异议内容及理由"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    # On paper: the day the application reached the center (for post, the day the letter
    # arrived). The center's 5 working days run from it.
    received_on = models.DateField(_("收件日期"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受理人"),
    )
    applicant_name = models.CharField(_("申请人"), max_length=100, blank=True)
    applicant_role = models.CharField(_("申请人身份"), max_length=10, choices=ApplicantRole.choices, blank=True)
    applicant_id_kind = models.CharField(_("证件类型"), max_length=20, choices=IdKind.choices, blank=True)
    # The document number as SPEC §2 keeps ID numbers: masked for display, encrypted, found by keyed hash.
    applicant_id_masked = models.CharField(_("证件号码"), max_length=30, blank=True)
    applicant_id_encrypted = models.TextField(blank=True, editable=False)
    applicant_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    applicant_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    applicant_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    center_due_at = models.DateTimeField(_("中心办理期限"))
    center_reminded_at = models.DateTimeField(null=True, blank=True)
    referred_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    provider_due_at = models.DateTimeField(_("提供单位答复期限"), null=True, blank=True, db_index=True)
    provider_reminded_at = models.DateTimeField(null=True, blank=True)
    provider_overdue_at = models.DateTimeField(_("提供单位逾期时间"), null=True, blank=True)
    # The provider's deadline passed while it was provisional (its year's holiday notice not yet
    # entered): nothing is suspended until it is recomputed (SPEC §4). Cleared when it moves ahead.
    provider_deadline_held_at = models.DateTimeField(_("期限待确认时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    provider_reply = models.TextField(_("核查意见"), blank=True)
    correction = models.JSONField(_("更正内容"), null=True, blank=True)
    applicant_keeps_objection = models.BooleanField(_("申请人坚持异议"), default=False)
    applicant_final_statement = models.TextField(_("申请人声明"), blank=True)
    clerk_note = models.TextField(_("中心意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "center_due_at"]),
            models.Index(fields=["status", "provider_due_at"]),
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["subject", "-received_at"]),
        ]
        constraints = [
            # Online: filed by an account. On paper: recorded by a clerk, with the day of receipt
            # and an identified applicant.
            models.CheckConstraint(
                condition=(
                    models.Q(channel="online", applicant__isnull=False)
                    | models.Q(channel__in=["counter", "post"], received_by__isnull=False, received_on__isnull=False)
                    & ~models.Q(applicant_name="")
                    & ~models.Q(applicant_id_hash="")
                ),
                name="objection_applicant_by_channel",
            ),
        ]
        permissions = [
            ("review_objection", _("审核异议申请")),
            ("answer_objection", _("答复转办的异议")),
        ]
        verbose_name = _("异议申请")
        verbose_name_plural = _("异议申请")

    def __str__(self) -> str:
        return self.number

    @property
    def is_paper(self) -> bool:
        return self.channel != self.Channel.ONLINE


class ObjectionRecord(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="objection_records")
    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="objection_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["objection", "record"], name="objection_record_once")]
        verbose_name = _("异议所涉记录")
        verbose_name_plural = _("异议所涉记录")


class ObjectionEvidence(CaseEvidence):
    class Kind(models.TextChoices):
        # In the order a receipt lists them.
        APPLICATION = "application", _("书面异议申请")
        AUTHORIZATION = "authorization", _("授权委托书")
        EVIDENCE = "evidence", _("证明材料")
        # A paper applicant's later step (仍持异议, 接受核查结果, 撤回), brought or posted.
        LETTER = "letter", _("申请人书面意见")

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence_files")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("材料类型"), max_length=15, choices=Kind.choices, default=Kind.EVIDENCE)
    file = models.FileField(_("文件"), upload_to="objections/%Y/%m/")

    class Meta:
        ordering = ["objection", "uploaded_at"]
        verbose_name = _("异议证明材料")
        verbose_name_plural = _("异议证明材料")


class ObjectionStep(CaseStep):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="steps")

    class Meta(CaseStep.Meta):
        ordering = ["objection", "occurred_at", "id"]


class ObjectionCaseFile(CaseFile):
    """The case file of a closed or withdrawn objection (Art. 20), made by `objections.case_file`."""

    objection = models.OneToOneField(Objection, on_delete=models.PROTECT, related_name="case_file")
    file = models.FileField(_("文件"), upload_to="case-files/objections/%Y/")

    class Meta(CaseFile.Meta):
        verbose_name = _("异议案卷")
        verbose_name_plural = _("异议案卷")
