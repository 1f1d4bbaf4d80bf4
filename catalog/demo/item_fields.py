"""The shape of a demo catalog item and its fields, and the field blocks the 双公示 items share
(行政相对人, the deciding authority and the data source); the items themselves are in `items`.
"""

from dataclasses import dataclass, field

from catalog.models import FieldType, Openness


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str = FieldType.TEXT.value
    required: bool = False
    max_length: int | None = None
    choices: list[str] = field(default_factory=list)
    multiple: bool = False
    is_public: bool = True
    help_text: str = ""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    category: str
    scheme: str
    subject_kinds: list[str]
    providers: list[str]
    fields: list[FieldSpec]
    legal_basis: str
    description: str = ""
    openness: str = Openness.PUBLIC.value
    is_dishonesty: bool = False
    is_warning: bool = False
    accepts_self_declaration: bool = False
    submission_deadline_workdays: int | None = 7
    # The public subject page's section (`catalog.models.PublicSection`); "" derives it.
    public_section: str = ""


TEXT, DATE, DECIMAL, INTEGER, CHOICE, IDENTIFIER, BOOLEAN = (
    FieldType.TEXT.value,
    FieldType.DATE.value,
    FieldType.DECIMAL.value,
    FieldType.INTEGER.value,
    FieldType.CHOICE.value,
    FieldType.IDENTIFIER.value,
    FieldType.BOOLEAN.value,
)
SUBJECT_CATEGORIES = ["法人及非法人组织", "自然人", "个体工商户"]
ID_TYPES = ["身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"]
LICENSE_CATEGORIES = ["普通", "特许", "认可", "核准", "登记", "其他"]


def counterpart_fields() -> list[FieldSpec]:
    """行政相对人 block of the 双公示 standard. Personal identifiers are never public."""
    return [
        FieldSpec("subject_name", "行政相对人名称", required=True, max_length=200),
        FieldSpec("subject_category", "行政相对人类别", CHOICE, required=True, choices=SUBJECT_CATEGORIES),
        FieldSpec("uscc", "统一社会信用代码", IDENTIFIER, help_text="法人及非法人组织、个体工商户必填"),
        FieldSpec(
            "legal_representative",
            "法定代表人",
            max_length=50,
            help_text="法人及非法人组织、个体工商户填写；个体工商户填经营者姓名",
        ),
        FieldSpec(
            "id_type", "证件类型", CHOICE, choices=ID_TYPES, is_public=False, help_text="行政相对人为自然人时必填"
        ),
        FieldSpec(
            "id_number", "证件号码", IDENTIFIER, is_public=False, help_text="行政相对人为自然人时必填；不对外公开"
        ),
    ]


def source_fields(authority_label: str) -> list[FieldSpec]:
    """The deciding authority and the data source, each with its 统一社会信用代码, and 备注."""
    return [
        FieldSpec("authority", authority_label, required=True, max_length=200),
        FieldSpec("authority_uscc", f"{authority_label}统一社会信用代码", IDENTIFIER, required=True),
        FieldSpec("source_unit", "数据来源单位", required=True, max_length=200),
        FieldSpec("source_unit_uscc", "数据来源单位统一社会信用代码", IDENTIFIER, required=True),
        FieldSpec("remarks", "备注", max_length=512),
    ]


def organisation_fields() -> list[FieldSpec]:
    return [
        FieldSpec("subject_name", "主体名称", required=True, max_length=200),
        FieldSpec("uscc", "统一社会信用代码", IDENTIFIER, required=True),
    ]
