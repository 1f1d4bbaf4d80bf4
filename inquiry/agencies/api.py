"""The agency API (`/api/v1/agency/`, Art. 12 para. 3): an approved credit service agency's
system reads a subject's public data and, while the subject's consent to the agency lasts, the
authorized data in its scope.

A call authenticates with `Authorization: Token <key>` (a key of `AgencyApiKey`; no user stands
behind it). Each key is limited per minute (`AGENCY_API_RATE_PER_KEY`, rate windows in the
cache) and per day (its quota, counted in the database); both answer 429 with `Retry-After`.
"""

import math

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from collection.identifiers import tidy
from nantong_credit.rate_windows import parse_rate, wait_seconds

from ..api.serializers import SUBJECT_EXAMPLES, PublicRecordSerializer, PublicSubjectSerializer
from ..authorizations.services import category_labels
from ..search import public_subject
from .models import AgencyApiKey
from .querylog import record_agency_call
from .quota import take_call
from .selectors import agency_disclosure
from .services import authenticate_agency_key

KEYWORD = "Token"
MAX_KEY_LENGTH = 200
TAG = "信用服务机构"


class AgencyKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` → (anonymous user, the agency's `AgencyApiKey`)."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, AgencyApiKey] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # no key at all: the permission check answers 401
        if len(parts) != 2 or len(parts[1]) > MAX_KEY_LENGTH:
            raise exceptions.AuthenticationFailed(_("请求头格式应为“Authorization: Token <密钥>”。"))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("接口密钥无效或已吊销。")) from None
        key = authenticate_agency_key(secret)
        if key is None:
            raise exceptions.AuthenticationFailed(_("接口密钥无效或已吊销。"))
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD  # 401 (not 403) with `WWW-Authenticate: Token` when the key is missing


class HasAgencyKey(permissions.BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return isinstance(request.auth, AgencyApiKey)


def too_many(code: str, message: str, seconds: float) -> exceptions.Throttled:
    """A 429 whose body says which limit and when to retry; `wait` becomes `Retry-After`."""
    seconds = max(1, math.ceil(seconds))
    error = exceptions.Throttled()
    # Set after construction: DRF would turn every value of a detail dict into a string.
    error.detail = {"detail": message, "code": code, "retry_after": seconds}
    error.wait = seconds
    return error


def check_limits(key: AgencyApiKey) -> None:
    """The per-minute limit first (it costs a cache round trip; an unreachable cache limits
    nothing, as everywhere else), then the day's quota."""
    rate = parse_rate(settings.AGENCY_API_RATE_PER_KEY)
    wait = wait_seconds(f"agency:{key.pk}", settings.AGENCY_API_RATE_PER_KEY) if rate is not None else None
    if rate is not None and wait is not None:
        raise too_many(
            "rate_limited",
            _("请求过于频繁：该密钥每%(s)d秒最多调用%(n)d次，请%(w)d秒后重试。")
            % {"s": rate.seconds, "n": rate.limit, "w": wait},
            wait,
        )
    wait = take_call(key)
    if wait is not None:
        raise too_many(
            "quota_exceeded",
            _("该密钥今日调用次数已达每日限额%(q)d次，次日零时（北京时间）恢复。") % {"q": key.quota},
            wait,
        )


# --- Serializers ------------------------------------------------------------------------------


class AgencyAuthorizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="授权编号")
    categories = serializers.ListField(child=serializers.CharField(), help_text="授权范围（目录类别代码）")
    categories_label = serializers.SerializerMethodField(help_text="授权范围（中文）")
    purpose = serializers.CharField(help_text="查询目的")
    valid_until = serializers.DateField(help_text="授权有效期至（含当日）")

    def get_categories_label(self, authorization) -> str:
        return category_labels(authorization.categories)


class AgencySubjectSerializer(PublicSubjectSerializer):
    # The public subject answer, plus what a live consent to the agency shows. (A comment, not a
    # docstring: drf-spectacular would publish a docstring as the schema's English description.)

    authorization = AgencyAuthorizationSerializer(
        allow_null=True, help_text="该主体授予本机构、当前有效的授权；没有时为 null，只返回公开信息"
    )
    authorized_records = serializers.SerializerMethodField(
        help_text="授权范围内的信用记录（公开和授权查询信息，含全部数据项）；没有有效授权时为空"
    )

    def get_authorized_records(self, disclosure) -> list:
        entries = [{"section": s, "view": view} for s in disclosure.authorized_sections for view in s.records]
        return PublicRecordSerializer(entries, many=True).data


class AgencyErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明（中文）")
    code = serializers.ChoiceField(choices=["rate_limited", "quota_exceeded"], help_text="超出的限制")
    retry_after = serializers.IntegerField(help_text="多少秒后可以重试，同 Retry-After 响应头")


class AgencyDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明（中文）")


def _authorized_example() -> dict:
    public = dict(SUBJECT_EXAMPLES[0].value)
    record = dict(public["records"][0])
    rating = record | {
        "id": 2048,
        "item": "tax_credit_rating",
        "item_name": "纳税信用等级",
        "category": "rating",
        "category_label": "评级类",
        "source_key": "通税信〔2026〕A-0381",
        "provider": {"code": "swj", "name": "国家税务总局南通市税务局"},
        "decision_date": "2026-04-20",
        "disclosure_ends_on": None,
        "repairable_from": None,
        "is_dishonesty": False,
        "severity": "",
        "fields": [{"key": "rating", "label": "纳税信用等级", "value": "A"}],
        "notes": [],
        "marks": [],
    }
    return public | {
        "authorization": {
            "id": 77,
            "categories": ["rating"],
            "categories_label": "评级类",
            "purpose": "为合作银行出具企业信用评估报告",
            "valid_until": "2027-06-30",
        },
        "authorized_records": [rating],
    }


AGENCY_EXAMPLES = [
    OpenApiExample(
        "已授权本机构的企业：公开信息和授权范围内的信息",
        response_only=True,
        status_codes=["200"],
        value=_authorized_example(),
    ),
    OpenApiExample(
        "未授权本机构的企业：只有公开信息",
        response_only=True,
        status_codes=["200"],
        value=SUBJECT_EXAMPLES[0].value | {"authorization": None, "authorized_records": []},
    ),
    OpenApiExample(
        "超出每日限额",
        response_only=True,
        status_codes=["429"],
        value={
            "detail": "该密钥今日调用次数已达每日限额1000次，次日零时（北京时间）恢复。",
            "code": "quota_exceeded",
            "retry_after": 3600,
        },
    ),
    OpenApiExample(
        "每分钟限速",
        response_only=True,
        status_codes=["429"],
        value={
            "detail": "请求过于频繁：该密钥每60秒最多调用60次，请12秒后重试。",
            "code": "rate_limited",
            "retry_after": 12,
        },
    ),
    OpenApiExample(
        "密钥无效或已吊销", response_only=True, status_codes=["401"], value={"detail": "接口密钥无效或已吊销。"}
    ),
]


# --- The endpoint -----------------------------------------------------------------------------


class AgencySubjectView(APIView):
    authentication_classes = [AgencyKeyAuthentication]
    permission_classes = [HasAgencyKey]
    renderer_classes = [JSONRenderer]

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication and permission: 401 first
        check_limits(request.auth)

    @extend_schema(
        operation_id="agency_subjects_retrieve",
        summary="信用服务机构查询一个主体的信用信息",
        description=(
            "供经市公共信用信息中心批准的信用服务机构（第十二条第三款）调用。返回与公开查询接口 "
            "/api/v1/subjects/{code}/ 相同的公开信息；该主体通过在线授权或书面授权书授予本机构、且在有效期内的授权，"
            "另在 authorized_records 中返回授权范围内的信用记录（含授权查询信息和全部数据项）。授权被拒绝、撤回或过期后只返回"
            "公开信息。自然人信息不经本接口查询。每次调用均记入查询记录，信息主体可在“我的信用”中看到本机构的名称。"
            "每个密钥每分钟和每日的调用次数有限，超出时返回429和 Retry-After（秒）。"
        ),
        tags=[TAG],
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="统一社会信用代码（18位）"),
            OpenApiParameter(
                "Retry-After",
                int,
                OpenApiParameter.HEADER,
                response=[429],
                description="多少秒后可以重试：每分钟限速到下一分钟，每日限额到次日零时（北京时间）",
            ),
        ],
        responses={
            200: AgencySubjectSerializer,
            401: OpenApiResponse(AgencyDetailSerializer, description="没有密钥、密钥无效或已吊销"),
            404: OpenApiResponse(
                AgencyDetailSerializer, description="没有该统一社会信用代码的法人、非法人组织或个体工商户"
            ),
            429: OpenApiResponse(
                AgencyErrorSerializer, description="超出每分钟限速或每日限额；按 Retry-After 秒数后重试"
            ),
        },
        examples=AGENCY_EXAMPLES,
    )
    def get(self, request: Request, code: str) -> Response:
        subject = public_subject(tidy(code))
        if subject is None:
            raise exceptions.NotFound(_("没有该统一社会信用代码的法人、非法人组织或个体工商户的信用信息。"))
        disclosure = agency_disclosure(subject, request.auth.agency, timezone.localdate())
        record_agency_call(key=request.auth, disclosure=disclosure)
        return Response(AgencySubjectSerializer(disclosure).data)


class AgencyKeyScheme(OpenApiAuthenticationExtension):
    target_class = AgencyKeyAuthentication
    name = "agencyKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "信用服务机构的接口密钥，请求头写作“Authorization: Token <密钥>”。机构经市公共信用信息中心批准后，"
                "由机构管理员在“信用服务机构”页面创建或吊销，密钥只在创建时显示一次；中心也可随时吊销。"
            ),
        }
