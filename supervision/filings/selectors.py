"""What each department has filed: the rows of the public list and of the reminder sweep."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from catalog.models import Provider

from .models import Filing, FilingKind


@dataclass
class KindState:
    kind: str
    label: str
    accepted: Filing | None = None  # the newest accepted version: the one in force
    pending: Filing | None = None
    returned: Filing | None = None  # the newest version, when it was returned

    @property
    def needs_filing(self) -> bool:
        """Nothing accepted and nothing waiting: never filed, or returned and not filed again."""
        return self.accepted is None and self.pending is None


@dataclass
class DepartmentFilings:
    provider: Provider
    kinds: list[KindState] = field(default_factory=list)

    @property
    def filed_nothing(self) -> bool:
        return all(state.accepted is None for state in self.kinds)

    @property
    def missing_kinds(self) -> list[str]:
        return [state.kind for state in self.kinds if state.needs_filing]


def departments(providers: QuerySet[Provider] | None = None) -> list[DepartmentFilings]:
    """Every active department with the state of each kind of filing, in one query of filings."""
    providers = providers if providers is not None else Provider.objects.filter(is_active=True).order_by("code")
    rows = {
        p.pk: DepartmentFilings(p, [KindState(k, str(label)) for k, label in FilingKind.choices]) for p in providers
    }
    filings = Filing.objects.filter(provider_id__in=rows.keys()).order_by("provider_id", "kind", "-version")
    for filing in filings:
        state = next(s for s in rows[filing.provider_id].kinds if s.kind == filing.kind)
        if filing.status == Filing.Status.ACCEPTED and state.accepted is None:
            state.accepted = filing
        elif filing.status == Filing.Status.SUBMITTED:
            state.pending = filing
        elif filing.status == Filing.Status.RETURNED and state.accepted is None and state.returned is None:
            state.returned = filing
    return list(rows.values())


def accepted_filings() -> QuerySet[Filing]:
    return Filing.objects.filter(status=Filing.Status.ACCEPTED).select_related("provider")
