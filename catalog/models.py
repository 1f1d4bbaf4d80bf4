"""The public credit information catalog (公共信用信息目录, Art. 7-8) and the providers behind it."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from .errors import CatalogLocked

# Item codes and field keys name JSON keys, CSV headers and API parameters: plain snake_case.
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_MESSAGE = _("只能使用小写英文字母、数字和下划线，并以字母开头。")


class SubjectKind(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("法人和非法人组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    NATURAL_PERSON = "natural_person", _("自然人")


class ProviderQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(catalog_items__version__status="published").exists():
            raise CatalogLocked(_("所选单位中有已发布目录事项的责任单位，不能删除，请改为停用。"))
        return super().delete()


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

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("信息提供主体")
        verbose_name_plural = _("信息提供主体")

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        # Deleting a provider would silently drop it from the published catalogs naming it.
        if self.catalog_items.filter(version__status=CatalogVersion.Status.PUBLISHED).exists():
            raise CatalogLocked(_("该单位是已发布目录事项的责任单位，不能删除，请改为停用。"))
        return super().delete(*args, **kwargs)


class Category(models.TextChoices):
    """The five kinds of matters of Art. 8, in the order the regulation lists them."""

    REGISTRATION = "registration", _("登记类")
    QUALIFICATION = "qualification", _("资质类")
    REGULATORY = "regulatory", _("监管类")
    COMMENDATION = "commendation", _("良好信息类")
    RATING = "rating", _("评级类")


class PublicSection(models.TextChoices):
    """Where the public subject page shows an item's records: the sections of 信用中国's subject
    page, which group differently from the categories of Art. 8 (a dishonesty list is 监管类 but
    is shown under 失信惩戒, apart from ordinary penalties)."""

    BASIC = "basic", _("基本信息")
    LICENSING = "licensing", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    INCENTIVE = "incentive", _("守信激励")
    DISCIPLINE = "discipline", _("失信惩戒")
    RATING = "rating", _("信用评价")
    OTHER = "other", _("其他")


# The section of an item left blank, by its category; a 监管类 list or warning record goes to
# 失信惩戒 instead (`default_public_section`).
SECTION_BY_CATEGORY = {
    "registration": PublicSection.BASIC,
    "qualification": PublicSection.LICENSING,
    "regulatory": PublicSection.PENALTY,
    "commendation": PublicSection.INCENTIVE,
    "rating": PublicSection.RATING,
}
# A field of this key makes an item a list (列入/移出), as `catalog.disclosure.REMOVAL_DATE_KEY`.
LIST_FIELD_KEY = "removed_on"


def default_public_section(category: str, *, is_warning: bool = False, is_list: bool = False) -> str:
    if category == "regulatory" and (is_warning or is_list):
        return PublicSection.DISCIPLINE.value
    return SECTION_BY_CATEGORY.get(category, PublicSection.OTHER).value


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


PUBLISHED = "published"


class GuardedQuerySet(models.QuerySet):
    """Bulk updates and deletes bypass `save()`/`delete()`; refuse them on published rows too.

    `published_lookup` names the path from the model to its version's status.
    """

    published_lookup = ""

    def _touches_published(self) -> bool:
        return self.filter(**{self.published_lookup: PUBLISHED}).exists()

    def update(self, **kwargs):
        if self._touches_published():
            raise CatalogLocked()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_published():
            raise CatalogLocked()
        return super().delete()


class CatalogVersionQuerySet(GuardedQuerySet):
    published_lookup = "status"


class ChildQuerySet(GuardedQuerySet):
    """Rows under a version: new rows may not be bulk-created under a published parent.

    `parent_field` is the foreign key column to the parent, `parent_published_lookup` the path
    from the parent to its version's status.
    """

    parent_field = ""
    parent_published_lookup = ""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        parent_field = self.model._meta.get_field(self.parent_field)
        parent_ids = {getattr(obj, parent_field.attname) for obj in objs}
        parents = parent_field.related_model._base_manager.filter(pk__in=parent_ids)
        if parents.filter(**{self.parent_published_lookup: PUBLISHED}).exists():
            raise CatalogLocked()
        return super().bulk_create(objs, *args, **kwargs)


class CatalogItemQuerySet(ChildQuerySet):
    published_lookup = "version__status"
    parent_field, parent_published_lookup = "version", "status"


class CatalogFieldQuerySet(ChildQuerySet):
    published_lookup = "item__version__status"
    parent_field, parent_published_lookup = "item", "version__status"


class CatalogDocumentQuerySet(ChildQuerySet):
    published_lookup = "version__status"
    parent_field, parent_published_lookup = "version", "status"


class LockedWhenPublished:
    """A row of a catalog version refuses to be saved or deleted once the version is published;
    each model says in `_is_locked` how it reaches its version."""

    def _is_locked(self) -> bool:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        if self._is_locked():
            raise CatalogLocked()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._is_locked():
            raise CatalogLocked()
        return super().delete(*args, **kwargs)


def _is_published_version(version_id: int | None) -> bool:
    return version_id is not None and CatalogVersion.objects.filter(pk=version_id, status=PUBLISHED).exists()


class CatalogVersion(models.Model):
    """A version of the catalog: a draft until published, immutable afterwards.

    Only `catalog.services.publish_version` turns a draft into a published version (by a
    conditional update); from then on `save()` and `delete()` refuse, and so do those of its
    items, fields and documents, so that no code path can change a catalog the public relies on.
    """

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

    objects = CatalogVersionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"第{self.number}版（{self.get_status_display()}）"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def save(self, *args, **kwargs):
        if self.pk is not None and _is_published_version(self.pk):
            raise CatalogLocked()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _is_published_version(self.pk):
            raise CatalogLocked()
        return super().delete(*args, **kwargs)


class CatalogItem(LockedWhenPublished, models.Model):
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
    public_section = models.CharField(
        _("主体页栏目"),
        max_length=20,
        choices=PublicSection.choices,
        blank=True,
        help_text=_(
            "该事项的记录在信用主体公示页上所属的栏目。留空则按类别：登记类→基本信息，资质类→行政许可，"
            "监管类→行政处罚（名单、警示记录→失信惩戒），良好信息类→守信激励，评级类→信用评价。"
        ),
    )

    class Meta:
        ordering = ["version", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="item_code_unique_per_version")]
        verbose_name = _("目录事项")
        verbose_name_plural = _("目录事项")

    objects = CatalogItemQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    @property
    def section(self) -> str:
        """The public page's section of the item's records: as set, else by its category."""
        if self.public_section:
            return self.public_section
        is_list = self.category == "regulatory" and any(f.key == LIST_FIELD_KEY for f in self.fields.all())
        return default_public_section(self.category, is_warning=self.is_warning, is_list=is_list)

    @property
    def section_label(self) -> str:
        return str(PublicSection(self.section).label)

    def subject_kind_labels(self) -> list[str]:
        labels = dict(SubjectKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.subject_kinds]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.code and not CODE_PATTERN.match(self.code):
            errors.setdefault("code", []).append(CODE_MESSAGE)
        elif (
            self.code
            and self.version_id
            and (CatalogItem.objects.filter(version_id=self.version_id, code=self.code).exclude(pk=self.pk).exists())
        ):
            errors.setdefault("code", []).append(_("本版本已有事项代码“%(code)s”。") % {"code": self.code})
        kinds = self.subject_kinds if isinstance(self.subject_kinds, list) else []
        if not kinds:
            errors.setdefault("subject_kinds", []).append(_("请至少选择一类适用主体。"))
        elif set(kinds) - set(SubjectKind.values) or len(set(kinds)) != len(kinds):
            errors.setdefault("subject_kinds", []).append(_("适用主体只能是法人和非法人组织、个体工商户、自然人。"))
        if self._needs_long_term() and not self._scheme_is_long_term():
            errors.setdefault("disclosure_scheme", []).append(
                _("依据第十一条，登记类、资质类信息长期提供查询，请选择长期公示的规则。")
            )
        if errors:
            raise ValidationError(errors)

    def _needs_long_term(self) -> bool:
        return (
            self.category in (Category.REGISTRATION, Category.QUALIFICATION) and self.disclosure_scheme_id is not None
        )

    def _scheme_is_long_term(self) -> bool:
        # The newest rule says how the scheme treats records from now on; a scheme without
        # rules yet cannot contradict Art. 11.
        newest = DisclosureRule.objects.filter(scheme_id=self.disclosure_scheme_id).order_by("-effective_from").first()
        return newest is None or newest.mode == DisclosureRule.Mode.LONG_TERM

    def _is_locked(self) -> bool:
        if _is_published_version(self.version_id):
            return True
        return self.pk is not None and CatalogItem.objects.filter(pk=self.pk, version__status=PUBLISHED).exists()


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    DATE = "date", _("日期")
    CHOICE = "choice", _("选项")
    IDENTIFIER = "identifier", _("统一社会信用代码/身份证号")
    BOOLEAN = "boolean", _("是/否")


class CatalogField(LockedWhenPublished, models.Model):
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

    objects = CatalogFieldQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.label}（{self.key}）"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.key and not CODE_PATTERN.match(self.key):
            errors.setdefault("key", []).append(CODE_MESSAGE)
        elif (
            self.key
            and self.item_id
            and (CatalogField.objects.filter(item_id=self.item_id, key=self.key).exclude(pk=self.pk).exists())
        ):
            errors.setdefault("key", []).append(_("该事项已有字段代码“%(key)s”。") % {"key": self.key})
        errors.update(self._choice_errors())
        if errors:
            raise ValidationError(errors)

    def _choice_errors(self) -> dict[str, list]:
        choices = self.choices if isinstance(self.choices, list) else None
        if choices is None or not all(isinstance(c, str) and c.strip() for c in choices):
            return {"choices": [_("可选值须为非空文字的列表。")]}
        if len(set(choices)) != len(choices):
            return {"choices": [_("可选值不能重复。")]}
        if self.type == FieldType.CHOICE and not choices:
            return {"choices": [_("选项字段须列出可选值。")]}
        if self.type != FieldType.CHOICE and choices:
            return {"choices": [_("只有选项字段才能设置可选值。")]}
        if self.type != FieldType.CHOICE and self.multiple:
            return {"multiple": [_("只有选项字段才能多选。")]}
        return {}

    def _is_locked(self) -> bool:
        if self.item_id is not None and CatalogItem.objects.filter(pk=self.item_id, version__status=PUBLISHED).exists():
            return True
        return self.pk is not None and CatalogField.objects.filter(pk=self.pk, item__version__status=PUBLISHED).exists()


class CatalogDocument(LockedWhenPublished, models.Model):
    """Published standards and working rules that accompany the catalog (Art. 7)."""

    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("标准与规范")
        verbose_name_plural = _("标准与规范")

    objects = CatalogDocumentQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title

    def _is_locked(self) -> bool:
        if _is_published_version(self.version_id):
            return True
        return self.pk is not None and CatalogDocument.objects.filter(pk=self.pk, version__status=PUBLISHED).exists()


@receiver(m2m_changed, sender=CatalogItem.providers.through)
def _refuse_provider_changes_on_published_items(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """`item.providers.add(...)` (or `provider.catalog_items.remove(...)`) bypasses `save()`."""
    if not action.startswith("pre_"):
        return
    if reverse:
        items = CatalogItem.objects.filter(pk__in=pk_set) if pk_set else instance.catalog_items.all()
    else:
        items = CatalogItem.objects.filter(pk=instance.pk)
    if items.filter(version__status=PUBLISHED).exists():
        raise CatalogLocked()


# The catalog items whose records a special credit report (专项信用报告) covers, in the order the
# report lists them: the certificates of "有无违法违规记录" it replaces speak of these.
SPECIAL_REPORT_ITEM_CODES = ("admin_penalty", "admin_coercion", "serious_dishonesty_list")
# The catalog items the public list pages (/lists/) show: 严重失信主体名单 and 守信激励对象名单.
PUBLIC_LIST_ITEM_CODES = ("serious_dishonesty_list", "red_list")


class CreditDomain(models.Model):
    """A field of administration (领域, e.g. 市场监管, 税务) for special credit reports (信用代证,
    发改财金〔2025〕565号): the providers acting in it and the catalog items it covers.

    Kept by the commission (catalog_admin) through `catalog.domains`, audited. It names items by
    their code, which is stable across catalog versions, so a new catalog version needs no edit.
    """

    code = models.SlugField(_("领域代码"), max_length=40, unique=True)
    name = models.CharField(_("领域名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    providers = models.ManyToManyField(
        Provider, blank=True, related_name="credit_domains", verbose_name=_("主管部门（信息提供单位）")
    )
    item_codes = models.JSONField(_("目录事项"), default=list, help_text=_("目录事项代码列表"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("停用的领域不能再选入新的专项信用报告"))

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("信用代证领域")
        verbose_name_plural = _("信用代证领域")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        codes = self.item_codes if isinstance(self.item_codes, list) else None
        if not codes or not all(isinstance(code, str) and CODE_PATTERN.match(code) for code in codes):
            raise ValidationError({"item_codes": [_("请至少选择一个目录事项。")]})
        if len(set(codes)) != len(codes):
            raise ValidationError({"item_codes": [_("目录事项不能重复。")]})
