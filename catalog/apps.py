from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "信用信息目录"

    def ready(self) -> None:
        from nantong_credit.demo.loader import register_demo

        from .models import DisclosureRule, DisclosureScheme
        from .office_cards import register_office_cards
        from .services import renew_token_after_rule_change

        for model in (DisclosureScheme, DisclosureRule):
            for signal in (post_save, post_delete):
                signal.connect(
                    renew_token_after_rule_change,
                    sender=model,
                    dispatch_uid=f"catalog.token.{signal is post_save}.{model.__name__}",
                )
        register_office_cards()
        register_demo("providers", "catalog.demo.ensure_providers", after=("admin",))
        register_demo("schemes", "catalog.demo.ensure_schemes", after=("accounts",))
        register_demo("catalog", "catalog.demo.ensure_catalog", after=("schemes",))
        register_demo("catalog_special", "catalog.demo.special.ensure_special_items", after=("catalog",))
        register_demo("catalog_lists", "catalog.demo.special.ensure_list_items", after=("catalog_special",))
        register_demo("credit_domains", "catalog.demo.special.ensure_domains", after=("catalog_special",))
