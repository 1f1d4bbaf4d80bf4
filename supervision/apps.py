"""Supervision of the platform itself (Art. 12, 18, 20, 22): statistical reports, the public
figures and providers' scorecard, accountability cases against providers and the rules that
departments file. The top layer: it reads every other app and no app reads it."""

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督与统计"

    def ready(self) -> None:
        from nantong_credit import sweeps
        from nantong_credit.demo.loader import register_demo

        from .office_cards import register_office_cards

        register_office_cards()
        register_demo("accountability", "supervision.demo.ensure_accountability", after=("repair",))
        sweeps.register_sweep(
            "supervision.tasks.sweep_accountability_deadlines", label="追责督办 accountability", position=50
        )
        sweeps.register_sweep("supervision.tasks.remind_missing_filings", label="制度备案 filings", position=51)
        # Last: the figures count what every other step made.
        register_demo(
            "scorecards",
            "supervision.demo.ensure_scorecards",
            after=("objections", "paper objection", "closed objection", "repair", "record history", "accountability"),
        )
        sweeps.register_sweep(
            "supervision.tasks.refresh_provider_scorecards",
            label="信息提供单位月度统计 provider scorecard rows",
            position=60,
        )
        register_demo(
            "statistics",
            "supervision.statistics.demo.ensure_statistics",
            after=("objections", "paper objection", "closed objection", "repair", "record history", "accountability"),
        )
        sweeps.register_sweep(
            "supervision.tasks.issue_due_statistical_reports", label="统计分析报告 statistical reports", position=70
        )
        sweeps.register_sweep(
            "supervision.tasks.refresh_public_statistics", label="公开统计 public statistics (months)", position=71
        )
