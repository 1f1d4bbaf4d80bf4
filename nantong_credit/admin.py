"""Django admin for accounts and (read only) the working-day calendar."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice

from .models import HolidayNotice, User, WorkdayOverride
from .roles import ROLE_LABELS


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "real_name", "phone", "email", "role_list", "is_active", "is_staff", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "real_name", "phone", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("real_name", "phone", "email", "first_name", "last_name")}),
        (_("角色与权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "real_name", "phone", "email", "password1", "password2")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        # In the order of SPEC §1, by their Chinese names; other groups after them.
        order = list(ROLE_LABELS)
        names = sorted(
            (g.name for g in obj.groups.all()), key=lambda n: (order.index(n) if n in order else len(order), n)
        )
        return "、".join(str(ROLE_LABELS.get(name, name)) for name in names)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Calendar changes go through the calendar page, which previews, audits and reloads the
    calendar in every process; editing rows here would skip all three."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "document_number", "published_on", "entered_by", "entered_at")


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_workday", "note", "notice")
    list_filter = ("is_workday", "notice")
    date_hierarchy = "date"


# Recovery codes are shown to their holder once and to nobody else: django-otp's admin for them
# would list every unused code in clear. A holder replaces them on the two-factor page.
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)
