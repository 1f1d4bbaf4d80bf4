"""Factories for subjects and credit records, with identifiers that really validate.

Check characters come from python-stdnum, so a factory never produces a code the platform
itself would refuse.
"""

import datetime as dt

import factory
from django.utils import timezone
from stdnum.cn import ric, uscc

from catalog.models import CatalogVersion, Category, FieldType, Openness, Provider, SubjectKind
from catalog.tests.factories import (  # noqa: F401  (ProviderFactory is re-exported for collection tests)
    PENALTY_TYPES,
    CatalogFieldFactory,
    CatalogItemFactory,
    ProviderFactory,
    penalty_scheme,
    publish,
)
from collection.models import Channel, CreditRecord, RecordRevision
from collection.services.subjects import find_or_create_subject
from collection.services.upsert import content_hash


def make_uscc(prefix17: str) -> str:
    """A 统一社会信用代码 with its GB 32100 check character."""
    assert len(prefix17) == 17, prefix17
    return prefix17 + uscc.calc_check_digit(prefix17)


def make_ric(prefix17: str) -> str:
    """A 公民身份号码 with its GB 11643 check digit (stdnum wants all 18 characters)."""
    assert len(prefix17) == 17, prefix17
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


def wrong_check(code: str, alphabet: str = "0123456789") -> str:
    """The same code with a check character that is certainly wrong."""
    replacement = next(ch for ch in alphabet if ch != code[-1])
    return code[:-1] + replacement


class SubjectFactory(factory.Factory):
    """Subjects made through `find_or_create_subject`, as every channel makes them.

    `SubjectFactory()` stores a subject; `SubjectFactory.build()` is the `subject` part of a
    submission (`{"kind", "name", "identifier"}`), stored nowhere.
    """

    class Meta:
        model = dict

    kind = SubjectKind.LEGAL_PERSON
    name = factory.Sequence(lambda n: f"南通市崇川区示例{n}有限公司")
    identifier = factory.Sequence(lambda n: make_uscc(f"91320602{n:09d}"))

    class Params:
        individual_business = factory.Trait(
            kind=SubjectKind.INDIVIDUAL_BUSINESS,
            name=factory.Sequence(lambda n: f"通州区金沙示例{n}小吃店"),
            identifier=factory.Sequence(lambda n: make_uscc(f"92320612{n:09d}")),
        )
        natural_person = factory.Trait(
            kind=SubjectKind.NATURAL_PERSON,
            name=factory.Sequence(lambda n: "张王李赵陈"[n % 5] + ("伟", "秀英", "敏", "建国", "海燕", "志强")[n % 6]),
            identifier=factory.Sequence(lambda n: make_ric(f"32060219850101{n % 1000:03d}")),
        )

    @classmethod
    def _create(cls, model_class, **kwargs):
        subject, _created, _warning = find_or_create_subject(**kwargs)
        return subject


# --- A small published catalog, from the catalog's own factories -----------------------------


LICENSE_TYPES = ["普通", "特许", "认可", "核准", "登记"]

PENALTY_FIELDS = [
    dict(key="decision_no", label="行政处罚决定书文号", type=FieldType.TEXT, required=True, max_length=30),
    dict(
        key="penalty_type", label="处罚类别", type=FieldType.CHOICE, required=True, choices=PENALTY_TYPES, multiple=True
    ),
    dict(key="penalty_amount", label="罚款金额（万元）", type=FieldType.DECIMAL),
    dict(key="decision_date", label="处罚决定日期", type=FieldType.DATE, required=True),
    dict(key="valid_until", label="公示截止期", type=FieldType.DATE),
    dict(key="legal_rep_id", label="法定代表人身份证号", type=FieldType.IDENTIFIER, is_public=False),
    dict(key="authority_uscc", label="处罚机关统一社会信用代码", type=FieldType.IDENTIFIER),
    dict(key="first_offence", label="初次违法", type=FieldType.BOOLEAN),
    dict(key="person_count", label="涉案人数", type=FieldType.INTEGER),
    dict(key="basis", label="处罚依据", type=FieldType.TEXT, max_length=200),
    dict(key="publication_necessary", label="确需公示", type=FieldType.BOOLEAN),
    dict(key="publication_reason", label="确需公示的理由", type=FieldType.TEXT, max_length=500),
]

LICENSE_FIELDS = [
    dict(key="license_no", label="行政许可决定文书号", type=FieldType.TEXT, required=True),
    dict(key="license_type", label="许可类别", type=FieldType.CHOICE, required=True, choices=LICENSE_TYPES),
    dict(key="decision_date", label="许可决定日期", type=FieldType.DATE, required=True),
    dict(key="valid_until", label="有效期至", type=FieldType.DATE),
]


def publish_test_catalog(*providers: Provider) -> CatalogVersion:
    """A published catalog with `admin_penalty` (all subject kinds, graded by 处罚类别, 7 working
    days) and `admin_license` (organisations only, long-term), both the responsibility of
    `providers`."""
    penalty = CatalogItemFactory(
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        is_dishonesty=True,
        subject_kinds=list(SubjectKind.values),
        disclosure_scheme=penalty_scheme(),
        providers=providers,
        position=1,
    )
    license_item = CatalogItemFactory(
        version=penalty.version,
        code="admin_license",
        name="行政许可",
        category=Category.QUALIFICATION,
        subject_kinds=[SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS],
        providers=providers,
        position=2,
    )
    for item, fields in ((penalty, PENALTY_FIELDS), (license_item, LICENSE_FIELDS)):
        for position, attributes in enumerate(fields):
            CatalogFieldFactory(item=item, position=position, **attributes)
    return publish(penalty.version)


class CreditRecordFactory(factory.django.DjangoModelFactory):
    """A stored record without going through validation (for read-side tests).

    Give it a published `catalog_item`; `provider` defaults to the item's first provider.
    """

    class Meta:
        model = CreditRecord
        skip_postgeneration_save = True

    subject = factory.SubFactory(SubjectFactory)
    provider = factory.LazyAttribute(lambda o: o.catalog_item.providers.first())
    item_code = factory.LazyAttribute(lambda o: o.catalog_item.code)
    source_key = factory.Sequence(lambda n: f"通市监罚〔2026〕{n}号")
    category = factory.LazyAttribute(lambda o: o.catalog_item.category)
    is_public = factory.LazyAttribute(lambda o: o.catalog_item.openness == Openness.PUBLIC)
    is_dishonesty = factory.LazyAttribute(lambda o: o.catalog_item.is_dishonesty)
    decision_date = dt.date(2026, 5, 6)
    data = factory.LazyAttribute(lambda o: {"decision_date": o.decision_date.isoformat()} if o.decision_date else {})
    content_hash = factory.LazyAttribute(lambda o: content_hash(o.subject.identifier_hash, o.data))
    channel = Channel.API
    received_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def first_revision(record, create, extracted, **kwargs):
        if create:
            RecordRevision.objects.create(
                record=record,
                number=record.revision,
                status=record.status,
                decision_date=record.decision_date,
                data=record.data,
                content_hash=record.content_hash,
                channel=record.channel,
            )
