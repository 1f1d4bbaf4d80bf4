"""`GET /api/v1/catalog/`: the published catalog as JSON, in the shape SPEC §6 fixes.

The keys of SPEC §6 (`version`, `published_at`, `items[].code/name/category/openness/providers/
fields[].key/label/type/required/choices`) are a contract with departments' systems and must
never be renamed; the other keys are additions.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .disclosure import describe_rule
from .models import CatalogDocument, CatalogField, CatalogItem, DisclosureRule


class CatalogFieldSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(child=serializers.CharField(), help_text="选项字段的可选值")

    class Meta:
        model = CatalogField
        fields = ["key", "label", "type", "required", "choices", "multiple", "max_length", "is_public", "help_text"]


class DisclosureRuleSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureRule
        fields = ["effective_from", "mode", "periods", "grade_field", "description", "legal_basis"]

    def get_description(self, rule: DisclosureRule) -> str:
        return describe_rule(rule)


class DisclosureSerializer(serializers.Serializer):
    scheme = serializers.CharField(source="code")
    name = serializers.CharField()
    rules = DisclosureRuleSerializer(many=True, help_text="按施行日期由新到旧；决定日期适用当日施行的规则")


class CatalogItemSerializer(serializers.ModelSerializer):
    providers = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    fields = CatalogFieldSerializer(many=True, read_only=True)
    category_label = serializers.CharField(source="get_category_display")
    openness_label = serializers.CharField(source="get_openness_display")
    subject_kinds = serializers.ListField(child=serializers.CharField())
    disclosure = DisclosureSerializer(source="disclosure_scheme")

    class Meta:
        model = CatalogItem
        fields = [
            "code",
            "name",
            "category",
            "openness",
            "providers",
            "fields",
            "category_label",
            "openness_label",
            "is_dishonesty",
            "is_warning",
            "accepts_self_declaration",
            "subject_kinds",
            "submission_deadline_workdays",
            "disclosure",
            "legal_basis",
            "description",
        ]


class CatalogDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogDocument
        fields = ["title", "body"]


class CatalogSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number")
    published_at = serializers.DateTimeField()
    title = serializers.CharField()
    items = CatalogItemSerializer(many=True)
    documents = CatalogDocumentSerializer(many=True)


class CatalogView(APIView):
    """The catalog in force, for departments' systems (Art. 9) and anyone else."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="catalog_retrieve",
        summary="已发布的公共信用信息目录",
        description="返回现行（最新发布）的目录版本：各事项的代码、名称、类别、公开属性、责任单位代码和数据项。",
        tags=["目录"],
        responses={
            200: CatalogSerializer,
            404: OpenApiResponse(
                response=inline_serializer("CatalogNotPublished", {"detail": serializers.CharField()}),
                description="目录尚未发布",
            ),
        },
    )
    def get(self, request):
        version = selectors.published_version()
        if version is None:
            raise NotFound("目录尚未发布。")
        items = selectors.items_of(version).prefetch_related("disclosure_scheme__rules")
        catalog = {
            "number": version.number,
            "published_at": version.published_at,
            "title": version.title,
            "items": items,
            "documents": selectors.documents_of(version),
        }
        return Response(CatalogSerializer(catalog).data)
