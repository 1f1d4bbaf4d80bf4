from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "信用信息目录"

    def ready(self) -> None:
        from .models import DisclosureRule, DisclosureScheme
        from . import demo
        from .office_cards import register_office_cards
        from .services import renew_token_after_rule_change

        for model in (DisclosureScheme, DisclosureRule):
            for signal in (post_save, post_delete):
                signal.connect(renew_token_after_rule_change, sender=model,
                               dispatch_uid=f"catalog.token.{signal is post_save}.{model.__name__}")
        register_office_cards()
        demo.register()
