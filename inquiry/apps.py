from django.apps import AppConfig


def _warm_up_report_rendering(**_kwargs) -> None:
    """A process's first PDF pays several seconds for fontconfig and the CJK fonts; pay them when
    the worker starts rather than in the first citizen's report. Imported late: web processes
    never render and should not load WeasyPrint."""
    from .reports.rendering import warm_up

    warm_up()


class InquiryConfig(AppConfig):
    name = "inquiry"
    verbose_name = "信用查询"

    def ready(self) -> None:
        from celery.signals import worker_process_init

        from nantong_credit import jobs, sweeps
        from nantong_credit.demo.loader import register_demo

        from . import subject_actions
        from .jobs import BATCH_CHECK_JOB, REPORT_JOB
        from .office_cards import register_office_cards

        jobs.register(REPORT_JOB)
        jobs.register(BATCH_CHECK_JOB)
        register_office_cards()
        subject_actions.register("inquiry/public/actions/_report.html", order=30)
        subject_actions.register("inquiry/follows/_subject_action.html", order=40)
        subject_actions.register("inquiry/public/actions/_print.html", order=90)
        sweeps.register_sweep("inquiry.tasks.tell_followers", label="关注通知 follow notices", position=35)
        register_demo("commitments", "inquiry.demo.ensure_commitments", after=("subjects",))
        register_demo("authorizations", "inquiry.demo.ensure_authorizations", after=("cast",))
        register_demo("record history", "inquiry.demo.ensure_record_history", after=("records",))
        # After the requester's own requests: one request per requester and subject may be pending.
        register_demo("agencies", "inquiry.agencies.demo.ensure_agency", after=("authorizations",))
        register_demo("follows", "inquiry.follows.demo.ensure_follows", after=("cast",))
        # Celery's Django fixup sets Django up in the worker's parent before the pool forks, so
        # this is connected by the time each child sends the signal.
        worker_process_init.connect(_warm_up_report_rendering, dispatch_uid="inquiry.warm_up_report_rendering")
