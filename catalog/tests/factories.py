"""factory_boy factories for the catalog; other apps' tests import these.

A published version cannot receive items (the models refuse), so build a catalog on a draft and
publish it afterwards:

    item = CatalogItemFactory(code="admin_penalty", providers=[provider])
    CatalogFieldFactory(item=item, key="decision_no")
    publish(item.version)

`CatalogItemFactory` puts items into the current draft (creating one if there is none), so
several items end up in the same version.
"""

import datetime as dt

import factory
from django.db.models import Max
from django.utils import timezone

from catalog.models import (
    CatalogDocument,
    CatalogField,
    CatalogItem,
    CatalogVersion,
    Category,
    DisclosureRule,
    DisclosureScheme,
    FieldType,
    Provider,
    SubjectKind,
)

NATIONAL_2026 = dt.date(2026, 4, 1)
SEVERITY_PERIODS_2026 = {"light": [0, 3], "general": [3, 12], "serious": [12, 36]}


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"南通市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")


class DisclosureSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisclosureScheme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"scheme{n}")
    name = factory.Sequence(lambda n: f"公示期限规则{n}")


class DisclosureRuleFactory(factory.django.DjangoModelFactory):
    """A long-term rule by default; `DisclosureRuleFactory(by_severity=True)` gives the 2026
    national grading (轻微 0-3 months, 一般 3-12, 严重 12-36) read from field `severity`."""

    class Meta:
        model = DisclosureRule

    scheme = factory.SubFactory(DisclosureSchemeFactory)
    effective_from = dt.date(2015, 12, 14)
    mode = DisclosureRule.Mode.LONG_TERM
    periods = factory.LazyFunction(dict)
    grade_field = ""
    grades_by_value = factory.LazyFunction(dict)
    legal_basis = "《南通市公共信用信息归集和使用暂行办法》第十一条"

    class Params:
        by_severity = factory.Trait(
            mode=DisclosureRule.Mode.BY_SEVERITY,
            effective_from=NATIONAL_2026,
            periods=factory.LazyFunction(lambda: {k: list(v) for k, v in SEVERITY_PERIODS_2026.items()}),
            grade_field="severity",
            legal_basis="《信用修复管理办法》",
        )


def _next_number() -> int:
    return (CatalogVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1


def current_or_new_draft() -> CatalogVersion:
    return CatalogVersion.objects.filter(status=CatalogVersion.Status.DRAFT).first() or CatalogVersionFactory()


class CatalogVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogVersion

    number = factory.LazyFunction(_next_number)
    status = CatalogVersion.Status.DRAFT
    title = "南通市公共信用信息目录"


def publish(version: CatalogVersion, *, at: dt.datetime | None = None) -> CatalogVersion:
    """Mark a draft published without the service's checks or audit event (test set-up only)."""
    CatalogVersion.objects.filter(pk=version.pk, status=CatalogVersion.Status.DRAFT).update(
        status=CatalogVersion.Status.PUBLISHED, published_at=at or timezone.now()
    )
    version.refresh_from_db()
    return version


def _long_term_scheme() -> DisclosureScheme:
    scheme = DisclosureSchemeFactory(code="long_term", name="长期公示")
    if not scheme.rules.exists():
        DisclosureRuleFactory(scheme=scheme)
    return scheme


class CatalogItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogItem
        skip_postgeneration_save = True

    version = factory.LazyFunction(current_or_new_draft)
    code = factory.Sequence(lambda n: f"item_{n}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    category = Category.REGISTRATION
    openness = CatalogItem._meta.get_field("openness").default
    subject_kinds = factory.LazyFunction(lambda: [SubjectKind.LEGAL_PERSON])
    submission_deadline_workdays = 7
    disclosure_scheme = factory.LazyFunction(_long_term_scheme)
    legal_basis = "《南通市公共信用信息归集和使用暂行办法》第八条"
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def providers(self, create, extracted, **kwargs):
        if create and extracted:
            self.providers.set(extracted)


class CatalogFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogField

    item = factory.SubFactory(CatalogItemFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"数据项{n}")
    type = FieldType.TEXT
    required = False
    choices = factory.LazyFunction(list)
    position = factory.Sequence(lambda n: n)


class CatalogDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogDocument

    version = factory.LazyFunction(current_or_new_draft)
    title = factory.Sequence(lambda n: f"公共信用信息数据规范{n}")
    body = "信息提供主体应当按照本规范报送数据。"
    position = factory.Sequence(lambda n: n)


PENALTY_TYPES = ["警告", "通报批评", "罚款", "没收违法所得", "暂扣许可证件", "吊销许可证件", "限制从业", "行政拘留"]


def penalty_scheme() -> DisclosureScheme:
    """行政处罚 under the 2026 national grading, the grade read from `severity` and implied by
    `penalty_type` (吊销许可证件/限制从业/行政拘留 are serious)."""
    scheme = DisclosureSchemeFactory(code="admin_penalty_period", name="行政处罚公示期限")
    if not scheme.rules.exists():
        DisclosureRuleFactory(
            scheme=scheme,
            by_severity=True,
            grades_by_value={
                "penalty_type": {
                    "警告": "light",
                    "通报批评": "light",
                    "罚款": "general",
                    "没收违法所得": "general",
                    "暂扣许可证件": "general",
                    "吊销许可证件": "serious",
                    "限制从业": "serious",
                    "行政拘留": "serious",
                }
            },
        )
    return scheme


def penalty_item(**kwargs) -> CatalogItem:
    """A 行政处罚 item (in the current draft) with the fields a disclosure rule needs."""
    attributes = {
        "code": "admin_penalty",
        "name": "行政处罚",
        "category": Category.REGULATORY,
        "is_dishonesty": True,
        "subject_kinds": [SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS, SubjectKind.NATURAL_PERSON],
        "disclosure_scheme": penalty_scheme(),
    } | kwargs
    item = CatalogItemFactory(**attributes)
    CatalogFieldFactory(item=item, key="decision_no", label="行政处罚决定书文号", required=True, position=1)
    CatalogFieldFactory(
        item=item,
        key="penalty_type",
        label="处罚类别",
        type=FieldType.CHOICE,
        choices=PENALTY_TYPES,
        multiple=True,
        required=True,
        position=2,
    )
    CatalogFieldFactory(
        item=item, key="severity", label="失信程度", type=FieldType.CHOICE, choices=["轻微", "一般", "严重"], position=3
    )
    CatalogFieldFactory(
        item=item, key="decision_date", label="处罚决定日期", type=FieldType.DATE, required=True, position=4
    )
    CatalogFieldFactory(item=item, key="fine_amount", label="罚款金额（万元）", type=FieldType.DECIMAL, position=5)
    CatalogFieldFactory(item=item, key="publication_necessary", label="确需公示", type=FieldType.BOOLEAN, position=6)
    CatalogFieldFactory(item=item, key="publication_reason", label="确需公示的理由", max_length=500, position=7)
    return item
