import os

from celery import Celery

# Connects the signals that carry a request's id into the tasks it sends (web and worker both),
# and those that record each task's send time and each sweep's last success (for /metrics).
from . import queue_metrics, request_id  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_credit.settings")

app = Celery("nantong_credit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Apps hook their own worker start-up work (inquiry warms up report rendering) in their
# AppConfig.ready(): the kernel names no app.
