"""The shapes of the provider API, for the OpenAPI schema and for the responses.

The request serializers document the bodies; they do not validate them. Validation is the
pipeline's (`collection.services.records.submit_record`), so that the API, the web form and the bulk
file accept and refuse exactly the same things with the same Chinese messages.
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers

from catalog.models import SubjectKind

from ..models import CreditRecord, RecordRevision, RecordStatus, Severity, Subject
from .services import BATCH_MAX

OUTCOMES = [
    ("created", "新增"),
    ("updated", "已更新（新版本）"),
    ("unchanged", "内容相同，未变化"),
    ("revoked", "已撤销"),
]

# --- Requests -----------------------------------------------------------------------------------


class SubjectInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=SubjectKind.choices,
        help_text="主体类别：legal_person 法人和非法人组织，individual_business 个体工商户，natural_person 自然人",
    )
    name = serializers.CharField(min_length=1, max_length=200, help_text="信息主体名称（自然人为姓名）")
    identifier = serializers.CharField(
        min_length=1,
        help_text="信用唯一识别码：18位统一社会信用代码或18位公民身份号码；可含小写字母、空格或全角字符，平台统一规范化",
    )
    irregular_code = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=False,
        help_text="仅用于早期试点的不规范统一社会信用代码（校验位不符）：明确声明后接收，并标记待复核",
    )
    legal_representative = serializers.CharField(
        required=False, allow_null=True, max_length=50, help_text="法定代表人（负责人）"
    )
    organisation_type = serializers.CharField(required=False, allow_null=True, max_length=50, help_text="主体类型")
    district = serializers.CharField(required=False, allow_null=True, max_length=20, help_text="所属地区")
    address = serializers.CharField(required=False, allow_null=True, max_length=200, help_text="住所")
    registration_authority = serializers.CharField(
        required=False, allow_null=True, max_length=100, help_text="登记机关"
    )
    established_on = serializers.DateField(required=False, allow_null=True, help_text="成立日期")
    registration_status = serializers.CharField(required=False, allow_null=True, max_length=20, help_text="登记状态")


class RecordInSerializer(serializers.Serializer):
    item = serializers.CharField(min_length=1, help_text="目录事项代码，见 GET /api/v1/catalog/，如 admin_penalty")
    source_key = serializers.CharField(
        min_length=1,
        max_length=100,
        help_text="本单位业务编号（如决定文书号）：同一事项、同一编号再次报送即更新该记录",
    )
    subject = SubjectInSerializer(help_text="信息主体")
    data = serializers.DictField(
        help_text="数据项：键为目录中该事项的字段代码（fields[].key），值按字段类型填写；日期可写 2026-05-06、2026/5/6 或 2026年5月6日",
    )
    reason = serializers.CharField(
        required=False, allow_null=True, max_length=200, help_text="变更原因（更正已报送记录时填写）"
    )


class BatchInSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=RecordInSerializer(),
        min_length=1,
        max_length=BATCH_MAX,
        help_text=f"1至{BATCH_MAX}条记录，格式同单条报送；全部通过校验才入库，任何一条有误则整批不入库",
    )


class RevokeInSerializer(serializers.Serializer):
    item = serializers.CharField(min_length=1, help_text="目录事项代码")
    source_key = serializers.CharField(min_length=1, max_length=100, help_text="报送时使用的本单位业务编号")
    reason = serializers.CharField(
        required=False, allow_null=True, max_length=200, help_text="撤销原因，如“行政复议撤销原处罚决定”"
    )


# --- Responses ----------------------------------------------------------------------------------


class RecordResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="record.pk", help_text="平台记录编号")
    outcome = serializers.ChoiceField(choices=OUTCOMES, help_text="处理结果")
    revision = serializers.IntegerField(source="record.revision", help_text="记录当前版本号，每次内容变更或撤销加一")
    status = serializers.ChoiceField(source="record.status", choices=RecordStatus.choices, help_text="记录状态")
    is_late = serializers.BooleanField(source="record.is_late", help_text="是否逾期报送（超过目录规定的报送时限）")
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="提示（已接收，但请留意），如逾期报送、身份证号行政区划代码提示",
    )
    url = serializers.SerializerMethodField(help_text="该记录的查询地址")

    def get_url(self, result) -> str:
        return reverse("records_api:detail", args=[result.record.pk])


def record_result(result) -> dict:
    """`RecordResultSerializer(result).data`, built directly. It answers every single
    submission, and a DRF serializer deep-copies its declared fields each time it is made:
    ~0.5 ms, a sixth of a submission. The serializer still documents the response (OpenAPI),
    and a test holds the two to the same output."""
    record = result.record
    return {
        "id": record.pk,
        "outcome": result.outcome,
        "revision": record.revision,
        "status": record.status,
        "is_late": record.is_late,
        "warnings": [str(warning) for warning in result.warnings],
        "url": reverse("records_api:detail", args=[record.pk]),
    }


class BatchEntryResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="在请求 records 数组中的位置（从0开始）")
    id = serializers.IntegerField(source="record.pk", help_text="平台记录编号")
    outcome = serializers.ChoiceField(choices=OUTCOMES[:3], help_text="处理结果")
    revision = serializers.IntegerField(source="record.revision", help_text="记录当前版本号")
    warnings = serializers.ListField(child=serializers.CharField(), help_text="提示")


class BatchResultSerializer(serializers.Serializer):
    records = BatchEntryResultSerializer(many=True)
    created = serializers.IntegerField(help_text="新增条数")
    updated = serializers.IntegerField(help_text="更新条数")
    unchanged = serializers.IntegerField(help_text="内容相同、未变化的条数")


class ErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="键为出错位置（如 subject.identifier、data.fine_amount，批量为 records[3].data.fine_amount），值为错误说明",
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="说明")


class SubjectOutSerializer(serializers.ModelSerializer):
    identifier = serializers.CharField(
        source="identifier_masked",
        help_text="统一社会信用代码；自然人的公民身份号码只返回脱敏形式，如 3206**********123X",
    )

    class Meta:
        model = Subject
        fields = ["kind", "name", "identifier", "identifier_flag"]


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordRevision
        fields = ["number", "status", "decision_date", "data", "channel", "reason", "created_at"]


@extend_schema_field({"type": "object", "additionalProperties": True, "description": "数据项，键为目录字段代码"})
class DataField(serializers.JSONField):
    pass


class RecordDetailSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item_code", help_text="目录事项代码")
    item_name = serializers.CharField(source="catalog_item.name", help_text="目录事项名称")
    subject = SubjectOutSerializer()
    data = DataField()
    severity = serializers.ChoiceField(choices=[("", "不适用"), *Severity.choices], help_text="失信程度")
    disclosure_ends_on = serializers.DateField(
        allow_null=True, help_text="公示期限的最后一日（不予公示的记录为其期限的最后一日）；为空表示长期"
    )
    repairable_from = serializers.DateField(allow_null=True, help_text="自该日起可申请信用修复；为空表示不适用")
    publication_withheld = serializers.BooleanField(
        help_text="不予公示：轻微失信且未声明确需公示，或期限最长为0；公众不可见，政府部门核查时标注“轻微·不公示”"
    )
    revisions = RevisionSerializer(many=True, help_text="全部版本，新版本在前；更正和撤销都保留原版本")

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "item",
            "item_name",
            "source_key",
            "status",
            "revision",
            "subject",
            "data",
            "decision_date",
            "severity",
            "disclosure_ends_on",
            "repairable_from",
            "publication_withheld",
            "received_at",
            "due_on",
            "is_late",
            "channel",
            "self_declared",
            "revisions",
        ]


# --- Examples -----------------------------------------------------------------------------------

# A 行政处罚 of the published catalog's 双公示 shape (catalog/demo/items.py): the schema's
# examples are submitted by the tests against that catalog and must be accepted as documented.
SCJGJ_USCC = "113206000141291715"
PENALTY_BODY = {
    "item": "admin_penalty",
    "source_key": "通市监罚〔2026〕12号",
    "subject": {"kind": "legal_person", "name": "南通通达建设工程有限公司", "identifier": "91320602MA1XYW0A10"},
    "data": {
        "subject_name": "南通通达建设工程有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": "91320602MA1XYW0A10",
        "legal_representative": "王建华",
        "penalty_document_number": "通市监罚〔2026〕12号",
        "violation_type": "虚假宣传",
        "violation_facts": "当事人在其网店发布的商品宣传中使用虚构的销售数据。",
        "penalty_basis": "《中华人民共和国广告法》第五十五条第一款",
        "penalty_types": ["警告", "罚款"],
        "penalty_content": "警告，并处罚款2.5万元。",
        "fine_amount": "2.5",
        "decision_date": "2026-05-06",
        "valid_until": "2027-05-05",
        "authority": "南通市市场监督管理局",
        "authority_uscc": SCJGJ_USCC,
        "source_unit": "南通市市场监督管理局",
        "source_unit_uscc": SCJGJ_USCC,
    },
}
SECOND_PENALTY_BODY = {
    **PENALTY_BODY,
    "source_key": "通市监罚〔2026〕13号",
    "data": {**PENALTY_BODY["data"], "penalty_document_number": "通市监罚〔2026〕13号"},
}

RECORD_EXAMPLES = [
    OpenApiExample("行政处罚", value=PENALTY_BODY, request_only=True),
    OpenApiExample(
        "创建",
        value={
            "id": 1024,
            "outcome": "created",
            "revision": 1,
            "status": "active",
            "is_late": False,
            "warnings": [],
            "url": "/api/v1/records/1024/",
        },
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "内容相同",
        value={
            "id": 1024,
            "outcome": "unchanged",
            "revision": 1,
            "status": "active",
            "is_late": False,
            "warnings": [],
            "url": "/api/v1/records/1024/",
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "已更新",
        value={
            "id": 1024,
            "outcome": "updated",
            "revision": 2,
            "status": "active",
            "is_late": False,
            "warnings": [],
            "url": "/api/v1/records/1024/",
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "校验未通过",
        value={
            "errors": {
                "subject.identifier": [
                    "统一社会信用代码校验位错误，请核对代码是否抄写有误（早期试点代码如确属不规范，请明确声明）"
                ],
                "data.fine_amount": ["“罚款金额（万元）”应为数字，收到“两万”"],
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
]

BATCH_EXAMPLES = [
    OpenApiExample("两条", value={"records": [PENALTY_BODY, SECOND_PENALTY_BODY]}, request_only=True),
    OpenApiExample(
        "成功",
        value={
            "records": [
                {"index": 0, "id": 1024, "outcome": "created", "revision": 1, "warnings": []},
                {"index": 1, "id": 1025, "outcome": "unchanged", "revision": 1, "warnings": []},
            ],
            "created": 1,
            "updated": 0,
            "unchanged": 1,
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "整批未入库",
        value={
            "errors": {
                "records[3].data.decision_date": ["必填项“处罚决定日期”未填写"],
                "records[7].subject.kind": [
                    "主体类别应为legal_person（法人和非法人组织）、individual_business（个体工商户）或natural_person（自然人）"
                ],
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
]

REVOKE_EXAMPLES = [
    OpenApiExample(
        "撤销",
        value={"item": "admin_penalty", "source_key": "通市监罚〔2026〕12号", "reason": "行政复议决定撤销原处罚决定"},
        request_only=True,
    ),
    OpenApiExample(
        "已撤销",
        value={
            "id": 1024,
            "outcome": "revoked",
            "revision": 2,
            "status": "revoked",
            "is_late": False,
            "warnings": [],
            "url": "/api/v1/records/1024/",
        },
        response_only=True,
        status_codes=["200"],
    ),
]
