from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with `admin.site` behind the portal's two-factor login."""

    default_site = "nantong_credit.admin_site.AdminSite"


class CoreConfig(AppConfig):
    """Cross-cutting pieces of the platform: accounts, roles, the working-day calendar."""

    name = "nantong_credit"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the system checks)
        from .demo.loader import register_kernel_demo
        from .office import register_kernel_cards
        from .roles import sync_roles_after_migrate
        from .sweeps import register_kernel_sweeps

        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="nantong_credit.sync_roles")
        register_kernel_cards()
        register_kernel_demo()
        register_kernel_sweeps()
