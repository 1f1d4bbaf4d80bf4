"""The public credit information catalog (公共信用信息目录, Art. 7-8) and the providers behind it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("法人和非法人组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    NATURAL_PERSON = "natural_person", _("自然人")


class Provider(models.Model):
    """An information provider (信息提供主体): a department that feeds the platform."""

    code = models.SlugField(_("单位代码"), max_length=40, unique=True, help_text=_("稳定的英文代码，用于接口和令牌"))
    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="providers", verbose_name=_("工作人员")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("信息提供主体")
        verbose_name_plural = _("信息提供主体")

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    """The five kinds of matters of Art. 8, in the order the regulation lists them."""

    REGISTRATION = "registration", _("登记类")
    QUALIFICATION = "qualification", _("资质类")
    REGULATORY = "regulatory", _("监管类")
    COMMENDATION = "commendation", _("良好信息类")
    RATING = "rating", _("评级类")


class Openness(models.TextChoices):
    PUBLIC = "public", _("公开")
    AUTHORIZED = "authorized", _("授权查询")


class DisclosureScheme(models.Model):
    """A family of disclosure rules (e.g. 行政处罚公示期限), whose content changes over time."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("公示期限规则")
        verbose_name_plural = _("公示期限规则")

    def __str__(self) -> str:
        return self.name


class DisclosureRule(models.Model):
    """The content of a scheme from a given date on (rules above the city change; Art. 11).

    `periods` maps a severity grade to `[minimum months, maximum months]`; the minimum is when
    repair becomes possible, the maximum is when publication stops by itself. A long-term rule
    has no periods. `grades_by_value` maps values of a choice field (e.g. 处罚类别) to grades, so
    that a decision with several penalty types takes the longest period.
    """

    class Mode(models.TextChoices):
        LONG_TERM = "long_term", _("长期公示")
        BY_SEVERITY = "by_severity", _("按失信程度")
        FIXED = "fixed", _("固定期限")

    scheme = models.ForeignKey(DisclosureScheme, on_delete=models.CASCADE, related_name="rules")
    effective_from = models.DateField(_("施行日期"))
    mode = models.CharField(_("方式"), max_length=20, choices=Mode.choices)
    periods = models.JSONField(_("公示期限（月）"), default=dict, blank=True)
    grade_field = models.CharField(_("定级字段"), max_length=50, blank=True)
    grades_by_value = models.JSONField(_("字段取值对应的程度"), default=dict, blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)

    class Meta:
        ordering = ["scheme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "effective_from"], name="one_rule_per_scheme_and_date")
        ]
        verbose_name = _("公示期限规则版本")
        verbose_name_plural = _("公示期限规则版本")

    def __str__(self) -> str:
        return f"{self.scheme} ({self.effective_from:%Y-%m-%d}起)"


class CatalogVersion(models.Model):
    """A version of the catalog: a draft until published, immutable afterwards."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    notes = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="draft"), name="at_most_one_draft_version")
        ]
        permissions = [("publish_catalogversion", _("发布目录版本"))]
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")

    def __str__(self) -> str:
        return f"第{self.number}版（{self.get_status_display()}）"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class CatalogItem(models.Model):
    """A matter in the catalog (目录事项) within one version. `code` is stable across versions."""

    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("事项代码"), max_length=50)
    name = models.CharField(_("事项名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    openness = models.CharField(_("公开属性"), max_length=20, choices=Openness.choices, default=Openness.PUBLIC)
    is_dishonesty = models.BooleanField(_("失信信息"), default=False)
    is_warning = models.BooleanField(_("警示记录"), default=False, help_text=_("第二十三条 自主申报弄虚作假的警示记录"))
    accepts_self_declaration = models.BooleanField(_("可自主申报"), default=False)
    subject_kinds = models.JSONField(_("适用主体"), default=list)
    providers = models.ManyToManyField(Provider, blank=True, related_name="catalog_items", verbose_name=_("责任单位"))
    submission_deadline_workdays = models.PositiveSmallIntegerField(
        _("报送时限（工作日）"), null=True, blank=True, help_text=_("自决定作出之日起，多少个工作日内报送")
    )
    disclosure_scheme = models.ForeignKey(
        DisclosureScheme, on_delete=models.PROTECT, related_name="items", verbose_name=_("公示期限规则")
    )
    legal_basis = models.TextField(_("依据"), blank=True)
    description = models.TextField(_("说明"), blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["version", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="item_code_unique_per_version")]
        verbose_name = _("目录事项")
        verbose_name_plural = _("目录事项")

    def __str__(self) -> str:
        return self.name


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    DATE = "date", _("日期")
    CHOICE = "choice", _("选项")
    IDENTIFIER = "identifier", _("统一社会信用代码/身份证号")
    BOOLEAN = "boolean", _("是/否")


class CatalogField(models.Model):
    """A data field (数据项) of a catalog item."""

    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("字段代码"), max_length=50)
    label = models.CharField(_("中文名称"), max_length=50)
    type = models.CharField(_("类型"), max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    required = models.BooleanField(_("必填"), default=False)
    max_length = models.PositiveIntegerField(_("最大长度"), null=True, blank=True)
    choices = models.JSONField(_("可选值"), default=list, blank=True)
    multiple = models.BooleanField(_("可多选"), default=False, help_text=_("选项字段可填多个值，以分号分隔"))
    is_public = models.BooleanField(_("公开"), default=True)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["item", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="field_key_unique_per_item")]
        verbose_name = _("数据项")
        verbose_name_plural = _("数据项")

    def __str__(self) -> str:
        return f"{self.label}（{self.key}）"


class CatalogDocument(models.Model):
    """Published standards and working rules that accompany the catalog (Art. 7)."""

    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("标准与规范")
        verbose_name_plural = _("标准与规范")

    def __str__(self) -> str:
        return self.title
