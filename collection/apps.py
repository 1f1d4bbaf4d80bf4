from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "collection"
    verbose_name = "信用信息归集"

    def ready(self) -> None:
        from nantong_credit import jobs

        from . import demo
        from .jobs import IMPORT_JOB
        from .office_cards import register_office_cards

        jobs.register(IMPORT_JOB)
        register_office_cards()
        demo.register()
