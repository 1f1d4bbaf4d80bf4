from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "collection"
    verbose_name = "信用信息归集"

    def ready(self) -> None:
        from nantong_credit import jobs, sweeps

        from . import demo
        from .jobs import IMPORT_JOB
        from .office_cards import register_office_cards

        jobs.register(IMPORT_JOB)
        register_office_cards()
        demo.register()
        sweeps.register_sweep("collection.tasks.sweep_record_expiry", label="已到期 expired records", position=30)
        sweeps.register_sweep("collection.tasks.purge_rejected_uploads", position=40,
                              label="删除过期的被拒上传文件 rejected upload files deleted")
