"""Objections in the Django admin: to look things up, never to change them. Every change of a
case goes through the workflow's services (with its timeline and audit event), so the admin
offers no add, change or delete."""

from django.contrib import admin

from .models import Objection, ObjectionEvidence, ObjectionRecord, ObjectionStep


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordInline(ReadOnlyInline):
    model = ObjectionRecord
    fields = ("record",)
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = ObjectionEvidence
    fields = ("kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class StepInline(ReadOnlyInline):
    model = ObjectionStep
    fields = ("occurred_at", "action", "actor_label", "note")
    readonly_fields = fields


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "subject",
        "provider",
        "channel",
        "status",
        "outcome",
        "received_at",
        "center_due_at",
        "provider_due_at",
    )
    list_filter = ("status", "outcome", "channel", "provider")
    search_fields = ("number", "subject__name")
    date_hierarchy = "received_at"
    list_select_related = ("subject", "provider")
    exclude = ("follow_up_code_hash", "applicant_id_encrypted", "applicant_id_hash")
    inlines = [RecordInline, EvidenceInline, StepInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
