"""Celery queues (issue 13 §4): every task of the project goes to a declared queue, which a
worker reads; reports and batch checks never wait behind an import or a sweep."""

import pytest

from nantong_credit.celery import app
from nantong_credit.checks import tasks_routed_to_declared_queues


def project_tasks() -> list[str]:
    app.autodiscover_tasks(force=True)
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def test_every_task_of_the_project_is_routed_to_a_declared_queue():
    assert len(project_tasks()) >= 13  # the apps' tasks.py were found: the check had something to check
    assert tasks_routed_to_declared_queues(None) == []


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("inquiry.tasks.generate_credit_report", "interactive"),
        ("inquiry.tasks.run_batch_check_task", "interactive"),
        ("collection.tasks.process_bulk_import", "bulk"),
        ("audit.tasks.run_chain_verification", "bulk"),
        ("objections.tasks.sweep_objection_deadlines", "sweeps"),
        ("nantong_credit.tasks.sweep_stuck_jobs", "sweeps"),
    ],
)
def test_celery_sends_each_kind_of_work_to_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_a_task_without_a_route_fails_the_check(settings):
    routes = dict(settings.CELERY_TASK_ROUTES)
    del routes["collection.tasks.process_bulk_import"]
    settings.CELERY_TASK_ROUTES = routes

    errors = tasks_routed_to_declared_queues(None)

    assert [error.id for error in errors] == ["nantong_credit.E013"]
    assert "collection.tasks.process_bulk_import is routed to no queue" in errors[0].msg


def test_a_route_to_a_queue_no_worker_reads_fails_the_check(settings):
    settings.CELERY_TASK_ROUTES = {
        **settings.CELERY_TASK_ROUTES,
        "inquiry.tasks.generate_credit_report": {"queue": "reports"},
    }

    errors = tasks_routed_to_declared_queues(None)

    assert [error.id for error in errors] == ["nantong_credit.E013"]
    assert "generate_credit_report is routed to reports" in errors[0].msg


def test_the_default_queue_must_be_declared(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "celery"

    assert [error.id for error in tasks_routed_to_declared_queues(None)] == ["nantong_credit.E013"]
