import os

from celery import Celery
from celery.signals import worker_process_init

# Connects the signals that carry a request's id into the tasks it sends (web and worker both),
# and those that record each task's send time and each sweep's last success (for /metrics).
from . import queue_metrics, request_id  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")

app = Celery("nantong_credit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_up_report_rendering(**_kwargs) -> None:
    """A process's first PDF pays several seconds for fontconfig and the CJK fonts; pay them when
    the worker starts rather than in the first citizen's report."""
    from inquiry.reports.rendering import warm_up

    warm_up()
