from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces of the platform: accounts, roles, the working-day calendar."""

    name = "nantong_credit"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
