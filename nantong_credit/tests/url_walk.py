"""Every URL pattern of the project, as the resolver holds them (for the header and matrix tests)."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "office/objections/<int:pk>/refer/"
    name: str | None  # "objection_office:refer", or None for an unnamed pattern
    pattern: URLPattern

    @property
    def takes_arguments(self) -> bool:
        return self.pattern.pattern.regex.groups > 0 or "<" in self.route


def all_routes() -> list[Route]:
    routes: list[Route] = []
    _walk(get_resolver(), "", "", routes)
    return routes


def _walk(resolver: URLResolver, prefix: str, namespace: str, routes: list[Route]) -> None:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            _walk(entry, prefix + str(entry.pattern), inner, routes)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            routes.append(Route(prefix + str(entry.pattern), name, entry))
