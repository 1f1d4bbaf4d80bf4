"""One way to write a case workflow: objections (异议), credit repair (信用修复) and credit reports.

Each app declares its states and transitions in one table of `Transition`s — for each step the
statuses it may start from, the status it leads to (none: the step keeps the status, as a
reminder does), the outcome it records and the article of the Measures it rests on — and moves
its cases only through a `CaseWorkflow` built on that table:

- `lock(pk, action)`: the case row, locked until the caller's transaction ends, if the table
  allows `action` from its current status; otherwise `TransitionNotAllowed`. Of two people acting
  on one case at once, the second waits for the first's lock and is then refused.
- `apply(case, action, ...)`: on the locked case, the move itself: status, outcome and the
  step's columns, the entry on the case's timeline and the audit event.
- `lock_many` / `apply_many`: the same for the deadline sweeps, a batch of cases at a time with
  one audit event, for steps that keep the status.
- `move_if(pk, action, ...)`: a conditional update (`filter(pk=..., status__in=sources).update`)
  for a hot path without a timeline (a report's worker claiming it); True when this call moved it.

The kernel imports no app: an app hands its audit trail's `record_event` to the `CaseWorkflow`
it declares (apps stand on `audit`; the kernel stands under it).

`reminder_cutoff` is the one rule "remind when N working days are left" of every deadline sweep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise

from . import audit_trail
from .workdays import SHANGHAI, add_workdays, as_local_date


@dataclass(frozen=True)
class Transition:
    label: str | Promise
    sources: tuple[str, ...]  # the statuses it may start from; empty for the step that opens the case
    target: str | None = None  # None: the status stays
    outcome: str = ""
    basis: str = ""  # the article it rests on, e.g. "第十四条第二款"; empty for a purely technical step
    event: str = ""  # the audit action; "<event_prefix>.<action>" when empty


class TransitionNotAllowed(Exception):
    """The case's current status does not allow the step (often: someone else was quicker)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _default_refusal(case: Any, action: str, transition: Transition) -> str:
    return f"{case._meta.label_lower} {case.pk} cannot {action} from {case.status}"


