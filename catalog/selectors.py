"""Read-side queries over the catalog."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from .models import CatalogField, CatalogItem, CatalogVersion, Category, Provider


@dataclass
class CategoryGroup:
    code: str
    label: str
    items: list[CatalogItem]


def published_version() -> CatalogVersion | None:
    """The catalog in force: the newest published version."""
    return CatalogVersion.objects.filter(status=CatalogVersion.Status.PUBLISHED).order_by("-number").first()


def items_of(version: CatalogVersion) -> QuerySet[CatalogItem]:
    return (
        version.items.select_related("disclosure_scheme")
        .prefetch_related(
            Prefetch("fields", queryset=CatalogField.objects.order_by("position", "id")),
            Prefetch("providers", queryset=Provider.objects.order_by("code")),
        )
        .order_by("position", "code")
    )


def group_by_category(items) -> list[CategoryGroup]:
    """Items grouped under the five categories of Art. 8, in the regulation's order."""
    groups = [CategoryGroup(value, str(label), []) for value, label in Category.choices]
    by_code = {group.code: group for group in groups}
    for item in items:
        by_code[item.category].items.append(item)
    return [group for group in groups if group.items]


def published_categories() -> list[CategoryGroup]:
    version = published_version()
    return group_by_category(items_of(version)) if version else []


def providers_of(user) -> QuerySet[Provider]:
    """The providers whose staff the user is."""
    if not user.is_authenticated:
        return Provider.objects.none()
    return Provider.objects.filter(staff=user, is_active=True).order_by("code")
