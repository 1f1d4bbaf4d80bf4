"""The shapes of the public subject API (`GET /api/v1/subjects/<code>/`).

What is in them is decided elsewhere: which records by `collection.visibility.public_records`,
how each reads (public fields only, disclosure notes) by `inquiry.selectors`, exactly as on the
public subject page. These serializers only write it out.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers

from catalog.models import Category, SubjectKind
from collection.models import Annotation, Severity
from inquiry.models import CreditCommitment


def display_value(value) -> str:
    """A field value as the page shows it: yes/no in Chinese, everything else as text."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


class PublicFieldSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="目录字段代码")
    label = serializers.CharField(help_text="数据项名称")
    value = serializers.SerializerMethodField(help_text="数据项的值（文本形式；多选项以“、”分隔，是非项为“是”或“否”）")

    def get_value(self, field) -> str:
        return display_value(field.value)


class PublicMarkSerializer(serializers.Serializer):
    # Plain text rather than an enum: several schemas have a `kind`, and drf-spectacular names
    # enums by field name. The values are listed in the help text.
    kind = serializers.CharField(
        help_text="标注类型：" + "，".join(f"{value} {label}" for value, label in Annotation.Kind.choices)
    )
    label = serializers.CharField(source="get_kind_display", help_text="标注名称")
    text = serializers.CharField(
        help_text="标注内容：异议人声明、附注声明的全文；异议处理中、已修复的说明（可为空）",
    )
    since = serializers.DateTimeField(source="created_at", help_text="标注时间")


class PublicProviderSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="信息提供单位代码")
    name = serializers.CharField(help_text="信息提供单位名称")


class PublicRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="view.record.pk", help_text="平台记录编号")
    item = serializers.CharField(source="section.code", help_text="目录事项代码")
    item_name = serializers.CharField(source="section.name", help_text="目录事项名称")
    category = serializers.ChoiceField(
        source="section.category", choices=Category.choices, help_text="目录类别（第八条）"
    )
    category_label = serializers.CharField(source="section.category_label", help_text="目录类别名称")
    source_key = serializers.CharField(
        source="view.record.source_key", help_text="信息提供单位的业务编号（如决定文书号）"
    )
    provider = PublicProviderSerializer(source="view.record.provider", help_text="信息提供单位")
    decision_date = serializers.DateField(source="view.record.decision_date", allow_null=True, help_text="决定日期")
    disclosure_ends_on = serializers.DateField(
        source="view.record.disclosure_ends_on",
        allow_null=True,
        help_text="公示截止期（最后一个公示日）；为空表示长期公示",
    )
    repairable_from = serializers.DateField(
        source="view.record.repairable_from",
        allow_null=True,
        help_text="失信信息自该日起可申请信用修复",
    )
    is_dishonesty = serializers.BooleanField(source="view.record.is_dishonesty", help_text="是否失信信息")
    severity = serializers.ChoiceField(
        source="view.record.severity",
        choices=[("", "不适用"), *Severity.choices],
        help_text="失信程度",
    )
    corrected = serializers.SerializerMethodField(help_text="信息提供单位是否已更正过该信息")
    fields = PublicFieldSerializer(source="view.fields", many=True, help_text="公开数据项，按目录顺序")
    notes = serializers.ListField(
        source="view.notes",
        child=serializers.CharField(),
        help_text="公示说明：公示至何时、何时起可申请信用修复（中文）",
    )
    marks = PublicMarkSerializer(
        source="view.marks", many=True, help_text="标注：异议处理中、异议人声明、附注声明、已修复"
    )

    def get_corrected(self, entry) -> bool:
        return entry["view"].record.status == "corrected"


class PublicCommitmentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        help_text="承诺类型：" + "，".join(f"{value} {label}" for value, label in CreditCommitment.Kind.choices),
    )
    kind_label = serializers.CharField(source="get_kind_display", help_text="承诺类型名称")

    class Meta:
        model = CreditCommitment
        fields = ["kind", "kind_label", "matter", "text", "made_on", "recipient"]