@dataclass(frozen=True)
class CaseWorkflow:
    """A case model's table of transitions and the functions that apply it (see module docstring).

    `step_model` is the case's timeline (a `CaseStep` whose foreign key to the case is
    `case_field`), or None for a case without one. `audited` names the changed columns an
    audit event shows (None: every one). `system_actor` is whom the audit trail names for a step
    no person took; `refusal` words the `TransitionNotAllowed` message for the app's users.
    """

    # Typed Any: each case model has its own `objects`, `status` and fields, which no base declares.
    model: type[Any]
    transitions: Mapping[str, Transition]
    event_prefix: str
    record_event: Callable[..., Any]
    step_model: type[Any] | None = None
    case_field: str = ""
    related: tuple[str, ...] = ()
    audited: tuple[str, ...] | None = None
    system_actor: str | Promise = ""
    refusal: Callable[[Any, str, Transition], str] = _default_refusal

    def __post_init__(self) -> None:
        # The audit trail shows each step by its own label rather than its code.
        audit_trail.register_action_labels({self.event(action): t.label for action, t in self.transitions.items()})

    def event(self, action: str) -> str:
        return self.transitions[action].event or f"{self.event_prefix}.{action}"

    def allows(self, case: Any, action: str) -> bool:
        """Whether the case's status lets `action` start (for pages: `lock` decides under lock)."""
        return case.status in self.transitions[action].sources

    def check(self, case: models.Model, action: str) -> None:
        if not self.allows(case, action):
            raise TransitionNotAllowed(self.refusal(case, action, self.transitions[action]))

    # --- Locking ---------------------------------------------------------------------------------

    def locked(self, pks: Iterable[int], *, skip_locked: bool = False) -> models.QuerySet:
        return (
            self.model.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related(*self.related)
            .filter(pk__in=list(pks))
        )

    def lock(self, pk: int, action: str) -> Any:
        """The case, locked until the caller's transaction ends, if `action` may happen now."""
        _require_transaction()
        case = self.locked([pk]).get()
        self.check(case, action)
        return case

    def lock_if(self, pk: int, action: str, **conditions) -> Any | None:
        """The locked case if `action` may happen and `conditions` still hold, else None."""
        found = self.lock_many([pk], action, **conditions)
        return found[0] if found else None

    def lock_many(self, pks: Iterable[int], action: str, *, skip_locked: bool = False, **conditions) -> list:
        """For a sweep: the cases among `pks` for which `action` may happen and `conditions` (e.g.
        "not reminded yet") still hold, locked, in id order. A second sweep finds none left;
        with `skip_locked`, rows another sweep holds are left to it."""
        _require_transaction()
        sources = self.transitions[action].sources
        return list(self.locked(pks, skip_locked=skip_locked).filter(status__in=sources, **conditions).order_by("pk"))

    # --- Moving --------------------------------------------------------------------------------

    def apply(
        self,
        case: Any,
        action: str,
        *,
        actor,
        actor_label: str = "",
        summary: str,
        note: str = "",
        fields: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        at: dt.datetime | None = None,
        audited: tuple[str, ...] | None = None,
    ) -> models.Model | None:
        """Apply the step to the (locked, or just created) case: status, outcome and `fields`;
        the timeline entry under `actor_label`; the audit event with `summary`, the audited
        changes and `after`. In the caller's transaction. Returns the timeline entry."""
        transition = self.transitions[action]
        changed = self._changes(transition, fields)
        shown = [key for key in changed if _shown(key, audited if audited is not None else self.audited)]
        before = {key: getattr(case, key) for key in shown} if transition.sources else {}
        self._save(case, changed)
        user = actor if getattr(actor, "is_authenticated", False) else None
        entry = self._step(case, action, user, actor_label, note, at or timezone.now())
        if entry is not None:
            entry.save()
        self.record_event(
            action=self.event(action),
            actor=actor if user else str(self.system_actor),
            obj=case,
            summary=summary,
            before=before or None,
            after={**{key: changed[key] for key in shown}, **(after or {})} or None,
        )
        return entry

    def apply_many(
        self,
        cases: list,
        action: str,
        *,
        at: dt.datetime,
        notes: Callable[[Any], str],
        actor_label: str,
        summary: str,
        object_id: str,
        after: Mapping[str, Any],
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        """A sweep's step that keeps the status, for many locked cases at once: `fields` on every
        case, one timeline entry per case (its note from `notes`), one audit event for them all."""
        assert self.transitions[action].target is None, "a sweep only takes steps that keep the status"
        if fields:
            touched = {"updated_at": at} if self._keeps_updated_at() else {}
            self.model.objects.filter(pk__in=[case.pk for case in cases]).update(**fields, **touched)
            for case in cases:
                for key, value in fields.items():
                    setattr(case, key, value)
        entries = [self._step(case, action, None, actor_label, notes(case), at) for case in cases]
        if self.step_model is not None:
            self.step_model.objects.bulk_create(entries)
        self.record_event(
            action=self.event(action),
            actor=str(self.system_actor),
            object_type=self.model._meta.label_lower,
            object_id=object_id,
            summary=summary,
            after=dict(after),
        )

    def move_if(self, pk: int, action: str, *, also: Q | None = None, **changes) -> bool:
        """Move the case by `action` only if its status allows it (and it matches `also`), in one
        conditional update: of two workers exactly one succeeds. True when this call moved it."""
        transition = self.transitions[action]
        condition = Q(pk=pk, status__in=transition.sources)
        if also is not None:
            condition &= also
        return self.model.objects.filter(condition).update(status=transition.target, **changes) == 1

    def _changes(self, transition: Transition, fields: Mapping[str, Any] | None) -> dict[str, Any]:
        changed = dict(fields or {})
        if transition.target:
            changed["status"] = transition.target
        if transition.outcome:
            changed["outcome"] = transition.outcome
        return changed

    def _save(self, case: models.Model, changed: Mapping[str, Any]) -> None:
        differing = [key for key, value in changed.items() if getattr(case, key) != value]
        for key in differing:
            setattr(case, key, changed[key])
        if differing:
            case.save(update_fields=[*differing, *(["updated_at"] if self._keeps_updated_at() else [])])

    def _keeps_updated_at(self) -> bool:
        """A case with an `updated_at` column has it set by every move (`save` sets it itself;
        `update` is given the sweep's time)."""
        return any(field.name == "updated_at" for field in self.model._meta.concrete_fields)

    def _step(self, case, action: str, user, actor_label: str, note: str, at: dt.datetime) -> models.Model | None:
        if self.step_model is None:
            return None
        limit = self.step_model._meta.get_field("actor_label").max_length
        return self.step_model(
            **{self.case_field: case},
            action=action,
            actor=user,
            actor_label=actor_label[:limit],
            note=note,
            occurred_at=at,
        )


def _shown(key: str, audited: tuple[str, ...] | None) -> bool:
    return audited is None or key in audited


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case workflow steps must run inside transaction.atomic()")


# --- Reminders --------------------------------------------------------------------------------------


def reminder_cutoff(now: dt.datetime, workdays_left: int) -> dt.datetime:
    """Deadlines up to this moment have at most `workdays_left` working days left, today counted
    (`workdays.workdays_left`, the countdown every party sees), so that a sweep finds the cases
    to remind with one indexed range query.

    A deadline ends at 00:00 after its last day; it has at most K working days left when its
    last day comes before the (K+1)th working day counted from today.
    """
    today = as_local_date(now)
    first_too_far = add_workdays(today - dt.timedelta(days=1), workdays_left + 1)
    return dt.datetime.combine(first_too_far, dt.time(0), tzinfo=SHANGHAI)
