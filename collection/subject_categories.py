"""How the 双公示 field "行政相对人类别" spells each subject kind: filled in by the platform on
self-declarations and from the subject block on provider forms."""

from catalog.models import SubjectKind

SUBJECT_CATEGORY_LABELS: dict[str, str] = {
    SubjectKind.LEGAL_PERSON: "法人及非法人组织",
    SubjectKind.INDIVIDUAL_BUSINESS: "个体工商户",
    SubjectKind.NATURAL_PERSON: "自然人",
}
