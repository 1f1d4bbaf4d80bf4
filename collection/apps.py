from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "collection"
    verbose_name = "信用信息归集"

    def ready(self) -> None:
        from nantong_credit import jobs, sweeps
        from nantong_credit.demo.loader import register_demo

        from .jobs import IMPORT_JOB
        from .office_cards import register_office_cards

        jobs.register(IMPORT_JOB)
        register_office_cards()
        register_demo("subjects", "collection.demo.ensure_subjects", after=("catalog",))
        register_demo(
            "records", "collection.demo.ensure_records", after=("subjects", "catalog_special", "catalog_lists")
        )
        register_demo("binding", "collection.demo.ensure_demo_binding", after=("records", "accounts"))
        register_demo("service_window", "collection.demo.ensure_service_window", after=("accounts",))
        register_demo("cast", "collection.demo.cast.ensure_cast", after=("binding",))
        sweeps.register_sweep("collection.tasks.sweep_record_expiry", label="已到期 expired records", position=30)
        sweeps.register_sweep(
            "collection.tasks.purge_rejected_uploads",
            position=40,
            label="删除过期的被拒上传文件 rejected upload files deleted",
        )
        sweeps.register_sweep(
            "collection.tasks.sweep_pull_sources", label="数据库对接到期拉取 pull sources queued", position=45
        )
        register_demo("pull", "collection.pull.demo.ensure_pull_source", after=("records",))
