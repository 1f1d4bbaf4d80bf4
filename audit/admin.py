"""The audit trail in the Django admin: read only, for everyone including superusers."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .models import AuditEvent, ChainVerification


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows: the admin's COUNT(*) over millions of audit rows would take
    seconds on every page. Beyond the cap, narrow the list by searching."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP].count()


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "actor_label", "action", "object_type", "object_id", "summary")
    search_fields = ("action", "actor_label")
    search_help_text = "按操作代码或操作人用户名精确查找"
    paginator = CappedCountPaginator
    show_full_result_count = False
    fields = (
        "occurred_at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "summary",
        "before",
        "after",
        "ip_address",
        "prev_hash",
        "hash",
    )

    def get_search_results(self, request, queryset, search_term):
        # Exact matches only: (action, id) and (actor_label, id) are indexed; the admin's default
        # case-insensitive substring search would scan millions of rows.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(action=term) | queryset.filter(actor_label=term), False


@admin.register(ChainVerification)
class ChainVerificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "requested_at", "requested_by", "status", "checked", "broken_event_id", "message")
    paginator = CappedCountPaginator
