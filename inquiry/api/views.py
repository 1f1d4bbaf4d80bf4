"""The public subject API: `GET /api/v1/subjects/<统一社会信用代码>/`, anonymous, rate limited
per address together with the subject pages. It answers exactly what the public subject page
shows (same visibility rule, same fields, same marks)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, throttling
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from collection.api.serializers import DetailSerializer
from collection.identifiers import tidy

from ..models import QueryLog
from ..querylog import log_query
from ..ratelimit import SUBJECT, wait_seconds
from ..search import public_subject, subject_disclosure
from . import serializers as s

TAG = "公开查询"


class PublicRateThrottle(throttling.BaseThrottle):
    """The subject pages' limit per address (`inquiry.ratelimit`), counted in the same windows."""

    def __init__(self) -> None:
        self.wait_for: int | None = None

    def allow_request(self, request: Request, view) -> bool:
        self.wait_for = wait_seconds(request._request, SUBJECT)
        return self.wait_for is None

    def wait(self) -> float | None:
        return self.wait_for


class PublicSubjectView(APIView):
    # The session only tells who is logged in, for the query log; anyone may call.
    authentication_classes = [SessionAuthentication]
    permission_classes: list = []
    throttle_classes = [PublicRateThrottle]
    renderer_classes = [JSONRenderer]

    def throttled(self, request: Request, wait):
        error = exceptions.Throttled(
            detail=_("查询过于频繁：为防止信息被批量抓取，同一地址的查询次数有限，请%(n)d秒后重试。") % {"n": wait or 1}
        )
        error.wait = wait
        raise error

    @extend_schema(
        operation_id="subjects_retrieve",
        summary="查询一个主体的公开信用信息",
        description=(
            "按统一社会信用代码（可含小写字母、空格或全角字符）返回法人和非法人组织、个体工商户的基本登记信息、"
            "公示中的公开信用记录（按目录类别和事项顺序，仅公开数据项，含公示截止期、可申请信用修复日期和"
            "异议处理中、异议人声明、附注声明、已修复等标注）及公开的信用承诺。公示期满、暂停查询、已撤销的记录不返回。"
            "自然人信息不公开查询。无需令牌；与网站查询页面共用按来源地址的频率限制。"
        ),
        tags=[TAG],
        auth=[],
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="统一社会信用代码（18位）")],
        responses={
            200: s.PublicSubjectSerializer,
            404: OpenApiResponse(DetailSerializer, description="没有该统一社会信用代码的法人、非法人组织或个体工商户"),
            429: OpenApiResponse(DetailSerializer, description="查询过于频繁；按 Retry-After 秒数后重试"),
        },
        examples=s.SUBJECT_EXAMPLES,
    )
    def get(self, request: Request, code: str) -> Response:
        subject = public_subject(tidy(code))
        if subject is None:
            raise exceptions.NotFound(_("没有该统一社会信用代码的法人、非法人组织或个体工商户的公开信用信息。"))
        disclosure = subject_disclosure(subject, timezone.localdate())
        if getattr(request.user, "is_authenticated", False):
            log_query(kind=QueryLog.Kind.API, actor=request.user, subject=subject, terms=subject.code)
        return Response(s.PublicSubjectSerializer(disclosure).data)
