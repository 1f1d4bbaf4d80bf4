from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计与档案"

    def ready(self) -> None:
        from nantong_credit import jobs

        from .jobs import CHAIN_VERIFICATION_JOB

        jobs.register(CHAIN_VERIFICATION_JOB)
