"""The kernel's door to the audit trail.

The kernel's own changes (the working-day calendar, two-factor enrolment) are audited like every
other, but the chain lives in the `audit` app, one layer up, and the kernel imports no app. So the
kernel calls `record_event` here, and the audit app hands its recorder over in its
`AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_recorder: Callable[..., Any] | None = None


def register_recorder(record: Callable[..., Any]) -> None:
    global _recorder
    _recorder = record


def record_event(**fields: Any) -> Any:
    """Append one event to the audit chain (`audit.services.record_event`: same keywords, same
    transaction rules)."""
    if _recorder is None:
        raise ImproperlyConfigured("No audit recorder: the audit app registers one in its AppConfig.ready().")
    return _recorder(**fields)


# What each audit action means, in the Chinese an auditor reads ("record.correct" → 更正信用记录).
# Case workflows label their own steps (`CaseWorkflow.__post_init__`); `audit/action_labels.py`
# labels every other action, registered by the audit app. An action nobody labelled shows its code.
# Labels stay lazy (gettext_lazy) until shown: workflows register theirs when their module loads.
_action_labels: dict[str, Any] = {}


def register_action_labels(labels: Mapping[str, Any]) -> None:
    _action_labels.update(labels)


def action_label(code: str) -> str:
    return str(_action_labels.get(code, code))


def action_labels() -> dict[str, str]:
    return {code: str(label) for code, label in _action_labels.items()}
