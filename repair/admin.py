"""Read-only admin of repair applications: every change goes through `repair.services`, which
writes the timeline and the audit event; a change here would escape both."""

from django.contrib import admin

from collection.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import RepairApplication, RepairEvidence, RepairStep


class StepInline(ReadOnlyInline):
    model = RepairStep
    fields = ["occurred_at", "action", "actor_label", "note"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = RepairEvidence
    # The file itself only through the permission-checked case pages, never by a storage URL.
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "provider", "status", "submitted_at", "due_at", "overdue_at", "decided_at"]
    list_filter = ["status", "provider"]
    search_fields = ["number", "subject__name", "subject__code"]
    date_hierarchy = "submitted_at"
    exclude = ["follow_up_code_hash"]
    readonly_fields = [
        "number",
        "subject",
        "record",
        "provider",
        "applicant",
        "rectification",
        "not_intentional",
        "commitment",
        "status",
        "submitted_at",
        "due_at",
        "reminded_at",
        "overdue_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "updated_at",
    ]
    inlines = [EvidenceInline, StepInline]
