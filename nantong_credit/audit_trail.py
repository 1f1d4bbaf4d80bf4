"""The kernel's door to the audit trail.

The kernel's own changes (the working-day calendar, two-factor enrolment) are audited like every
other, but the chain lives in the `audit` app, one layer up, and the kernel imports no app. So the
kernel calls `record_event` here, and the audit app hands its recorder over in its
`AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
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
