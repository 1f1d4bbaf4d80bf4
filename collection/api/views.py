"""The provider API (Art. 9 实时联网提供), mounted at /api/v1/records/ (SPEC §6).

Thin views: parse the JSON, call `collection.api.services` (which calls the one submission
pipeline), and turn the outcome into a status code: 201 created, 200 unchanged/updated/revoked,
400 `{"errors": {path: [messages]}}`, 401 without a valid token, 403 for an item the provider is
not responsible for, 404 for a record that is not the provider's, 429 over the rate limit.
"""

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nantong_credit.json_body import JSONParser

from ..models import ApiToken
from ..services.errors import ProviderNotResponsible, SubmissionInvalid
from . import serializers as s
from .auth import BatchRateThrottle, HasProviderToken, ProviderTokenAuthentication, TokenRateThrottle, rate_limited
from .services import (
    RecordNotFound,
    record_for_token,
    revoke_api_record,
    submit_api_batch,
    submit_api_record,
)

TAG = "报送"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("请求体过大：单条记录请直接报送，大批数据请分批（每批最多500条）或使用批量导入。")
    default_code = "payload_too_large"


class ProviderApiView(APIView):
    """Common ground of the provider endpoints: token, JSON, limits, Chinese errors."""

    authentication_classes = [ProviderTokenAuthentication]
    permission_classes = [HasProviderToken]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    @property
    def token(self) -> ApiToken:
        return self.request.auth

    def permission_denied(self, request: Request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(_("未提供接口令牌：请在请求头中加入“Authorization: Token <密钥>”。"))
        super().permission_denied(request, message=message, code=code)

    def throttled(self, request: Request, wait):
        raise rate_limited(wait)

    def handle_exception(self, exc):
        if isinstance(exc, SubmissionInvalid):
            return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, ProviderNotResponsible):
            exc = exceptions.PermissionDenied(str(exc))
        elif isinstance(exc, exceptions.UnsupportedMediaType):
            exc = exceptions.UnsupportedMediaType(
                self.request.content_type, detail=_("请以 Content-Type: application/json 发送JSON请求体。")
            )
        return super().handle_exception(exc)

    def body(self, request: Request):
        """The parsed JSON (the parser answers malformed, too deep or unstorable JSON with a 400)."""
        try:
            return request.data
        except RequestDataTooBig:
            raise PayloadTooLarge() from None


COMMON_ERRORS = {
    400: OpenApiResponse(s.ErrorsSerializer, description="校验未通过，未入库；errors 列出全部错误的位置和原因"),
    401: OpenApiResponse(s.DetailSerializer, description="未提供接口令牌，或令牌无效、已吊销"),
    429: OpenApiResponse(s.DetailSerializer, description="超过该令牌的接口限速；按 Retry-After 秒数后重试"),
}
BODY_ERRORS = {
    413: OpenApiResponse(s.DetailSerializer, description="请求体超过大小上限"),
    415: OpenApiResponse(s.DetailSerializer, description="请求体不是 application/json"),
}


class RecordSubmitView(ProviderApiView):
    @extend_schema(
        operation_id="records_create",
        summary="报送一条信用记录",
        description=(
            "按目录事项报送一条记录。以（本单位、事项代码、业务编号 source_key）识别记录：首次报送返回 201；"
            "内容完全相同再次报送返回 200（outcome 为 unchanged，不重复入库）；内容变化返回 200（outcome 为 updated，"
            "生成新版本并保留原版本）。数据项按 GET /api/v1/catalog/ 中该事项的字段校验。"
        ),
        tags=[TAG],
        request=s.RecordInSerializer,
        responses={
            201: OpenApiResponse(s.RecordResultSerializer, description="新增记录"),
            200: OpenApiResponse(
                s.RecordResultSerializer, description="记录已存在：内容相同（unchanged）或已更新为新版本（updated）"
            ),
            **COMMON_ERRORS,
            403: OpenApiResponse(s.DetailSerializer, description="本单位不是该目录事项的责任单位"),
            **BODY_ERRORS,
        },
        examples=s.RECORD_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        result = submit_api_record(token=self.token, body=self.body(request))
        code = status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK
        return Response(s.record_result(result), status=code)


class RecordBatchView(ProviderApiView):
    throttle_classes = [BatchRateThrottle]

    @extend_schema(
        operation_id="records_batch_create",
        summary="批量报送（整批入库或整批不入库）",
        description=(
            "一次报送1至500条记录，每条格式同单条报送。全部通过校验才在同一事务中入库；任何一条有误则整批不入库，"
            "返回 400 并列出所有出错条目（如 records[3].data.fine_amount）。同一批中不得重复出现同一事项、同一业务编号。"
        ),
        tags=[TAG],
        request=s.BatchInSerializer,
        responses={
            200: OpenApiResponse(s.BatchResultSerializer, description="整批已处理，逐条返回结果"),
            **COMMON_ERRORS,
            403: OpenApiResponse(s.DetailSerializer, description="其中某条的目录事项不由本单位负责，整批未入库"),
            **BODY_ERRORS,
        },
        examples=s.BATCH_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        entries = submit_api_batch(token=self.token, body=self.body(request))
        counts = {outcome: 0 for outcome in ("created", "updated", "unchanged")}
        for entry in entries:
            counts[entry.outcome] += 1
        return Response(s.BatchResultSerializer({"records": entries, **counts}).data)


class RecordRevokeView(ProviderApiView):
    @extend_schema(
        operation_id="records_revoke",
        summary="撤销一条已报送的记录",
        description="撤销本单位报送的记录（如原决定被撤销）。记录保留全部版本，状态变为已撤销；再次撤销返回 outcome 为 unchanged。",
        tags=[TAG],
        request=s.RevokeInSerializer,
        responses={
            200: OpenApiResponse(s.RecordResultSerializer, description="已撤销"),
            **COMMON_ERRORS,
            404: OpenApiResponse(s.DetailSerializer, description="本单位没有该事项、该业务编号的记录"),
            **BODY_ERRORS,
        },
        examples=s.REVOKE_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        try:
            result = revoke_api_record(token=self.token, body=self.body(request))
        except RecordNotFound:
            raise exceptions.NotFound(_("本单位没有该事项、该业务编号的记录，无法撤销。")) from None
        return Response(s.record_result(result))


class RecordDetailView(ProviderApiView):
    @extend_schema(
        operation_id="records_retrieve",
        summary="查询本单位报送的一条记录",
        description="返回记录的当前内容、时效信息和全部版本。只能查询本单位报送的记录；自然人的公民身份号码只返回脱敏形式。",
        tags=[TAG],
        responses={
            200: s.RecordDetailSerializer,
            401: COMMON_ERRORS[401],
            404: OpenApiResponse(s.DetailSerializer, description="没有该记录，或该记录不是本单位报送的"),
            429: COMMON_ERRORS[429],
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            record = record_for_token(token=self.token, pk=pk)
        except RecordNotFound:
            raise exceptions.NotFound(_("本单位没有编号为%(pk)d的记录。") % {"pk": pk}) from None
        return Response(s.RecordDetailSerializer(record).data)
