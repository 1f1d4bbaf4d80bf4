"""Django admin for the catalog. The back-office editor (`/office/catalog/`) is the place to edit;
the admin is for support staff. Published versions are read-only here as everywhere, versions
are created and published only through the services (which write the audit trail), and every
admin edit of a draft is audited too."""

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from audit.services import record_event

from .models import (
    CatalogDocument,
    CatalogField,
    CatalogItem,
    CatalogVersion,
    DisclosureRule,
    DisclosureScheme,
    Provider,
)


def _is_published(version: CatalogVersion | None) -> bool:
    return version is not None and not version.is_draft


class AuditedAdminMixin:
    """Wrap admin saves and deletes in a transaction with an audit event."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                action=f"admin.{'change' if change else 'add'}",
                actor=request.user,
                obj=obj,
                summary=f"后台管理{'修改' if change else '新增'}：{obj}"[:300],
                after=model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields if not f.is_relation]),
            )

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            m2m = {f.name for f in form.instance._meta.many_to_many} & set(form.changed_data)
            if m2m:
                record_event(
                    action="admin.change",
                    actor=request.user,
                    obj=form.instance,
                    summary=f"后台管理修改：{form.instance}"[:300],
                    after={name: [str(o) for o in form.cleaned_data[name]] for name in sorted(m2m)},
                )

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            touched = {
                "added": [str(o) for o in formset.new_objects],
                "changed": [str(o) for o, _fields in formset.changed_objects],
                "deleted": [str(o) for o in formset.deleted_objects],
            }
            if any(touched.values()):
                record_event(
                    action="admin.change",
                    actor=request.user,
                    obj=form.instance,
                    summary=f"后台管理修改{formset.model._meta.verbose_name}：{form.instance}"[:300],
                    after=touched,
                )

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_event(action="admin.delete", actor=request.user, obj=obj, summary=f"后台管理删除：{obj}"[:300])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Provider)
class ProviderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "uscc", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "short_name", "uscc"]
    filter_horizontal = ["staff"]


class DisclosureRuleInline(admin.StackedInline):
    model = DisclosureRule
    extra = 0


@admin.register(DisclosureScheme)
class DisclosureSchemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [DisclosureRuleInline]


class ReadOnlyWhenPublishedInline(admin.TabularInline):
    extra = 0

    def _version(self, obj) -> CatalogVersion | None:
        raise NotImplementedError

    def has_add_permission(self, request, obj=None):
        return not _is_published(self._version(obj)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_published(self._version(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(self._version(obj)) and super().has_delete_permission(request, obj)


class ItemInline(admin.TabularInline):
    """A list with links: items are edited on their own page (fields, providers, scheme)."""

    model = CatalogItem
    fields = ["position", "code", "name", "category", "openness", "is_dishonesty"]
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentInline(ReadOnlyWhenPublishedInline):
    model = CatalogDocument
    fields = ["position", "title", "body"]

    def _version(self, obj):
        return obj


@admin.register(CatalogVersion)
class CatalogVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "status", "title", "created_at", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["number", "status", "created_at", "created_by", "published_at", "published_by"]
    fields = ["number", "status", "title", "notes", "created_at", "created_by", "published_at", "published_by"]
    inlines = [ItemInline, DocumentInline]

    def has_add_permission(self, request):
        # New versions copy the previous one: only `services.create_draft` does that.
        return False

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)


class FieldInline(ReadOnlyWhenPublishedInline):
    model = CatalogField
    fields = ["position", "key", "label", "type", "required", "max_length", "choices", "multiple", "is_public"]

    def _version(self, obj):
        return obj.version if obj else None


@admin.register(CatalogItem)
class CatalogItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "version", "category", "openness", "is_dishonesty"]
    list_filter = ["version", "category", "openness", "is_dishonesty"]
    search_fields = ["code", "name"]
    filter_horizontal = ["providers"]
    inlines = [FieldInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version")

    def has_add_permission(self, request):
        return False  # items are added to a draft from its version page or the back office

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj.version if obj else None) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj.version if obj else None) and super().has_delete_permission(request, obj)