class PublicSubjectSerializer(serializers.Serializer):
    code = serializers.CharField(source="subject.code", help_text="统一社会信用代码")
    name = serializers.CharField(source="subject.name", help_text="名称")
    # The same choices as the provider API's subject kind, so that both share one enum; natural
    # persons are never answered here.
    kind = serializers.ChoiceField(
        source="subject.kind",
        choices=SubjectKind.choices,
        help_text="主体类别：legal_person 法人和非法人组织，individual_business 个体工商户",
    )
    kind_label = serializers.CharField(source="subject.get_kind_display", help_text="主体类别名称")
    organisation_type = serializers.CharField(source="subject.organisation_type", help_text="主体类型")
    legal_representative = serializers.CharField(
        source="subject.legal_representative", help_text="法定代表人（负责人、经营者）"
    )
    established_on = serializers.DateField(source="subject.established_on", allow_null=True, help_text="成立日期")
    registration_authority = serializers.CharField(source="subject.registration_authority", help_text="登记机关")
    registration_status = serializers.CharField(source="subject.registration_status", help_text="登记状态")
    district = serializers.CharField(source="subject.district", help_text="所属地区")
    address = serializers.CharField(source="subject.address", help_text="住所")
    record_count = serializers.IntegerField(help_text="公示中的信用记录条数")
    dishonesty_count = serializers.IntegerField(help_text="其中失信信息条数")
    records = serializers.SerializerMethodField(help_text="公示中的信用记录，按目录类别和事项顺序")
    commitments = PublicCommitmentSerializer(many=True, help_text="公开的信用承诺")

    @extend_schema_field(PublicRecordSerializer(many=True))
    def get_records(self, disclosure) -> list:
        entries = [{"section": section, "view": view} for section in disclosure.sections for view in section.records]
        return PublicRecordSerializer(entries, many=True).data


SUBJECT_EXAMPLES = [
    OpenApiExample(
        "有行政处罚和异议人声明的企业",
        response_only=True,
        status_codes=["200"],
        value={
            "code": "91320602MA1XYW0A10",
            "name": "南通通达建设工程有限公司",
            "kind": "legal_person",
            "kind_label": "法人和非法人组织",
            "organisation_type": "有限责任公司（自然人投资或控股）",
            "legal_representative": "张建国",
            "established_on": "2016-03-18",
            "registration_authority": "南通市崇川区行政审批局",
            "registration_status": "存续（在营、开业、在册）",
            "district": "崇川区",
            "address": "南通市崇川区工农路100号",
            "record_count": 1,
            "dishonesty_count": 1,
            "records": [
                {
                    "id": 1024,
                    "item": "admin_penalty",
                    "item_name": "行政处罚",
                    "category": "regulatory",
                    "category_label": "监管类",
                    "source_key": "通市监罚〔2026〕12号",
                    "provider": {"code": "scjgj", "name": "南通市市场监督管理局"},
                    "decision_date": "2026-05-06",
                    "disclosure_ends_on": "2027-05-06",
                    "repairable_from": "2026-08-07",
                    "is_dishonesty": True,
                    "severity": "general",
                    "corrected": False,
                    "fields": [
                        {
                            "key": "penalty_document_number",
                            "label": "行政处罚决定书文号",
                            "value": "通市监罚〔2026〕12号",
                        },
                        {"key": "penalty_types", "label": "处罚类别", "value": "警告、罚款"},
                    ],
                    "notes": ["公示至2027年5月6日，届满后自动停止公示", "自2026年8月7日起可申请信用修复"],
                    "marks": [
                        {
                            "kind": "objector_statement",
                            "label": "异议人声明",
                            "text": "我公司已于当日整改完毕，对处罚金额仍有异议。",
                            "since": "2026-06-02T10:15:00+08:00",
                        }
                    ],
                }
            ],
            "commitments": [],
        },
    ),
]
