from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督与统计"

    def ready(self) -> None:
        from nantong_credit import sweeps
        from nantong_credit.demo.loader import register_demo

        from .office_cards import register_office_cards

        register_office_cards()
        register_demo("statistics", "supervision.statistics.demo.ensure_statistics", after=("repair", "objections"))
        sweeps.register_sweep(
            "supervision.tasks.issue_due_statistical_reports", label="统计分析报告 statistical reports", position=70
        )
        sweeps.register_sweep(
            "supervision.tasks.refresh_public_statistics", label="公开统计 public statistics (months)", position=71
        )
