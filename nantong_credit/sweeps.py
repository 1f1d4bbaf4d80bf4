"""The deadline sweeps, as the apps register them.

A sweep is a Celery task that reads the database and is safe to run any number of times
(reminders before a deadline, consequences after it, periods that end, files past retention).
Beat sends each one on the schedule in `settings.CELERY_BEAT_SCHEDULE`; `manage.py
run_deadline_sweeps` runs every registered one at once, in this process, for the embedded mode
that has no beat. The kernel imports no app: each app registers its sweeps in its
`AppConfig.ready()` by task name, and the module is imported only when a sweep runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Sweep:
    task: str  # the task's dotted name, as beat and the queue routes name it
    label: str  # what the command prints before the result
    position: int  # the order they run and print in
    describe: Callable[[str, Any], list[str]] | None = None  # lines for the result, when one is not enough

    def lines(self, result: Any) -> list[str]:
        return self.describe(self.label, result) if self.describe else [f"{self.label}: {result}"]

    def run(self) -> Any:
        return import_string(self.task)()


_SWEEPS: dict[str, Sweep] = {}


def register_sweep(
    task: str, *, label: str, position: int, describe: Callable[[str, Any], list[str]] | None = None
) -> None:
    _SWEEPS[task] = Sweep(task, label, position, describe)


def registered() -> list[Sweep]:
    return sorted(_SWEEPS.values(), key=lambda sweep: sweep.position)


def _per_job_model(label: str, counts: dict) -> list[str]:
    return [f"{label} {model}: {model_counts}" for model, model_counts in counts.items()]


def register_kernel_sweeps() -> None:
    register_sweep(
        "nantong_credit.tasks.sweep_stuck_jobs", label="中断的任务 stuck jobs", position=90, describe=_per_job_model
    )
    register_sweep(
        "nantong_credit.tasks.sweep_missing_case_files",
        label="案卷 case files",
        position=80,
        describe=_per_job_model,
    )
