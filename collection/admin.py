"""Read-only admin views of collection data.

Every change of a subject, record or token goes through `collection.services`, which writes the
audit event; the admin therefore only shows (a change here would escape the audit trail). It
never decrypts an ID number and never shows a token's key hash.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Annotation, ApiToken, CreditRecord, RecordRevision, Subject
from .services.tokens import TokenAlreadyRevoked, revoke_api_token


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "identifier_masked", "identifier_flag", "district", "registration_status"]
    list_filter = ["kind", "identifier_flag", "district"]
    # `code` only: searching natural persons by ID number goes through the keyed hash, not here.
    search_fields = ["name", "code"]
    fields = [
        "kind",
        "name",
        "identifier_masked",
        "identifier_flag",
        "legal_representative",
        "organisation_type",
        "district",
        "address",
        "registration_authority",
        "established_on",
        "registration_status",
        "created_at",
        "updated_at",
    ]


class RevisionInline(ReadOnlyInline):
    model = RecordRevision
    fields = ["number", "status", "decision_date", "channel", "reason", "created_by", "created_at", "data"]
    readonly_fields = fields
    ordering = ["-number"]


class AnnotationInline(ReadOnlyInline):
    model = Annotation
    fields = ["kind", "text", "is_active", "created_at", "ended_at"]
    readonly_fields = fields


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "source_key",
        "item_code",
        "subject_label",
        "provider",
        "status",
        "decision_date",
        "disclosure_ends_on",
        "is_late",
        "received_at",
    ]
    list_filter = ["status", "category", "is_dishonesty", "is_late", "channel", "item_code", "provider"]
    search_fields = ["source_key", "subject__name", "subject__code"]
    list_select_related = ["subject", "provider"]
    date_hierarchy = "received_at"
    exclude = ["content_hash"]
    inlines = [RevisionInline, AnnotationInline]

    @admin.display(description=_("信息主体"))
    def subject_label(self, record: CreditRecord) -> str:
        return f"{record.subject.name}（{record.subject.identifier_masked}）"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "provider", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["provider", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "provider__code", "provider__name"]
    fields = ["provider", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]

    @admin.action(description=_("吊销所选令牌"), permissions=["revoke"])
    def revoke_selected(self, request, queryset) -> None:
        revoked = 0
        for token in queryset.select_related("provider"):
            try:
                revoke_api_token(token=token, actor=request.user)
                revoked += 1
            except TokenAlreadyRevoked:
                pass
        self.message_user(request, _("已吊销 %(n)d 个令牌。") % {"n": revoked}, messages.SUCCESS)

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("collection.change_apitoken")
