"""Reads of the pull pages: whose sources a user sees, and a source's runs."""

from django.db.models import QuerySet
from django.http import Http404

from catalog.models import Provider
from catalog.selectors import providers_of

from .models import PullRun, PullSource

RUNS_SHOWN = 20
ERRORS_SHOWN = 500


def pull_providers(user) -> QuerySet[Provider]:
    """The providers whose sources `user` may configure: the center's for all, staff their own."""
    if user.has_perm("collection.pull_for_any_provider"):
        return Provider.objects.filter(is_active=True).order_by("code")
    return providers_of(user)


def get_provider_for_pull(user, code: str) -> Provider:
    """404 for a provider the user may not configure, so outsiders learn nothing of it."""
    provider = pull_providers(user).filter(code=code).first()
    if provider is None:
        raise Http404("no such provider for this user")
    return provider


def sources_of(provider: Provider) -> QuerySet[PullSource]:
    return PullSource.objects.filter(provider=provider).order_by("name", "pk")


def get_source(provider: Provider, pk: int) -> PullSource:
    source = sources_of(provider).select_related("provider").filter(pk=pk).first()
    if source is None:
        raise Http404("no such source")
    return source


def recent_runs(source: PullSource) -> list[PullRun]:
    return list(source.runs.order_by("-started_at", "-pk")[:RUNS_SHOWN])


def last_runs(sources) -> dict[int, PullRun]:
    found: dict[int, PullRun] = {}
    for run in (
        PullRun.objects.filter(source__in=sources).order_by("source_id", "-started_at", "-pk").distinct("source_id")
    ):
        found[run.source_id] = run
    return found


def get_run(source: PullSource, pk: int) -> PullRun:
    run = source.runs.filter(pk=pk).first()
    if run is None:
        raise Http404("no such run")
    return run
