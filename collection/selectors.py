"""Read-side queries of the collection app."""

from django.db.models import F, Prefetch, QuerySet

from catalog.models import CatalogField, CatalogItem, CatalogVersion, Provider
from catalog.selectors import published_version

from .identifiers import IdentifierError, identifier_family, normalise_identifier
from .models import ApiToken, CreditRecord, Subject
from .personal_data import identifier_hash


class PublishedItems:
    """The items of the published catalog, each loaded once with its fields and providers.

    A published version never changes, so a bulk import of 100,000 rows can pass one instance
    to every `submit_record` call instead of loading the item again for each row.
    """

    def __init__(self, version: CatalogVersion | None = None):
        self.version = version if version is not None else published_version()
        self._items: dict[str, CatalogItem | None] = {}

    def get(self, code: str) -> CatalogItem | None:
        if code not in self._items:
            self._items[code] = self._load(code)
        return self._items[code]

    def _load(self, code: str) -> CatalogItem | None:
        if self.version is None:
            return None
        item = (
            CatalogItem.objects.filter(version=self.version, code=code)
            .select_related("disclosure_scheme")
            .prefetch_related(
                Prefetch("fields", queryset=CatalogField.objects.order_by("position", "id")),
                Prefetch("providers", queryset=Provider.objects.only("id", "code")),
            )
            .first()
        )
        if item is not None:
            item.provider_ids = frozenset(p.id for p in item.providers.all())
        return item


def subject_by_identifier(kind: str, raw: str) -> Subject | None:
    """The subject with this identifier, looked up by its keyed hash (never by a clear value)."""
    try:
        value = normalise_identifier(kind, raw, allow_irregular=True).value
    except IdentifierError:
        return None
    return Subject.objects.filter(identifier_hash=identifier_hash(identifier_family(kind), value)).first()


def record_of_provider(*, provider: Provider, item_code: str, source_key: str) -> CreditRecord | None:
    return CreditRecord.objects.filter(provider=provider, item_code=item_code, source_key=source_key).first()


def tokens_of(provider: Provider) -> QuerySet[ApiToken]:
    """Active tokens first, newest first."""
    return (
        ApiToken.objects.filter(provider=provider)
        .select_related("created_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
    )
