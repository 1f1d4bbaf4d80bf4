from django.apps import AppConfig


class InquiryConfig(AppConfig):
    name = "inquiry"
    verbose_name = "信用查询"

    def ready(self) -> None:
        from nantong_credit import jobs

        from .jobs import BATCH_CHECK_JOB, REPORT_JOB

        jobs.register(REPORT_JOB)
        jobs.register(BATCH_CHECK_JOB)
